import { connect as connectTcp, createServer as createTcpServer, isIP, type Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { connect as connectTls, createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { FieldContext } from '@switchyard/core'
import { createFieldExtractor, type FieldExtractor } from '@switchyard/http'
import type { Service } from '../entities/service.ts'
import type { GatewayRoutingTable } from '../engine.ts'
import { unmapped } from '../proxy/node-request.ts'
import type { TlsMaterial } from '../proxy/server.ts'

/** What a stream listener needs. */
export interface StreamOptions {
  /** The stream routes (first protocol tcp, tls, udp or tls_passthrough), as Kong's L4 router holds them. */
  readonly table: GatewayRoutingTable
  /** Kong's `port_maps`, by listener port (see `ProxyOptions.hostPorts`). */
  readonly hostPorts?: ReadonlyMap<number, number>
  /** Called once per session, when both sides have closed. */
  readonly observe: (record: StreamRecord) => void
}

/**
 * One proxied TCP session, as Kong's stream log reports it: `status` 200 when the upstream was
 * reached, 500 when no route matched, 503 when the route has no service, 502 when the upstream
 * could not be reached (nginx's stream status codes).
 */
export interface StreamRecord {
  readonly protocol: 'tcp' | 'tls'
  readonly status: number
  readonly clientIp: string
  readonly routeId?: string
  readonly routeName?: string | null
  readonly serviceId?: string
  readonly serviceName?: string | null
  /** Bytes from the client, and bytes sent to it. */
  readonly received: number
  readonly sent: number
  readonly sessionMs: number
  readonly error?: string
}

/** A stream listener and the connections it holds open (cut when the gateway stops). */
export interface StreamServer {
  readonly server: Server
  readonly sessions: Set<Socket>
}

/** Stops accepting, lets open sessions run for `graceMs`, then cuts the ones left. */
export function closeStreamServer({ server, sessions }: StreamServer, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    const timer = setTimeout(() => {
      for (const socket of sessions) socket.destroy()
    }, graceMs)
    timer.unref()
    server.close(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/**
 * Creates a stream listener: each accepted connection (after the handshake, for `ssl`) is routed once
 * by the stream routes, then its bytes are passed both ways to the route's service (`tcp`, or `tls`
 * for a service that speaks TLS) until either side closes or the service's `read_timeout` passes
 * without a byte either way (nginx's `proxy_timeout`). A connection no route takes is closed.
 */
export function createStreamServer(options: StreamOptions, tls?: TlsMaterial): StreamServer {
  const sessions = new Set<Socket>()
  const route = createStreamRouting(options)
  const accept = (socket: Socket, sni: string | undefined): void => proxySession(socket, tls === undefined ? 'tcp' : 'tls', sni, route, options)
  const server =
    tls === undefined
      ? createTcpServer((socket) => accept(socket, undefined))
      : createTlsServer({ cert: tls.cert, key: tls.key }, (socket: TLSSocket) => accept(socket, typeof socket.servername === 'string' ? socket.servername : undefined))
  // Every accepted connection, a TLS handshake still under way included, so that stopping can cut it.
  server.on('connection', (socket: Socket) => {
    sessions.add(socket)
    socket.once('close', () => sessions.delete(socket))
  })
  // A client that fails the TLS handshake is dropped; the listener keeps serving.
  server.on('tlsClientError', (_error, socket: Socket) => socket.destroy())
  return { server, sessions }
}

type Routed = { readonly kind: 'routed'; readonly routeId: string; readonly routeName: string | null; readonly service: Service | null } | { readonly kind: 'no-route' }

/** The routing step: fields of the connection (only those stream routes read), then the match. */
function createStreamRouting(options: StreamOptions): (socket: Socket, sni: string | undefined) => Routed {
  const { table } = options
  let version = -1
  let extractor: FieldExtractor = createFieldExtractor([], { subsystem: 'stream' })
  // Reused: routing is synchronous, so no two connections share it at once.
  const context = new FieldContext()
  return (socket, sni) => {
    if (table.version !== version) {
      extractor = createFieldExtractor(table.fields, { subsystem: 'stream' })
      version = table.version
    }
    const localPort = socket.localPort
    const request = {
      path: '',
      src_ip: unmapped(socket.remoteAddress),
      dst_ip: unmapped(socket.localAddress),
      ...(socket.remotePort === undefined ? {} : { src_port: socket.remotePort }),
      ...(localPort === undefined ? {} : { dst_port: options.hostPorts?.get(localPort) ?? localPort }),
      ...(sni === undefined ? {} : { sni }),
    }
    context.clear()
    const extracted = extractor(request, context)
    if (!extracted.ok) return { kind: 'no-route' }
    const routed = table.match(context)
    if (routed === undefined) return { kind: 'no-route' }
    return { kind: 'routed', routeId: routed.route.id, routeName: routed.route.name, service: routed.service }
  }
}

function proxySession(client: Socket, protocol: 'tcp' | 'tls', sni: string | undefined, route: (socket: Socket, sni: string | undefined) => Routed, options: StreamOptions): void {
  const started = performance.now()
  const clientIp = unmapped(client.remoteAddress)
  const record = (status: number, extra: Partial<StreamRecord>): StreamRecord => ({ protocol, status, clientIp, received: client.bytesRead, sent: client.bytesWritten, sessionMs: performance.now() - started, ...extra })
  client.on('error', () => client.destroy())
  const routed = route(client, sni)
  if (routed.kind === 'no-route') {
    whenClosed([client], () => options.observe(record(500, {})))
    client.destroy()
    return
  }
  const named = { routeId: routed.routeId, routeName: routed.routeName }
  const service = routed.service
  if (service === null) {
    whenClosed([client], () => options.observe(record(503, named)))
    client.destroy()
    return
  }
  const withService = { ...named, serviceId: service.id, serviceName: service.name }
  if (service.protocol !== 'tcp' && service.protocol !== 'tls') {
    whenClosed([client], () => options.observe(record(502, { ...withService, error: `service protocol ${service.protocol} is not proxied by stream listeners (tcp or tls)` })))
    client.destroy()
    return
  }
  // Bytes the client sends before the upstream is reached wait in the client socket.
  client.pause()
  const tlsUpstream = service.protocol === 'tls'
  const upstream: Socket = tlsUpstream
    ? connectTls({ host: service.host, port: service.port, ...(isIP(service.host) === 0 ? { servername: service.host } : {}), rejectUnauthorized: service.tls_verify === true })
    : connectTcp({ host: service.host, port: service.port })
  let status = 502
  let error: string | undefined
  const fail = (reason: string): void => {
    error ??= reason
    upstream.destroy()
    client.destroy()
  }
  const connectTimer = setTimeout(() => fail('connect timeout'), service.connect_timeout)
  upstream.once(tlsUpstream ? 'secureConnect' : 'connect', () => {
    clearTimeout(connectTimer)
    status = 200
    // nginx's proxy_timeout: the session ends after read_timeout without a byte either way.
    const idle = setTimeout(() => fail('idle timeout'), service.read_timeout)
    const touch = (): void => void idle.refresh()
    client.on('data', touch)
    upstream.on('data', touch)
    whenClosed([client, upstream], () => clearTimeout(idle))
    client.pipe(upstream)
    upstream.pipe(client)
    client.resume()
  })
  upstream.on('error', (cause: NodeJS.ErrnoException) => fail(cause.code ?? cause.message))
  upstream.once('close', () => {
    clearTimeout(connectTimer)
    client.destroySoon()
  })
  // A client gone before the upstream was reached ends the attempt; after, what it sent is delivered first.
  client.once('close', () => (upstream.connecting ? upstream.destroy() : upstream.destroySoon()))
  whenClosed([client, upstream], () => options.observe(record(status, { ...withService, ...(error === undefined ? {} : { error }) })))
}

/** Calls `then` once, when every socket has closed. */
function whenClosed(sockets: readonly Socket[], then: () => void): void {
  let open = sockets.length
  const closed = (): void => {
    if (--open === 0) then()
  }
  for (const socket of sockets) {
    if (socket.closed) closed()
    else socket.once('close', closed)
  }
}
