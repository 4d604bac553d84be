import { explainExpr, type ExpressionTrace } from '../compile/explain.ts'
import type { Expr } from '../syntax/ast.ts'
import type { RegexCache } from '../values/regex/index.ts'
import type { Context } from '../context/context.ts'
import type { Match } from '../context/match.ts'
import type { Result } from '../diagnostics/diagnostic.ts'
import type { RouteInput } from './route.ts'

/** One route's part in an explanation. */
export interface RouteExplanation {
  readonly id: string
  readonly priority: bigint
  readonly source: string | undefined
  readonly matched: boolean
  readonly trace: ExpressionTrace
}

/** Why a request matched the route it did: every route tried before the winner, and the winner. */
export interface Explanation {
  readonly match: Match | undefined
  /** Routes in evaluation order, up to and including the winner (every route with `all`). */
  readonly routes: readonly RouteExplanation[]
}

/** What `explain` covers. */
export interface ExplainOptions {
  /**
   * Also explain the routes after the winner, which the router never tries: whether each would
   * have matched, or which predicate it fails on, to tell why a route lost to the winner.
   */
  readonly all?: boolean
}

/** What every router offers; the linear reference and the indexed router both implement it. */
export interface RouterApi {
  /** Adds a route; a bad expression comes back as diagnostics and changes nothing. Throws on a duplicate (priority, id). */
  add(route: RouteInput): Result<void>
  /**
   * Adds many routes at once, all or nothing: when one does not compile, nothing is added; a
   * (priority, id) listed twice or already present throws, also before anything is added.
   */
  addAll(routes: Iterable<RouteInput>): { readonly ok: boolean }
  /** Removes the route with this id (only the entry with this priority when given); false if absent. */
  remove(id: string, priority?: bigint | number | string): boolean
  /** Replaces every entry of the route's id with the new one, or changes nothing when it does not compile. */
  replace(route: RouteInput): Result<void>
  /** The highest-priority matching route, or undefined. */
  match(context: Context): Match | undefined
  /** Explains the evaluation of a request route by route. */
  explain(context: Context, options?: ExplainOptions): Explanation
  /** The fields the routes read: compute only these per request. */
  readonly fields: ReadonlySet<string>
  /** The number of route entries. */
  readonly size: number
  /** True when a route with this id is present. */
  has(id: string): boolean
}

/** Explains routes given in evaluation order, stopping after the first that matches unless `all`. */
export function explainRoutes(
  ordered: Iterable<{ readonly id: string; readonly priority: bigint; readonly source: string | undefined; readonly expr: Expr }>,
  context: Context,
  regexes: RegexCache,
  match: Match | undefined,
  options: ExplainOptions = {},
): Explanation {
  const routes: RouteExplanation[] = []
  for (const route of ordered) {
    const trace = explainExpr(route.expr, context, { regexes })
    routes.push({ id: route.id, priority: route.priority, source: route.source, matched: trace.result, trace })
    if (trace.result && options.all !== true) break
  }
  return { match, routes }
}
