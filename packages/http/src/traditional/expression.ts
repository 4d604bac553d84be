/**
 * The expression Kong generates for a traditional route (traditional-routes.md §2.1; Kong
 * `transform.lua` `get_expression`), byte for byte.
 */
import { addressesExpression } from './addresses.ts'
import { headersExpression } from './headers.ts'
import { hostsExpression } from './hosts.ts'
import { orGroup, stringLiteral } from './literals.ts'
import { pathsExpression } from './paths.ts'
import { hasHeaders, isPresent, isStreamRoute, type TraditionalRoute } from './route.ts'
import { snisExpression } from './snis.ts'

/**
 * The route's expression: `route.expression` when set, else one parenthesised group per present field
 * in the fixed order snis, sources, destinations, then (HTTP routes only) methods, hosts, paths,
 * headers (one group per header name), joined with ` && `. An empty route gives `""`.
 */
export function traditionalExpression(route: TraditionalRoute): string {
  if (route.expression !== undefined && route.expression !== null) return route.expression
  const groups: string[] = []
  const stream = isStreamRoute(route)
  if (isPresent(route.snis)) groups.push(snisExpression(route.snis, stream))
  if (isPresent(route.sources)) groups.push(addressesExpression('src', route.sources))
  if (isPresent(route.destinations)) groups.push(addressesExpression('dst', route.destinations))
  if (stream) return groups.join(' && ')
  if (isPresent(route.methods))
    groups.push(orGroup(route.methods.map((method) => `http.method == ${stringLiteral(method)}`)))
  if (isPresent(route.hosts)) groups.push(hostsExpression(route.hosts))
  if (isPresent(route.paths)) groups.push(pathsExpression(route.paths))
  if (hasHeaders(route.headers)) groups.push(headersExpression(route.headers))
  return groups.join(' && ')
}
