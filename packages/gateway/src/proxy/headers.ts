import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection, so a proxy must not forward
 * them, nor any field the `Connection` header names. `proxy-connection` and `keep-alive` are
 * legacy but still sent by clients; `te` and `upgrade` are re-added where the hop needs them.
 */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'])

/** The names a `Connection` header lists, lower-cased. */
function connectionOptions(value: string | string[] | undefined): Set<string> {
  const out = new Set<string>()
  if (value === undefined) return out
  for (const line of Array.isArray(value) ? value : [value]) for (const token of line.split(',')) out.add(token.trim().toLowerCase())
  return out
}

/** The end-to-end headers of a message as [name, value] pairs, from Node's raw header list. */
export function endToEnd(rawHeaders: readonly string[], connection: string | string[] | undefined, skip?: ReadonlySet<string>): [string, string][] {
  const named = connectionOptions(connection)
  const out: [string, string][] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || named.has(lower) || skip?.has(lower) === true) continue
    out.push([name, rawHeaders[i + 1] as string])
  }
  return out
}

/** What the proxy knows about the client side of a request, for the X-Forwarded-* headers. */
export interface ForwardedInfo {
  readonly clientIp: string
  /** `http` or `https`: the scheme the client used. */
  readonly proto: string
  /** The Host header the client sent (without the port), or the listener address. */
  readonly host: string
  /** The port the client connected to (the Host port if any, else the listener's). */
  readonly port: number
  /** The original request path, before normalization and query. */
  readonly path: string
  /** The stripped prefix, when strip_path removed one other than `/`. */
  readonly prefix: string | undefined
  readonly via: string
}

/**
 * Headers the proxy sets itself; incoming values are replaced (no trusted_ips: clients are not
 * trusted). `expect` is dropped because this hop already answered `100-continue`.
 */
const SET_BY_PROXY = new Set(['expect', 'host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-path', 'x-forwarded-prefix'])

/**
 * The upstream request headers, as Kong builds them: end-to-end headers, `Host` as decided by
 * preserve_host, `X-Real-IP`, `X-Forwarded-For` (the client's chain plus the client address),
 * `X-Forwarded-Proto/Host/Port/Path/Prefix`, and `Via` with this hop appended.
 */
export function upstreamHeaders(incoming: IncomingHttpHeaders, rawHeaders: readonly string[], host: string, info: ForwardedInfo, upgrade: string | undefined): [string, string][] {
  const headers = endToEnd(rawHeaders, incoming.connection, SET_BY_PROXY)
  headers.push(['host', host])
  headers.push(['x-real-ip', info.clientIp])
  const chain = incoming['x-forwarded-for']
  headers.push(['x-forwarded-for', chain === undefined || chain === '' ? info.clientIp : `${chain}, ${info.clientIp}`])
  headers.push(['x-forwarded-proto', info.proto])
  headers.push(['x-forwarded-host', info.host])
  headers.push(['x-forwarded-port', String(info.port)])
  headers.push(['x-forwarded-path', info.path])
  if (info.prefix !== undefined) headers.push(['x-forwarded-prefix', info.prefix])
  const via = incoming.via
  // Replace any client-sent Via with the chain plus this hop (RFC 9110 §7.6.3).
  const withoutVia = headers.filter(([name]) => name.toLowerCase() !== 'via')
  withoutVia.push(['via', via === undefined || via === '' ? info.via : `${via}, ${info.via}`])
  if (upgrade !== undefined) withoutVia.push(['connection', 'upgrade'], ['upgrade', upgrade])
  return withoutVia
}

/** The response headers sent to the client: upstream's end-to-end headers plus `Via` and latency headers. */
export function downstreamHeaders(upstream: Record<string, string | string[] | undefined>, extra: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionOptions(upstream['connection'])
  const out: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue
    out[name] = value
  }
  const via = out['via']
  const hop = extra['via']
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) out[name] = value
  if (typeof via === 'string' && typeof hop === 'string') out['via'] = `${via}, ${hop}`
  return out
}
