import { randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { hostname } from 'node:os'
import type { Duplex } from 'node:stream'
import { stringify } from 'yaml'
import type { Config } from '../config.ts'
import { declarativeErrorBody } from '../store/declarative-errors.ts'
import { configHash, loadDeclarative } from '../store/declarative.ts'
import { parseConfigText } from '../store/config-text.ts'
import { MemoryStore } from '../store/memory-store.ts'
import { databaseStatus, unavailableResponse } from '../store/postgres/wiring.ts'
import { checkName, UUID_PATTERN } from '../entities/schema.ts'
import { argumentCount, MAX_ARGUMENTS, parseBody, TOO_MANY_ARGUMENTS } from './body.ts'
import { percentDecodeLossless } from './lossless-text.ts'
import { EntityEndpoints, type EntityContext, type WriteBody } from './entities.ts'
import { fieldViolation, METHOD_NOT_ALLOWED, NOT_FOUND, type AdminResponse } from './problem.ts'
import { schemasEndpoint } from './schemas.ts'
import { listTags } from './tags.ts'
import { isSameOrigin, unauthenticatedAdminRefusal } from '../origin.ts'
import type { ConnectionCounts } from '../proxy/connections.ts'
import { InjectedHeaders, INJECTED_HEADERS } from '../proxy/injected-headers.ts'

/** The gateway's version, reported by `GET /` and in `Via`. */
export const VERSION = '0.1.0'

/** The `Server` header of the gateway's own answers, proxy and Admin API (Kong: `kong/<version>`). */
export const SERVER_TOKEN = `switchyard/${VERSION}`

/** How long the Admin API took over a request, in milliseconds (Kong: `X-Kong-Admin-Latency`). */
const ADMIN_LATENCY_HEADER = INJECTED_HEADERS.adminLatency

/** Live numbers the Admin API reports (`/status`, `/metrics`). */
export interface AdminStatus {
  readonly routerSize: () => number
  readonly routerUpdatedAt: () => number
  /** Prometheus text for `/metrics`. */
  readonly metrics: () => Promise<string>
  /** Proxy connections and requests (of every proxy process), for `/status`. */
  readonly server: () => Promise<ServerCounts>
  /** The pids of the proxy worker processes, when this process forked them (`GET /`'s `pids.workers`). */
  readonly workerPids?: () => readonly number[]
  /**
   * How many proxy processes have their router built and serve, of how many should (`/status/ready`);
   * absent when this process proxies itself, whose router is built before anything listens.
   */
  readonly routers?: () => { readonly ready: number; readonly total: number }
}

/** What `/status` reports under `server`: nginx's stub_status counts and the proxied requests. */
export interface ServerCounts extends ConnectionCounts {
  readonly totalRequests: number
}

/** Everything the Admin API handler needs. */
export interface AdminOptions extends EntityContext {
  readonly config: Config
  readonly status: AdminStatus
  /**
   * `status` serves Kong's Status API instead (`status_listen`): `/status`, `/status/ready` and
   * `/metrics` only, read-only, with no token (it changes nothing and shows no entity).
   */
  readonly surface?: 'admin' | 'status'
}

const NODE_ID = randomUUID()

/** `configuration_hash` of `/status` in DB-less mode before any declarative config is loaded (Kong's DECLARATIVE_EMPTY_CONFIG_HASH). */
export const EMPTY_CONFIG_HASH = '00000000000000000000000000000000'

/** Kong's answer to `/config` when a database is in use (kong/api/routes/config.lua), naming this gateway. */
const DB_LESS_ONLY: AdminResponse = { status: 400, body: { message: 'this endpoint is only available when switchyard is configured to not use a database' } }

/**
 * Kong's `GET /endpoints`: every path the Admin API serves, parameters written `{name}` with Kong's
 * names, sorted as Kong sorts them (by segment: `/` compares below every other character).
 */
export const ENDPOINTS: readonly string[] = [
  '/',
  '/config',
  '/endpoints',
  '/metrics',
  '/routes',
  '/routes/{routes}',
  '/routes/{routes}/service',
  '/schemas/{db_entity_name}/validate',
  '/schemas/{name}',
  '/services',
  '/services/{services}',
  '/services/{services}/routes',
  '/services/{services}/routes/{routes}',
  '/status',
  '/tags',
  '/tags/{tags}',
].sort((a, b) => {
  const [x, y] = [a.replaceAll('/', '\0'), b.replaceAll('/', '\0')]
  return x < y ? -1 : x > y ? 1 : 0
})

const COLLECTION_METHODS = ['GET', 'POST'] as const
const ENTITY_METHODS = ['DELETE', 'GET', 'PATCH', 'PUT'] as const
const READ_METHODS = ['GET'] as const

/** The methods an endpoint has, by path; undefined when no endpoint has this path (404). */
function endpointMethods(parts: readonly string[]): readonly string[] | undefined {
  const [first, , third] = parts
  switch (parts.length === 0 ? '' : first) {
    case '':
      return READ_METHODS
    case 'status':
    case 'metrics':
      return parts.length === 1 ? READ_METHODS : undefined
    case 'config':
      return parts.length === 1 ? COLLECTION_METHODS : undefined
    case 'schemas':
      return parts.length === 2 ? READ_METHODS : parts.length === 3 && third === 'validate' ? ['POST'] : undefined
    case 'services':
      if (parts.length <= 2) return parts.length === 1 ? COLLECTION_METHODS : ENTITY_METHODS
      if (third !== 'routes' || parts.length > 4) return undefined
      return parts.length === 3 ? COLLECTION_METHODS : ENTITY_METHODS
    case 'routes':
      if (parts.length <= 2) return parts.length === 1 ? COLLECTION_METHODS : ENTITY_METHODS
      return parts.length === 3 && third === 'service' ? ENTITY_METHODS : undefined
    case 'tags':
      // Kong generates the write methods for its tags entity too; its DAO refuses them (see #route).
      if (parts.length > 2) return undefined
      return parts.length === 1 ? COLLECTION_METHODS : ENTITY_METHODS
    case 'endpoints':
      return parts.length === 1 ? READ_METHODS : undefined
    default:
      return undefined
  }
}

/**
 * Kong's `Allow` for an endpoint (the Admin API's OPTIONS handler): its methods, HEAD where there is
 * GET, and OPTIONS, sorted and comma-separated (`GET, HEAD, OPTIONS, POST` for `/routes`).
 */
function allowHeader(methods: readonly string[]): string {
  return [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].sort().join(', ')
}

/** A request header value safe to send back as is (printable ASCII), or undefined. */
function echoable(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^[\x20-\x7e]+$/.test(value) ? value : undefined
}

/** `?unit=` of `/status` (case-insensitive) → divisor and suffix, as Kong's `bytes_to_str`. */
const MEMORY_UNITS: Readonly<Record<string, { readonly divisor: number; readonly suffix: string }>> = {
  k: { divisor: 2 ** 10, suffix: 'KiB' },
  m: { divisor: 2 ** 20, suffix: 'MiB' },
  g: { divisor: 2 ** 30, suffix: 'GiB' },
}

/** The most digits `?scale=` may ask for (`Number.prototype.toFixed`'s limit). */
const MAX_MEMORY_SCALE = 100

/** A memory figure as Kong's `kong.node.get_memory_stats` writes it: bytes as a number, or a string such as `"1.50 MiB"`. */
type MemoryFigure = number | string

/**
 * Reads `/status`'s `unit` (default `m`) and `scale` (digits after the point, default 2) and checks
 * them in the order Kong's `bytes_to_str(0, unit, scale)` does; or the message of Kong's 400.
 */
function memoryFormat(query: URLSearchParams): { ok: true; format: (bytes: number) => MemoryFigure } | { ok: false; message: string } {
  const unit = query.get('unit') ?? 'm'
  const scaleText = query.get('scale')
  // Lua's tonumber: a blank or non-numeric scale is no scale at all, so the default applies.
  const parsed = scaleText === null || scaleText.trim() === '' ? Number.NaN : Number(scaleText)
  const scale = Number.isNaN(parsed) ? 2 : parsed
  const key = unit.toLowerCase()
  // `b` gives whole bytes as numbers and ignores the scale; an empty unit gives the same figures as strings ("%d").
  if (key === 'b') return { ok: true, format: (bytes) => Math.floor(bytes) }
  if (key === '') return { ok: true, format: (bytes) => String(Math.floor(bytes)) }
  if (scale < 0) return { ok: false, message: 'scale must be equal or greater than 0' }
  const target = MEMORY_UNITS[key]
  if (target === undefined) return { ok: false, message: `invalid unit '${unit}' (expected 'k/K', 'm/M', or 'g/G')` }
  // Lua's "%.<scale>f" truncates a fractional scale (2.2 → 2 digits).
  const digits = Math.floor(scale)
  if (digits > MAX_MEMORY_SCALE) return { ok: false, message: `scale must be at most ${MAX_MEMORY_SCALE}` }
  return { ok: true, format: (bytes) => `${(bytes / target.divisor).toFixed(digits)} ${target.suffix}` }
}

/** Timers this process has armed that keep it alive (Node lists each as a `Timeout` resource). */
function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length
}

function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

function presentedToken(request: IncomingMessage): string | undefined {
  const header = request.headers['kong-admin-token']
  if (typeof header === 'string') return header
  const authorization = request.headers.authorization
  return authorization?.startsWith('Bearer ') === true ? authorization.slice(7) : undefined
}

/** The URL of a request target (origin or absolute form), or undefined when it does not parse (`http://[::1/`). */
function requestUrl(target: string): URL | undefined {
  return (target.startsWith('/') ? URL.parse(`http://admin${target}`) : URL.parse(target, 'http://admin')) ?? undefined
}

/** Answers on a raw socket with a JSON `message`, and closes the connection; `server` unless Kong's `headers` turned it off. */
function endWithJson(socket: Duplex, status: number, reason: string, message: string, headOnly: boolean, server: boolean): void {
  const text = JSON.stringify({ message })
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${server ? `server: ${SERVER_TOKEN}\r\n` : ''}connection: close\r\n\r\n${headOnly ? '' : text}`)
}

/** The decoded segments of a request path; or the first segment whose percent-encoding is malformed (`%zz`). */
function pathSegments(pathname: string): { ok: true; segments: string[] } | { ok: false; segment: string } {
  const segments: string[] = []
  for (const segment of pathname.split('/')) {
    if (segment === '') continue
    // Escapes that are all well formed but spell bytes that are not UTF-8 make a key no entity can
    // have; it is kept (bad bytes as lone surrogates) for the name check to say so, as Kong does.
    if (/%(?![0-9A-Fa-f]{2})/.test(segment)) return { ok: false, segment }
    segments.push(percentDecodeLossless(segment, false))
  }
  return { ok: true, segments }
}

/** 400 for a path segment whose percent-encoding does not decode. */
function malformedPath(segment: string): AdminResponse {
  return { status: 400, body: { message: `invalid percent-encoding in path segment '${segment}': write a literal '%' as %25` } }
}

const UNSUPPORTED_BODY_TYPE = 'Unsupported Media Type: send the body as application/json, application/x-www-form-urlencoded or multipart/form-data, with a Content-Type header saying which'

/**
 * Kong's before_filter on writes: a body must be JSON, urlencoded or multipart, by the type's
 * prefix; without a type only an empty body passes.
 */
function acceptedBodyType(request: IncomingMessage): boolean {
  const type = request.headers['content-type']
  if (type === undefined || type === '') return request.headers['content-length'] === '0' || (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined)
  const lower = type.toLowerCase()
  return lower.startsWith('application/json') || lower.startsWith('multipart/form-data') || lower.startsWith('application/x-www-form-urlencoded')
}

/**
 * Kong's answer for an entity addressed by a name no entity can have (its DAO checks the key before
 * looking it up): 400, code 10, the `utf8_name` typedef's text.
 */
function invalidUniqueName(key: string): AdminResponse | undefined {
  const error = UUID_PATTERN.test(key) ? undefined : checkName(key)
  return error === undefined ? undefined : { status: 400, body: { code: 10, name: 'invalid unique name', message: error } }
}

/** Kong's `truthy` for `?flatten_errors=`: true, 1, "true", "1", "on" or "yes" (any case). */
function isTruthy(value: unknown): boolean {
  const text = typeof value === 'string' ? value.toLowerCase() : value
  return text === true || text === 1 || text === 'true' || text === '1' || text === 'on' || text === 'yes'
}

/** nginx's 413 for a body past `nginx_admin_client_max_body_size`, as Kong's admin error page words it. */
const PAYLOAD_TOO_LARGE: AdminResponse = { status: 413, body: { message: 'Payload too large' }, headers: { connection: 'close' } }

/** A missing or wrong admin token: what to send, and how (the token itself is never echoed). */
const UNAUTHORIZED: AdminResponse = {
  status: 401,
  body: { message: 'Unauthorized: this Admin API requires its admin token (the admin_token setting), sent as `Authorization: Bearer <token>` or `Kong-Admin-Token: <token>`' },
}

/** The Admin API: Kong-compatible services and routes, validation, status, metrics and DB-less `/config`. */
export class AdminApi {
  readonly #entities: EntityEndpoints
  /** Kong's `headers`: whether answers carry `Server` and the admin latency. */
  readonly #injected: InjectedHeaders
  #requests = 0

  /** Creates the handler; it starts nothing. */
  constructor(readonly options: AdminOptions) {
    this.#entities = new EntityEndpoints({ ...options, readOnly: options.config.database === 'off' })
    this.#injected = new InjectedHeaders(options.config.headers)
  }

  /** Handles one Admin API request end to end. */
  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    this.#requests++
    const started = performance.now()
    const cors = this.#cors(request)
    this.#respond(request, cors)
      .catch((error: unknown): AdminResponse => unavailableResponse(error) ?? { status: 500, body: { message: 'An unexpected error occurred', detail: String(error) } })
      .then((answer) => {
        // Kong's admin_header_filter: the server's name and the time taken, on every answer (as `headers` allows).
        const headers = {
          ...(this.#injected.has(INJECTED_HEADERS.server) ? { server: SERVER_TOKEN } : {}),
          ...(this.#injected.has(INJECTED_HEADERS.adminLatency) ? { [ADMIN_LATENCY_HEADER]: String(Math.round(performance.now() - started)) } : {}),
          ...cors,
          ...answer.headers,
        }
        if (typeof answer.body === 'string') {
          response.writeHead(answer.status, { ...headers, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(answer.body)
          return
        }
        // 204 and 304 have no content, and say nothing of it (RFC 9110 §8.6, §15.4.5).
        if (answer.status === 204 || answer.status === 304) return void response.writeHead(answer.status, headers).end()
        const text = answer.body === undefined ? '' : JSON.stringify(answer.body)
        // A HEAD gets the headers of the GET it stands for; Node sends no body for it.
        response.writeHead(answer.status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
        response.end(text)
      })
      .catch(() => response.destroy())
  }

  /**
   * The CORS headers of every answer, as Kong's Admin API sends them: the request's `Origin` echoed
   * (with `Vary: Origin`), or `*` when there is none. Without `admin_token` the Admin API serves no
   * other origin (see origin.ts), so there a foreign `Origin` gets no grant: a page elsewhere can
   * neither pass a preflight nor read an answer, even in a browser that sends no `Sec-Fetch-Site`.
   * With the token, any origin may ask: every request but a preflight still needs the token.
   */
  #cors(request: IncomingMessage): Record<string, string> {
    const origin = request.headers.origin
    const vary = { vary: 'Origin' }
    if (origin === undefined) return { ...vary, 'access-control-allow-origin': '*' }
    const echoed = echoable(origin)
    if (echoed === undefined) return vary
    if (this.options.config.adminToken === undefined && !isSameOrigin(request)) return vary
    return { ...vary, 'access-control-allow-origin': echoed }
  }

  /**
   * Kong's OPTIONS for an endpoint: 204 with `Allow`, and, for a granted origin, the same list as
   * `Access-Control-Allow-Methods` and the requested headers (else `Content-Type`) as
   * `Access-Control-Allow-Headers`. It needs no token (a browser's preflight never carries one) and
   * reads nothing: the answer depends on the path's shape only, not on what exists.
   */
  #options(request: IncomingMessage, parts: readonly string[], cors: Readonly<Record<string, string>>): AdminResponse {
    const methods = endpointMethods(parts)
    if (methods === undefined) return NOT_FOUND
    const allow = allowHeader(methods)
    if (cors['access-control-allow-origin'] === undefined) return { status: 204, headers: { allow } }
    const requested = echoable(request.headers['access-control-request-headers'])
    return { status: 204, headers: { allow, 'access-control-allow-methods': allow, 'access-control-allow-headers': requested ?? 'Content-Type' } }
  }

  /**
   * Answers a request Node could not parse (a URL or headers past Node's 16 KiB limit, a malformed
   * request line) with a JSON `message` like every other Admin API error, instead of Node's bare
   * status line; the connection is then closed.
   */
  readonly handleClientError = (error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy()
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW'
    const status = tooLarge ? 431 : 400
    const message = tooLarge ? 'request line and headers are too large: send fewer or shorter query arguments and headers (16 KiB at most)' : 'malformed HTTP request'
    // A response to HEAD has no body (RFC 9110 §9.3.2); the request was not parsed, so look at its first bytes.
    const head = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD '
    endWithJson(socket, status, tooLarge ? 'Request Header Fields Too Large' : 'Bad Request', message, head, this.#injected.has(INJECTED_HEADERS.server))
  }

  /**
   * `CONNECT`, which Node hands to this event rather than to the request handler: 405 like any
   * other method the Admin API does not take (without a listener Node closes the connection unanswered).
   */
  readonly handleConnect = (_request: IncomingMessage, socket: Duplex): void => {
    endWithJson(socket, 405, 'Method Not Allowed', 'Method not allowed', false, this.#injected.has(INJECTED_HEADERS.server))
  }

  async #respond(request: IncomingMessage, cors: Readonly<Record<string, string>>): Promise<AdminResponse> {
    // An origin-form target is read as a path even when it starts with `//` (nginx merges the
    // slashes; `new URL('//routes', base)` would take `routes` for a host).
    const target = request.url ?? '/'
    const url = requestUrl(target)
    if (url === undefined) return { status: 400, body: { message: `malformed request target '${target.slice(0, 200)}': send a path such as /services, or an absolute URL with a valid host` } }
    const parts = pathSegments(url.pathname)
    if (this.options.surface === 'status') return parts.ok ? this.#statusApi(request.method ?? 'GET', parts.segments, url.searchParams) : malformedPath(parts.segment)
    // OPTIONS before the token: it reveals no entity, and a preflight cannot carry the token.
    if (request.method === 'OPTIONS') return parts.ok ? this.#options(request, parts.segments, cors) : malformedPath(parts.segment)
    const token = this.options.config.adminToken
    if (token !== undefined && !tokenMatches(token, presentedToken(request))) return UNAUTHORIZED
    const refusal = token === undefined ? unauthenticatedAdminRefusal(request) : undefined
    if (refusal !== undefined) return { status: 403, body: { message: refusal } }
    if (!parts.ok) return malformedPath(parts.segment)
    if (argumentCount(url.searchParams) > MAX_ARGUMENTS) return { status: 400, body: { message: TOO_MANY_ARGUMENTS } }
    // As in Kong, HEAD is GET without the body (Node drops it).
    const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET')
    const needsBody = method === 'POST' || method === 'PUT' || method === 'PATCH'
    let body: WriteBody = { value: {}, form: false }
    let raw = ''
    let type = ''
    if (needsBody) {
      // nginx's client_max_body_size for the Admin API, before any of Kong runs: a declared length
      // is refused unread, and the connection closed rather than drained.
      const limit = this.options.config.adminClientMaxBodySize
      const declared = Number(request.headers['content-length'] ?? 0)
      if (limit > 0 && declared > limit) return PAYLOAD_TOO_LARGE
      // Kong's before_filter: a body of another type, or of none, is 415 (Kong's has no body; this
      // one says what to send). POST /config also takes a YAML or JSON body of any type.
      if (parts.segments[0] !== 'config' && !acceptedBodyType(request)) {
        request.resume()
        return { status: 415, body: { message: UNSUPPORTED_BODY_TYPE } }
      }
      const parsed = await parseBody(request, limit)
      if (!parsed.ok) return parsed.tooLarge === true ? PAYLOAD_TOO_LARGE : { status: 400, body: { message: parsed.message } }
      body = { value: parsed.value, form: parsed.form }
      raw = parsed.raw
      type = parsed.type
    }
    return this.#route(method, parts.segments, url.searchParams, body, raw, type)
  }

  #route(method: string, parts: readonly string[], query: URLSearchParams, body: WriteBody, raw: string, type: string): AdminResponse | Promise<AdminResponse> {
    const e = this.#entities
    const [first, second, third, fourth] = parts
    // DB-less writes to services and routes reach the entity handlers, which check them as Kong
    // does and then refuse them as Kong's off strategy does (405 `operation unsupported`).
    switch (parts.length === 0 ? '' : first) {
      case '':
        // As Kong: GET (and HEAD, routed here as GET); other methods 405.
        return method === 'GET' ? this.#root() : METHOD_NOT_ALLOWED
      case 'status':
        return parts.length !== 1 ? NOT_FOUND : method === 'GET' ? this.#statusBody(query) : METHOD_NOT_ALLOWED
      case 'metrics':
        return parts.length !== 1 ? NOT_FOUND : method === 'GET' ? this.options.status.metrics().then((text) => ({ status: 200, body: text })) : METHOD_NOT_ALLOWED
      case 'config':
        return parts.length !== 1 ? NOT_FOUND : method === 'POST' ? this.#postConfig(body, raw, query) : method === 'GET' ? this.#getConfig() : METHOD_NOT_ALLOWED
      case 'schemas':
        return schemasEndpoint(method, parts, body, this.options) ?? NOT_FOUND
      case 'services': {
        if (second === undefined) return method === 'GET' ? e.listServices(query) : method === 'POST' ? e.createService(body) : METHOD_NOT_ALLOWED
        // The service's key is checked here for its nested routes too.
        const invalidService = invalidUniqueName(second)
        if (invalidService !== undefined) return invalidService
        if (third === undefined) {
          if (method === 'GET') return e.readService(second)
          if (method === 'PATCH') return e.patchService(second, body)
          if (method === 'PUT') return e.putService(second, body)
          if (method === 'DELETE') return e.deleteService(second)
          return METHOD_NOT_ALLOWED
        }
        if (third !== 'routes') return NOT_FOUND
        if (fourth === undefined) return method === 'GET' ? e.listRoutes(query, second) : method === 'POST' ? e.createRoute(body, second) : METHOD_NOT_ALLOWED
        if (parts.length > 4) return NOT_FOUND
        return this.#routeItem(method, fourth, body, second)
      }
      case 'routes':
        if (second === undefined) return method === 'GET' ? e.listRoutes(query) : method === 'POST' ? e.createRoute(body) : METHOD_NOT_ALLOWED
        if (third === 'service' && parts.length === 3) return invalidUniqueName(second) ?? this.#routeServiceItem(method, second, body)
        if (third !== undefined) return NOT_FOUND
        return this.#routeItem(method, second, body)
      case 'endpoints':
        return parts.length !== 1 ? NOT_FOUND : method === 'GET' ? { status: 200, body: { data: ENDPOINTS } } : METHOD_NOT_ALLOWED
      case 'tags': {
        if (parts.length > 2) return NOT_FOUND
        if (method === 'GET') return listTags(this.options.store, query, second)
        // The other methods `endpointMethods` lists are the writes; Kong's tags DAO answers every one
        // with this schema violation (kong/db/dao/tags.lua).
        const allowed: readonly string[] = endpointMethods(parts) ?? []
        return allowed.includes(method) ? fieldViolation('tags', 'does not support insert/upsert/update/delete operations') : METHOD_NOT_ALLOWED
      }
      default:
        return NOT_FOUND
    }
  }

  #routeItem(method: string, key: string, body: WriteBody, serviceKey?: string): AdminResponse {
    const invalid = invalidUniqueName(key)
    if (invalid !== undefined) return invalid
    const e = this.#entities
    if (method === 'GET') return e.readRoute(key, serviceKey)
    if (method === 'PATCH') return e.patchRoute(key, body, serviceKey)
    if (method === 'PUT') return e.putRoute(key, body, serviceKey)
    if (method === 'DELETE') return e.deleteRoute(key, serviceKey)
    return METHOD_NOT_ALLOWED
  }

  /** `/routes/{route}/service`: the route's service, as Kong's foreign-entity endpoint. */
  #routeServiceItem(method: string, key: string, body: WriteBody): AdminResponse {
    const e = this.#entities
    if (method === 'GET') return e.routeService(key)
    if (method === 'PATCH') return e.patchRouteService(key, body)
    if (method === 'PUT') return e.putRouteService(key, body)
    if (method === 'DELETE') return e.deleteRouteService(key)
    return METHOD_NOT_ALLOWED
  }

  /**
   * Whether this process serves proxy traffic too: the CLI runs a multi-process primary, which
   * proxies nothing and cannot see its workers, exactly when `workers` is above 1.
   */
  get #servesProxy(): boolean {
    return this.options.config.workers === 1
  }

  #root(): AdminResponse {
    const c = this.options.config
    const listen = (l: Config['proxyListen']): string[] => l.map((a) => `${a.host}:${a.port}${a.ssl ? ' ssl' : ''}`)
    return {
      status: 200,
      body: {
        // Kong's "Welcome to kong" names the product; this one is not Kong.
        tagline: 'Welcome to switchyard',
        version: VERSION,
        node_id: NODE_ID,
        hostname: hostname(),
        timers: {
          // Kong counts timer callbacks still running (suspended on I/O); a Node timer callback runs
          // to completion on this one thread, so none is running while this handler is.
          running: 0,
          pending: pendingTimers(),
        },
        // Switchyard has no plugins: none can be loaded or configured.
        plugins: { available_on_server: {}, enabled_in_cluster: [] },
        // Kong's master and worker pids: this process when it proxies itself, else the workers it forked.
        pids: { master: process.pid, workers: this.#servesProxy ? [process.pid] : [...(this.options.status.workerPids?.() ?? [])] },
        configuration: {
          database: c.database,
          router_flavor: c.routerFlavor,
          prefix: c.prefix,
          declarative_config: c.declarativeConfig ?? null,
          proxy_listen: listen(c.proxyListen),
          admin_listen: listen(c.adminListen),
          status_listen: listen(c.statusListen),
          nginx_worker_processes: c.workers,
          admin_token_required: c.adminToken !== undefined,
          store: this.options.store.kind,
        },
      },
    }
  }

  /** Kong's Status API: `/status` and `/metrics` as on the Admin API, and `/status/ready`; 404 for any other path. */
  #statusApi(method: string, parts: readonly string[], query: URLSearchParams): AdminResponse | Promise<AdminResponse> {
    const path = parts.join('/')
    if (path !== 'status' && path !== 'status/ready' && path !== 'metrics') return NOT_FOUND
    if (method !== 'GET' && method !== 'HEAD') return METHOD_NOT_ALLOWED
    if (path === 'status') return this.#statusBody(query)
    if (path === 'metrics') return this.options.status.metrics().then((text) => ({ status: 200, body: text }))
    const problem = this.#notReady()
    return problem === undefined ? { status: 200, body: { message: 'ready' } } : { status: 503, body: { message: problem } }
  }

  /**
   * Why this node should not get traffic yet, in the words of Kong 3.10's `/status/ready`
   * (kong/status/ready.lua), or undefined when it is ready: the database answers, every proxy
   * process has built its router and, in DB-less mode, a configuration with entities is loaded.
   */
  #notReady(): string | undefined {
    const { store, config } = this.options
    if (databaseStatus(store)['reachable'] !== true) return 'failed to connect to database'
    const routers = this.options.status.routers?.() ?? { ready: 1, total: 1 }
    if (config.database !== 'off') return routers.ready === 0 ? 'router builds not yet complete' : undefined
    if (routers.ready < routers.total) return `router builds not yet complete, router ready on ${routers.ready} of ${routers.total} workers`
    if (this.#configurationHash() === EMPTY_CONFIG_HASH) return 'empty configuration hash'
    return undefined
  }

  /** Kong's `GET /status` (kong/api/routes/health.lua): database, server counters and memory, plus the router. */
  async #statusBody(query: URLSearchParams): Promise<AdminResponse> {
    const memory = memoryFormat(query)
    if (!memory.ok) return { status: 400, body: { message: memory.message } }
    const s = this.options.status
    const counts = await s.server()
    return {
      status: 200,
      body: {
        database: databaseStatus(this.options.store),
        server: {
          connections_accepted: counts.accepted,
          connections_active: counts.active,
          connections_handled: counts.handled,
          connections_reading: counts.reading,
          connections_writing: counts.writing,
          connections_waiting: counts.waiting,
          total_requests: counts.totalRequests,
          admin_requests: this.#requests,
        },
        memory: this.#memory(memory.format),
        router: { size: s.routerSize(), updated_at: new Date(s.routerUpdatedAt()).toISOString() },
        // Kong's, in DB-less mode only: the hash of the running declarative config.
        ...(this.options.config.database === 'off' ? { configuration_hash: this.#configurationHash() } : {}),
      },
    }
  }

  /** The hash `POST /config?check_hash=1` compares with (the loaded file's or the last posted config's), or Kong's empty-config hash. */
  #configurationHash(): string {
    const store = this.options.store
    if (!(store instanceof MemoryStore) || store.configHash === undefined) return EMPTY_CONFIG_HASH
    // Kong gives a configuration without entities the empty hash too (declarative load_into_cache).
    const empty = store.listServices({ size: 1 }).data.length === 0 && store.listRoutes({ size: 1 }).data.length === 0
    return empty ? EMPTY_CONFIG_HASH : store.configHash
  }

  #memory(format: (bytes: number) => MemoryFigure): Record<string, unknown> {
    const usage = process.memoryUsage()
    return {
      // Switchyard keeps no shared memory zones: each process holds its own store copy and router.
      lua_shared_dicts: {},
      // Kong's per-worker VM heap. Here the V8 heap in use, reported only when this process is the
      // worker; a primary cannot read its workers' heaps.
      workers_lua_vms: this.#servesProxy ? [{ http_allocated_gc: format(usage.heapUsed), pid: process.pid }] : [],
      // Switchyard's own: this process as Node measures it.
      process: {
        pid: process.pid,
        rss: format(usage.rss),
        heap_total: format(usage.heapTotal),
        heap_used: format(usage.heapUsed),
        external: format(usage.external),
        array_buffers: format(usage.arrayBuffers),
      },
    }
  }

  /**
   * Kong's `GET /config` (kong/db/declarative/export.lua): the running entities as declarative YAML
   * text, loadable by POST /config: `_format_version: "3.0"`, `_transform: false`, each kind that
   * has entities, every field (nulls and timestamps included), a route's service as its id.
   * Kong answers it in DB-less mode only; here it also exports a database's entities (the cluster
   * tests compare nodes with it), which no Kong client is refused by.
   */
  #getConfig(): AdminResponse {
    const { services, routes } = this.options.store.snapshot()
    const exported = routes.map((route) => ({ ...route, service: route.service === null ? null : route.service.id }))
    const config = { _format_version: '3.0', _transform: false, ...(services.length > 0 ? { services } : {}), ...(routes.length > 0 ? { routes: exported } : {}) }
    return { status: 200, body: { config: stringify(config) } }
  }

  /**
   * Kong's `POST /config`: the config is the body itself when it has `_format_version`, else the
   * `config` field (JSON or YAML text), else the raw body. `flatten_errors` and `check_hash` come
   * from the query or the body. A rejected config changes nothing.
   */
  #postConfig(body: WriteBody, raw: string, query: URLSearchParams): AdminResponse {
    if (this.options.config.database !== 'off') return DB_LESS_ONLY
    const { flatten_errors: flattenField, check_hash: checkHashField, ...params } = body.value
    const flatten = isTruthy(query.get('flatten_errors') ?? flattenField)
    // As in Kong, older than flatten_errors: only "1" asks for the check.
    const checkHash = String(query.get('check_hash') ?? checkHashField) === '1'
    let input: unknown = params
    // As in Kong, only a config sent as text (a `config` field or the raw body) is compared with the
    // running one: a body that is itself the config has no text hash, and is always loaded.
    let text: string | undefined
    if (params['_format_version'] === undefined) {
      const config = params['config']
      text = typeof config === 'string' ? config : raw.trim() !== '' ? raw : undefined
      if (text === undefined) return { status: 400, body: { message: 'expected a declarative configuration' } }
      const parsed = parseConfigText(text)
      if (!parsed.ok) return { status: 400, body: declarativeErrorBody(parsed.errors, undefined, false) }
      input = parsed.value
    }
    const store = this.options.store
    if (checkHash && text !== undefined && store instanceof MemoryStore && store.configHash === configHash(text)) return { status: 304 }
    const loaded = loadDeclarative(input, { flavor: this.options.flavor, checkRoute: this.options.checkRoute })
    if (!loaded.ok) return { status: 400, body: declarativeErrorBody(loaded.errors, input, flatten) }
    // Kong hashes such a body's loaded entities (timestamps included), so it matches no text.
    const hash = configHash(text ?? JSON.stringify(loaded.snapshot))
    if (store instanceof MemoryStore) store.replaceAll(loaded.snapshot, hash)
    else store.replaceAll(loaded.snapshot)
    // Kong answers with the flattened entities, each kind keyed by id; a kind without entities is absent.
    const byId = <T extends { id: string }>(entities: readonly T[]): Record<string, T> => Object.fromEntries(entities.map((e) => [e.id, e]))
    const { services, routes } = loaded.snapshot
    return { status: 201, body: { ...(services.length > 0 ? { services: byId(services) } : {}), ...(routes.length > 0 ? { routes: byId(routes) } : {}) } }
  }

}
