import { explainExpr } from '../compile/explain.ts'
import type { Context } from '../context/context.ts'
import { MatchRecord, type Match } from '../context/match.ts'
import type { Result } from '../diagnostics/diagnostic.ts'
import type { Schema } from '../schema/schema.ts'
import { RegexCache } from '../values/regex/index.ts'
import { FieldCounter } from './field-counter.ts'
import { compareRoutes, normalizeId, normalizePriority, prepareRoute, RouterError, type PreparedRoute, type RouteInput } from './route.ts'
import type { Explanation, RouteExplanation, RouterApi } from './router-api.ts'

/**
 * The reference router: routes in one array in evaluation order (descending priority, then descending
 * id), tried one by one like atc-router. It defines "correct" for the indexed router.
 */
export class LinearRouter implements RouterApi {
  readonly #schema: Schema
  readonly #regexes: RegexCache
  readonly #routes: PreparedRoute[] = []
  readonly #fields = new FieldCounter()
  readonly #record = new MatchRecord()

  /** Creates an empty router for a schema; pass a shared regex cache to share compiled regexes. */
  constructor(schema: Schema, options: { regexes?: RegexCache } = {}) {
    this.#schema = schema
    this.#regexes = options.regexes ?? new RegexCache()
  }

  add(route: RouteInput): Result<void> {
    const prepared = prepareRoute(route, this.#schema, this.#regexes)
    if (!prepared.ok) return prepared
    this.#insert(prepared.value)
    return { ok: true, value: undefined, diagnostics: prepared.diagnostics }
  }

  remove(id: string, priority?: bigint | number | string): boolean {
    const key = normalizeId(id)
    const exact = priority === undefined ? undefined : normalizePriority(priority)
    let removed = false
    for (let i = this.#routes.length - 1; i >= 0; i--) {
      const route = this.#routes[i] as PreparedRoute
      if (route.id !== key || (exact !== undefined && route.priority !== exact)) continue
      this.#routes.splice(i, 1)
      this.#fields.remove(route.fields)
      removed = true
    }
    return removed
  }

  replace(route: RouteInput): Result<void> {
    const prepared = prepareRoute(route, this.#schema, this.#regexes)
    if (!prepared.ok) return prepared
    this.remove(prepared.value.id)
    this.#insert(prepared.value)
    return { ok: true, value: undefined, diagnostics: prepared.diagnostics }
  }

  match(context: Context): Match | undefined {
    const record = this.#record
    for (const route of this.#routes) {
      record.clear()
      if (route.matcher(context, record)) {
        const match = record.toMatch(route.id, route.priority)
        record.clear()
        return match
      }
    }
    record.clear()
    return undefined
  }

  explain(context: Context): Explanation {
    const routes: RouteExplanation[] = []
    for (const route of this.#routes) {
      const trace = explainExpr(route.expr, context, { regexes: this.#regexes })
      routes.push({ id: route.id, priority: route.priority, source: route.source, matched: trace.result, trace })
      if (trace.result) break
    }
    return { match: this.match(context), routes }
  }

  get fields(): ReadonlySet<string> {
    return this.#fields.fields
  }

  get size(): number {
    return this.#routes.length
  }

  has(id: string): boolean {
    const key = normalizeId(id)
    return this.#routes.some((r) => r.id === key)
  }

  /** The routes in evaluation order. */
  routes(): readonly PreparedRoute[] {
    return this.#routes
  }

  #insert(route: PreparedRoute): void {
    const routes = this.#routes
    let low = 0
    let high = routes.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (compareRoutes(routes[mid] as PreparedRoute, route) < 0) low = mid + 1
      else high = mid
    }
    const existing = routes[low]
    if (existing !== undefined && compareRoutes(existing, route) === 0) {
      throw new RouterError(`a route with id ${route.id} and priority ${route.priority} already exists`)
    }
    routes.splice(low, 0, route)
    this.#fields.add(route.fields)
  }
}
