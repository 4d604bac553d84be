import { connect as connectTcp, createServer as createTcpServer, isIP, type Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { Duplex } from 'node:stream'
import { connect as connectTls, createSecureContext, TLSSocket, type SecureContext } from 'node:tls'
import type { Service } from '../entities/service.ts'
import { createTableMatcher, isUnreadable, type GatewayRoutingTable } from '../engine.ts'
import { unmapped } from '../proxy/node-request.ts'
import type { TlsMaterial } from '../tls-material.ts'
import { readLeadingBytes, type LeadingRead } from '../leading-bytes.ts'
import { readProxyHeader } from '../proxy/proxy-protocol.ts'
import { preread } from './client-hello.ts'

/** What a stream listener needs. */
export interface StreamOptions {
  /** The stream routes (first protocol tcp, tls, udp or tls_passthrough), as Kong's L4 router holds them. */
  readonly table: GatewayRoutingTable
  /** Kong's `port_maps`, by listener port (see `ProxyOptions.hostPorts`). */
  readonly hostPorts?: ReadonlyMap<number, number>
  /** Called once per session, when both sides have closed. */
  readonly observe: (record: StreamRecord) => void
  /**
   * Whether a peer is in `trusted_ips`: on a `proxy_protocol` listener, a trusted peer's PROXY
   * protocol header names the client (nginx's stream realip module); absent, no peer is trusted.
   */
  readonly trusted?: ((peer: string) => boolean) | undefined
  /** Told why a connection to a `proxy_protocol` listener was closed before its PROXY protocol header was read. */
  readonly onBrokenHeader?: (reason: string) => void
}

/**
 * One proxied TCP session, as Kong's stream log reports it: `status` 200 when the upstream was
 * reached, 500 when no route matched, 503 when the route has no service, 502 when the upstream
 * could not be reached (nginx's stream status codes).
 */
export interface StreamRecord {
  /** `tls`: TLS ended here; `tls_passthrough`: TLS bytes passed through untouched. */
  readonly protocol: 'tcp' | 'tls' | 'tls_passthrough' | 'udp'
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
 * Creates a stream listener: each accepted connection is routed once by the stream routes, then its
 * bytes are passed both ways to the route's service (`tcp`, or `tls` for a service that speaks TLS)
 * until either side closes or the service's `read_timeout` passes without a byte either way (nginx's
 * `proxy_timeout`). A connection no route takes is closed. On an `ssl` listener the client's
 * ClientHello is read first, as Kong's preread does: its SNI is `tls.sni` for routing, and a route
 * whose protocols hold `tls_passthrough` gets the TLS bytes untouched; any other route has TLS ended
 * here first.
 */
export function createStreamServer(options: StreamOptions, tls?: TlsMaterial, proxyProtocol = false): StreamServer {
  const sessions = new Set<Socket>()
  const route = createStreamRouting(options)
  const secureContext = tls === undefined ? undefined : createSecureContext({ cert: tls.cert, key: tls.key })
  const serve = (socket: Socket, ends: Endpoints): void => {
    if (secureContext === undefined) return proxySession(socket, ends.srcIp, 'tcp', route(ends, undefined), options)
    prereadHello(socket, (serverName) => {
      const routed = route(ends, serverName)
      if (routed.kind === 'routed' && routed.passthrough) return proxySession(socket, ends.srcIp, 'tls_passthrough', routed, options)
      endTls(socket, secureContext, (secure) => proxySession(secure, ends.srcIp, 'tls', routed, options))
    })
  }
  const server = createTcpServer((socket) => {
    sessions.add(socket)
    socket.once('close', () => sessions.delete(socket))
    const ends = endpointsOf(socket)
    if (!proxyProtocol) {
      socket.on('error', () => socket.destroy())
      return serve(socket, ends)
    }
    readProxyHeader(
      socket,
      (ready, header) => {
        ready.on('error', () => ready.destroy())
        const client = options.trusted?.(ends.srcIp) === true ? header.source : undefined
        serve(ready, client === undefined ? ends : { ...ends, srcIp: client.ip, srcPort: client.port })
      },
      (reason) => options.onBrokenHeader?.(reason),
    )
  })
  return { server, sessions }
}

/** How long a client may take to send its ClientHello (nginx's `preread_timeout`), or to finish the handshake. */
const HANDSHAKE_TIMEOUT_MS = 30_000

/**
 * Reads the connection's first bytes until they hold a whole ClientHello (or show none), puts them
 * back for whoever reads the socket next, and calls `then` with the server name they ask for.
 */
function prereadHello(socket: Socket, then: (serverName: string | undefined) => void): void {
  const read = (bytes: Buffer): LeadingRead<string | undefined> => {
    const hello = preread(bytes)
    // Nothing is consumed: the hello is read again by TLS, here or upstream.
    return hello.kind === 'more' ? hello : { kind: 'done', consumed: 0, value: hello.kind === 'hello' ? hello.serverName : undefined }
  }
  readLeadingBytes(socket, read, HANDSHAKE_TIMEOUT_MS, then, () => undefined)
}

/** A paused socket as a plain duplex stream, starting with what was put back into its buffer. */
function duplexOf(socket: Socket): Duplex {
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => void socket.end(callback),
    destroy: (error, callback) => {
      socket.destroy()
      callback(error)
    },
  })
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause()
  })
  socket.once('end', () => duplex.push(null))
  socket.once('close', () => duplex.destroy())
  return duplex
}

/** Ends TLS on a connection whose ClientHello was read already (put back), then calls `then` with the secure socket. */
function endTls(socket: Socket, secureContext: SecureContext, then: (secure: TLSSocket) => void): void {
  // Wrapped as a plain duplex: a TLSSocket over a net.Socket reads its handle directly and would miss
  // the ClientHello put back into the socket's buffer.
  const secure = new TLSSocket(duplexOf(socket), { isServer: true, secureContext })
  const timer = setTimeout(() => secure.destroy(), HANDSHAKE_TIMEOUT_MS)
  secure.once('secure', () => {
    clearTimeout(timer)
    then(secure)
  })
  // A client that fails the handshake is dropped; the listener keeps serving.
  secure.on('error', () => secure.destroy())
  secure.once('close', () => {
    clearTimeout(timer)
    socket.destroy()
  })
}

/** What a stream route was found for. */
export type Routed =
  | { readonly kind: 'routed'; readonly routeId: string; readonly routeName: string | null; readonly service: Service | null; readonly passthrough: boolean }
  | { readonly kind: 'no-route' }

/** The two ends of a connection (or of a UDP client's datagrams), as the stream routes read them. */
export interface Endpoints {
  readonly srcIp: string
  readonly srcPort: number | undefined
  readonly dstIp: string
  readonly dstPort: number | undefined
  readonly udp: boolean
}

/** The ends of a TCP connection. */
function endpointsOf(socket: Socket): Endpoints {
  return { srcIp: unmapped(socket.remoteAddress), srcPort: socket.remotePort, dstIp: unmapped(socket.localAddress), dstPort: socket.localPort, udp: false }
}

/** The routing step: the connection's fields (only those stream routes read), then the match. */
export function createStreamRouting(options: StreamOptions): (ends: Endpoints, sni: string | undefined) => Routed {
  const find = createTableMatcher(options.table, { subsystem: 'stream' })
  return (ends, sni) => {
    const routed = find({
      path: '',
      src_ip: ends.srcIp,
      dst_ip: ends.dstIp,
      ...(ends.udp ? { scheme: 'udp' } : {}),
      ...(ends.srcPort === undefined ? {} : { src_port: ends.srcPort }),
      ...(ends.dstPort === undefined ? {} : { dst_port: options.hostPorts?.get(ends.dstPort) ?? ends.dstPort }),
      ...(sni === undefined ? {} : { sni }),
    })
    if (routed === undefined || isUnreadable(routed)) return { kind: 'no-route' }
    return { kind: 'routed', routeId: routed.route.id, routeName: routed.route.name, service: routed.service, passthrough: routed.route.protocols.includes('tls_passthrough') }
  }
}

/** Where a routed connection goes: its service, or the status and record fields of a refusal. */
export type Destination =
  | { readonly ok: true; readonly service: Service; readonly named: { readonly routeId: string; readonly routeName: string | null; readonly serviceId: string; readonly serviceName: string | null } }
  | { readonly ok: false; readonly status: number; readonly fields: Partial<StreamRecord> }

/**
 * The service a routed connection is relayed to, or nginx's stream status for why it goes nowhere:
 * 500 without a route, 503 without a service, 502 for a service of a protocol the listener does not
 * relay (`protocols`: `tcp` and `tls` for TCP listeners, `udp` for UDP ones).
 */
export function destinationOf(routed: Routed, protocols: readonly Service['protocol'][]): Destination {
  if (routed.kind === 'no-route') return { ok: false, status: 500, fields: {} }
  const route = { routeId: routed.routeId, routeName: routed.routeName }
  const service = routed.service
  if (service === null) return { ok: false, status: 503, fields: route }
  const named = { ...route, serviceId: service.id, serviceName: service.name }
  if (!protocols.includes(service.protocol)) return { ok: false, status: 502, fields: { ...named, error: `service protocol ${service.protocol} is not relayed by ${protocols.join(' or ')} listeners` } }
  return { ok: true, service, named }
}

/** Proxies one routed connection; `clientIp` is the raw connection's (a TLS socket ended here over a wrapped stream knows none). */
function proxySession(client: Socket, clientIp: string, protocol: StreamRecord['protocol'], routed: Routed, options: StreamOptions): void {
  const started = performance.now()
  const record = (status: number, extra: Partial<StreamRecord>): StreamRecord => ({ protocol, status, clientIp, received: client.bytesRead, sent: client.bytesWritten, sessionMs: performance.now() - started, ...extra })
  client.on('error', () => client.destroy())
  const destination = destinationOf(routed, ['tcp', 'tls'])
  if (!destination.ok) {
    whenClosed([client], () => options.observe(record(destination.status, destination.fields)))
    client.destroy()
    return
  }
  const { service, named } = destination
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
  whenClosed([client, upstream], () => options.observe(record(status, { ...named, ...(error === undefined ? {} : { error }) })))
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
