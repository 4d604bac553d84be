import { randomUUID } from 'node:crypto'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import type { RequestLike } from '@switchyard/http'
import { VERSION } from '../admin/server.ts'
import { errorBody, GATEWAY_ERRORS, type GatewayErrorCode } from '../errors.ts'
import type { Upstreams } from './forward.ts'
import { splitPortSuffix, upstreamHeaders } from './headers.ts'
import type { Resolution, Resolver } from './resolve.ts'
import type { Route } from '../entities/route.ts'
import type { Service } from '../entities/service.ts'

/** Header carrying the id of each proxied request, to the client and to the upstream. */
export const REQUEST_ID_HEADER = 'x-switchyard-request-id'
const VIA = `1.1 switchyard/${VERSION}`
const SERVER = `switchyard/${VERSION}`

/** One finished proxied request, for the access log and metrics. */
export interface RequestRecord {
  readonly requestId: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly routeId: string | undefined
  readonly routeName: string | null | undefined
  readonly serviceId: string | undefined
  readonly serviceName: string | null | undefined
  /** Milliseconds, or undefined when no upstream was called. */
  readonly upstreamLatency: number | undefined
  readonly totalLatency: number
  readonly clientIp: string
}

/** What a proxy listener needs. */
export interface ProxyOptions {
  readonly resolve: Resolver
  readonly upstreams: Upstreams
  /** Called once per request after the response ends. */
  readonly observe: (record: RequestRecord) => void
}

/** An address without the IPv4-mapped IPv6 prefix (`::ffff:10.0.0.1` is 10.0.0.1). */
function unmapped(address: string | undefined): string {
  const text = address ?? ''
  return text.startsWith('::ffff:') ? text.slice(7) : text
}

/** The client's address, as the routes and X-Forwarded-For see it. */
function clientAddress(socket: Socket): string {
  return unmapped(socket.remoteAddress)
}

function isTls(socket: Socket): socket is TLSSocket {
  return (socket as Partial<TLSSocket>).encrypted === true
}

/**
 * The request as packages/http reads it. Every field is a getter, so only what the routes read is
 * computed (the extractor touches nothing else); headers are materialized only when a route reads one.
 */
class NodeRequest {
  constructor(
    readonly request: IncomingMessage,
    readonly scheme: string,
  ) {}

  get method(): string {
    return this.request.method ?? 'GET'
  }

  get path(): string {
    return this.request.url ?? '/'
  }

  get host(): string | undefined {
    return this.request.headers.host
  }

  // One value per header line, in order (language.md §7.4): headersDistinct keeps repeated lines apart.
  get headers(): NodeJS.Dict<string[]> {
    return this.request.headersDistinct
  }

  get src_ip(): string {
    return clientAddress(this.request.socket)
  }

  get src_port(): number | undefined {
    return this.request.socket.remotePort
  }

  get dst_ip(): string {
    return unmapped(this.request.socket.localAddress)
  }

  get dst_port(): number | undefined {
    return this.request.socket.localPort
  }

  get sni(): string | undefined {
    const socket = this.request.socket
    return isTls(socket) && typeof socket.servername === 'string' ? socket.servername : undefined
  }
}

/** nginx refuses a `%` not followed by two hex digits in the path with 400. */
function hasBadPercent(target: string): boolean {
  return target.includes('%') && /%(?![0-9A-Fa-f]{2})/.test(pathOf(target))
}

function sendError(response: ServerResponse, code: GatewayErrorCode, requestId: string): number {
  const status = GATEWAY_ERRORS[code].status
  if (response.headersSent) {
    response.destroy()
    return status
  }
  const body = errorBody(code, requestId)
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), server: SERVER, [REQUEST_ID_HEADER]: requestId })
  response.end(body)
  return status
}

function rawError(socket: Duplex, code: GatewayErrorCode, requestId: string): void {
  const status = GATEWAY_ERRORS[code].status
  const body = errorBody(code, requestId)
  const reason = code === 'bad-request' ? 'Bad Request' : code === 'no-route' ? 'Not Found' : 'Error'
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nServer: ${SERVER}\r\n${REQUEST_ID_HEADER}: ${requestId}\r\n\r\n${body}`)
}

/** The Host port the client addressed, else the listener port (Kong's X-Forwarded-Host and -Port). */
function forwardedHostPort(request: IncomingMessage): { host: string; port: number } {
  const { host, port } = splitPortSuffix(request.headers.host ?? request.socket.localAddress ?? '')
  return { host, port: port ?? request.socket.localPort ?? 0 }
}

/** The request target without its query. */
function pathOf(target: string): string {
  const query = target.indexOf('?')
  return query < 0 ? target : target.slice(0, query)
}

/** The upstream request headers of a routed request (Kong's X-Forwarded-* and Via), request id last. */
function proxiedHeaders(request: IncomingMessage, resolution: Resolution, clientIp: string, scheme: string, requestId: string, upgrade: string | undefined): string[] {
  const { host, port } = forwardedHostPort(request)
  const headers = upstreamHeaders(request.headers, request.rawHeaders, resolution.host, { clientIp, proto: scheme, host, port, path: pathOf(request.url ?? '/'), prefix: resolution.prefix, via: VIA }, upgrade)
  headers.push(REQUEST_ID_HEADER, requestId)
  return headers
}

type Decision =
  | { kind: 'forward'; resolution: Resolution & { service: Service } }
  | { kind: 'error'; code: GatewayErrorCode; resolution?: Resolution }
  | { kind: 'respond'; status: number; headers: Readonly<Record<string, string>>; message: string; route: Route }

/** Routes a request; Kong's own answers (404, 503, 426, redirects) come back as decisions. */
function decide(resolve: Resolver, request: IncomingMessage, scheme: string): Decision {
  if (hasBadPercent(request.url ?? '/')) return { kind: 'error', code: 'bad-request' }
  // A getter that returns undefined reads as an absent field, as the extractor expects; the static
  // type cannot say so under exactOptionalPropertyTypes.
  const result = resolve(new NodeRequest(request, scheme) as unknown as RequestLike)
  if (result.kind === 'respond') return result
  if (result.kind !== 'routed') return { kind: 'error', code: 'no-route' }
  const resolution = result.resolution
  if (resolution.service === null) return { kind: 'error', code: 'no-service', resolution }
  return { kind: 'forward', resolution: resolution as Resolution & { service: Service } }
}

function sendRespond(response: ServerResponse, decision: Decision & { kind: 'respond' }, requestId: string): number {
  const body = decision.status >= 300 && decision.status < 400 ? '' : JSON.stringify({ message: decision.message, request_id: requestId })
  response.writeHead(decision.status, { ...decision.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), server: SERVER, [REQUEST_ID_HEADER]: requestId })
  response.end(body)
  return decision.status
}

/** Builds the request handler and upgrade handler shared by the HTTP and HTTPS listeners. */
export function createProxyHandlers(options: ProxyOptions, scheme: 'http' | 'https') {
  const handleRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now()
    const requestId = randomUUID()
    // Read now: the socket is detached from the request once the response ends.
    const clientIp = clientAddress(request.socket)
    const decision = decide(options.resolve, request, scheme)
    const finish = (status: number, resolution: Resolution | undefined, upstreamLatency: number | undefined): void => {
      options.observe({
        requestId,
        method: request.method ?? '',
        path: request.url ?? '',
        status,
        routeId: resolution?.route.id,
        routeName: resolution?.route.name,
        serviceId: resolution?.service?.id,
        serviceName: resolution?.service?.name,
        upstreamLatency,
        totalLatency: performance.now() - started,
        clientIp,
      })
    }
    if (decision.kind === 'error') {
      // Drain an unread body so the connection stays usable for the next request.
      request.resume()
      return finish(sendError(response, decision.code, requestId), decision.resolution, undefined)
    }
    if (decision.kind === 'respond') {
      request.resume()
      return finish(sendRespond(response, decision, requestId), { route: decision.route, service: null, path: '', host: '', prefix: undefined }, undefined)
    }
    const { resolution } = decision
    const service = resolution.service
    const headers = proxiedHeaders(request, resolution, clientIp, scheme, requestId, undefined)
    options.upstreams.forward(request, response, { service, method: request.method ?? 'GET', path: resolution.path, headers }, ['via', VIA, REQUEST_ID_HEADER, requestId], (error, outcome) => {
      if (error === undefined) finish(outcome.status, resolution, outcome.upstreamLatency)
      else {
        // The body may be half read (the upstream failed mid-upload): like nginx, answer and close
        // the connection rather than wait for or drain the rest.
        if (!request.complete) response.shouldKeepAlive = false
        finish(sendError(response, error.code, requestId), resolution, undefined)
      }
    })
  }

  const handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const requestId = randomUUID()
    socket.on('error', () => socket.destroy())
    const decision = decide(options.resolve, request, scheme)
    if (decision.kind !== 'forward') return rawError(socket, decision.kind === 'error' ? decision.code : 'https-required', requestId)
    const { resolution } = decision
    const service = decision.resolution.service
    const headers = proxiedHeaders(request, resolution, clientAddress(request.socket), scheme, requestId, request.headers.upgrade ?? 'websocket')
    options.upstreams.upgrade(socket, head, { service, method: request.method ?? 'GET', path: resolution.path, headers }, (error) => rawError(socket, error.code, requestId))
  }

  return { handleRequest, handleUpgrade }
}

/** Answers unparsable requests (bad request line or header) with Kong's 400, and keeps serving others. */
function onClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy()
  rawError(socket, 'bad-request', randomUUID())
}

/** TLS material for HTTPS listeners. */
export interface TlsMaterial {
  readonly cert: string | Buffer
  readonly key: string | Buffer
}

/** Creates (does not start) one proxy listener, HTTP or HTTPS. */
export function createProxyServer(options: ProxyOptions, tls: TlsMaterial | undefined): Server {
  const scheme = tls === undefined ? 'http' : 'https'
  const handlers = createProxyHandlers(options, scheme)
  const serverOptions = { requireHostHeader: false, keepAliveTimeout: 60_000, headersTimeout: 60_000, requestTimeout: 0 }
  const server: Server = tls === undefined ? createHttpServer(serverOptions, handlers.handleRequest) : createHttpsServer({ ...serverOptions, cert: tls.cert, key: tls.key }, handlers.handleRequest)
  server.on('upgrade', handlers.handleUpgrade)
  server.on('clientError', onClientError)
  return server
}
