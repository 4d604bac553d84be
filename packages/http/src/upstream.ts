/**
 * What Kong sends upstream for a matched route (traditional-routes.md §5): the upstream path
 * (strip_path, path_handling v0), escaping and query string, the Host header (preserve_host),
 * the service address, `uri_captures`, and the protocol enforcement that may answer instead
 * (426 or a redirect). A pure function of the route, its service, the request and the match.
 */
import { textToBytes } from './bytes.ts'
import { normalizePathBytes, stripQuery } from './path.ts'
import { queryOf } from './query.ts'

/** The service fields routing reads (Admin API names), or the `url` shorthand. */
export interface ServiceLike {
  readonly url?: string | null | undefined
  readonly protocol?: string | null | undefined
  readonly host?: string | null | undefined
  /** Unset: the scheme default (443 for https/grpcs, else 80), as Kong's router computes it. */
  readonly port?: number | null | undefined
  readonly path?: string | null | undefined
}

/** A service resolved to the address Kong connects to. */
export interface UpstreamTarget {
  readonly protocol: string
  readonly host: string
  readonly port: number
  /** The service path, `/` when unset. */
  readonly path: string
}

/** The route fields the proxy side reads. */
export interface UpstreamRoute {
  readonly protocols?: readonly string[] | null | undefined
  /** Unset means false (Kong's router); the Admin API's default is true. */
  readonly strip_path?: boolean | null | undefined
  readonly preserve_host?: boolean | null | undefined
  /** `v1` is accepted and, as in Kong's ATC flavors, handled as `v0`. */
  readonly path_handling?: string | null | undefined
  readonly https_redirect_status_code?: number | null | undefined
}

/** The request as the gateway received it. */
export interface UpstreamRequestInput {
  /** The raw request target: path and query exactly as sent (`/a%20b?x=1`). */
  readonly target: string
  /** The raw Host header (port included), absent for HTTP/1.0 without Host. */
  readonly host?: string | undefined
  /** The forwarded scheme: `X-Forwarded-Proto` from a trusted client, else the connection's (`http` default). */
  readonly scheme?: string | undefined
  /** The forwarded host for redirects (trusted `X-Forwarded-Host`); default: {@link requestHost} of `host`. */
  readonly forwardedHost?: string | undefined
  /** `content-type` (`''` when the request has none), read for gRPC routes only; unset: not checked. */
  readonly contentType?: string | undefined
  /** HTTP major version (1 or 2), read for gRPC routes only; unset: not checked. */
  readonly httpVersion?: number | undefined
}

/** What the router recorded for the winning matcher. */
export interface UpstreamMatchInput {
  /** The value recorded for `http.path` (a prefix literal or a regex's whole match); undefined if none. */
  readonly path?: string | undefined
  /** Regex captures: `"0"` the whole match, groups by number and by name. */
  readonly captures?: Readonly<Record<string, string>> | undefined
}

/** Kong answers the client itself instead of proxying. */
export interface UpstreamResponse {
  readonly kind: 'respond'
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly message: string
}

/** The request Kong sends upstream. */
export interface UpstreamProxy {
  readonly kind: 'proxy'
  /** The resolved service; undefined for a serviceless route (Kong answers 503 "no Service found with those values"). */
  readonly service: UpstreamTarget | undefined
  /** The path and query sent upstream, percent-encoded as on the wire. */
  readonly path: string
  /** The `Host` header sent upstream. Undefined only without service and without a preserved Host. */
  readonly host: string | undefined
  /** The prefix stripped (only with strip_path and a recorded path). */
  readonly prefix: string | undefined
  /** `uri_captures` exposed to plugins, or undefined when the match has no group besides `0`. */
  readonly uriCaptures: Readonly<Record<string, string>> | undefined
  /** `X-Forwarded-Path`: the request path before normalization. */
  readonly forwardedPath: string
  /** `X-Forwarded-Prefix`: the stripped prefix unless it is `/`. */
  readonly forwardedPrefix: string | undefined
}

/** Kong's answer for a request that matched a route. */
export type UpstreamResult = UpstreamProxy | UpstreamResponse

// Kong's url shorthand infers 443 for https only, 80 for every other scheme (traditional-routes.md §1.6).
const DEFAULT_PORTS: Readonly<Record<string, number>> = { https: 443 }

/**
 * Resolves a service to protocol, host, port and path. `url` sets all four (a URL without port
 * takes the scheme default); otherwise `protocol` defaults to http and an unset port to the
 * scheme's default.
 */
export function resolveService(service: ServiceLike): UpstreamTarget {
  if (service.url !== undefined && service.url !== null) {
    const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#]*)(?::(\d+))?([^?#]*)/.exec(service.url)
    if (match !== null) {
      const protocol = match[1]!.toLowerCase()
      return {
        protocol,
        host: match[2]!,
        port: match[3] !== undefined ? Number(match[3]) : (DEFAULT_PORTS[protocol] ?? 80),
        path: match[4] === undefined || match[4] === '' ? '/' : match[4],
      }
    }
  }
  const protocol = service.protocol ?? 'http'
  return {
    protocol,
    host: service.host ?? '',
    port: service.port ?? DEFAULT_PORTS[protocol] ?? 80,
    path: service.path ?? '/',
  }
}

/**
 * nginx's `$host` for a Host value (or for the host of an absolute-form request target, which nginx
 * prefers to the Host header): lower-cased, cut at the first `:` outside an IPv6 literal's brackets,
 * and without one trailing dot. `Example.COM:8000` gives `example.com`, `[::1]:8000` gives `[::1]`.
 */
export function requestHost(value: string): string {
  const colon = value.indexOf(':', value.charCodeAt(0) === 91 /* [ */ ? Math.max(value.indexOf(']'), 0) : 0)
  let end = colon < 0 ? value.length : colon
  if (end > 0 && value.charCodeAt(end - 1) === 46 /* . */) end--
  return value.slice(0, end).toLowerCase()
}

/** The `Host` header Kong sets for a service: `host`, plus `:port` unless it is the protocol's default. */
export function serviceHostHeader(target: UpstreamTarget): string {
  const secure = target.protocol === 'https' || target.protocol === 'grpcs'
  const plain = target.protocol === 'http' || target.protocol === 'grpc'
  if ((plain && target.port === 80) || (secure && target.port === 443)) return target.host
  return `${target.host}:${target.port}`
}

/**
 * Kong's sanitizing of what remains after stripping: `.`/`..` become empty, and one leading `./`
 * or `../` is dropped (so `/route./req` stripped of `/route` gives `req`).
 */
export function sanitizePostfix(postfix: string): string {
  if (postfix === '.' || postfix === '..') return ''
  if (postfix.startsWith('./')) return postfix.slice(2)
  if (postfix.startsWith('../')) return postfix.slice(3)
  return postfix
}

/**
 * The upstream path by Kong's `get_upstream_uri_v0` (§5.3), on normalized paths (byte strings or
 * text alike). `prefix` is the recorded `http.path` when stripping, else undefined.
 */
export function upstreamPathV0(base: string, uri: string, strip: boolean, prefix: string | undefined): string {
  // Kong removes as many bytes as the prefix has, without comparing them.
  const rest = sanitizePostfix(prefix !== undefined ? uri.slice(prefix.length) : uri.slice(1))
  if (base.endsWith('/')) {
    if (!strip) return base + uri.slice(1)
    if (rest === '') return base === '/' ? '/' : uri.endsWith('/') ? base : base.slice(0, -1)
    return rest.startsWith('/') ? base.slice(0, -1) + rest : base + rest
  }
  if (!strip) return uri === '/' ? base : base + uri
  if (rest === '') return uri.length > 1 && uri.endsWith('/') ? `${base}/` : base
  return rest.startsWith('/') ? base + rest : `${base}/${rest}`
}

/**
 * Kong's `escape` for upstream URIs (`kong/tools/uri.lua`): every byte outside
 * `A-Z a-z 0-9 ! # $ & ' ( ) * + , / : ; = ? @ [ ] - _ . ~ %` is percent-encoded, upper-case hex.
 * Takes text; non-ASCII characters are encoded as their UTF-8 bytes.
 */
export function escapeUpstreamPath(text: string): string {
  return escapeBytes(textToBytes(text))
}

/** The regex captures Kong exposes as `uri_captures`: only when there is a key besides `0`. */
export function uriCaptures(captures: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> | undefined {
  if (captures === undefined) return undefined
  return Object.keys(captures).some((key) => key !== '0') ? captures : undefined
}

/**
 * The protocol enforcement of §5.8 for a matched route, or undefined when the request may proxy:
 * https-only routes answer plain requests with 426 or a redirect; gRPC routes refuse non-gRPC
 * content (415), HTTP/1 (426), and cleartext on grpcs-only routes (`grpc-status: 1`).
 */
export function enforceProtocols(route: UpstreamRoute, request: UpstreamRequestInput): UpstreamResponse | undefined {
  const protocols = route.protocols ?? []
  const scheme = request.scheme ?? 'http'
  if (protocols.includes('https') && !protocols.includes('http') && scheme !== 'https') {
    const code = route.https_redirect_status_code ?? 426
    if (code === 426)
      return {
        kind: 'respond',
        status: 426,
        headers: { Connection: 'Upgrade', Upgrade: 'TLS/1.2, HTTP/1.1' },
        message: 'Please use HTTPS protocol',
      }
    const host = request.forwardedHost ?? requestHost(request.host ?? '')
    return { kind: 'respond', status: code, headers: { Location: `https://${host}${request.target}` }, message: 'Moved' }
  }
  const grpc = protocols.includes('grpc') || protocols.includes('grpcs')
  if (!grpc) return undefined
  if (!(request.contentType ?? 'application/grpc').startsWith('application/grpc'))
    return { kind: 'respond', status: 415, headers: {}, message: 'Non-gRPC request matched gRPC route' }
  if ((request.httpVersion ?? 2) < 2)
    return { kind: 'respond', status: 426, headers: { Connection: 'Upgrade', Upgrade: 'HTTP/2' }, message: 'Please use HTTP2 protocol' }
  if (protocols.includes('grpcs') && !protocols.includes('grpc') && scheme !== 'https')
    return { kind: 'respond', status: 200, headers: { 'grpc-status': '1', 'grpc-message': 'gRPC request matched gRPCs route' }, message: '' }
  return undefined
}

/**
 * What Kong does with a match (§5): either an answer of its own (§5.8) or the upstream request with
 * path, query, Host and captures. The path is handled as the bytes Kong normalises: one that is
 * not UTF-8 can match a route that reads no `http.path*` field (language.md §7.2 step 5), and is
 * sent on escaped byte by byte.
 */
export function upstreamRequest(
  route: UpstreamRoute,
  service: ServiceLike | undefined,
  request: UpstreamRequestInput,
  match: UpstreamMatchInput,
): UpstreamResult {
  const refused = enforceProtocols(route, request)
  if (refused !== undefined) return refused
  const target = service === undefined ? undefined : resolveService(service)
  const strip = route.strip_path === true
  const prefix = strip ? match.path : undefined
  // Byte strings, so that stripping counts bytes as Kong does.
  const uri = normalizePathBytes(stripQuery(request.target))
  const base = textToBytes(target?.path ?? '/')
  const joined = upstreamPathV0(base, uri, strip, prefix === undefined ? undefined : textToBytes(prefix))
  // nginx's `$args`; Kong appends it when it is not empty, or `?` alone when the raw target ends with one.
  const args = queryOf(request.target)
  const query = (args !== undefined && args !== '') || request.target.endsWith('?') ? `?${args ?? ''}` : ''
  const path = escapeBytes(joined) + query
  const preserved = route.preserve_host === true ? request.host : undefined
  return {
    kind: 'proxy',
    service: target,
    path,
    host: preserved ?? (target === undefined ? undefined : serviceHostHeader(target)),
    prefix,
    uriCaptures: uriCaptures(match.captures),
    forwardedPath: stripQuery(request.target),
    forwardedPrefix: prefix !== undefined && prefix !== '/' ? prefix : undefined,
  }
}

function escapeBytes(bytes: string): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const ch = bytes[i]!
    out += /[A-Za-z0-9!#$&'()*+,/:;=?@[\]\-_.~%]/.test(ch)
      ? ch
      : `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}
