/**
 * The `snis` field: the expression Kong generates and the schema's checks (traditional-routes.md
 * §1.1, §2.3).
 */
import { checkHostWithOptionalPort, hasPort, hostnameType } from './hosts.ts'
import { orGroup, stringLiteral } from './literals.ts'

/** The predicate for one SNI: leading `*` → `=^`, trailing `*` → `^=`, else `==`; FQDN dot dropped for `==`/`=^`. */
export function sniPredicate(sni: string): string {
  if (!sni.startsWith('*') && sni.endsWith('*')) return `tls.sni ^= ${stringLiteral(sni.slice(0, -1))}`
  let value = sni
  // The last dot of an FQDN must not be used for routing (Kong drops it before the wildcard).
  if (value.length > 1 && value.endsWith('.')) value = value.slice(0, -1)
  if (sni.startsWith('*')) return `tls.sni =^ ${stringLiteral(value.slice(1))}`
  return `tls.sni == ${stringLiteral(value)}`
}

/**
 * The SNI group, guarded so that a connection that is not TLS ignores `snis` (Kong issue #6425):
 * `(net.protocol != "https" || (…))`, or `"tls"` for stream routes.
 */
export function snisExpression(snis: readonly string[], stream: boolean): string {
  const guard = `net.protocol != r#"${stream ? 'tls' : 'https'}"#`
  return `(${guard} || ${orGroup(snis.map(sniPredicate))})`
}

/**
 * Kong's check of one SNI in the ATC flavors (typedefs `wildcard_host`, validate_wildcard_host):
 * the wildcard's place, then its count, then the host with `wildcard` for `*` read as
 * `normalize_ip` reads it (any error but a bad port is `invalid value: <that host>`), then an
 * address (even with a port) is refused, then a port. The error text, or `undefined`.
 */
export function checkSni(sni: string): string | undefined {
  if (sni.length === 0) return 'length must be at least 1'
  const star = sni.indexOf('*')
  if (star >= 0 && star !== 0 && star !== sni.length - 1) return 'wildcard must be leftmost or rightmost character'
  if (star >= 0 && sni.indexOf('*', star + 1) >= 0) return 'only one wildcard must be specified'
  const host = sni.replace('*', 'wildcard')
  const error = checkHostWithOptionalPort(host)
  if (error !== undefined && error !== 'invalid port number') return `invalid value: ${host}`
  if (error === undefined && hostnameType(host) !== 'name') return 'must not be an IP'
  return error !== undefined || hasPort(host) ? 'must not have a port' : undefined
}
