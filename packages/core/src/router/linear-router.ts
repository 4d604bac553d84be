import type { Context } from '../context/context.ts'
import { MatchRecord, type Match } from '../context/match.ts'
import type { Result } from '../diagnostics/diagnostic.ts'
import type { Schema } from '../schema/schema.ts'
import { RegexCache } from '../values/regex/index.ts'
import { runMatcher } from '../compile/predicate.ts'
import { FieldCounter } from './field-counter.ts'
import { assertListedOnce, normalizeId, normalizePriority, prepareRoute, routeKey, RouterError, type PreparedRoute, type RouteInput, type RouterOptions, type RouterParsing } from './route.ts'
import { explainRoutes, type ExplainOptions, type Explanation, type RouterApi } from './router-api.ts'
import { SortedRoutes } from './sorted-routes.ts'

/**
 * The reference router: routes in one array in evaluation order (descending priority, then descending
 * id), tried one by one like atc-router. It defines "correct" for the indexed router, and compiles
 * every route on its own, without the parts the indexed router shares (see `MatcherCache`).
 */
export class LinearRouter implements RouterApi {
  readonly #schema: Schema
  readonly #regexes: RegexCache
  readonly #parsing: RouterParsing
  readonly #routes = new SortedRoutes<PreparedRoute & { seen: number }>()
  readonly #fields = new FieldCounter()
  readonly #record = new MatchRecord()

  /**
   * Creates an empty router for a schema; pass a shared regex cache to share compiled regexes, and
   * `lists: true` to accept lists after `in` / `not in` (a Switchyard extension, see `ParseOptions`).
   */
  constructor(schema: Schema, options: RouterOptions = {}) {
    this.#schema = schema
    this.#regexes = options.regexes ?? new RegexCache()
    this.#parsing = { regexes: this.#regexes, lists: options.lists === true }
  }

  add(route: RouteInput): Result<void> {
    // A held (priority, id) is refused before the expression is read, as atc-router 1.7.1 does.
    const key = routeKey(route)
    this.#assertNew(key)
    const prepared = prepareRoute(route, this.#schema, this.#parsing, key)
    if (!prepared.ok) return prepared
    this.#insert(prepared.value)
    return { ok: true, value: undefined, diagnostics: prepared.diagnostics }
  }

  /**
   * Adds many routes, sorting once at the end. All-or-nothing like `Router.addAll`: the first route
   * that does not compile is returned and nothing is added; a (priority, id) already present or
   * listed twice throws `RouterError`, also before anything is added.
   */
  addAll(routes: Iterable<RouteInput>): Result<void> {
    const prepared: PreparedRoute[] = []
    const keys = new Set<string>()
    for (const route of routes) {
      const key = routeKey(route)
      this.#assertNew(key)
      const result = prepareRoute(route, this.#schema, this.#parsing, key)
      if (!result.ok) return result
      assertListedOnce(keys, result.value)
      prepared.push(result.value)
    }
    for (const route of prepared) {
      this.#routes.insert({ ...route, seen: 0 }, true)
      this.#fields.add(route.fields)
    }
    this.#routes.finish()
    return { ok: true, value: undefined, diagnostics: [] }
  }

  remove(id: string, priority?: bigint | number | string): boolean {
    const key = normalizeId(id)
    const exact = priority === undefined ? undefined : normalizePriority(priority)
    let removed = false
    for (const route of this.#routes.items.filter((r) => r.id === key && (exact === undefined || r.priority === exact))) {
      this.#routes.remove(route)
      this.#fields.remove(route.fields)
      removed = true
    }
    return removed
  }

  replace(route: RouteInput): Result<void> {
    const prepared = prepareRoute(route, this.#schema, this.#parsing)
    if (!prepared.ok) return prepared
    this.remove(prepared.value.id)
    this.#insert(prepared.value)
    return { ok: true, value: undefined, diagnostics: prepared.diagnostics }
  }

  match(context: Context): Match | undefined {
    const record = this.#record
    for (const route of this.#routes.items) {
      record.clear()
      if (runMatcher(route.matcher, context, record)) {
        const match = record.toMatch(route.id, route.priority)
        record.clear()
        return match
      }
    }
    record.clear()
    return undefined
  }

  explain(context: Context, options?: ExplainOptions): Explanation {
    return explainRoutes(this.#routes.items, context, this.#regexes, this.match(context), options)
  }

  get fields(): ReadonlySet<string> {
    return this.#fields.fields
  }

  get size(): number {
    return this.#routes.size
  }

  has(id: string): boolean {
    const key = normalizeId(id)
    return this.#routes.items.some((r) => r.id === key)
  }

  /** The routes in evaluation order. */
  routes(): readonly PreparedRoute[] {
    return this.#routes.items
  }

  #assertNew(route: { readonly id: string; readonly priority: bigint }): void {
    if (this.#routes.hasKey(route)) throw new RouterError(`a route with id ${route.id} and priority ${route.priority} already exists`)
  }

  /** Inserts a route whose (priority, id) the caller has checked is new (or has just removed). */
  #insert(route: PreparedRoute): void {
    this.#routes.insert({ ...route, seen: 0 })
    this.#fields.add(route.fields)
  }
}
