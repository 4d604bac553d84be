import { isIPv4, isIPv6, SocketAddress, type Server, type Socket } from 'node:net'
import { Server as TlsServer } from 'node:tls'
import { readLeadingBytes, type LeadingFailure, type LeadingRead } from '../leading-bytes.ts'

/**
 * The PROXY protocol (haproxy.org's proxy-protocol.txt, versions 1 and 2) as nginx reads it on a
 * listener with the `proxy_protocol` flag: every connection starts with a header that names the
 * client a load balancer in front accepted, and nginx closes a connection whose header is missing
 * or broken.
 */

/** An address and port a header names. */
export interface ProxyAddress {
  readonly ip: string
  readonly port: number
}

/**
 * What a header says: the client (`source`) and the address it connected to (`destination`), or
 * neither for a version 1 `UNKNOWN` or a version 2 `LOCAL` header (a health check of the load
 * balancer itself) and for families other than IPv4 and IPv6, where the connection's own addresses stand.
 */
export interface ProxyHeader {
  readonly source?: ProxyAddress
  readonly destination?: ProxyAddress
}

export type ProxyParse =
  | { readonly state: 'incomplete' }
  | { readonly state: 'broken'; readonly reason: string }
  | { readonly state: 'done'; readonly length: number; readonly header: ProxyHeader }

/** The longest version 1 header, CRLF included. */
const V1_MAX = 107
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a])
/**
 * The most address and TLV bytes a version 2 header may carry here. nginx reads the header into a
 * buffer of its own; TLVs (a cloud load balancer's endpoint id, TLS facts) are a few hundred bytes.
 */
const V2_MAX_BODY = 4096

const INCOMPLETE: ProxyParse = { state: 'incomplete' }

/** Reads a header from the first bytes of a connection. */
export function parseProxyHeader(bytes: Buffer): ProxyParse {
  if (bytes.length === 0) return INCOMPLETE
  if (bytes[0] === 0x0d) return parseV2(bytes)
  return parseV1(bytes)
}

function broken(reason: string): ProxyParse {
  return { state: 'broken', reason }
}

function parseV1(bytes: Buffer): ProxyParse {
  const prefix = 'PROXY '
  const seen = Math.min(bytes.length, prefix.length)
  if (bytes.toString('latin1', 0, seen) !== prefix.slice(0, seen)) return broken('not a PROXY protocol header')
  const end = bytes.indexOf('\r\n', 0, 'latin1')
  if (end < 0) return bytes.length >= V1_MAX ? broken(`a version 1 header longer than ${V1_MAX} bytes`) : INCOMPLETE
  if (end + 2 > V1_MAX) return broken(`a version 1 header longer than ${V1_MAX} bytes`)
  const fields = bytes.toString('latin1', prefix.length, end).split(' ')
  const length = end + 2
  if (fields[0] === 'UNKNOWN') return { state: 'done', length, header: {} }
  if (fields.length !== 5 || (fields[0] !== 'TCP4' && fields[0] !== 'TCP6')) return broken('a version 1 header other than "PROXY TCP4|TCP6 source destination source-port destination-port" or "PROXY UNKNOWN"')
  const [family, sourceIp = '', destinationIp = '', sourcePort = '', destinationPort = ''] = fields
  const valid = family === 'TCP4' ? isIPv4 : isIPv6
  if (!valid(sourceIp) || !valid(destinationIp)) return broken(`a version 1 header whose addresses are not ${family === 'TCP4' ? 'IPv4' : 'IPv6'}`)
  const source = portOf(sourcePort)
  const destination = portOf(destinationPort)
  if (source === undefined || destination === undefined) return broken('a version 1 header whose ports are not 0-65535')
  const ip = family === 'TCP4' ? (text: string) => text : canonicalIpv6
  return { state: 'done', length, header: { source: { ip: ip(sourceIp), port: source }, destination: { ip: ip(destinationIp), port: destination } } }
}

/** A decimal port as the specification writes it: no sign, no leading zero. */
function portOf(text: string): number | undefined {
  if (!/^(?:0|[1-9]\d{0,4})$/.test(text)) return undefined
  const port = Number(text)
  return port <= 65535 ? port : undefined
}

function parseV2(bytes: Buffer): ProxyParse {
  const seen = Math.min(bytes.length, V2_SIGNATURE.length)
  if (!bytes.subarray(0, seen).equals(V2_SIGNATURE.subarray(0, seen))) return broken('not a PROXY protocol header')
  if (bytes.length < 16) return INCOMPLETE
  const versionCommand = bytes[12] as number
  if (versionCommand >> 4 !== 2) return broken(`a header of version ${versionCommand >> 4} (versions 1 and 2 are read)`)
  const command = versionCommand & 0x0f
  if (command > 1) return broken(`a version 2 header with command ${command} (LOCAL or PROXY)`)
  const bodyLength = bytes.readUInt16BE(14)
  if (bodyLength > V2_MAX_BODY) return broken(`a version 2 header of ${bodyLength} bytes after its first 16 (at most ${V2_MAX_BODY})`)
  if (bytes.length < 16 + bodyLength) return INCOMPLETE
  const length = 16 + bodyLength
  const family = (bytes[13] as number) >> 4
  // LOCAL, and families other than IPv4 and IPv6 (UNSPEC, UNIX), keep the connection's addresses.
  if (command === 0 || (family !== 1 && family !== 2)) return { state: 'done', length, header: {} }
  const body = bytes.subarray(16, length)
  if (family === 1) {
    if (body.length < 12) return broken('a version 2 IPv4 header shorter than its addresses')
    return { state: 'done', length, header: { source: { ip: ipv4(body, 0), port: body.readUInt16BE(8) }, destination: { ip: ipv4(body, 4), port: body.readUInt16BE(10) } } }
  }
  if (body.length < 36) return broken('a version 2 IPv6 header shorter than its addresses')
  return { state: 'done', length, header: { source: { ip: ipv6(body, 0), port: body.readUInt16BE(32) }, destination: { ip: ipv6(body, 16), port: body.readUInt16BE(34) } } }
}

function ipv4(bytes: Buffer, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`
}

/** An IPv6 address as nginx prints one (RFC 5952: lower case, the longest run of zero groups as `::`). */
function ipv6(bytes: Buffer, at: number): string {
  const groups: string[] = []
  for (let i = 0; i < 8; i++) groups.push(bytes.readUInt16BE(at + 2 * i).toString(16))
  return canonicalIpv6(groups.join(':'))
}

function canonicalIpv6(text: string): string {
  return new SocketAddress({ address: text, family: 'ipv6' }).address
}

/** What a listener with the `proxy_protocol` flag read from each connection, by socket. */
const headers = new WeakMap<object, ProxyHeader>()

/**
 * The header a connection started with, or undefined when its listener does not read one. A TLS
 * connection's socket wraps the one the header was read from (Node's `_parent`).
 */
export function proxyHeaderOf(socket: object): ProxyHeader | undefined {
  return headers.get(socket) ?? headers.get((socket as { _parent?: object })._parent ?? socket)
}

/** nginx's `proxy_protocol_timeout`: how long a connection may take to send its header. */
export const PROXY_PROTOCOL_TIMEOUT_MS = 30_000

/**
 * Reads the header a connection starts with, then hands the connection, its header read and the
 * bytes after it put back, to `accept`. A connection whose header is broken, or that sends none
 * within `timeoutMs`, is closed with nothing sent, as nginx closes it; `refuse` says why (not for a
 * connection that closes before sending anything).
 */
export function readProxyHeader(socket: Socket, accept: (socket: Socket, header: ProxyHeader) => void, refuse: (reason: string) => void, timeoutMs = PROXY_PROTOCOL_TIMEOUT_MS): void {
  readLeadingBytes(
    socket,
    (bytes): LeadingRead<ProxyHeader> => {
      const parsed = parseProxyHeader(bytes)
      if (parsed.state === 'incomplete') return { kind: 'more' }
      if (parsed.state === 'broken') return { kind: 'broken', reason: parsed.reason }
      return { kind: 'done', consumed: parsed.length, value: parsed.header }
    },
    timeoutMs,
    (header) => {
      headers.set(socket, header)
      accept(socket, header)
    },
    (failure) => refuse(refusalOf(failure, timeoutMs)),
  )
}

/** What the log says of a connection closed before its header was read. */
function refusalOf(failure: LeadingFailure, timeoutMs: number): string {
  switch (failure.kind) {
    case 'timeout':
      return `no PROXY protocol header within ${timeoutMs} ms`
    case 'ended':
      return 'the connection ended before its PROXY protocol header'
    case 'failed':
      return 'the connection failed before its PROXY protocol header'
    case 'broken':
      return `broken PROXY protocol header: ${failure.reason}`
  }
}

/**
 * Makes a listener read the PROXY protocol header first: every connection goes to the server's own
 * connection handling (HTTP, or TLS then HTTP) only once its header is read.
 */
export function requireProxyProtocol(server: Server, refuse: (reason: string) => void, timeoutMs = PROXY_PROTOCOL_TIMEOUT_MS): void {
  const handlers = server.listeners('connection') as ((socket: Socket) => void)[]
  server.removeAllListeners('connection')
  server.on('connection', (socket: Socket) => {
    readProxyHeader(
      socket,
      (ready) => {
        for (const handle of handlers) handle.call(server, ready)
        // A TLS listener's socket now reads through its TLS wrap, which took the bytes put back.
        if (!(server instanceof TlsServer)) ready.resume()
      },
      refuse,
      timeoutMs,
    )
  })
}
