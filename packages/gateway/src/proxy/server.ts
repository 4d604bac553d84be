import { randomUUID } from 'node:crypto'
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { SERVER_TOKEN, VERSION } from '../admin/server.ts'
import { GATEWAY_ERRORS, type GatewayError, type GatewayErrorCode } from '../errors.ts'
import { errorRequest, errorResponse, UNREAD_REQUEST, type ErrorDefaultType, type ErrorRequest } from './error-response.ts'
import type { ForwardCallback, UpstreamRequest, Upstreams } from './forward.ts'
import { asksForTrailers, milliseconds, PROXY_LATENCY_HEADER, RESPONSE_LATENCY_HEADER, UPSTREAM_LATENCY_HEADER, upstreamHeaders } from './headers.ts'
import { isTls, NodeRequest, unmapped } from './node-request.ts'
import { InjectedHeaders, INJECTED_HEADERS } from './injected-headers.ts'
import { requireProxyProtocol } from './proxy-protocol.ts'
import type { RealIp } from './real-ip.ts'
import { CLIENT_BODY_TIMEOUT_MS, declaredTooLarge, hasRequestBody, readRequestBody, type BodyLimits, type BufferedBody } from './request-body.ts'
import type { ProxyRequest, Resolution, Resolver } from './resolve.ts'
import type { Route } from '../entities/route.ts'
import type { Service } from '../entities/service.ts'
import { hasBadTarget, isValidHost, isValidLineHost, type HeaderNames } from '@switchyard/http'
import type { TlsMaterial } from '../tls-material.ts'

/** Header carrying the id of each proxied request, to the client and to the upstream. */
export const REQUEST_ID_HEADER = INJECTED_HEADERS.requestId
const VIA = `1.1 switchyard/${VERSION}`

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
  /** nginx's `$remote_addr`: the connecting address, or the one `real_ip_header` gave for a trusted client. */
  readonly clientIp: string
  /** Why the upstream failed (`ECONNREFUSED`, a timeout, …), for a 502 or 504 the gateway answered; what nginx's error log says. */
  readonly error?: string | undefined
}

/** The access log's and the metrics' record of a request that has ended. */
function requestRecord(
  request: IncomingMessage,
  requestId: string,
  started: number,
  clientIp: string,
  status: number,
  resolution: Resolution | undefined,
  upstreamLatency: number | undefined,
  error: string | undefined,
): RequestRecord {
  return {
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
    error,
  }
}

/** The headers the gateway adds to an upstream's answer (before the upstream latency, known later), those `injected` turns on. */
function gatewayHeaders(injected: InjectedHeaders, requestId: string, proxyLatency: string): string[] {
  return injected.pick(['via', VIA, 'server', SERVER_TOKEN, REQUEST_ID_HEADER, requestId, PROXY_LATENCY_HEADER, proxyLatency])
}

/** What a proxy listener needs. */
export interface ProxyOptions {
  readonly resolve: Resolver
  readonly upstreams: Upstreams
  /** Called once per request after the response ends. */
  readonly observe: (record: RequestRecord) => void
  /** Whether a client address is in `trusted_ips`; absent, no client is trusted. */
  readonly trusted?: (clientIp: string) => boolean
  /** Kong's `real_ip_header`: where a trusted client's request names the real client; absent, it is not read. */
  readonly realIp?: RealIp
  /** Kong's `error_default_type`: the format of an error page for a request with neither Accept nor Content-Type; text/plain when absent. */
  readonly errorDefaultType?: ErrorDefaultType
  /** How request bodies are read (Kong's client_max_body_size and client_body_buffer_size); Kong's defaults when absent. */
  readonly requestBody?: BodyLimits
  /** Which request header lines are taken, routed on and sent upstream; all when absent (the gateway passes nginx's). */
  readonly headerNames?: HeaderNames
  /** Kong's `port_maps`, by listener port: the port clients reach it by; absent, ports are the listeners'. */
  readonly hostPorts?: ReadonlyMap<number, number>
  /** Told why a connection to a `proxy_protocol` listener was closed before its PROXY protocol header was read (nginx's error log). */
  readonly onBrokenHeader?: (reason: string) => void
  /** Kong's `headers`: which of its own headers the gateway adds to what clients receive; Kong's default when absent. */
  readonly injected?: InjectedHeaders
  /** Kong's `headers_upstream`: whether upstream requests carry the request id; true when absent. */
  readonly upstreamRequestId?: boolean
}

/**
 * Whether a request waits for `100 Continue` before sending its body, as Node's HTTP server reads
 * `Expect` (a `100-continue` token anywhere in it): Node sends no 100 itself to such a request when
 * the server listens for `checkContinue`, and closes the connection after an answer sent without one.
 */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i

function expectsContinue(request: IncomingMessage): boolean {
  const expect = request.headers.expect
  return expect !== undefined && CONTINUE.test(expect)
}

/** nginx's lingering_time and lingering_timeout: how long, and how long between reads, a closing connection is still read. */
const LINGERING_TIME_MS = 30_000
const LINGERING_TIMEOUT_MS = 5_000

/**
 * Closes the connection after this response, the way nginx's lingering close does for an answer
 * sent before the request body was read: the gateway closes its side once the answer is out, then
 * reads and drops what the client still sends, until the client closes, or for at most 30 s with
 * at most 5 s between reads. Closing at once with unread bytes would reset the connection, and the
 * client would lose the answer (a 413 to a large upload, say).
 */
function closeLingering(request: IncomingMessage, response: ServerResponse): void {
  response.shouldKeepAlive = false
  // A streamed body's reader that gave up (a 413 mid-upload) still listens for `readable`, which
  // keeps the body from flowing into the discard: drop it.
  request.removeAllListeners('readable')
  request.resume()
  const socket = request.socket as Socket & { destroySoon?: () => void }
  // Node ends a connection that is not kept alive with destroySoon once the response is out.
  socket.destroySoon = () => {
    socket.end()
    const destroy = (): void => void socket.destroy()
    const total = setTimeout(destroy, LINGERING_TIME_MS)
    const idle = setTimeout(destroy, LINGERING_TIMEOUT_MS)
    socket.on('data', () => void idle.refresh())
    socket.once('end', destroy)
    socket.once('close', () => {
      clearTimeout(total)
      clearTimeout(idle)
    })
    socket.resume()
  }
}

/** Kong's defaults: no size limit, 8 KB in memory, then a temporary file. */
const DEFAULT_BODY_LIMITS: BodyLimits = { maxSize: 0, bufferSize: 8 * 1024, tempDir: join(tmpdir(), 'switchyard_client_body_temp'), timeoutMs: CLIENT_BODY_TIMEOUT_MS }

/** The connecting address (nginx's `$realip_remote_addr`), which `trusted_ips` is checked against. */
function clientAddress(socket: Socket): string {
  return unmapped(socket.remoteAddress)
}

/** The request as routes see it; a trusted peer's `real_ip_header` names the client, as nginx's realip module does. */
function proxyRequest(options: ProxyOptions, request: IncomingMessage, scheme: string, peer: string): NodeRequest {
  const trusted = options.trusted?.(peer) === true
  const localPort = request.socket.localPort
  const hostPort = localPort === undefined ? undefined : options.hostPorts?.get(localPort)
  return new NodeRequest(request, scheme, trusted, trusted ? options.realIp?.(peer, request.rawHeaders, request.socket) : undefined, options.headerNames, hostPort)
}

/**
 * nginx refuses with 400 an HTTP/1.1 request without a Host header ("client sent HTTP/1.1 request
 * without Host header"), absolute-form target or not; any request with two ("client sent duplicate
 * host header"), since two readers of one request must not see two hosts; and, on any HTTP version,
 * a Host value ngx_http_validate_host declines ("client sent invalid host header", {@link isValidHost}),
 * an empty one included.
 */
function badHostHeader(incoming: IncomingMessage): boolean {
  const raw = incoming.rawHeaders
  let count = 0
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    if (name.length === 4 && name.toLowerCase() === 'host' && (++count > 1 || !isValidHost(raw[i + 1] as string))) return true
  }
  return count === 0 && (incoming.httpVersionMajor > 1 || incoming.httpVersionMinor >= 1)
}

/**
 * Writes one of Kong's own answers: the body, then Content-Type (none when undefined), Server, the
 * request id and `extra` (a flat name/value list: latency headers, Location, Upgrade, …). A response
 * already under way is cut instead.
 */
function answer(response: ServerResponse, status: number, body: string, contentType: string | undefined, requestId: string, extra: readonly string[], injected: InjectedHeaders): number {
  if (response.headersSent) {
    response.destroy()
    return status
  }
  const type = contentType === undefined ? [] : ['content-type', contentType]
  response.writeHead(status, injected.pick([...type, 'content-length', String(Buffer.byteLength(body)), 'server', SERVER_TOKEN, REQUEST_ID_HEADER, requestId, ...extra]))
  response.end(body)
  return status
}

/** Answers with a gateway error, in the format Kong chooses for this request (`fields`). */
function sendError(response: ServerResponse, code: GatewayErrorCode, requestId: string, latency: readonly string[], fields: ErrorRequest, defaultType: ErrorDefaultType | undefined, injected: InjectedHeaders): number {
  const { status, message, source } = GATEWAY_ERRORS[code]
  const error = errorResponse(source, status, message, requestId, fields, defaultType)
  return answer(response, status, error.body, error.contentType, requestId, [...error.headers, ...latency], injected)
}

function sendRespond(response: ServerResponse, decision: Decision & { kind: 'respond' }, requestId: string, latency: readonly string[], fields: ErrorRequest, injected: InjectedHeaders): number {
  const extra = [...latency]
  for (const [name, value] of Object.entries(decision.headers)) extra.push(name, value)
  // A redirect has no body, and Kong's proxy location has no default type: no Content-Type.
  if (decision.status >= 300 && decision.status < 400) return answer(response, decision.status, '', undefined, requestId, extra, injected)
  // Kong's other answers after the match (426, 415) are kong.response.error calls.
  const error = errorResponse('kong', decision.status, decision.message, requestId, fields)
  return answer(response, decision.status, error.body, error.contentType, requestId, [...error.headers, ...extra], injected)
}

/** Kong's latency header for an answer of its own, `started` being the request's `performance.now()`. */
function responseLatency(started: number): string[] {
  return [RESPONSE_LATENCY_HEADER, milliseconds(performance.now() - started)]
}

/** An answer written straight to a connection the HTTP server no longer handles (upgrades, parse errors); it closes it. */
function rawError(socket: Duplex, code: GatewayErrorCode, requestId: string, fields: ErrorRequest, defaultType: ErrorDefaultType | undefined, injected: InjectedHeaders): void {
  const { status, message, source } = GATEWAY_ERRORS[code]
  const error = errorResponse(source, status, message, requestId, fields, defaultType)
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`
  if (error.contentType !== undefined) head += `Content-Type: ${error.contentType}\r\n`
  head += `Content-Length: ${Buffer.byteLength(error.body)}\r\nConnection: close\r\n`
  const fieldsAfter = injected.pick(['Server', SERVER_TOKEN, REQUEST_ID_HEADER, requestId, ...error.headers])
  for (let i = 0; i < fieldsAfter.length; i += 2) head += `${fieldsAfter[i] as string}: ${fieldsAfter[i + 1] as string}\r\n`
  socket.end(`${head}\r\n${error.body}`)
}

/** The request target without its query. */
function pathOf(target: string): string {
  const query = target.indexOf('?')
  return query < 0 ? target : target.slice(0, query)
}

/** The upstream request headers of a routed request (Kong's X-Forwarded-*, Via, TE, Upgrade), request id last unless `withRequestId` is off. */
function proxiedHeaders(request: NodeRequest, resolution: Resolution, peer: string, requestId: string | undefined, websocket: boolean, trailers: boolean): string[] {
  const incoming = request.request
  const headers = upstreamHeaders(incoming.headers, incoming.rawHeaders, resolution.host, {
    clientIp: request.realClient?.ip ?? peer,
    peer,
    proto: request.forwardedProto,
    host: request.forwardedHost,
    port: request.forwardedPort,
    path: request.forwardedPath ?? pathOf(request.path),
    prefix: request.forwardedPrefix ?? resolution.prefix,
    via: VIA,
    websocket,
    trailers,
  }, request.headerNames)
  if (requestId !== undefined) headers.push(REQUEST_ID_HEADER, requestId)
  return headers
}

type Decision =
  | { kind: 'forward'; resolution: Resolution & { service: Service } }
  | { kind: 'error'; code: GatewayErrorCode; resolution?: Resolution }
  | { kind: 'respond'; status: number; headers: Readonly<Record<string, string>>; message: string; route: Route }

/** Routes a request; Kong's own answers (404, 503, 426, redirects, gRPC mismatches) come back as decisions. */
function decide(resolve: Resolver, request: NodeRequest): Decision {
  if (hasBadTarget(request.path) || (request.lineHost !== undefined && !isValidLineHost(request.lineHost)) || badHostHeader(request.request)) return { kind: 'error', code: 'bad-request' }
  if (request.request.method === 'TRACE') return { kind: 'error', code: 'method-not-allowed' }
  // A getter that returns undefined reads as an absent field, as the extractor expects; the static
  // type cannot say so under exactOptionalPropertyTypes.
  const result = resolve(request as unknown as ProxyRequest)
  if (result.kind === 'respond') return result
  if (result.kind !== 'routed') return { kind: 'error', code: 'no-route' }
  const resolution = result.resolution
  if (resolution.service === null) return { kind: 'error', code: 'no-service', resolution }
  return { kind: 'forward', resolution: resolution as Resolution & { service: Service } }
}

/** Kong upgrades only WebSockets (`Upgrade: websocket`, any case); other upgrades are ordinary requests. */
function isWebSocket(upgrade: string | undefined): boolean {
  return upgrade !== undefined && upgrade.length === 9 && upgrade.toLowerCase() === 'websocket'
}

/**
 * Serves an upgrade request as an ordinary one (RFC 9110 §7.8 lets a server ignore Upgrade): hands
 * the connection back to the HTTP server with the same request head, minus the `upgrade` token of
 * Connection so that Node sees no upgrade this time, then the bytes already read after the head.
 * Node reads the body and keeps the connection alive as for any request; the request handler routes
 * it again, answers or proxies it, and drops Upgrade and the fields Connection names.
 */
function reinject(server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const raw = request.rawHeaders
  let text = `${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}\r\n`
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    let value = raw[i + 1] as string
    if (name.length === 10 && name.toLowerCase() === 'connection') {
      value = value
        .split(',')
        .filter((token) => token.trim().toLowerCase() !== 'upgrade')
        .join(',')
      if (value.trim() === '') continue
    }
    text += `${name}: ${value}\r\n`
  }
  // Node decodes the head as latin1, so this gives back the bytes the client sent.
  socket.unshift(Buffer.concat([Buffer.from(`${text}\r\n`, 'latin1'), head]))
  const connection = socket as Socket
  // A response that finished while the upgrade waited left Node's keep-alive timeout armed; the new
  // parser does not know it, so it would cut a long request on this connection.
  connection.setTimeout(server.timeout)
  // An HTTPS server parses HTTP on `secureConnection`; its `connection` event is the raw TCP one.
  server.emit(isTls(connection) ? 'secureConnection' : 'connection', socket)
  // Node removes its per-connection listeners on upgrade except `resume` and `pause`, and adds them
  // again for the new parser: drop the repeats, or each reinjected request adds two for good.
  dropRepeatedListeners(socket, 'resume')
  dropRepeatedListeners(socket, 'pause')
}

function dropRepeatedListeners(socket: Duplex, event: 'resume' | 'pause'): void {
  const seen = new Set<unknown>()
  for (const listener of socket.listeners(event)) {
    if (seen.has(listener)) socket.removeListener(event, listener as () => void)
    else seen.add(listener)
  }
}

/** The response Node is writing on a connection, if any (its own field: no public API tells). */
function inFlight(socket: Duplex): ServerResponse | undefined {
  const current = (socket as { _httpMessage?: ServerResponse | null })._httpMessage
  return current === null || current === undefined || current.closed ? undefined : current
}

/**
 * Runs `then` once every response the HTTP server still owes on this connection has finished, so
 * that what follows (a tunnel, a raw error, a reinjected request's answer) comes after them on the
 * wire, in request order. Node has parsed pipelined requests ahead of their answers: the socket
 * holds the response being written and hands itself to the next queued one when that finishes,
 * before the finished one's `close`. A response whose request body is still being read is not
 * waited for: a parse error is in that very body, which will never end. Nothing runs when the
 * connection is closing already (an earlier request asked for `Connection: close`).
 */
function afterResponses(socket: Duplex, then: () => void): void {
  if (!socket.writable) return
  const current = inFlight(socket)
  if (current === undefined || !current.req.complete) return then()
  current.once('close', () => afterResponses(socket, then))
}

/** Builds the request handler and upgrade handler shared by the HTTP and HTTPS listeners. */
export function createProxyHandlers(options: ProxyOptions, scheme: 'http' | 'https') {
  const injected = options.injected ?? InjectedHeaders.DEFAULT
  const answerHeaders = { upstreamLatency: injected.has(INJECTED_HEADERS.upstreamLatency), upstreamStatus: injected.has(INJECTED_HEADERS.upstreamStatus) }
  const handleRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now()
    const requestId = randomUUID()
    // Read now: the socket is detached from the request once the response ends.
    const peer = clientAddress(request.socket)
    const target = proxyRequest(options, request, scheme, peer)
    const decision = decide(options.resolve, target)
    // nginx refuses a malformed request, or a TRACE, while reading its head: before the realip
    // module runs and before the body's size is looked at.
    const refusedHead = decision.kind === 'error' && (decision.code === 'bad-request' || decision.code === 'method-not-allowed')
    const clientIp = refusedHead ? peer : (target.realClient?.ip ?? peer)
    const finish = (status: number, resolution: Resolution | undefined, upstreamLatency: number | undefined, error?: string): void => {
      options.observe(requestRecord(request, requestId, started, clientIp, status, resolution, upstreamLatency, error))
    }
    const limits = options.requestBody ?? DEFAULT_BODY_LIMITS
    const routed = decision.kind === 'error' ? decision.resolution : decision.kind === 'respond' ? { route: decision.route, service: null, path: '', host: '', prefix: undefined } : decision.resolution
    // An answer sent without reading the body: the body is read and dropped, and a client that
    // waits for 100 Continue gets none, so its connection is closed after the answer (it may send
    // the body or not).
    const answerUnread = (): void => {
      if (expectsContinue(request)) closeLingering(request, response)
      else request.resume()
    }
    // nginx's answers to a body it will not take (413, 408): the rest of it is not waited for.
    const refuse = (error: GatewayError): void => {
      if (error.code === 'request-timeout') {
        // nginx closes the connection of a client silent for client_body_timeout without a word.
        request.socket.destroy()
        return finish(error.status, routed, undefined)
      }
      closeLingering(request, response)
      finish(sendError(response, error.code, requestId, responseLatency(started), errorRequest(request.rawHeaders, request.httpVersionMajor), options.errorDefaultType, injected), routed, undefined)
    }
    // nginx checks a declared body size before anything else of Kong runs, the router included.
    const declared = refusedHead ? undefined : declaredTooLarge(request, limits)
    if (declared !== undefined) return refuse(declared)
    if (decision.kind === 'error') {
      answerUnread()
      // nginx refuses a malformed request while reading the request line or Host, before the
      // fields that usually follow them, so its 400 is formatted as for a request without Accept.
      const fields = decision.code === 'bad-request' ? UNREAD_REQUEST : errorRequest(request.rawHeaders, request.httpVersionMajor)
      return finish(sendError(response, decision.code, requestId, responseLatency(started), fields, options.errorDefaultType, injected), decision.resolution, undefined)
    }
    if (decision.kind === 'respond') {
      answerUnread()
      return finish(sendRespond(response, decision, requestId, responseLatency(started), errorRequest(request.rawHeaders, request.httpVersionMajor), injected), routed, undefined)
    }
    const { resolution } = decision
    const service = resolution.service
    const trailers = asksForTrailers(request.headers.te)
    const headers = proxiedHeaders(target, resolution, peer, options.upstreamRequestId === false ? undefined : requestId, false, trailers)
    const proxyLatency = milliseconds(performance.now() - started)
    const extra = gatewayHeaders(injected, requestId, proxyLatency)
    const onForwarded: ForwardCallback = (error, outcome) => {
      if (error === undefined) finish(outcome.status, resolution, outcome.upstreamLatency)
      else if (error.code === 'request-timeout' || error.code === 'payload-too-large') refuse(error)
      else {
        // The body may be half read (the upstream failed mid-upload): like nginx, answer and close
        // the connection rather than wait for the rest.
        if (!request.complete) closeLingering(request, response)
        // Kong answers a host that does not resolve itself, before proxying: its latency header.
        const latency = error.code === 'name-resolution-failed' ? responseLatency(started) : [UPSTREAM_LATENCY_HEADER, milliseconds(outcome.upstreamLatency), PROXY_LATENCY_HEADER, proxyLatency]
        finish(sendError(response, error.code, requestId, latency, errorRequest(request.rawHeaders, request.httpVersionMajor), options.errorDefaultType, injected), resolution, undefined, error.detail)
      }
    }
    const forward = (body: BufferedBody | undefined): void => {
      const upstream: UpstreamRequest = { service, method: request.method ?? 'GET', path: resolution.path, headers, trailers, body, maxBodySize: limits.maxSize, clientTimeoutMs: limits.timeoutMs, answerHeaders }
      options.upstreams.forward(request, response, upstream, extra, onForwarded)
    }
    if (!hasRequestBody(request)) return forward(undefined)
    // The body is read from here on: a client waiting for 100 Continue gets it now, as from nginx.
    if (expectsContinue(request)) response.writeContinue()
    if (resolution.route.request_buffering === false) return forward(undefined)
    // request_buffering (Kong's default): the whole body first, then the upstream, with a
    // Content-Length also for a chunked upload, and retries that can send the body again.
    readRequestBody(request, limits, (outcome) => {
      if (outcome.kind === 'refused') return refuse(outcome.error)
      // nginx logs a client that closed the connection while sending its body as 400.
      if (outcome.kind === 'client-gone') return finish(400, resolution, undefined)
      if (request.headers['content-length'] === undefined) headers.push('content-length', String(outcome.body.length))
      forward(outcome.body)
    })
  }

  const upgrade = (server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const peer = clientAddress(request.socket)
    const target = proxyRequest(options, request, scheme, peer)
    // Only a WebSocket that goes upstream is tunnelled; Kong's own answers (404, 426, redirects, …)
    // and every other upgrade are served by the request handler, exactly as without Upgrade.
    const decision = isWebSocket(request.headers.upgrade) ? decide(options.resolve, target) : undefined
    if (decision?.kind !== 'forward') return reinject(server, request, socket, head)
    const started = performance.now()
    const requestId = randomUUID()
    socket.on('error', () => socket.destroy())
    const { resolution } = decision
    // Logged once the connection closes, as nginx logs an upgraded request when its tunnel ends:
    // with the upstream's status (101 for a tunnel), or the gateway's own answer and why; 499
    // when the client left before either.
    let status = 499
    let upstreamLatency: number | undefined
    let error: string | undefined
    const clientIp = target.realClient?.ip ?? peer
    socket.once('close', () => options.observe(requestRecord(request, requestId, started, clientIp, status, resolution, upstreamLatency, error)))
    const headers = proxiedHeaders(target, resolution, peer, options.upstreamRequestId === false ? undefined : requestId, true, asksForTrailers(request.headers.te))
    const upstream = { service: resolution.service, method: request.method ?? 'GET', path: resolution.path, headers, trailers: false }
    const onError = (failure: GatewayError): void => {
      status = GATEWAY_ERRORS[failure.code].status
      error = failure.detail
      rawError(socket, failure.code, requestId, errorRequest(request.rawHeaders, request.httpVersionMajor), options.errorDefaultType, injected)
    }
    const sent = performance.now()
    const proxyLatency = milliseconds(sent - started)
    options.upstreams.upgrade(socket, head, upstream, onError, (answered) => {
      status = answered
      upstreamLatency = performance.now() - sent
      // Kong's header_filter runs on a handshake's answer as on any other.
      const upstreamStatus = answerHeaders.upstreamStatus ? [INJECTED_HEADERS.upstreamStatus, String(answered)] : []
      return [...gatewayHeaders(injected, requestId, proxyLatency), ...upstreamStatus, ...injected.pick([UPSTREAM_LATENCY_HEADER, milliseconds(upstreamLatency)])]
    })
  }

  // A request pipelined behind others is answered after them, whether it is tunnelled or reinjected.
  const handleUpgrade = (server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void => afterResponses(socket, () => upgrade(server, request, socket, head))

  return { handleRequest, handleUpgrade }
}

/**
 * Answers an unparsable request (bad request line or header, data after `Connection: close`) with
 * Kong's 400 once the requests parsed before it are answered, then closes the connection; other
 * connections are served as usual. Node reports the error again for each further chunk the
 * client sends: only the first counts.
 */
function createClientErrorHandler(defaultType: ErrorDefaultType | undefined, injected: InjectedHeaders): (error: Error & { code?: string }, socket: Duplex) => void {
  const failed = new WeakSet<Duplex>()
  return (error, socket) => {
    if (error.code === 'ECONNRESET') return void socket.destroy()
    if (failed.has(socket)) return
    if (!socket.writable) return void socket.destroy()
    failed.add(socket)
    afterResponses(socket, () => {
      // The broken request's own answer is under way already: it can only be cut.
      if (inFlight(socket)?.headersSent === true) return void socket.destroy()
      rawError(socket, 'bad-request', randomUUID(), UNREAD_REQUEST, defaultType, injected)
    })
  }
}

/**
 * Answers CONNECT with Kong's 400 and closes the connection: a gateway is no forward proxy, and
 * nginx refuses the method (an authority-form target `h:1` does not even parse). Node would
 * otherwise drop the connection without a word.
 */
function connectHandler(defaultType: ErrorDefaultType | undefined, injected: InjectedHeaders): (request: IncomingMessage, socket: Duplex) => void {
  return (_request, socket) => afterResponses(socket, () => rawError(socket, 'bad-request', randomUUID(), UNREAD_REQUEST, defaultType, injected))
}

/**
 * Creates (does not start) one proxy listener, HTTP or HTTPS; with `proxyProtocol`, every connection
 * starts with a PROXY protocol header, read before anything else.
 */
export function createProxyServer(options: ProxyOptions, tls: TlsMaterial | undefined, proxyProtocol = false): Server {
  const scheme = tls === undefined ? 'http' : 'https'
  const handlers = createProxyHandlers(options, scheme)
  const serverOptions = { requireHostHeader: false, keepAliveTimeout: 60_000, headersTimeout: 60_000, requestTimeout: 0 }
  const server: Server = tls === undefined ? createHttpServer(serverOptions, handlers.handleRequest) : createHttpsServer({ ...serverOptions, cert: tls.cert, key: tls.key }, handlers.handleRequest)
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => handlers.handleUpgrade(server, request, socket, head))
  server.on('connect', connectHandler(options.errorDefaultType, options.injected ?? InjectedHeaders.DEFAULT))
  // Node answers a bare 417 to an `Expect` other than 100-continue unless this event has a listener;
  // nginx ignores unknown expectations (and clears `Expect` upstream), so serve the request as usual.
  server.on('checkExpectation', handlers.handleRequest)
  // With a listener here Node sends no 100 Continue itself: the handler sends it once it reads the
  // body, as nginx does, and not before a 413 or one of Kong's own answers.
  server.on('checkContinue', handlers.handleRequest)
  server.on('clientError', createClientErrorHandler(options.errorDefaultType, options.injected ?? InjectedHeaders.DEFAULT))
  if (proxyProtocol) requireProxyProtocol(server, (reason) => options.onBrokenHeader?.(reason))
  return server
}
