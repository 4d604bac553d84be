/**
 * What each ATC flavor adds to a route's expression (traditional-routes.md §2.9, language §8.3–8.4).
 */
import { rewriteNetPort } from '../net-port.ts'
import { stringLiteral } from './literals.ts'
import type { Flavor } from './route.ts'

// Kong maps gRPC and passthrough protocols onto the values `net.protocol` takes.
const PROTOCOL_VALUE: Readonly<Record<string, string>> = { grpc: 'http', grpcs: 'https', tls_passthrough: 'tcp' }

/**
 * The `expressions` flavor's protocol predicate, or `undefined` when none is added: none for a single
 * `https`, `tls` or `tls_passthrough` protocol (so Kong can still redirect or answer 426), none when
 * `protocols` is unset.
 */
export function protocolPredicate(protocols: readonly string[] | null | undefined): string | undefined {
  if (protocols === undefined || protocols === null || protocols.length === 0) return undefined
  if (protocols.length === 1 && ['https', 'tls', 'tls_passthrough'].includes(protocols[0]!)) return undefined
  return `(${protocols.map((protocol) => `net.protocol == ${stringLiteral(PROTOCOL_VALUE[protocol] ?? protocol)}`).join(' || ')})`
}

/**
 * The text the router receives for an expression in a flavor: as is in `traditional_compatible`;
 * in `expressions`, `net.port` rewritten and the protocol predicate appended with ` && ` (no
 * parentheses around the expression: `&&` is the loosest operator).
 */
export function flavorExpression(expression: string, protocols: readonly string[] | null | undefined, flavor: Flavor): string {
  if (flavor === 'traditional_compatible') return expression
  const rewritten = rewriteNetPort(expression)
  const predicate = protocolPredicate(protocols)
  return predicate === undefined ? rewritten : `${rewritten} && ${predicate}`
}
