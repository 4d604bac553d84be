/**
 * The `sources` and `destinations` fields: the expression Kong generates, their stream-priority
 * bits and the schema's checks (traditional-routes.md §1.1, §2.4, §3.1).
 */
import { parseIpAddr, parseIpCidr } from '@switchyard/core'
import { setOwn } from '../set-own.ts'
import { luaNumberText, luaToNumber } from './lua-number.ts'
import type { AddressMatch } from './route.ts'

/** Which side of the connection a field describes. */
export type AddressSide = 'src' | 'dst'

/**
 * An `ip` value split as ipmatcher's `split_ip` splits it: the text before the first `/`, and the
 * rest read with Lua's `tonumber` (`undefined` without a `/` or when the rest is no number, so
 * `10.0.0.1/` and `1.2.3.4/32/1` have no length and are compared with `==`).
 */
export function splitIp(ip: string): { readonly address: string; readonly length: number | undefined } {
  const slash = ip.indexOf('/')
  if (slash < 0) return { address: ip, length: undefined }
  return { address: ip.slice(0, slash), length: luaToNumber(ip.slice(slash + 1)) }
}

/**
 * The CIDR text Kong writes (`parse_ip_addr`): the length as Lua writes the number (`::/08` is
 * `::/8`), and for an IPv4 address (as `inet_pton` reads one: four decimal octets, no leading zero)
 * the address with its host bits cleared by LuaJIT's 32-bit shifts, whose count is taken modulo 32,
 * so IPv4 `/0` keeps its address (only `0.0.0.0/0` is then valid for the engine). Any other address
 * (IPv6, `010.1.2.3`, `300.1.2.3`) is copied as written.
 */
export function cidrLiteral(address: string, length: number): string {
  // Core's IPv4 reading is inet_pton's: four decimal octets up to 255, no leading zero.
  const ip = parseIpAddr(address)
  if (ip?.family !== 4) return `${address}/${luaNumberText(length)}`
  const shift = luaBit(32 - length)
  const network = (ip.value >>> shift) << shift
  return `${(network >>> 24) & 255}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${luaNumberText(length)}`
}

/** The address text Kong writes for an `ip` value: the address alone without a length, else `cidrLiteral`. */
export function addressLiteral(ip: string): string {
  const { address, length } = splitIp(ip)
  return length === undefined ? address : cidrLiteral(address, length)
}

/**
 * The alternative for one element: `ip == A` (no CIDR length), `ip in C`, `port == P`, or
 * `(ip … && port == P)`; numbers are written as Lua writes them.
 */
export function addressPredicate(side: AddressSide, element: AddressMatch): string {
  const ip = element.ip ?? undefined
  const port = element.port ?? undefined
  let ipPart: string | undefined
  if (ip !== undefined) {
    const { address, length } = splitIp(ip)
    ipPart = length === undefined ? `net.${side}.ip == ${address}` : `net.${side}.ip in ${cidrLiteral(address, length)}`
  }
  const portPart = port === undefined ? undefined : `net.${side}.port == ${luaNumberText(port)}`
  if (ipPart !== undefined && portPart !== undefined) return `(${ipPart} && ${portPart})`
  return ipPart ?? portPart ?? ''
}

/** LuaJIT's number → 32-bit integer conversion for bit operations: rounded half to even, then wrapped. */
function luaBit(value: number): number {
  if (!Number.isFinite(value)) return 0
  let rounded = Math.round(value)
  if (Math.abs(value % 1) === 0.5 && rounded % 2 !== 0) rounded -= 1
  return rounded | 0
}

/** The OR-group for a sources or destinations list, in route order; elements without ip and port are skipped. */
export function addressesExpression(side: AddressSide, elements: readonly AddressMatch[]): string {
  const alternatives = elements
    .map((element) => addressPredicate(side, element))
    .filter((alternative) => alternative !== '')
  return `(${alternatives.join(' || ')})`
}

/** Stream-priority bits of a list: 8 for an address, 1 for a CIDR, 4 for a port, OR-ed (IP > port > CIDR). */
export function addressBits(elements: readonly AddressMatch[]): number {
  let bits = 0
  for (const element of elements) {
    const ip = element.ip ?? undefined
    if (ip !== undefined) bits |= ip.includes('/') ? 1 : 8
    if (element.port !== undefined && element.port !== null) bits |= 4
  }
  return bits
}

/**
 * Kong's check of one element (a record of `ip` and `port`): the element's own error (`message`),
 * or every failing sub-field's error (`fields`, unknown keys included), or `undefined`.
 */
export function checkAddress(element: unknown): { readonly message: string } | { readonly fields: Readonly<Record<string, string>> } | undefined {
  // Kong makes a set's elements required: a null element is missing, not of the wrong type.
  if (element === null) return { message: 'required field missing' }
  if (typeof element !== 'object' || Array.isArray(element)) return { message: 'expected a record' }
  const record = element as Record<string, unknown>
  const ip = record['ip']
  const port = record['port']
  const hasIp = ip !== undefined && ip !== null
  const hasPort = port !== undefined && port !== null
  if (!hasIp && !hasPort) return { message: "at least one of these fields must be non-empty: 'ip', 'port'" }
  const fields: Record<string, string> = {}
  for (const key of Object.keys(record)) if (key !== 'ip' && key !== 'port') setOwn(fields, key, 'unknown field')
  if (hasIp) {
    if (typeof ip !== 'string') fields['ip'] = 'expected a string'
    else if (ip.length === 0) fields['ip'] = 'length must be at least 1'
    else if (!isIpOrCidr(ip)) fields['ip'] = `invalid ip or cidr range: '${ip}'`
  }
  if (hasPort) {
    if (typeof port !== 'number' || !Number.isInteger(port)) fields['port'] = 'expected an integer'
    else if (port < 0 || port > 65535) fields['port'] = 'value should be between 0 and 65535'
  }
  return Object.keys(fields).length > 0 ? { fields } : undefined
}

function isIpOrCidr(text: string): boolean {
  const slash = text.indexOf('/')
  if (slash < 0) return parseIpAddr(text) !== undefined
  const address = text.slice(0, slash)
  const prefixText = text.slice(slash + 1)
  const ip = parseIpAddr(address)
  // kong.tools.ip looks the length up among the texts of 0..32 / 0..128: no leading zero (`/08`).
  if (ip === undefined || !/^(?:0|[1-9]\d{0,2})$/.test(prefixText)) return false
  const prefix = Number(prefixText)
  // Kong's schema accepts host bits in a CIDR (it masks IPv4 itself); only the prefix range is checked.
  if (prefix > (ip.family === 4 ? 32 : 128)) return false
  return parseIpCidr(text) !== 'invalid-address'
}
