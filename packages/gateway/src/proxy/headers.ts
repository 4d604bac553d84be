import type { IncomingHttpHeaders } from 'node:http'
import { takesHeaderName, type HeaderNames } from '@switchyard/http'
import { INJECTED_HEADERS } from './injected-headers.ts'

/**
 * Request fields never forwarded upstream: the hop-by-hop fields of RFC 9110 §7.6.1 (they describe
 * one connection) and `proxy`, which Kong clears against httpoxy. `proxy-connection` and
 * `keep-alive` are legacy but still sent by clients; `te` and `upgrade` are re-added where the hop
 * needs them (`te: trailers`, a WebSocket upgrade).
 */
const REQUEST_HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'])

/**
 * Response fields never passed to the client, as in Kong: nginx drops `connection`, `keep-alive` and
 * `transfer-encoding` (it frames the body itself), Kong's header filter `upgrade` (a proxied response
 * is no upgrade) and `proxy-authenticate`. `trailer` goes only to clients that asked for trailers.
 * Kong passes `proxy`, `proxy-connection`, `proxy-authorization` and `te` on, and so does this.
 */
const RESPONSE_HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'transfer-encoding', 'upgrade'])

/** Kong's `X-Kong-Upstream-Latency`: milliseconds from sending the request upstream to its response head (or failure). */
export const UPSTREAM_LATENCY_HEADER = INJECTED_HEADERS.upstreamLatency
/** Kong's `X-Kong-Proxy-Latency`: milliseconds the gateway spent on a request before sending it upstream. */
export const PROXY_LATENCY_HEADER = INJECTED_HEADERS.proxyLatency
/** Kong's `X-Kong-Response-Latency`: milliseconds the gateway took to make an answer of its own. */
export const RESPONSE_LATENCY_HEADER = INJECTED_HEADERS.responseLatency

/** A duration in milliseconds as the latency headers carry it: a whole number. */
export function milliseconds(duration: number): string {
  return String(Math.round(duration))
}

const NO_NAMES: ReadonlySet<string> = new Set()

/**
 * Adds the names a `Connection` header value lists, lower-cased, to `out`, leaving out the ones
 * `dropped` removes anyway (the usual `keep-alive` or `close`); the set is made only when needed.
 */
function addConnectionOptions(value: string, out: Set<string> | undefined, dropped: ReadonlySet<string>): Set<string> | undefined {
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase()
    if (!dropped.has(name)) (out ??= new Set()).add(name)
  }
  return out
}

/** The names a request's `Connection` header lists, lower-cased, besides the hop-by-hop ones. */
function connectionOptions(value: string | string[] | undefined): ReadonlySet<string> {
  let out: Set<string> | undefined
  if (value !== undefined) for (const line of Array.isArray(value) ? value : [value]) out = addConnectionOptions(line, out, REQUEST_HOP_BY_HOP)
  return out ?? NO_NAMES
}

/**
 * Whether a `TE` request header lists `trailers` (Kong then sends `te: trailers` upstream and passes
 * the response's `Trailer` field on). Tokens are compared whole, so `trailers;q=0.5` does not count.
 */
export function asksForTrailers(value: string | string[] | undefined): boolean {
  if (value === undefined) return false
  // Node joins repeated TE lines; the type also allows a list.
  const te = typeof value === 'string' ? value : value.join(',')
  for (let start = 0; start <= te.length; ) {
    const comma = te.indexOf(',', start)
    const end = comma < 0 ? te.length : comma
    if (end - start >= 8 && te.slice(start, end).trim().toLowerCase() === 'trailers') return true
    start = end + 1
  }
  return false
}

/**
 * The end-to-end headers of a request as a flat name/value list, from Node's raw header list; with
 * `taken`, only lines whose names nginx takes (the others it ignores, and never sends upstream).
 */
export function endToEnd(rawHeaders: readonly string[], connection: string | string[] | undefined, skip?: ReadonlySet<string>, taken: HeaderNames = 'all'): string[] {
  const named = connectionOptions(connection)
  const out: string[] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    const lower = name.toLowerCase()
    if (REQUEST_HOP_BY_HOP.has(lower) || named.has(lower) || skip?.has(lower) === true) continue
    if (!takesHeaderName(name, taken)) continue
    out.push(name, rawHeaders[i + 1] as string)
  }
  return out
}

/** What the proxy knows about the client side of a request, for the headers it sets upstream. */
export interface ForwardedInfo {
  /** nginx's `$remote_addr`: the client address, from `real_ip_header` for a trusted client (X-Real-IP). */
  readonly clientIp: string
  /** nginx's `$realip_remote_addr`: the connecting address, appended to a client-sent X-Forwarded-For. */
  readonly peer: string
  /** `http` or `https`: the scheme the client used. */
  readonly proto: string
  /** nginx's `$host`: the request's host, lower-cased and without port, or the listener address. */
  readonly host: string
  /** The port of the listener the client connected to (Kong: `ctx.host_port or var.server_port`), or a trusted client's X-Forwarded-Port. */
  readonly port: number | string
  /** The original request path, before normalization and query. */
  readonly path: string
  /** The stripped prefix, when strip_path removed one other than `/`. */
  readonly prefix: string | undefined
  readonly via: string
  /** The client asked for a WebSocket (`Upgrade: websocket`): the only upgrade Kong passes on. */
  readonly websocket: boolean
  /** The client's `TE` lists `trailers` ({@link asksForTrailers}). */
  readonly trailers: boolean
}

/**
 * Headers the proxy sets itself; incoming values are replaced (a client in `trusted_ips` has its
 * X-Forwarded-* values taken into {@link ForwardedInfo} first). `expect` is dropped as nginx's proxy module clears it: this hop already answered
 * `100-continue`, and other expectations are ignored.
 */
const SET_BY_PROXY_OR_VIA = new Set(['via', 'expect', 'host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-path', 'x-forwarded-prefix'])

/**
 * The upstream request headers, as Kong builds them: end-to-end headers, `Host` as decided by
 * preserve_host, `X-Real-IP` (the client address), `X-Forwarded-For` (the client's chain plus the
 * connecting address, or the client address when the request had none: Kong's runloop handler
 * appends `$realip_remote_addr` and falls back to `$remote_addr`),
 * `X-Forwarded-Proto/Host/Port/Path/Prefix`, `Via` with this hop appended, `te: trailers` when the
 * client asked for trailers, and Kong's `Connection: keep-alive, Upgrade` and `Upgrade: websocket`
 * for a WebSocket.
 */
export function upstreamHeaders(incoming: IncomingHttpHeaders, rawHeaders: readonly string[], host: string, info: ForwardedInfo, taken: HeaderNames = 'all'): string[] {
  const headers = endToEnd(rawHeaders, incoming.connection, SET_BY_PROXY_OR_VIA, taken)
  const chain = incoming['x-forwarded-for']
  const via = incoming.via
  headers.push(
    'host', host,
    'x-real-ip', info.clientIp,
    'x-forwarded-for', chain === undefined || chain === '' ? info.clientIp : `${chain}, ${info.peer}`,
    'x-forwarded-proto', info.proto,
    'x-forwarded-host', info.host,
    'x-forwarded-port', String(info.port),
    'x-forwarded-path', info.path,
  )
  if (info.prefix !== undefined) headers.push('x-forwarded-prefix', info.prefix)
  // Replace any client-sent Via with the chain plus this hop (RFC 9110 §7.6.3).
  headers.push('via', via === undefined || via === '' ? info.via : `${via}, ${info.via}`)
  if (info.trailers) headers.push('te', 'trailers')
  if (info.websocket) headers.push('connection', 'keep-alive, Upgrade', 'upgrade', 'websocket')
  return headers
}

/**
 * An upstream answer's head as raw text (a WebSocket handshake's, which Node's response writer never
 * sees) with the gateway's headers added by the rules of {@link downstreamHeaders}: a `via` in `extra`
 * appended to the upstream's Via, a `server` only when the upstream sent none, the others after
 * the upstream's fields.
 */
export function withGatewayHeaders(head: string, extra: readonly string[]): string {
  const lines = head.split('\r\n')
  const viaAt = lines.findIndex((line, index) => index > 0 && /^via[ \t]*:/i.test(line))
  const hasServer = lines.some((line, index) => index > 0 && /^server[ \t]*:/i.test(line))
  for (let i = 0; i < extra.length; i += 2) {
    const name = extra[i] as string
    const value = extra[i + 1] as string
    if (name === 'via' && viaAt >= 0) lines[viaAt] = `${(lines[viaAt] as string).trimEnd()}, ${value}`
    else if (name !== 'server' || !hasServer) lines.push(`${name}: ${value}`)
  }
  return lines.join('\r\n')
}

/**
 * The response headers sent to the client as a flat name/value list (what `writeHead` takes, with
 * repeated fields such as Set-Cookie kept apart): the upstream's end-to-end headers from undici's
 * raw list, then `extra`, then the upstream latency (none when
 * `upstreamLatency` is undefined: Kong's `headers` turned it off). A `via` in `extra` is appended to the upstream's
 * Via; a `server` in `extra` is used only when the upstream sent none. `Trailer` is kept only when
 * `trailers` is set and the body is not framed by Content-Length (Node refuses it then).
 */
export function downstreamHeaders(raw: readonly Buffer[], extra: readonly string[], trailers: boolean, upstreamLatency: number | undefined): string[] {
  const names: string[] = []
  let named: Set<string> | undefined
  let keepTrailer = trailers
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1')
    names.push(name)
    if (name.length === 10 && name.toLowerCase() === 'connection') named = addConnectionOptions((raw[i + 1] as Buffer).toString('latin1'), named, RESPONSE_HOP_BY_HOP)
    else if (name.length === 14 && name.toLowerCase() === 'content-length') keepTrailer = false
  }
  const out: string[] = []
  let viaAt = -1
  let hasServer = false
  for (let i = 0; i < raw.length; i += 2) {
    const name = names[i / 2] as string
    const lower = name.toLowerCase()
    if (RESPONSE_HOP_BY_HOP.has(lower) || named?.has(lower) === true || (lower === 'trailer' && !keepTrailer)) continue
    if (lower === 'via') viaAt = out.length
    else if (lower === 'server') hasServer = true
    out.push(name, (raw[i + 1] as Buffer).toString('latin1'))
  }
  for (let i = 0; i < extra.length; i += 2) {
    const name = extra[i] as string
    const value = extra[i + 1] as string
    if (name === 'via' && viaAt >= 0) out[viaAt + 1] = `${out[viaAt + 1] as string}, ${value}`
    else if (name !== 'server' || !hasServer) out.push(name, value)
  }
  if (upstreamLatency !== undefined) out.push(UPSTREAM_LATENCY_HEADER, milliseconds(upstreamLatency))
  return out
}
