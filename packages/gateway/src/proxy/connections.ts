import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** Proxy connection counts, with the meaning nginx's stub_status gives them (Kong's `/status` `server`). */
export interface ConnectionCounts {
  /** Connections accepted since start. */
  readonly accepted: number
  /** Accepted connections that were served, not dropped at a connection limit; equals `accepted` without one. */
  readonly handled: number
  /** Open connections: `reading + writing + waiting`. */
  readonly active: number
  /** Open connections that have not yet sent a complete first request head (TLS handshake included). */
  readonly reading: number
  /** Open connections with a request in progress: its body, the upstream call, the response or a WebSocket tunnel. */
  readonly writing: number
  /** Open keep-alive connections between requests. */
  readonly waiting: number
}

/** The sum of two processes' counts (a primary adds up its workers'). */
export function addCounts(a: ConnectionCounts, b: ConnectionCounts): ConnectionCounts {
  return {
    accepted: a.accepted + b.accepted,
    handled: a.handled + b.handled,
    active: a.active + b.active,
    reading: a.reading + b.reading,
    writing: a.writing + b.writing,
    waiting: a.waiting + b.waiting,
  }
}

/** Counts of no connections: where a sum starts. */
export const NO_CONNECTIONS: ConnectionCounts = { accepted: 0, handled: 0, active: 0, reading: 0, writing: 0, waiting: 0 }

type State = 'reading' | 'writing' | 'waiting' | 'closed'

/** One connection: the state it is counted in, and its requests in progress (pipelining allows several). */
interface Connection {
  state: State
  inFlight: number
}

/**
 * Follows the proxy servers' connections through nginx's states. Node reports a request once its
 * head is parsed, so a keep-alive connection reading its next head still counts as waiting; a new
 * connection counts as reading until its first request, as in nginx (on TLS listeners, from the end
 * of the handshake).
 */
export class ConnectionTracker {
  #accepted = 0
  readonly #counts: Record<Exclude<State, 'closed'>, number> = { reading: 0, writing: 0, waiting: 0 }
  // A connection whose upgrade request is served as an ordinary one is handed to the server again (a
  // second 'connection' event for the same socket): each socket counts once.
  readonly #connections = new WeakMap<Socket, Connection>()

  /** Starts counting a server's connections and requests. */
  attach(server: Server, tls: boolean): void {
    server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => this.#accept(socket))
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const connection = this.#connections.get(request.socket)
      if (connection === undefined) return
      connection.inFlight++
      this.#move(connection, 'writing')
      response.once('close', () => {
        if (--connection.inFlight === 0 && connection.state === 'writing') this.#move(connection, 'waiting')
      })
    })
    // An upgrade is writing from its head on: a tunnel until the connection closes; one served as an
    // ordinary request comes back as a 'request' above and waits after its response.
    server.on('upgrade', (request: IncomingMessage) => {
      const connection = this.#connections.get(request.socket)
      if (connection !== undefined) this.#move(connection, 'writing')
    })
  }

  counts(): ConnectionCounts {
    const { reading, writing, waiting } = this.#counts
    return { accepted: this.#accepted, handled: this.#accepted, active: reading + writing + waiting, reading, writing, waiting }
  }

  #accept(socket: Socket): void {
    if (this.#connections.has(socket)) return
    const connection: Connection = { state: 'reading', inFlight: 0 }
    this.#connections.set(socket, connection)
    this.#accepted++
    this.#counts.reading++
    socket.once('close', () => this.#move(connection, 'closed'))
  }

  #move(connection: Connection, to: State): void {
    const from = connection.state
    if (from === to || from === 'closed') return
    this.#counts[from]--
    if (to !== 'closed') this.#counts[to]++
    connection.state = to
  }
}
