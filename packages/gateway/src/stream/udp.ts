import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram'
import { isIPv6, type AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { unmapped } from '../proxy/node-request.ts'
import { createStreamRouting, destinationOf, type Destination, type StreamOptions, type StreamRecord } from './server.ts'

/** Binds a UDP listener; a failure names the setting and the address, as `listen` does for TCP. */
export function bindUdp(server: UdpStreamServer, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `stream_listen ${host.includes(':') ? `[${host}]` : host}:${port} udp`
      reject(new Error(`${where}: ${error.code === 'EADDRINUSE' ? 'the address is already in use (another process listens there; stop it or choose another port)' : error.message}`, { cause: error }))
    }
    server.socket.once('error', onError)
    server.socket.bind(port, host, () => {
      server.socket.off('error', onError)
      resolve(server.socket.address())
    })
  })
}

/** A UDP stream listener and the sessions of the clients it is relaying for. */
export interface UdpStreamServer {
  readonly socket: UdpSocket
  readonly sessions: Map<string, UdpSession>
  /** Stops receiving and ends every session (each gets its log line). */
  close(): Promise<void>
}

interface UdpSession {
  readonly upstream: UdpSocket
  readonly idle: NodeJS.Timeout
  readonly started: number
  readonly clientIp: string
  /** Route and service, as the session's log line names them. */
  readonly named: Extract<Destination, { ok: true }>['named']
  received: number
  sent: number
  error: string | undefined
  /** Datagrams that came before the upstream socket was connected; undefined once it is. */
  pending: Buffer[] | undefined
}

/**
 * Sessions one listener relays at once: each holds a socket, and source addresses cost a sender
 * nothing to vary. Past it, a new client's datagrams are dropped (logged 503) until sessions end.
 */
export const MAX_UDP_SESSIONS = 10_000

/** Datagrams kept per session while its upstream socket connects (a name lookup); more are dropped, as UDP may. */
const PENDING_MAX = 64

/**
 * Creates a UDP stream listener (`stream_listen` with `udp`), as nginx's stream proxy relays UDP: the
 * first datagram of a client (address and port) is routed by the stream routes (`net.protocol` is
 * `udp`), and starts a session with the route's `udp` service, from a socket of its own, through which
 * the client's datagrams go upstream and the service's answers come back; a session ends once no
 * datagram has crossed it, either way, for the service's `read_timeout` (nginx's `proxy_timeout`).
 * A datagram no route takes is dropped (and logged, status 500).
 */
export function createUdpStreamServer(options: StreamOptions, family: 'udp4' | 'udp6', maxSessions = MAX_UDP_SESSIONS): UdpStreamServer {
  const socket = createSocket({ type: family, reuseAddr: false })
  const sessions = new Map<string, UdpSession>()
  const route = createStreamRouting(options)

  const end = (key: string, session: UdpSession): void => {
    if (sessions.get(key) !== session) return
    sessions.delete(key)
    clearTimeout(session.idle)
    try {
      session.upstream.close()
    } catch {
      // Closed already.
    }
    options.observe({
      protocol: 'udp',
      status: session.error === undefined ? 200 : 502,
      clientIp: session.clientIp,
      ...session.named,
      received: session.received,
      sent: session.sent,
      sessionMs: performance.now() - session.started,
      ...(session.error === undefined ? {} : { error: session.error }),
    })
  }

  const refuse = (clientIp: string, status: number, extra: Partial<StreamRecord>, size: number): void =>
    options.observe({ protocol: 'udp', status, clientIp, received: size, sent: 0, sessionMs: 0, ...extra })

  const open = (key: string, client: RemoteInfo, clientIp: string, size: number): UdpSession | undefined => {
    if (sessions.size >= maxSessions) return void refuse(clientIp, 503, { error: 'too many sessions' }, size)
    const local = socket.address()
    const routed = route({ srcIp: clientIp, srcPort: client.port, dstIp: unmapped(local.address), dstPort: local.port, udp: true }, undefined)
    const destination = destinationOf(routed, ['udp'])
    if (!destination.ok) return void refuse(clientIp, destination.status, destination.fields, size)
    const { service, named } = destination
    const upstream = createSocket(isIPv6(service.host) ? 'udp6' : 'udp4')
    const session: UdpSession = {
      upstream,
      idle: setTimeout(() => end(key, session), service.read_timeout),
      started: performance.now(),
      clientIp,
      named,
      received: 0,
      sent: 0,
      error: undefined,
      pending: [],
    }
    upstream.on('message', (answer: Buffer) => {
      session.sent += answer.length
      session.idle.refresh()
      socket.send(answer, client.port, client.address)
    })
    // A service that is not listening answers with ICMP, which a connected socket reports.
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      session.error ??= error.code ?? error.message
      end(key, session)
    })
    upstream.connect(service.port, service.host, () => {
      const pending = session.pending ?? []
      session.pending = undefined
      for (const datagram of pending) upstream.send(datagram)
    })
    sessions.set(key, session)
    return session
  }

  socket.on('message', (datagram: Buffer, client: RemoteInfo) => {
    const clientIp = unmapped(client.address)
    const key = `${clientIp}|${client.port}`
    const session = sessions.get(key) ?? open(key, client, clientIp, datagram.length)
    if (session === undefined) return
    session.received += datagram.length
    session.idle.refresh()
    if (session.pending === undefined) session.upstream.send(datagram)
    else if (session.pending.length < PENDING_MAX) session.pending.push(datagram)
  })
  // A datagram that cannot be answered (the client went away) must not stop the listener.
  socket.on('error', () => {})

  let closing: Promise<void> | undefined
  return {
    socket,
    sessions,
    // Once: a second call waits for the first.
    close: () =>
      (closing ??= new Promise((resolve) => {
        for (const [key, session] of sessions) end(key, session)
        socket.close(() => resolve())
      })),
  }
}
