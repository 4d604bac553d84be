/**
 * The single entry point that turns a traditional route into router entries: validation, path
 * splitting, expression, flavor additions and priority.
 */
import { schemaViolation, type FieldError, type SchemaViolation } from './errors.ts'
import { traditionalExpression } from './expression.ts'
import { flavorExpression } from './flavor.ts'
import { routePriority } from './priority.ts'
import type { Flavor, PriorityLayout, TraditionalRoute } from './route.ts'
import { splitByPath } from './split.ts'
import { normalizeRoute, withEntityDefaults, type RouteDefaults } from './validate.ts'

/** One entry for the router: `Router.add` takes it as is. */
export interface TraditionalMatcher {
  /** The route id, or the derived UUIDv5 of one of its path groups. */
  readonly id: string
  readonly priority: bigint
  readonly expression: string
  /** The id of the route this matcher belongs to (equal to `id` unless the route was split). */
  readonly routeId: string
  /** The route as this matcher sees it (a split matcher holds only its paths). */
  readonly route: TraditionalRoute
}

/** Options of `traditionalMatchers`. */
export interface TraditionalMatcherOptions {
  readonly flavor: Flavor
  /** `effective` (Kong 3.10, the default) or `documented`. */
  readonly priority?: PriorityLayout
  /**
   * `entity` (default): the Admin API's defaults fill unset fields, as for routes read from Kong's
   * database or a declarative file. `router`: unset fields stay unset, as in Kong's router unit tests
   * and the conformance cases (unset protocols → no protocol predicate).
   */
  readonly defaults?: RouteDefaults
  /**
   * `true` (default): Kong's entity validation first. `false`: convert the route as given, as Kong's
   * router does with route tables that never passed the schema (its unit tests use hosts such as
   * `route.*:80`, which the schema rejects); the engine still refuses expressions it cannot load.
   */
  readonly check?: boolean
}

/** The matchers of a valid route, or every problem found with Kong's error body. */
export type TraditionalMatchersResult =
  | { readonly ok: true; readonly matchers: readonly TraditionalMatcher[]; readonly errors: readonly [] }
  | { readonly ok: false; readonly matchers: readonly []; readonly errors: readonly FieldError[]; readonly violation: SchemaViolation }

/**
 * Validates an Admin-API-shaped route (object with `id` and the traditional fields) and converts it
 * into its router entries: one per path group (§2.10), each with Kong's exact expression text for the
 * flavor (§2) and its 64-bit priority (§3). A route without `id` gets the id `""`.
 */
export function traditionalMatchers(route: unknown, options: TraditionalMatcherOptions): TraditionalMatchersResult {
  if (options.check === false) {
    if (typeof route !== 'object' || route === null || Array.isArray(route)) {
      const errors = [{ field: '@entity', message: 'expected a record' }]
      return { ok: false, matchers: [], errors, violation: schemaViolation(errors) }
    }
    const given = route as TraditionalRoute
    const typed = (options.defaults ?? 'entity') === 'entity' ? withEntityDefaults(given) : given
    return { ok: true, matchers: matchersOf(typed, options), errors: [] }
  }
  const checked = normalizeRoute(route, { flavor: options.flavor, defaults: options.defaults ?? 'entity' })
  if (!checked.ok) return { ok: false, matchers: [], errors: checked.errors, violation: checked.violation }
  return { ok: true, matchers: matchersOf(checked.route, options), errors: [] }
}

/** Converts an already validated route (no checks): its router entries. */
export function matchersOf(route: TraditionalRoute, options: TraditionalMatcherOptions): TraditionalMatcher[] {
  const routeId = route.id ?? ''
  return splitByPath(route, routeId).map((part) => ({
    id: part.id,
    priority: routePriority(part.route, options.priority ?? 'effective'),
    expression: flavorExpression(traditionalExpression(part.route), part.route.protocols, options.flavor),
    routeId,
    route: part.route,
  }))
}
