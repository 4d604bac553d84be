/**
 * Path splitting (traditional-routes.md §2.10): a route whose paths fall into several groups
 * becomes one matcher per group, each with Kong's derived id.
 */
import { groupPaths } from './paths.ts'
import { isPresent, isStreamRoute, type TraditionalRoute } from './route.ts'
import { SPLIT_ROUTE_NAMESPACE, uuidV5 } from './uuid.ts'

/** One matcher's share of a route: the route with some of its paths, and the id the engine sees. */
export interface RoutePart {
  readonly id: string
  readonly route: TraditionalRoute
}

/** The id Kong gives group `index` (1-based) of route `id`: UUIDv5 of `"<id>#<index>"`. */
export function splitRouteId(id: string, index: number): string {
  return uuidV5(SPLIT_ROUTE_NAMESPACE, `${id}#${index}`)
}

/**
 * Splits an HTTP route without `expression` whose paths form more than one group (all regexes; or
 * prefixes by byte length); every other route is returned whole with its own id.
 */
export function splitByPath(route: TraditionalRoute, id: string): RoutePart[] {
  const hasExpression = route.expression !== undefined && route.expression !== null
  if (hasExpression || isStreamRoute(route) || !isPresent(route.paths) || route.paths.length < 2) return [{ id, route }]
  const groups = groupPaths(route.paths)
  if (groups.length === 1) return [{ id, route }]
  return groups.map((paths, index) => ({ id: splitRouteId(id, index + 1), route: { ...route, paths } }))
}
