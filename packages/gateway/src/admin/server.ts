import { randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { hostname } from 'node:os'
import { stringify } from 'yaml'
import type { Config } from '../config.ts'
import { loadDeclarative, parseConfigText, type ConfigProblem } from '../store/declarative.ts'
import { databaseStatus, unavailableResponse } from '../store/postgres/wiring.ts'
import { parseBody } from './body.ts'
import { EntityEndpoints, type EntityContext, type WriteBody } from './entities.ts'
import { fieldViolation, KONG_ERROR_CODES, METHOD_NOT_ALLOWED, NOT_FOUND, type AdminResponse } from './problem.ts'
import { schemasEndpoint } from './schemas.ts'

/** The gateway's version, reported by `GET /` and in `Via`. */
export const VERSION = '0.1.0'

/** Live numbers the Admin API reports (`/status`, `/metrics`). */
export interface AdminStatus {
  readonly routerSize: () => number
  readonly routerUpdatedAt: () => number
  /** Prometheus text for `/metrics`. */
  readonly metrics: () => Promise<string>
  readonly totalRequests: () => number
  readonly activeConnections: () => number
}

/** Everything the Admin API handler needs. */
export interface AdminOptions extends EntityContext {
  readonly config: Config
  readonly status: AdminStatus
}

const NODE_ID = randomUUID()

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

function configProblemsResponse(problems: readonly ConfigProblem[]): AdminResponse {
  const fields: Record<string, string[]> = {}
  for (const p of problems) (fields[p.location] ??= []).push(p.message)
  return {
    status: 400,
    body: {
      code: KONG_ERROR_CODES['invalid declarative configuration'],
      name: 'invalid declarative configuration',
      message: `declarative config is invalid: ${problems.map((p) => `${p.location}: ${p.message}`).join('; ')}`,
      fields,
      flattened_errors: problems,
    },
  }
}

/** The Admin API: Kong-compatible services and routes, validation, status, metrics and DB-less `/config`. */
export class AdminApi {
  readonly #entities: EntityEndpoints
  #requests = 0

  /** Creates the handler; it starts nothing. */
  constructor(readonly options: AdminOptions) {
    this.#entities = new EntityEndpoints(options)
  }

  /** Handles one Admin API request end to end. */
  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    this.#requests++
    this.#respond(request)
      .catch((error: unknown): AdminResponse => unavailableResponse(error) ?? { status: 500, body: { message: 'An unexpected error occurred', detail: String(error) } })
      .then((answer) => {
        if (typeof answer.body === 'string') {
          response.writeHead(answer.status, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(answer.body)
          return
        }
        const text = answer.body === undefined ? '' : JSON.stringify(answer.body)
        response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
        response.end(text)
      })
      .catch(() => response.destroy())
  }

  async #respond(request: IncomingMessage): Promise<AdminResponse> {
    const token = this.options.config.adminToken
    if (token !== undefined && !tokenMatches(token, presentedToken(request))) return { status: 401, body: { message: 'Unauthorized' } }
    const url = new URL(request.url ?? '/', 'http://admin')
    const method = request.method ?? 'GET'
    const parts = url.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p))
    if (url.pathname === '/metrics' && method === 'GET') return { status: 200, body: await this.options.status.metrics() }
    const needsBody = method === 'POST' || method === 'PUT' || method === 'PATCH'
    let body: WriteBody = { value: {}, form: false }
    let raw = ''
    let type = ''
    if (needsBody) {
      const parsed = await parseBody(request)
      if (!parsed.ok) return { status: 400, body: { message: parsed.message } }
      body = { value: parsed.value, form: parsed.form }
      raw = parsed.raw
      type = parsed.type
    }
    return this.#route(method, parts, url.searchParams, body, raw, type)
  }

  #route(method: string, parts: readonly string[], query: URLSearchParams, body: WriteBody, raw: string, type: string): AdminResponse {
    const e = this.#entities
    const [first, second, third, fourth] = parts
    // As in Kong, DB-less entities change only through POST /config.
    if (this.options.config.database === 'off' && (first === 'services' || first === 'routes') && method !== 'GET') {
      return { status: 405, body: { message: 'cannot change entities when not using a database: use POST /config' } }
    }
    switch (parts.length === 0 ? '' : first) {
      case '':
        return method === 'GET' ? this.#root() : METHOD_NOT_ALLOWED
      case 'status':
        return parts.length === 1 && method === 'GET' ? this.#statusBody() : NOT_FOUND
      case 'config':
        return parts.length === 1 && method === 'POST' ? this.#postConfig(body, raw, type) : parts.length === 1 && method === 'GET' ? this.#getConfig() : NOT_FOUND
      case 'schemas':
        return schemasEndpoint(method, parts, body, this.options) ?? NOT_FOUND
      case 'services':
        if (second === undefined) return method === 'GET' ? e.listServices(query) : method === 'POST' ? e.createService(body) : METHOD_NOT_ALLOWED
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
      case 'routes':
        if (second === undefined) return method === 'GET' ? e.listRoutes(query) : method === 'POST' ? e.createRoute(body) : METHOD_NOT_ALLOWED
        if (third === 'service' && parts.length === 3) return this.#routeServiceItem(method, second, body)
        if (third !== undefined) return NOT_FOUND
        return this.#routeItem(method, second, body)
      default:
        return NOT_FOUND
    }
  }

  #routeItem(method: string, key: string, body: WriteBody, serviceKey?: string): AdminResponse {
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

  #root(): AdminResponse {
    const c = this.options.config
    const listen = (l: Config['proxyListen']): string[] => l.map((a) => `${a.host}:${a.port}${a.ssl ? ' ssl' : ''}`)
    return {
      status: 200,
      body: {
        tagline: 'Welcome to switchyard',
        version: VERSION,
        node_id: NODE_ID,
        hostname: hostname(),
        configuration: {
          database: c.database,
          router_flavor: c.routerFlavor,
          prefix: c.prefix,
          declarative_config: c.declarativeConfig ?? null,
          proxy_listen: listen(c.proxyListen),
          admin_listen: listen(c.adminListen),
          nginx_worker_processes: c.workers,
          admin_token_required: c.adminToken !== undefined,
          store: this.options.store.kind,
        },
      },
    }
  }

  #statusBody(): AdminResponse {
    const s = this.options.status
    return {
      status: 200,
      body: {
        database: databaseStatus(this.options.store),
        server: { total_requests: s.totalRequests(), connections_active: s.activeConnections(), admin_requests: this.#requests },
        router: { size: s.routerSize(), updated_at: new Date(s.routerUpdatedAt()).toISOString() },
      },
    }
  }

  /** Kong's `GET /config`: the running entities as declarative YAML text, loadable by POST /config. */
  #getConfig(): AdminResponse {
    const { services, routes } = this.options.store.snapshot()
    const strip = <T extends { created_at: number; updated_at: number }>(entity: T): Omit<T, 'created_at' | 'updated_at'> => {
      const { created_at: _c, updated_at: _u, ...rest } = entity
      return rest
    }
    return { status: 200, body: { config: stringify({ _format_version: '3.0', services: services.map(strip), routes: routes.map(strip) }) } }
  }

  #postConfig(body: WriteBody, raw: string, type: string): AdminResponse {
    if (this.options.config.database !== 'off') return { status: 400, body: { message: 'this endpoint is only available when switchyard is configured to not use a database' } }
    // Kong accepts the config as the body itself (JSON or YAML) or as a `config` form field.
    let text = raw
    if (body.form) {
      const field = body.value['config']
      if (typeof field !== 'string') return fieldViolation('config', 'required field missing')
      text = field
    }
    if (type === 'application/json' && !body.form && Object.keys(body.value).length === 1 && typeof body.value['config'] === 'string') text = body.value['config']
    const parsed = parseConfigText(text)
    if (!parsed.ok) return configProblemsResponse(parsed.problems)
    const loaded = loadDeclarative(parsed.value, { flavor: this.options.flavor, checkRoute: this.options.checkRoute })
    if (!loaded.ok) return configProblemsResponse(loaded.problems)
    this.options.store.replaceAll(loaded.snapshot)
    return { status: 201, body: { services: loaded.snapshot.services, routes: loaded.snapshot.routes } }
  }
}
