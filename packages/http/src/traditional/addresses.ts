/**
 * The `sources` and `destinations` fields: the expression Kong generates, their stream-priority
 * bits and the schema's checks (traditional-routes.md §1.1, §2.4, §3.1).
 */
import { parseIpAddr, parseIpCidr } from '@switchyard/core'
import { setOwn } from '../set-own.ts'
import type { AddressMatch } from './route.ts'

/** Which side of the connection a field describes. */
export type AddressSide = 'src' | 'dst'

/**
 * The address text Kong writes: a plain address verbatim; a CIDR's length as the number ipmatcher's
 * `split_ip` reads (`::/08` is `::/8`), and an IPv4 CIDR with its host bits cleared. IPv4 `/0`
 * keeps its address because LuaJIT's 32-bit shift by 32 is a shift by 0 (so only `0.0.0.0/0` is
 * then valid for the engine).
 */
export function addressLiteral(ip: string): string {
  const slash = ip.indexOf('/')
  if (slash < 0) return ip
  const address = ip.slice(0, slash)
  const prefix = Number(ip.slice(slash + 1))
  const octets = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address)
  if (!Number.isInteger(prefix)) return ip
  if (octets === null) return `${address}/${prefix}`
  const value = ((Number(octets[1]) << 24) | (Number(octets[2]) << 16) | (Number(octets[3]) << 8) | Number(octets[4])) >>> 0
  // JS shifts, like LuaJIT's BitOp, take the count modulo 32: mask(/0) is all ones.
  const mask = (0xffffffff << (32 - prefix)) >>> 0
  const network = (value & mask) >>> 0
  return `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${prefix}`
}

/** The alternative for one element: `ip == A`, `ip in C`, `port == P`, or `(ip … && port == P)`. */
export function addressPredicate(side: AddressSide, element: AddressMatch): string {
  const ip = element.ip ?? undefined
  const port = element.port ?? undefined
  const ipPart =
    ip === undefined
      ? undefined
      : ip.includes('/')
        ? `net.${side}.ip in ${addressLiteral(ip)}`
        : `net.${side}.ip == ${ip}`
  const portPart = port === undefined ? undefined : `net.${side}.port == ${port}`
  if (ipPart !== undefined && portPart !== undefined) return `(${ipPart} && ${portPart})`
  return ipPart ?? portPart ?? ''
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
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return { message: 'expected a record' }
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
  if (ip === undefined || !/^\d{1,3}$/.test(prefixText)) return false
  const prefix = Number(prefixText)
  // Kong's schema accepts host bits in a CIDR (it masks IPv4 itself); only the prefix range is checked.
  if (prefix > (ip.family === 4 ? 32 : 128)) return false
  return parseIpCidr(text) !== 'invalid-address'
}
