/**
 * The `hosts` field: splitting `host:port`, the expression Kong generates, and the schema's checks
 * (traditional-routes.md §1.2, §2.6).
 */
import { rawLiteral, orGroup } from './literals.ts'
import { luaNumberText, luaToNumber } from './lua-number.ts'

/** A route host split as Kong's `split_host_port` splits it. */
export interface HostAndPort {
  readonly host: string
  readonly port: number | undefined
}

/**
 * Splits at the first `:` when the rest is a Lua number; otherwise the whole text is the host
 * (so `[::1]:80` stays whole, because `:1]:80` is not a number).
 */
export function splitHostPort(text: string): HostAndPort {
  const colon = text.indexOf(':')
  if (colon < 0) return { host: text, port: undefined }
  const port = luaToNumber(text.slice(colon + 1))
  if (port === undefined) return { host: text, port: undefined }
  return { host: text.slice(0, colon), port }
}

/**
 * The predicate for one host: `*.x` → `=^ ".x"`, `x.*` → `^= "x."`, else `==`, and `&& net.dst.port == P`
 * with a port, written as Lua writes the number (`:1e15` → `1e+15`, which the engine then refuses).
 */
export function hostPredicate(text: string): string {
  const { host, port } = splitHostPort(text)
  let predicate: string
  if (host.startsWith('*')) predicate = `http.host =^ ${rawLiteral(host.slice(1))}`
  else if (host.endsWith('*')) predicate = `http.host ^= ${rawLiteral(host.slice(0, -1))}`
  else predicate = `http.host == ${rawLiteral(host)}`
  return port === undefined ? predicate : `(${predicate} && net.dst.port == ${luaNumberText(port)})`
}

/** The OR-group for a route's hosts, in route order. */
export function hostsExpression(hosts: readonly string[]): string {
  return orGroup(hosts.map(hostPredicate))
}

/** True when a host uses a wildcard (it clears the "plain hosts only" priority bit). */
export function isWildcardHost(host: string): boolean {
  return host.includes('*')
}

/**
 * Kong's check of one `hosts` element (typedefs `wildcard_host`): the error text, or `undefined`
 * when the value is accepted.
 */
export function checkHost(host: string): string | undefined {
  if (host.length === 0) return 'length must be at least 1'
  const stars = host.split('*').length - 1
  if (stars > 1) return 'invalid wildcard: must have at most one wildcard'
  if (stars === 1 && !host.startsWith('*.') && !host.endsWith('.*'))
    return 'invalid wildcard: must be placed at leftmost or rightmost label'
  return checkHostWithOptionalPort(host.replace('*', 'abc'))
}

/** Kong's `hostname_type`: more than one colon is IPv6, digits and dots (and one colon) IPv4, else a name. */
export function hostnameType(address: string): 'ipv4' | 'ipv6' | 'name' {
  if (address.split(':').length - 1 > 1) return 'ipv6'
  return /^[0-9.]+$/.test(address.replace(':', '')) ? 'ipv4' : 'name'
}

/** Kong's `host_with_optional_port`: a hostname, IPv4 or `[IPv6]`, each with an optional `:port`. */
export function checkHostWithOptionalPort(address: string): string | undefined {
  const type = hostnameType(address)
  return type === 'ipv6' ? checkIpv6(address) : type === 'ipv4' ? checkIpv4(address) : checkHostname(address)
}

function checkPort(text: string): string | undefined {
  return Number(text) > 65535 ? 'invalid port number' : undefined
}

function checkIpv4(address: string): string | undefined {
  // Kong's normalize_ipv4: one to three digits per octet, and a port of at least one digit after a colon.
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?$/.exec(address)
  if (match === null) return `invalid ipv4 address: ${address}`
  for (let i = 1; i <= 4; i++) if (Number(match[i]) > 255) return `invalid ipv4 address: ${address}`
  return match[5] === undefined ? undefined : checkPort(match[5])
}

/**
 * Kong's `normalize_ipv6` (kong/tools/ip.lua): an optional `[…]:port`, then a leading or trailing
 * `:` completed with `0`, the first `::` expanded, and eight groups of one to four hex digits (no
 * embedded IPv4, no second `::`).
 */
function checkIpv6(address: string): string | undefined {
  let body = address
  let port: string | undefined
  // Lua's `%b[]`: the balanced brackets from the first `[`.
  const close = address.startsWith('[') ? balancedEnd(address) : -1
  if (close >= 0) {
    body = address.slice(1, close)
    const rest = address.slice(close + 1)
    if (rest !== '') {
      // An empty port is no number: Kong's comparison of it fails, so the address is refused.
      const digits = /^:(\d+)$/.exec(rest)
      if (digits === null) return 'invalid ipv6 address'
      port = digits[1]
    }
  }
  let check = body
  if (check.startsWith(':')) check = `0${check}`
  if (check.endsWith(':')) check = `${check}0`
  if (check.includes('::')) check = check.replace('::', `:${'0:'.repeat(Math.max(0, 8 - (check.split(':').length - 1)))}`)
  if (!/^[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}$/.test(check)) return `invalid ipv6 address: ${address}`
  return port === undefined ? undefined : checkPort(port)
}

/** The index of the `]` that closes the `[` at 0, counting nested ones, or -1. */
function balancedEnd(text: string): number {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '[') depth++
    else if (text[i] === ']' && --depth === 0) return i
  }
  return -1
}

/**
 * Kong's `validate_host` (typedefs `host`, a service's host): any error of `normalize_ip` but a bad
 * port is `invalid value: <host>`, and any port is refused.
 */
export function checkHostWithoutPort(host: string): string | undefined {
  const error = checkHostWithOptionalPort(host)
  if (error !== undefined && error !== 'invalid port number') return `invalid value: ${host}`
  return error !== undefined || hasPort(host) ? 'must not have a port' : undefined
}

/** Whether an address `normalize_ip` accepts carries a port: after `]` for IPv6, after a `:` otherwise. */
export function hasPort(address: string): boolean {
  return hostnameType(address) === 'ipv6' ? /\]:/.test(address) : address.includes(':')
}

function checkHostname(address: string): string | undefined {
  let name = address
  const port = /:(\d+)$/.exec(address)
  if (port !== null) {
    name = address.slice(0, -(port[1]!.length + 1))
    const portError = checkPort(port[1]!)
    if (portError !== undefined) return portError
  }
  if (!/^[0-9A-Za-z\-._]+$/.test(name)) return `invalid hostname: ${address}`
  const labels = name.split('.')
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!
    // A trailing dot (empty last label) is an FQDN and accepted; any other empty label is not.
    if (label.endsWith('-') || (label === '' && i !== labels.length - 1)) return `invalid hostname: ${address}`
  }
  return undefined
}
