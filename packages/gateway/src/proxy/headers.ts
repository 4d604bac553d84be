import type { IncomingHttpHeaders } from 'node:http'

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection, so a proxy must not forward
 * them, nor any field the `Connection` header names. `proxy-connection` and `keep-alive` are
 * legacy but still sent by clients; `te` and `upgrade` are re-added where the hop needs them.
 */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'])

const NO_NAMES: ReadonlySet<string> = new Set()

/**
 * Adds the names a `Connection` header value lists, lower-cased, to `out`, leaving out the ones
 * that are hop-by-hop anyway (the usual `keep-alive` or `close`); the set is made only when needed.
 */
function addConnectionOptions(value: string, out: Set<string> | undefined): Set<string> | undefined {
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase()
    if (!HOP_BY_HOP.has(name)) (out ??= new Set()).add(name)
  }
  return out
}

/** The names a `Connection` header lists, lower-cased, besides the hop-by-hop ones. */
function connectionOptions(value: string | string[] | undefined): ReadonlySet<string> {
  let out: Set<string> | undefined
  if (value !== undefined) for (const line of Array.isArray(value) ? value : [value]) out = addConnectionOptions(line, out)
  return out ?? NO_NAMES
}

/** The end-to-end headers of a message as a flat name/value list, from Node's raw header list. */
export function endToEnd(rawHeaders: readonly string[], connection: string | string[] | undefined, skip?: ReadonlySet<string>): string[] {
  const named = connectionOptions(connection)
  const out: string[] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || named.has(lower) || skip?.has(lower) === true) continue
    out.push(name, rawHeaders[i + 1] as string)
  }
  return out
}
/**
 * A Host value without its trailing `:digits` port, and that port: `example.com:8000` gives
 * `example.com` and 8000, `[::1]:8000` gives `[::1]` and 8000; `[::1]` and `example.com:` have none.
 */
export function splitPortSuffix(host: string): { host: string; port: number | undefined } {
  const colon = host.lastIndexOf(':')
  if (colon < 0 || colon === host.length - 1) return { host, port: undefined }
  for (let i = colon + 1; i < host.length; i++) {
    const code = host.charCodeAt(i)
    if (code < 48 || code > 57) return { host, port: undefined }
  }
  return { host: host.slice(0, colon), port: Number(host.slice(colon + 1)) }
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
const SET_BY_PROXY_OR_VIA = new Set(['via', 'expect', 'host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-path', 'x-forwarded-prefix'])

/**
 * The upstream request headers, as Kong builds them: end-to-end headers, `Host` as decided by
 * preserve_host, `X-Real-IP`, `X-Forwarded-For` (the client's chain plus the client address),
 * `X-Forwarded-Proto/Host/Port/Path/Prefix`, and `Via` with this hop appended.
 */
export function upstreamHeaders(incoming: IncomingHttpHeaders, rawHeaders: readonly string[], host: string, info: ForwardedInfo, upgrade: string | undefined): string[] {
  const headers = endToEnd(rawHeaders, incoming.connection, SET_BY_PROXY_OR_VIA)
  const chain = incoming['x-forwarded-for']
  const via = incoming.via
  headers.push(
    'host', host,
    'x-real-ip', info.clientIp,
    'x-forwarded-for', chain === undefined || chain === '' ? info.clientIp : `${chain}, ${info.clientIp}`,
    'x-forwarded-proto', info.proto,
    'x-forwarded-host', info.host,
    'x-forwarded-port', String(info.port),
    'x-forwarded-path', info.path,
  )
  if (info.prefix !== undefined) headers.push('x-forwarded-prefix', info.prefix)
  // Replace any client-sent Via with the chain plus this hop (RFC 9110 §7.6.3).
  headers.push('via', via === undefined || via === '' ? info.via : `${via}, ${info.via}`)
  if (upgrade !== undefined) headers.push('connection', 'upgrade', 'upgrade', upgrade)
  return headers
}

/**
 * The response headers sent to the client as a flat name/value list (what `writeHead` takes, with
 * repeated fields such as Set-Cookie kept apart): the upstream's end-to-end headers from undici's
 * raw list, then `extra`; a `via` in `extra` is appended to the upstream's Via.
 */
export function downstreamHeaders(raw: readonly Buffer[], extra: readonly string[]): string[] {
  const names: string[] = []
  let named: Set<string> | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1')
    names.push(name)
    if (name.length === 10 && name.toLowerCase() === 'connection') named = addConnectionOptions((raw[i + 1] as Buffer).toString('latin1'), named)
  }
  const out: string[] = []
  let viaAt = -1
  for (let i = 0; i < raw.length; i += 2) {
    const name = names[i / 2] as string
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || named?.has(lower) === true) continue
    if (lower === 'via') viaAt = out.length
    out.push(name, (raw[i + 1] as Buffer).toString('latin1'))
  }
  for (let i = 0; i < extra.length; i += 2) {
    const name = extra[i] as string
    const value = extra[i + 1] as string
    if (name === 'via' && viaAt >= 0) out[viaAt + 1] = `${out[viaAt + 1] as string}, ${value}`
    else out.push(name, value)
  }
  return out
}
