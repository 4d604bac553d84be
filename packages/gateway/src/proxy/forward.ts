import { EventEmitter } from 'node:events'
import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http'
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { Duplex } from 'node:stream'
import { Pool } from 'undici'
import type { Service } from '../entities/service.ts'
import { GatewayError } from '../errors.ts'
import { downstreamHeaders } from './headers.ts'

/** Where and how to send one request upstream. */
export interface UpstreamRequest {
  readonly service: Service
  readonly method: string
  /** Path and query, already escaped. */
  readonly path: string
  readonly headers: readonly [string, string][]
}

/** What happened upstream, for the access log and metrics. */
export interface ForwardOutcome {
  readonly status: number
  /** Milliseconds from sending the request to receiving the response headers. */
  readonly upstreamLatency: number
}

/** Options of the upstream pools (Kong's upstream_keepalive_* settings). */
export interface UpstreamOptions {
  readonly keepaliveIdleTimeoutMs: number
  readonly keepalivePoolSize: number
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code
  const cause = (error as { cause?: { code?: unknown } }).cause?.code
  return typeof code === 'string' ? code : typeof cause === 'string' ? cause : ''
}

/** Maps an upstream failure to Kong's status: timeouts are 504, every other failure 502. */
export function upstreamError(error: unknown): GatewayError {
  const code = errorCode(error)
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') return new GatewayError('upstream-timeout', code)
  return new GatewayError('upstream-unavailable', code === '' ? String(error) : code)
}

function isHttps(service: Service): boolean {
  return service.protocol === 'https' || service.protocol === 'grpcs' || service.protocol === 'wss'
}

/**
 * The only code that talks to upstreams: keep-alive pools per service address (undici), request
 * and response bodies streamed both ways, connect failures retried per the service's `retries`.
 */
export class Upstreams {
  readonly #pools = new Map<string, Pool>()

  /** Creates empty pools; connections open on first use. */
  constructor(readonly options: UpstreamOptions) {}

  #pool(service: Service): Pool {
    const origin = `${isHttps(service) ? 'https' : 'http'}://${service.host.includes(':') && !service.host.startsWith('[') ? `[${service.host}]` : service.host}:${service.port}`
    const key = `${origin}|${service.connect_timeout}|${service.tls_verify === true}`
    let pool = this.#pools.get(key)
    if (pool === undefined) {
      pool = new Pool(origin, {
        connect: { timeout: service.connect_timeout, rejectUnauthorized: service.tls_verify === true, servername: service.host },
        keepAliveTimeout: this.options.keepaliveIdleTimeoutMs,
        keepAliveMaxTimeout: Math.max(this.options.keepaliveIdleTimeoutMs, 1000),
        pipelining: 1,
      })
      this.#pools.set(key, pool)
    }
    return pool
  }

  /**
   * Sends the request and streams the answer to the client. Rejects with a GatewayError only
   * before the response has started; afterwards a failure just ends the client connection.
   */
  async forward(request: IncomingMessage, response: ServerResponse, upstream: UpstreamRequest, extraHeaders: OutgoingHttpHeaders): Promise<ForwardOutcome> {
    const hasBody = request.headers['content-length'] !== undefined ? request.headers['content-length'] !== '0' : request.headers['transfer-encoding'] !== undefined
    // An EventEmitter is a signal undici accepts; unlike AbortController it costs nothing unless used.
    const abort = new EventEmitter()
    let aborted = false
    const onClose = (): void => {
      if (response.writableEnded) return
      aborted = true
      abort.emit('abort')
    }
    response.once('close', onClose)
    const pool = this.#pool(upstream.service)
    const started = performance.now()
    let attempt = 0
    let status = 0
    let upstreamLatency = 0
    for (;;) {
      try {
        // undici writes the body straight into the client response (backpressure included): no
        // intermediate stream and no per-request pipeline machinery on the hot path.
        await pool.stream(
          {
            path: upstream.path,
            method: upstream.method as 'GET',
            headers: upstream.headers.flat(),
            body: hasBody ? request : null,
            headersTimeout: upstream.service.read_timeout,
            bodyTimeout: upstream.service.read_timeout,
            signal: abort,
          },
          ({ statusCode, headers }) => {
            status = statusCode
            upstreamLatency = performance.now() - started
            response.writeHead(statusCode, downstreamHeaders(headers, extraHeaders))
            return response
          },
        )
        response.off('close', onClose)
        return { status, upstreamLatency }
      } catch (error) {
        if (response.headersSent) {
          // The upstream broke mid-body or the client went away; the status is already sent.
          response.off('close', onClose)
          response.destroy()
          return { status, upstreamLatency }
        }
        // Retry only when nothing reached the upstream: a failed connect, and no body consumed.
        const retryable = CONNECT_ERRORS.has(errorCode(error)) && !request.readableDidRead && !aborted
        if (retryable && attempt < upstream.service.retries) {
          attempt++
          continue
        }
        response.off('close', onClose)
        throw upstreamError(error)
      }
    }
  }

  /**
   * Passes a WebSocket (or other) upgrade through: opens a raw connection to the service, writes
   * the rewritten request head, then pipes bytes both ways until either side closes.
   */
  upgrade(client: Duplex, head: Buffer, upstream: UpstreamRequest, onError: (error: GatewayError) => void): void {
    const service = upstream.service
    const options = { host: service.host, port: service.port }
    const socket: Socket = isHttps(service) ? tlsConnect({ ...options, servername: service.host, rejectUnauthorized: service.tls_verify === true }) : netConnect(options)
    socket.setTimeout(service.connect_timeout)
    let connected = false
    socket.once(isHttps(service) ? 'secureConnect' : 'connect', () => {
      connected = true
      socket.setTimeout(0)
      const lines = [`${upstream.method} ${upstream.path} HTTP/1.1`, ...upstream.headers.map(([name, value]) => `${name}: ${value}`), '', '']
      socket.write(lines.join('\r\n'))
      if (head.length > 0) socket.write(head)
      socket.pipe(client)
      client.pipe(socket)
    })
    socket.once('timeout', () => {
      socket.destroy()
      if (!connected) onError(new GatewayError('upstream-timeout', 'connect timeout'))
    })
    socket.once('error', (error) => {
      if (!connected) onError(upstreamError(error))
      else client.destroy()
    })
    // A tunnel has no half-open state worth keeping: when either side ends, both are closed.
    const closeBoth = (): void => {
      socket.destroy()
      client.destroy()
    }
    for (const side of [client, socket]) {
      side.once('end', closeBoth)
      side.once('close', closeBoth)
    }
    client.once('error', closeBoth)
  }

  /** Closes every pool (waiting for in-flight requests). */
  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()))
    this.#pools.clear()
  }
}
