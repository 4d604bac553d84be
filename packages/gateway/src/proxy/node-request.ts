import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { MAX_HEADERS, requestHost, takesHeaderName, type HeaderNames } from '@switchyard/http'
import type { RealClient } from './real-ip.ts'

/** An address without the IPv4-mapped IPv6 prefix (`::ffff:10.0.0.1` is 10.0.0.1). */
export function unmapped(address: string | undefined): string {
  const text = address ?? ''
  return text.startsWith('::ffff:') ? text.slice(7) : text
}

/** Whether a connection is the TLS socket of an HTTPS listener. */
export function isTls(socket: Socket): socket is TLSSocket {
  return (socket as Partial<TLSSocket>).encrypted === true
}

const SLASH = 47

/**
 * The first `count` lines of Node's `rawHeaders` (name, value, …) grouped by lower-cased name, in
 * order. A Host line beyond them is not one of the lines: `host` is then an empty list, so that
 * packages/http does not add the request's Host as a line of its own (`http.host` still reads it).
 */
export function firstHeaderLines(rawHeaders: readonly string[], count: number, taken: HeaderNames = 'all'): NodeJS.Dict<string[]> {
  const headers: NodeJS.Dict<string[]> = {}
  let lines = 0
  for (let i = 0; i + 1 < rawHeaders.length && lines < count; i += 2) {
    // A line nginx ignores is not one of the lines Kong counts.
    if (!takesHeaderName(rawHeaders[i] as string, taken)) continue
    lines++
    const name = (rawHeaders[i] as string).toLowerCase()
    const list = headers[name]
    if (list === undefined) headers[name] = [rawHeaders[i + 1] as string]
    else list.push(rawHeaders[i + 1] as string)
  }
  headers['host'] ??= []
  return headers
}

/**
 * A request as packages/http and the resolver read it (a `ProxyRequest`). Besides the target, every
 * field is a getter, so only what the routes read is computed (the extractor touches nothing else);
 * headers are materialized only when a route reads one.
 */
export class NodeRequest {
  /** The target in origin form, query included (nginx `$request_uri`): the path of an absolute-form target. */
  readonly path: string
  /** The host of an absolute-form target (`GET http://a.example/x`), which nginx's `$host` prefers to the Host header. */
  readonly lineHost: string | undefined
  #forwardedHost: string | undefined

  /**
   * @param trusted the client is in `trusted_ips` (a load balancer, another proxy): its
   *   X-Forwarded-Proto/Host/Port/Path/Prefix are passed on and believed, as Kong does.
   * @param realClient the address `real_ip_header` gave for a trusted client (nginx's realip
   *   module), which routes see as `net.src.ip` and `net.src.port`; undefined, the connecting
   *   address is the client's.
   */
  constructor(
    readonly request: IncomingMessage,
    readonly scheme: string,
    readonly trusted = false,
    readonly realClient: RealClient | undefined = undefined,
    /** Which header lines count: those nginx takes in front of a gateway (see `HeaderNames`). */
    readonly headerNames: HeaderNames = 'all',
    /** The port clients reached when `port_maps` maps the listener's port (Kong's `ctx.host_port`). */
    readonly hostPort: number | undefined = undefined,
  ) {
    const url = request.url ?? '/'
    // Hot path: an origin-form target (`/…`) is taken as it is; only an absolute-form one is split.
    const authority = url.charCodeAt(0) === SLASH ? -1 : url.indexOf('://')
    if (authority < 0) {
      this.path = url
      this.lineHost = undefined
      return
    }
    let end = authority + 3
    while (end < url.length && url.charCodeAt(end) !== SLASH && url[end] !== '?') end++
    this.lineHost = url.slice(authority + 3, end)
    // nginx gives `http://a.example` and `http://a.example?x` the path `/`.
    this.path = end === url.length || url[end] === '?' ? `/${url.slice(end)}` : url.slice(end)
  }

  get method(): string {
    return this.request.method ?? 'GET'
  }

  /** The raw Host header (port included), as routes and preserve_host read it. */
  get host(): string | undefined {
    return this.request.headers.host
  }

  /**
   * nginx's `$host`, which Kong forwards as X-Forwarded-Host and redirects to: the absolute-form
   * target's host, else the Host header's, lower-cased and without port; without either (HTTP/1.0),
   * the listener address.
   */
  get forwardedHost(): string {
    if (this.#forwardedHost === undefined) {
      const host = this.lineHost ?? this.request.headers.host
      this.#forwardedHost = this.#trustedHeader('x-forwarded-host') ?? (host === undefined ? unmapped(this.request.socket.localAddress) : requestHost(host))
    }
    return this.#forwardedHost
  }

  /** The scheme Kong believes the client used: a trusted client's X-Forwarded-Proto, else the listener's. */
  get forwardedProto(): string {
    return this.#trustedHeader('x-forwarded-proto') ?? this.scheme
  }

  /** The port forwarded upstream: a trusted client's X-Forwarded-Port, else the listener's (after `port_maps`). */
  get forwardedPort(): string {
    return this.#trustedHeader('x-forwarded-port') ?? String(this.dst_port ?? 0)
  }

  /** A trusted client's X-Forwarded-Path, which is passed on instead of the request's own. */
  get forwardedPath(): string | undefined {
    return this.#trustedHeader('x-forwarded-path')
  }

  /** A trusted client's X-Forwarded-Prefix, which is passed on instead of the stripped prefix. */
  get forwardedPrefix(): string | undefined {
    return this.#trustedHeader('x-forwarded-prefix')
  }

  /** A header's value from a trusted client (nginx's `$http_…`: the first of repeated lines), else undefined. */
  #trustedHeader(name: string): string | undefined {
    if (!this.trusted) return undefined
    // The first line whole, commas included (Kong's get_header); Node's `headers` would join the lines.
    const value = this.request.headersDistinct[name]?.[0]
    return value === undefined || value === '' ? undefined : value
  }

  /** The `Content-Type` header, which gRPC routes check: `''` when absent, which is not gRPC either (Kong: 415). */
  get contentType(): string {
    return this.request.headers['content-type'] ?? ''
  }

  /** The HTTP major version, which gRPC routes check. */
  get httpVersion(): number {
    return this.request.httpVersionMajor
  }

  /**
   * One value per header line, in order (language.md §7.4): headersDistinct keeps repeated lines
   * apart. Kong reads only the first `MAX_HEADERS` lines in arrival order (`lua_max_req_headers`),
   * so a longer head is cut there first: after headersDistinct's grouping by name, packages/http's
   * own limit would keep later lines of a name that came early and drop earlier lines of other names.
   */
  get headers(): NodeJS.Dict<string[]> {
    const raw = this.request.rawHeaders
    // Up to MAX_HEADERS lines in all, the limit cannot cut; the extractor skips what nginx ignores.
    return raw.length <= 2 * MAX_HEADERS ? this.request.headersDistinct : firstHeaderLines(raw, MAX_HEADERS, this.headerNames)
  }

  get src_ip(): string {
    return this.realClient === undefined ? unmapped(this.request.socket.remoteAddress) : this.realClient.ip
  }

  get src_port(): number | undefined {
    return this.realClient === undefined ? this.request.socket.remotePort : this.realClient.port
  }

  get dst_ip(): string {
    return unmapped(this.request.socket.localAddress)
  }

  /** The listener's port, or the port clients reach it by when `port_maps` maps it. */
  get dst_port(): number | undefined {
    return this.hostPort ?? this.request.socket.localPort
  }

  get sni(): string | undefined {
    const socket = this.request.socket
    return isTls(socket) && typeof socket.servername === 'string' ? socket.servername : undefined
  }
}
