/**
 * The `snis` field: the expression Kong generates and the schema's checks (traditional-routes.md
 * §1.1, §2.3).
 */
import { parseIpAddr } from '@switchyard/core'
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

/** Kong's check of one SNI in the ATC flavors: the error text, or `undefined`. */
export function checkSni(sni: string): string | undefined {
  if (sni.length === 0) return 'length must be at least 1'
  const star = sni.indexOf('*')
  if (star >= 0 && (sni.indexOf('*', star + 1) >= 0 || (star !== 0 && star !== sni.length - 1)))
    return 'wildcard must be leftmost or rightmost character'
  const plain = sni.replace('*', 'x')
  const bare = plain.startsWith('[') && plain.endsWith(']') ? plain.slice(1, -1) : plain
  if (parseIpAddr(bare) !== undefined) return 'must not be an IP'
  if (/:\d*$/.test(plain)) return 'must not have a port'
  if (!/^[0-9A-Za-z\-._]+$/.test(plain)) return `invalid hostname: ${sni}`
  const labels = plain.split('.')
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!
    if (label.endsWith('-') || (label === '' && i !== labels.length - 1)) return `invalid hostname: ${sni}`
  }
  return undefined
}
