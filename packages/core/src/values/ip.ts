import type { IpAddr, IpCidr } from './types.ts'

const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/

/**
 * Parses a dotted IPv4 address with exactly four decimal octets (0–255, no leading zeros).
 * Returns undefined when the text is not one.
 */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!IPV4_OCTET.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    value = value * 256 + octet
  }
  return value
}

/**
 * Parses an IPv6 address in standard text form (hex groups, at most one `::`). With
 * `allowEmbeddedIpv4`, a trailing dotted IPv4 (`::ffff:1.2.3.4`) is accepted, as request values are;
 * literals in expressions never accept it (the grammar stops at the first `.`).
 */
export function parseIpv6(text: string, allowEmbeddedIpv4 = false): bigint | undefined {
  if (text.length < 2 || text.length > 45) return undefined
  let tail: number[] = []
  let body = text
  if (allowEmbeddedIpv4 && text.includes('.')) {
    const cut = text.lastIndexOf(':')
    const v4 = parseIpv4(text.slice(cut + 1))
    if (v4 === undefined) return undefined
    tail = [v4 >>> 16, v4 & 0xffff]
    body = text.slice(0, cut + 1)
    // "::1.2.3.4" leaves "::", "a::1.2.3.4" leaves "a::" and "a:b:c:d:e:f:1.2.3.4" leaves "a:b:c:d:e:f:".
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1)
  }
  const halves = body.split('::')
  if (halves.length > 2) return undefined
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return []
    const groups: number[] = []
    for (const group of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined
      groups.push(parseInt(group, 16))
    }
    return groups
  }
  const head = parseGroups(halves[0] ?? '')
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : []
  if (head === undefined || rest === undefined) return undefined
  const explicit = head.length + rest.length + tail.length
  let groups: number[]
  if (halves.length === 2) {
    if (explicit > 7) return undefined
    groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail]
  } else {
    if (explicit !== 8) return undefined
    groups = [...head, ...tail]
  }
  let value = 0n
  for (const group of groups) value = (value << 16n) | BigInt(group)
  return value
}

/** Parses an IPv4 or IPv6 address as request values arrive (IPv4-mapped dotted IPv6 text accepted). */
export function parseIpAddr(text: string): IpAddr | undefined {
  const v4 = parseIpv4(text)
  if (v4 !== undefined) return { family: 4, value: v4 }
  const v6 = parseIpv6(text, true)
  if (v6 !== undefined) return { family: 6, value: v6 }
  return undefined
}

/** Why a CIDR literal was refused. */
export type CidrError = 'invalid-address' | 'invalid-prefix' | 'host-bits'

/** Parses `address/prefix` with host bits zero; literals never accept embedded IPv4 in IPv6. */
export function parseIpCidr(text: string): IpCidr | CidrError {
  const slash = text.indexOf('/')
  if (slash < 0) return 'invalid-address'
  const address = text.slice(0, slash)
  const prefixText = text.slice(slash + 1)
  if (!/^[0-9]{1,3}$/.test(prefixText)) return 'invalid-prefix'
  const prefix = Number(prefixText)
  const v4 = parseIpv4(address)
  if (v4 !== undefined) {
    if (prefix > 32) return 'invalid-prefix'
    if ((v4 & ~ipv4Mask(prefix)) >>> 0 !== 0) return 'host-bits'
    return { family: 4, network: v4, prefix }
  }
  const v6 = parseIpv6(address)
  if (v6 === undefined) return 'invalid-address'
  if (prefix > 128) return 'invalid-prefix'
  if ((v6 & ~ipv6Mask(prefix) & IPV6_ALL) !== 0n) return 'host-bits'
  return { family: 6, network: v6, prefix }
}

const IPV6_ALL = (1n << 128n) - 1n

/** The IPv4 netmask for a prefix length, as an unsigned 32-bit number. */
export function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
}

/** The IPv6 netmask for a prefix length. */
export function ipv6Mask(prefix: number): bigint {
  return prefix === 0 ? 0n : (IPV6_ALL >> BigInt(128 - prefix)) << BigInt(128 - prefix)
}

/** True when the address lies in the network; different families never contain one another. */
export function cidrContains(cidr: IpCidr, ip: IpAddr): boolean {
  if (cidr.family === 4) return ip.family === 4 && ((ip.value & ipv4Mask(cidr.prefix)) >>> 0) === cidr.network
  return ip.family === 6 && (ip.value & ipv6Mask(cidr.prefix)) === cidr.network
}

/** True when two addresses are the same family and address. */
export function ipEquals(a: IpAddr, b: IpAddr): boolean {
  return a.family === b.family && a.value === b.value
}

/** True when two networks are identical. */
export function cidrEquals(a: IpCidr, b: IpCidr): boolean {
  return a.family === b.family && a.prefix === b.prefix && a.network === b.network
}

/** Formats an address in canonical text (IPv6 compressed per RFC 5952). */
export function formatIpAddr(ip: IpAddr): string {
  if (ip.family === 4) return formatIpv4(ip.value)
  return formatIpv6(ip.value)
}

/** Formats a network as `address/prefix`. */
export function formatIpCidr(cidr: IpCidr): string {
  return `${cidr.family === 4 ? formatIpv4(cidr.network) : formatIpv6(cidr.network)}/${cidr.prefix}`
}

function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}

function formatIpv6(value: bigint): string {
  const groups: number[] = []
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn))
  let bestStart = -1
  let bestLength = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}
