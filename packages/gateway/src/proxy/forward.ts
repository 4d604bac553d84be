import type { IncomingMessage, ServerResponse } from 'node:http'
import { connect as netConnect, isIP, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { Duplex } from 'node:stream'
import { Pool, type Dispatcher } from 'undici'
import type { Service } from '../entities/service.ts'
import { GatewayError } from '../errors.ts'
import { downstreamHeaders } from './headers.ts'
import { INJECTED_HEADERS } from './injected-headers.ts'
import { timedConnector } from './connector.ts'
import { ReadDeadlines, type ReadWatch } from './read-deadlines.ts'
import { tunnelOnceSwitched } from './tunnel.ts'
import { hasRequestBody, type BufferedBody } from './request-body.ts'

/** Where and how to send one request upstream. */
export interface UpstreamRequest {
  readonly service: Service
  readonly method: string
  /** Path and query, already escaped. */
  readonly path: string
  /** Flat name/value list, as undici and Node's writeHead take them. */
  readonly headers: readonly string[]
  /** The client asked for trailers (`TE: trailers`), so the response's `Trailer` field is passed on. */
  readonly trailers: boolean
  /**
   * The request body read in full (the route's `request_buffering`), sent from its start on every
   * attempt; undefined to stream it from the client as it arrives.
   */
  readonly body?: BufferedBody | undefined
  /** `client_max_body_size` for a streamed body: the upload is cut with 413 past this many bytes; 0 for no limit. */
  readonly maxBodySize?: number
  /** `client_body_timeout` for a streamed body: the upload is cut with 408 when the client sends nothing for this long; 0 for none. */
  readonly clientTimeoutMs?: number
  /** Which of the gateway's headers that depend on the answer go to the client (Kong's `headers`); both when absent. */
  readonly answerHeaders?: { readonly upstreamLatency: boolean; readonly upstreamStatus: boolean }
}

/** What happened upstream, for the access log and metrics. */
export interface ForwardOutcome {
  readonly status: number
  /** Milliseconds from sending the request (its last attempt) to receiving the response headers, or to the failure. */
  readonly upstreamLatency: number
}

/** Called once per forwarded request: with an error only when no response has started. */
export type ForwardCallback = (error: GatewayError | undefined, outcome: ForwardOutcome) => void

/** Options of the upstream pools (Kong's upstream_keepalive_* settings). */
export interface UpstreamOptions {
  readonly keepaliveIdleTimeoutMs: number
  readonly keepalivePoolSize: number
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])
/** getaddrinfo's failures as Node names them: the service's host did not resolve. */
const RESOLUTION_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME'])
const WRITE_TIMEOUT = 'SWITCHYARD_WRITE_TIMEOUT'
const BODY_TOO_LARGE = 'SWITCHYARD_BODY_TOO_LARGE'
const CLIENT_BODY_TIMEOUT = 'SWITCHYARD_CLIENT_BODY_TIMEOUT'
const TIMEOUT_ERRORS = new Set([WRITE_TIMEOUT, 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])
/** Errors after the request may have reached the upstream; nginx retries them for idempotent methods only. */
const SENT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'])
/** nginx's proxy_next_upstream never resends these once the request went out. */
const NON_IDEMPOTENT = new Set(['POST', 'LOCK', 'PATCH'])

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code
  const cause = (error as { cause?: { code?: unknown } }).cause?.code
  return typeof code === 'string' ? code : typeof cause === 'string' ? cause : ''
}

/**
 * Maps an upstream failure to Kong's status: a host that does not resolve is 503 (Kong's balancer
 * fails before proxying), timeouts are 504, every other failure 502.
 */
export function upstreamError(error: unknown): GatewayError {
  const code = errorCode(error)
  if (RESOLUTION_ERRORS.has(code)) return new GatewayError('name-resolution-failed', code)
  if (code === BODY_TOO_LARGE) return new GatewayError('payload-too-large', (error as Error).message)
  if (code === CLIENT_BODY_TIMEOUT) return new GatewayError('request-timeout', (error as Error).message)
  if (TIMEOUT_ERRORS.has(code)) return new GatewayError('upstream-timeout', code)
  return new GatewayError('upstream-unavailable', code === '' ? String(error) : code)
}

/**
 * Whether a failed attempt may be sent again (Kong's `retries`, nginx's proxy_next_upstream
 * `error timeout`): a failed connect always, a reset or read timeout only for idempotent methods,
 * and never once any of a streamed request body was read (`bodyRead`; a buffered body is sent again).
 * A host that does not resolve is never retried: Kong answers before proxying.
 */
export function retryable(error: unknown, method: string, bodyRead: boolean): boolean {
  if (bodyRead) return false
  const code = errorCode(error)
  return CONNECT_ERRORS.has(code) || (SENT_ERRORS.has(code) && !NON_IDEMPOTENT.has(method))
}

/**
 * The client's request body as undici reads it, with Kong's write_timeout (nginx's
 * proxy_send_timeout): each chunk must be taken by the upstream connection within `timeoutMs`,
 * else `onTimeout` fires. Time spent waiting for the client does not count. Passing undici this
 * generator rather than the request itself also keeps undici from destroying the client
 * connection when the upstream fails, so the client still gets its 502/504. A body longer than
 * `limits.maxSize` bytes ends with an error that {@link upstreamError} makes a 413, and a client
 * that sends nothing for `limits.clientTimeoutMs` (nginx's client_body_timeout) with one it makes
 * a 408 (each 0: no limit).
 */
export async function* bodyWithWriteTimeout(
  request: AsyncIterable<Buffer>,
  timeoutMs: number,
  onTimeout: () => void,
  onSent: () => void = () => {},
  limits: { readonly maxSize?: number | undefined; readonly clientTimeoutMs?: number | undefined } = {},
): AsyncGenerator<Buffer, void, undefined> {
  const maxSize = limits.maxSize ?? 0
  const clientTimeoutMs = limits.clientTimeoutMs ?? 0
  const chunks = request[Symbol.asyncIterator]()
  let length = 0
  for (;;) {
    const next = clientTimeoutMs > 0 ? await within(chunks.next(), clientTimeoutMs) : await chunks.next()
    if (next.done === true) break
    const chunk = next.value
    length += chunk.length
    if (maxSize > 0 && length > maxSize) throw Object.assign(new Error(`the request body is over client_max_body_size (${maxSize} bytes)`), { code: BODY_TOO_LARGE })
    const timer = setTimeout(onTimeout, timeoutMs)
    try {
      yield chunk
    } finally {
      clearTimeout(timer)
    }
  }
  onSent()
}

/** The promise's value, or a client_body_timeout error when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`the client sent nothing more of the request body for ${ms} ms (client_body_timeout)`), { code: CLIENT_BODY_TIMEOUT })), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/** RFC 9112 §4 reason-phrase, in ASCII: undici decodes the phrase as UTF-8, so other bytes cannot be sent back as they came. */
const REASON_PHRASE = /^[\t\x20-\x7e]*$/

/** The upstream's reason phrase when it can be sent on as it is, else undefined: Node's phrase for the status. */
function reasonPhrase(statusText: string | undefined): string | undefined {
  return statusText !== undefined && REASON_PHRASE.test(statusText) ? statusText : undefined
}

function isHttps(service: Service): boolean {
  return service.protocol === 'https' || service.protocol === 'grpcs'
}

/**
 * The TLS server name for an upstream request, as nginx's `proxy_ssl_name $upstream_host` sends it:
 * the name of its Host header (the preserved one with preserve_host) without the port, and none for
 * an IP address (RFC 6066 §3 allows host names only). undici derives the same for pooled requests.
 */
function serverName(headers: readonly string[]): string | undefined {
  let host = ''
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === 'host') host = headers[i + 1] as string
  const colon = host.indexOf(':')
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : colon < 0 ? host : host.slice(0, colon)
  return name === '' || isIP(name) !== 0 ? undefined : name
}

/**
 * One proxied request, as an undici dispatch handler: the response head and body go straight to
 * the client response (backpressure included) without a stream or promise in between, which is
 * measurably cheaper per request than undici's `stream()` API.
 */
class Exchange implements Dispatcher.DispatchHandler, ReadWatch {
  // read_timeout (see read-deadlines.ts): armed once the request is sent, restarted by the head
  // and by every body chunk; `#waitingFor` says which of the two the upstream is late with.
  readDeadline = 0
  readActive = false
  readonly readTimeoutMs: number
  #waitingFor: 'head' | 'body' | undefined
  #hasBody = false
  #attempt = 0
  #status = 0
  #upstreamLatency = 0
  #started = 0
  #abortUpstream: ((error?: Error) => void) | undefined
  #clientGone = false
  #settled = false
  #resume: (() => void) | undefined

  constructor(
    readonly pool: Pool,
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly upstream: UpstreamRequest,
    readonly extraHeaders: readonly string[],
    readonly callback: ForwardCallback,
    readonly deadlines: ReadDeadlines,
  ) {
    this.readTimeoutMs = upstream.service.read_timeout
    // Removed again when the exchange settles, so `on` (no wrapper closure per request) suffices.
    response.on('close', this.#onClientClose)
  }

  /** Sends (or re-sends) the request. */
  send(): void {
    const { request, upstream } = this
    const buffered = upstream.body
    const hasBody = buffered === undefined ? hasRequestBody(request) : buffered.length > 0
    this.#hasBody = hasBody
    this.#started = performance.now()
    const attempt = this.#attempt
    // A streamed body is the client's, with its size and silence limits; a buffered one is read again from its start.
    const source = buffered === undefined ? request : buffered.chunks()
    const limits = buffered === undefined ? { maxSize: upstream.maxBodySize, clientTimeoutMs: upstream.clientTimeoutMs } : {}
    // Bound to this attempt: a reader of an earlier attempt finishing late must not start this one's wait.
    const body = hasBody ? bodyWithWriteTimeout(source, upstream.service.write_timeout, this.#onWriteTimeout, () => attempt === this.#attempt && this.#awaitHead(), limits) : null
    // undici documents AsyncIterable bodies for dispatch (docs/api/Dispatcher.md); its typings
    // omit them. Its own read timeouts are off: ReadDeadlines keeps them to the millisecond.
    const options = { path: upstream.path, method: upstream.method as Dispatcher.HttpMethod, headers: upstream.headers as string[], body, headersTimeout: 0, bodyTimeout: 0 }
    this.pool.dispatch(options as Dispatcher.DispatchOptions, this)
  }

  /** Starts waiting for the response head: nginx arms proxy_read_timeout once the request is sent. */
  #awaitHead(): void {
    if (this.#settled || this.#waitingFor !== undefined) return
    this.#wait('head')
  }

  /** (Re)starts the read_timeout wait for the head or the next body chunk. */
  #wait(what: 'head' | 'body'): void {
    this.#waitingFor = what
    this.deadlines.watch(this)
  }

  readTimedOut(): void {
    const waitingFor = this.#waitingFor
    this.#waitingFor = undefined
    const message = waitingFor === 'head' ? 'the upstream sent no response head' : 'the upstream sent nothing more of the response body'
    // undici's codes for the same failures, so that retries and the 504 follow the usual rules.
    const code = waitingFor === 'head' ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT'
    this.#abortUpstream?.(Object.assign(new Error(`${message} within read_timeout (${this.readTimeoutMs} ms)`), { code }))
  }

  #stopWaiting(): void {
    if (this.#waitingFor === undefined) return
    this.#waitingFor = undefined
    this.deadlines.unwatch(this)
  }

  readonly #onWriteTimeout = (): void => {
    this.#abortUpstream?.(Object.assign(new Error(`the upstream took no request body for ${this.upstream.service.write_timeout} ms (write_timeout)`), { code: WRITE_TIMEOUT }))
  }

  // The client went away before the exchange finished: stop the upstream side too.
  readonly #onClientClose = (): void => {
    if (this.response.writableEnded) return
    this.#clientGone = true
    this.#abortUpstream?.(new Error('client closed the connection'))
  }

  readonly #onDrain = (): void => {
    if (this.#waitingFor === 'body') this.#wait('body')
    this.#resume?.()
  }

  onConnect(abort: (error?: Error) => void): void {
    this.#abortUpstream = abort
    this.#stopWaiting()
    if (this.#clientGone) return abort(new Error('client closed the connection'))
    if (!this.#hasBody) this.#awaitHead()
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText?: string): boolean {
    // 1xx answers (103 Early Hints) are informational: Node's server would need a separate API.
    if (statusCode < 200) return true
    this.#status = statusCode
    this.#upstreamLatency = performance.now() - this.#started
    // Also when the upstream answers before taking the whole request body.
    this.#wait('body')
    this.#resume = resume
    const { request, response } = this
    // Node sends a Trailer field only ahead of a chunked body, and throws otherwise.
    const trailers = this.upstream.trailers && statusCode !== 204 && statusCode !== 304 && request.method !== 'HEAD' && response.useChunkedEncodingByDefault
    // nginx passes the upstream's status line on, reason phrase included.
    const answerHeaders = this.upstream.answerHeaders
    const extra = answerHeaders?.upstreamStatus === true ? [...this.extraHeaders, INJECTED_HEADERS.upstreamStatus, String(statusCode)] : this.extraHeaders
    const latency = answerHeaders?.upstreamLatency === false ? undefined : this.#upstreamLatency
    response.writeHead(statusCode, reasonPhrase(statusText), downstreamHeaders(rawHeaders, extra, trailers, latency))
    return true
  }

  onData(chunk: Buffer): boolean {
    this.readActive = true
    if (this.response.write(chunk)) return true
    // The client is not taking the body, so the upstream is not the one late: nginx stops reading
    // (and its read timer) too. The wait restarts on drain.
    this.deadlines.unwatch(this)
    this.response.once('drain', this.#onDrain)
    return false
  }

  onComplete(): void {
    this.#stopWaiting()
    this.response.end()
    this.#settle(undefined)
  }

  onError(error: Error): void {
    this.#stopWaiting()
    const { response, request } = this
    if (response.headersSent) {
      // A 204 or 304 has no body whatever its Content-Length says (RFC 9110 §8.6 allows one on a
      // 304), and nginx reads none; undici fails such an answer once its head is whole, because
      // the declared bytes never came. The answer is complete: end it as any other.
      if (errorCode(error) === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' && (this.#status === 204 || this.#status === 304)) return this.onComplete()
      // The upstream broke mid-body or the client went away; the status is already sent.
      response.destroy()
      return this.#settle(undefined)
    }
    if (!this.#clientGone && this.#attempt < this.upstream.service.retries && retryable(error, this.upstream.method, this.upstream.body === undefined && request.readableDidRead)) {
      this.#attempt++
      this.#abortUpstream = undefined
      return this.send()
    }
    if (!this.#clientGone) {
      this.#upstreamLatency = performance.now() - this.#started
      return this.#settle(upstreamError(error))
    }
    // nginx logs a client that left before the answer as 499.
    this.#status = 499
    this.#settle(undefined)
  }

  #settle(error: GatewayError | undefined): void {
    if (this.#settled) return
    this.#settled = true
    this.#stopWaiting()
    this.upstream.body?.release()
    this.response.off('close', this.#onClientClose)
    this.callback(error, { status: this.#status, upstreamLatency: this.#upstreamLatency })
  }
}

/**
 * The only code that talks to upstreams: keep-alive pools per service address (undici), request
 * bodies streamed or sent from a buffer, responses streamed, failed attempts retried per the
 * service's `retries`.
 */
export class Upstreams {
  readonly #pools = new Map<string, Pool>()
  readonly #deadlines = new ReadDeadlines()
  // Services are immutable (a change replaces the object), so each one's pool is looked up once
  // rather than by building its origin key on every request.
  #byService = new WeakMap<Service, Pool>()

  /** Creates empty pools; connections open on first use. */
  constructor(readonly options: UpstreamOptions) {}

  #pool(service: Service): Pool {
    const known = this.#byService.get(service)
    if (known !== undefined) return known
    const origin = `${isHttps(service) ? 'https' : 'http'}://${service.host.includes(':') && !service.host.startsWith('[') ? `[${service.host}]` : service.host}:${service.port}`
    const key = `${origin}|${service.connect_timeout}|${service.tls_verify === true}`
    let pool = this.#pools.get(key)
    if (pool === undefined) {
      pool = new Pool(origin, {
        // No servername: undici takes it from each request's Host header, as nginx takes
        // `$upstream_host` (the preserved Host with preserve_host), and sends none for an IP.
        connect: timedConnector({ rejectUnauthorized: service.tls_verify === true }, service.connect_timeout),
        keepAliveTimeout: this.options.keepaliveIdleTimeoutMs,
        keepAliveMaxTimeout: Math.max(this.options.keepaliveIdleTimeoutMs, 1000),
        pipelining: 1,
      })
      this.#pools.set(key, pool)
    }
    this.#byService.set(service, pool)
    return pool
  }

  /**
   * Sends the request and streams the answer to the client. `extraHeaders` (flat name/value list)
   * are added to the response; a `via` among them is appended to the upstream's. The callback gets
   * a GatewayError only when no response has started; afterwards a failure just ends the client
   * connection.
   */
  forward(request: IncomingMessage, response: ServerResponse, upstream: UpstreamRequest, extraHeaders: readonly string[], callback: ForwardCallback): void {
    new Exchange(this.#pool(upstream.service), request, response, upstream, extraHeaders, callback, this.#deadlines).send()
  }

  /**
   * Passes a WebSocket (or other) upgrade through: opens a raw connection to the service, writes
   * the rewritten request head and, once the service switched protocols, pipes bytes both ways
   * until either side closes. Until its answer the handshake is an ordinary proxied request, as
   * nginx sees it: a 504 when sending the request head takes write_timeout, or the answer's head
   * read_timeout. `onAnswered` gets the status of the service's answer once its head is whole, and gives the
   * headers to add to that answer.
   */
  upgrade(client: Duplex, head: Buffer, upstream: UpstreamRequest, onError: (error: GatewayError) => void, onAnswered: (status: number) => readonly string[]): void {
    const service = upstream.service
    const options = { host: service.host, port: service.port }
    const socket: Socket = isHttps(service) ? tlsConnect({ ...options, servername: serverName(upstream.headers), rejectUnauthorized: service.tls_verify === true }) : netConnect(options)
    socket.setTimeout(service.connect_timeout)
    let connected = false
    socket.once(isHttps(service) ? 'secureConnect' : 'connect', () => {
      connected = true
      socket.setTimeout(0)
      const lines = [`${upstream.method} ${upstream.path} HTTP/1.1`]
      for (let i = 0; i < upstream.headers.length; i += 2) lines.push(`${upstream.headers[i] as string}: ${upstream.headers[i + 1] as string}`)
      lines.push('', '')
      let answered = false
      const expire = (setting: string, ms: number, what: string): NodeJS.Timeout =>
        setTimeout(() => {
          onError(new GatewayError('upstream-timeout', `${what} within ${setting} (${ms} ms)`))
          socket.destroy()
        }, ms)
      let deadline = expire('write_timeout', service.write_timeout, 'the upstream took no upgrade request')
      socket.once('close', () => clearTimeout(deadline))
      socket.write(lines.join('\r\n'), (error) => {
        clearTimeout(deadline)
        // nginx arms proxy_read_timeout once the request is sent.
        if (!answered && (error === undefined || error === null)) deadline = expire('read_timeout', service.read_timeout, 'the upstream did not answer the upgrade')
      })
      const onAnswer = (status: number): readonly string[] => {
        answered = true
        clearTimeout(deadline)
        return onAnswered(status)
      }
      tunnelOnceSwitched(socket, client, head, { readMs: service.read_timeout, writeMs: service.write_timeout }, onAnswer, (detail) => onError(new GatewayError('upstream-unavailable', detail)))
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
    this.#deadlines.close()
    this.#pools.clear()
    this.#byService = new WeakMap()
  }
}
