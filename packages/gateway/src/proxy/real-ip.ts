import { cidrContains, type IpAddr, type IpCidr } from '@switchyard/core'
import { proxyHeaderOf } from './proxy-protocol.ts'

/**
 * The client address nginx's realip module makes of a trusted peer's header: `$remote_addr` as text
 * (ngx_sock_ntop: dotted IPv4, IPv6 as ngx_inet6_ntop writes it) and `$remote_port`, which is the
 * header's port when the address carried one (`192.0.2.1:5000`, `[2001:db8::1]:5000`) and unset
 * otherwise (the parsed address has port 0, which `$remote_port` shows as empty and Kong's router
 * reads as no `net.src.port`).
 */
export interface RealClient {
  readonly ip: string
  readonly port: number | undefined
}

/**
 * Finds the client address in a trusted peer's request headers (or the PROXY protocol header its
 * connection started with), or returns undefined when the address stays the peer's. `peer` is the
 * connecting address (unmapped), `rawHeaders` Node's list, `socket` the request's connection.
 */
export type RealIp = (peer: string, rawHeaders: readonly string[], socket: object) => RealClient | undefined

/**
 * nginx's `real_ip_header proxy_protocol`: the client and port a trusted peer's PROXY protocol
 * header names (none for a listener without the `proxy_protocol` flag, or a header that names no
 * client, such as a load balancer's own health check).
 */
export const proxyProtocolRealIp: RealIp = (_peer, _rawHeaders, socket) => proxyHeaderOf(socket)?.source

/** An address as nginx parses one: IPv4 as a 32-bit number, IPv6 as its 16 bytes; `port` 0 when none. */
interface Parsed {
  readonly v4: number
  readonly v6: Uint8Array | undefined
  readonly port: number
}

const SPACE = 32
const COMMA = 44
const DOT = 46
const COLON = 58
const LEFT_BRACKET = 91

/**
 * Kong's `real_ip_header` and `real_ip_recursive` over the `trusted_ips` networks (its
 * `set_real_ip_from`), as ngx_http_realip_module applies them:
 *
 * - The header is chosen as nginx's `real_ip_header` directive does, by exact spelling: `X-Forwarded-For`
 *   reads every X-Forwarded-For line, the last line first; any other name (`X-Real-IP`, or
 *   `x-forwarded-for` spelled otherwise) is looked up without regard to case and only its first
 *   line is read.
 * - ngx_http_get_forwarded_addr then walks a line from the right: while the current address (the
 *   peer first) is trusted, the last comma- or space-separated item is parsed as `address` or
 *   `address:port` and becomes the current address; without `recursive` one step is taken. An item
 *   that does not parse ends the walk: with nothing taken yet the peer's address stays, otherwise the
 *   last address taken is the client.
 */
export function createRealIp(networks: readonly IpCidr[], header: string, recursive: boolean): RealIp {
  const allLines = header === 'X-Forwarded-For'
  const name = header.toLowerCase()
  const isTrusted = (address: Parsed): boolean => {
    const ip = toIpAddr(address)
    return networks.some((network) => cidrContains(network, ip))
  }
  return (peer, rawHeaders) => {
    const lines = headerLines(rawHeaders, name, allLines)
    if (lines === undefined) return undefined
    const start = parseAddress(peer, 0, peer.length)
    if (start === undefined) return undefined
    const walk: Walk = { address: start, isTrusted, recursive }
    let outcome: Outcome = 'declined'
    let found = false
    // ngx_http_get_forwarded_addr: lines from the last; a line that yields nothing after an earlier
    // one yielded an address keeps that address.
    for (let i = lines.length - 1; i >= 0; i--) {
      outcome = walkLine(lines[i] as string, walk)
      if (!recursive) break
      if (outcome === 'declined' && found) {
        outcome = 'done'
        break
      }
      if (outcome !== 'ok') break
      found = true
    }
    if (outcome === 'declined') return undefined
    return { ip: formatAddress(walk.address), port: walk.address.port === 0 ? undefined : walk.address.port }
  }
}

/** The values of the header's lines in order: every line, or only the first one. */
function headerLines(rawHeaders: readonly string[], name: string, allLines: boolean): string[] | undefined {
  let lines: string[] | undefined
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i] as string
    if (key.length !== name.length || key.toLowerCase() !== name) continue
    ;(lines ??= []).push(rawHeaders[i + 1] as string)
    if (!allLines) break
  }
  return lines
}

/** ngx_http_get_forwarded_addr_internal's results: NGX_OK, NGX_DONE and NGX_DECLINED. */
type Outcome = 'ok' | 'done' | 'declined'

interface Walk {
  address: Parsed
  readonly isTrusted: (address: Parsed) => boolean
  readonly recursive: boolean
}

/** ngx_http_get_forwarded_addr_internal on one header line, byte for byte. */
function walkLine(xff: string, walk: Walk): Outcome {
  let length = xff.length
  let found = false
  let p: number
  do {
    if (!walk.isTrusted(walk.address)) return found ? 'done' : 'declined'
    // nginx would read the byte before an empty value, never an address.
    if (length === 0) return found ? 'done' : 'declined'
    // Trailing separators are skipped, then the item runs back to the previous separator; the first
    // byte of the line is never taken for a separator.
    for (p = length - 1; p > 0; p--, length--) {
      const c = xff.charCodeAt(p)
      if (c !== SPACE && c !== COMMA) break
    }
    for (; p > 0; p--) {
      const c = xff.charCodeAt(p)
      if (c === SPACE || c === COMMA) {
        p++
        break
      }
    }
    const parsed = parseAddressPort(xff, p, length)
    if (parsed === undefined) return found ? 'done' : 'declined'
    walk.address = parsed
    found = true
    length = p - 1
  } while (walk.recursive && p > 0)
  return 'ok'
}

/** A parsed address as the router's values have it; an IPv4-mapped IPv6 address counts as IPv4 (ngx_cidr_match). */
function toIpAddr(address: Parsed): IpAddr {
  const bytes = address.v6
  if (bytes === undefined) return { family: 4, value: address.v4 }
  if (isV4Mapped(bytes)) return { family: 4, value: (bytes[12] as number) * 0x1000000 + (bytes[13] as number) * 0x10000 + (bytes[14] as number) * 0x100 + (bytes[15] as number) }
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return { family: 6, value }
}

function isV4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false
  return bytes[10] === 0xff && bytes[11] === 0xff
}

/**
 * ngx_inet_addr: four decimal octets (leading zeros and empty octets allowed, `1..2.3` is 1.0.2.3);
 * undefined for anything else and for 255.255.255.255, which is nginx's INADDR_NONE.
 */
function parseIpv4(text: string, start: number, end: number): number | undefined {
  let address = 0
  let octet = 0
  let dots = 0
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48)
      if (octet > 255) return undefined
    } else if (c === DOT) {
      address = address * 256 + octet
      octet = 0
      dots++
    } else return undefined
  }
  if (dots !== 3) return undefined
  address = address * 256 + octet
  return address === 0xffffffff ? undefined : address
}

/** ngx_inet6_addr, kept step for step (its quirks included: one leading `:` is skipped). */
function parseIpv6(text: string, start: number, end: number): Uint8Array | undefined {
  let length = end - start
  if (length === 0) return undefined
  const bytes = new Uint8Array(16)
  let at = 0
  let zero = -1
  let digit = -1
  let digitLength = 0
  let nibbles = 0
  let word = 0
  let groups = 8
  let p = start
  if (text.charCodeAt(p) === COLON) {
    p++
    length--
  }
  for (; length > 0; length--) {
    let c = text.charCodeAt(p++)
    if (c === COLON) {
      if (nibbles > 0) {
        digit = p
        digitLength = length
        bytes[at++] = word >> 8
        bytes[at++] = word & 0xff
        if (--groups > 0) {
          nibbles = 0
          word = 0
          continue
        }
      } else if (zero < 0) {
        digit = p
        digitLength = length
        zero = at
        continue
      }
      return undefined
    }
    if (c === DOT && nibbles > 0) {
      if (groups < 2 || digit < 0) return undefined
      const v4 = parseIpv4(text, digit, digit + digitLength - 1)
      if (v4 === undefined) return undefined
      bytes[at++] = (v4 >>> 24) & 0xff
      bytes[at++] = (v4 >>> 16) & 0xff
      word = v4 & 0xffff
      groups--
      break
    }
    if (++nibbles > 4) return undefined
    if (c >= 48 && c <= 57) {
      word = word * 16 + (c - 48)
      continue
    }
    c |= 0x20
    if (c >= 97 && c <= 102) {
      word = word * 16 + (c - 97) + 10
      continue
    }
    return undefined
  }
  if (nibbles === 0 && zero < 0) return undefined
  bytes[at++] = word >> 8
  bytes[at++] = word & 0xff
  if (--groups > 0) {
    if (zero < 0) return undefined
    // `::` stands for the groups not written: move what follows it to the end.
    const shift = groups * 2
    for (let s = at - 1; s >= zero; s--) bytes[s + shift] = bytes[s] as number
    bytes.fill(0, zero, zero + shift)
    return bytes
  }
  return zero < 0 ? bytes : undefined
}

/** ngx_parse_addr: IPv4 first, then IPv6; no port. */
function parseAddress(text: string, start: number, end: number): Parsed | undefined {
  const v4 = parseIpv4(text, start, end)
  if (v4 !== undefined) return { v4, v6: undefined, port: 0 }
  const v6 = parseIpv6(text, start, end)
  return v6 === undefined ? undefined : { v4: 0, v6, port: 0 }
}

/**
 * ngx_parse_addr_port: an address, else `address:port` split at the first `:`, or `[address]:port`;
 * the port is 1–65535 in decimal digits (leading zeros allowed).
 */
function parseAddressPort(text: string, start: number, end: number): Parsed | undefined {
  const plain = parseAddress(text, start, end)
  if (plain !== undefined) return plain
  let addressStart = start
  let colon: number
  if (end > start && text.charCodeAt(start) === LEFT_BRACKET) {
    const close = text.indexOf(']', start)
    if (close < 0 || close >= end - 1 || text.charCodeAt(close + 1) !== COLON) return undefined
    addressStart = start + 1
    colon = close + 1
  } else {
    colon = text.indexOf(':', start)
    if (colon < 0 || colon >= end) return undefined
  }
  let port = 0
  if (colon + 1 === end) return undefined
  for (let i = colon + 1; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return undefined
    port = port * 10 + (c - 48)
    if (port > 65535) return undefined
  }
  if (port < 1) return undefined
  // The bracketed form drops `]` too.
  const address = parseAddress(text, addressStart, addressStart === start ? colon : colon - 1)
  return address === undefined ? undefined : { ...address, port }
}

/** ngx_sock_ntop without port: dotted IPv4, or IPv6 as ngx_inet6_ntop writes it. */
function formatAddress(address: Parsed): string {
  const bytes = address.v6
  if (bytes === undefined) return `${address.v4 >>> 24}.${(address.v4 >>> 16) & 0xff}.${(address.v4 >>> 8) & 0xff}.${address.v4 & 0xff}`
  return formatIpv6(bytes)
}

/**
 * ngx_inet6_ntop: the first longest run of two or more zero groups becomes `::`, groups in lower-case
 * hex without leading zeros, and the last four bytes in dotted form after a `::` prefix of five zero
 * groups and `ffff` (IPv4-mapped), of six zero groups, or of seven unless the address ends in 0 or
 * 1 bytes as nginx tests them.
 */
function formatIpv6(bytes: Uint8Array): string {
  let zero = -1
  let last = -1
  let longest = 1
  let run = 0
  for (let i = 0; i < 16; i += 2) {
    if (bytes[i] !== 0 || bytes[i + 1] !== 0) {
      if (longest < run) {
        zero = last
        longest = run
      }
      run = 0
      continue
    }
    if (run++ === 0) last = i
  }
  if (longest < run) {
    zero = last
    longest = run
  }
  let out = ''
  let end = 16
  if (zero === 0) {
    if ((longest === 5 && bytes[10] === 0xff && bytes[11] === 0xff) || longest === 6 || (longest === 7 && bytes[14] !== 0 && bytes[15] !== 1)) end = 12
    out += ':'
  }
  for (let i = 0; i < end; i += 2) {
    if (i === zero) {
      out += ':'
      i += (longest - 1) * 2
      continue
    }
    out += (((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16)
    if (i < 14) out += ':'
  }
  if (end === 12) out += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`
  return out
}
