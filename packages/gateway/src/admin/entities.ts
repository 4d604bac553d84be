import { randomUUID } from 'node:crypto'
import type { RouterFlavor } from '../config.ts'
import { prepareRoute, prepareService, type PrepareContext, type RouteChecker } from '../entities/prepare.ts'
import type { Route } from '../entities/route.ts'
import { UUID_PATTERN, type Json, type JsonObject } from '../entities/schema.ts'
import type { Service } from '../entities/service.ts'
import type { Store } from '../store/store.ts'
import { listOptions, listResponse } from './list.ts'
import { foreignKeyViolation, NOT_FOUND, referencedViolation, schemaViolation, uniqueViolation, type AdminResponse } from './problem.ts'

/** What an entity endpoint needs: the store and how routes are checked. */
export interface EntityContext {
  readonly store: Store
  readonly flavor: RouterFlavor
  readonly checkRoute: RouteChecker
}

/** A parsed write body: fields and whether they came from a form. */
export interface WriteBody {
  readonly value: JsonObject
  readonly form: boolean
}

function now(): number {
  return Math.floor(Date.now() / 1000)
}

function prepareContext(context: EntityContext, form: boolean): PrepareContext {
  return { flavor: context.flavor, checkRoute: context.checkRoute, now: now(), form }
}

/** Creates, replaces (PUT) or patches a service; `existing` is the stored one for PUT and PATCH. */
function writeService(context: EntityContext, body: WriteBody, id: string, existing: Service | undefined, merge: boolean, status: number): AdminResponse {
  const { id: _id, created_at: _c, updated_at: _u, ...base } = (merge && existing !== undefined ? existing : {}) as JsonObject
  // A PATCH with `url` replaces protocol, host, port and path together.
  const input = merge && body.value['url'] !== undefined ? { ...base, path: null, ...body.value } : { ...base, ...body.value }
  const prepared = prepareService(input, id, existing?.created_at, prepareContext(context, body.form))
  if (!prepared.ok) return schemaViolation(prepared.violation)
  const conflict = context.store.putService(prepared.service)
  return conflict !== undefined ? uniqueViolation(conflict) : { status, body: prepared.service }
}

/** Resolves `service: {id}` or `{name}` to a stored service id; or a 400. */
function resolveService(context: EntityContext, input: JsonObject): { ok: true; input: JsonObject } | { ok: false; response: AdminResponse } {
  const reference = input['service']
  if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) return { ok: true, input }
  const ref = reference as JsonObject
  const key = typeof ref['id'] === 'string' ? ref['id'] : typeof ref['name'] === 'string' ? ref['name'] : undefined
  if (key === undefined) return { ok: true, input }
  if (typeof ref['id'] === 'string' && !UUID_PATTERN.test(key)) return { ok: true, input }
  const service = context.store.getService(key)
  if (service === undefined) return { ok: false, response: foreignKeyViolation('service', key, 'services') }
  return { ok: true, input: { ...input, service: { id: service.id } } }
}

function writeRoute(context: EntityContext, body: WriteBody, id: string, existing: Route | undefined, merge: boolean, status: number, forcedService?: Service): AdminResponse {
  const { id: _id, created_at: _c, updated_at: _u, ...base } = (merge && existing !== undefined ? existing : {}) as JsonObject
  let input: JsonObject = { ...base, ...body.value }
  if (forcedService !== undefined) input = { ...input, service: { id: forcedService.id } }
  const resolved = resolveService(context, input)
  if (!resolved.ok) return resolved.response
  const prepared = prepareRoute(resolved.input, id, existing?.created_at, prepareContext(context, body.form))
  if (!prepared.ok) return schemaViolation(prepared.violation)
  const conflict = context.store.putRoute(prepared.route)
  return conflict !== undefined ? uniqueViolation(conflict) : { status, body: prepared.route }
}

/** The id for a new entity: the body's, or a fresh UUID. */
function newId(body: WriteBody): string {
  const id = body.value['id']
  return typeof id === 'string' && UUID_PATTERN.test(id) ? id.toLowerCase() : randomUUID()
}

/** PUT's key: a UUID is the id, anything else the name (Kong's upsert by endpoint key). */
function upsertInput(key: string, existing: { id: string } | undefined, body: WriteBody): { id: string; body: WriteBody } {
  if (UUID_PATTERN.test(key)) return { id: key.toLowerCase(), body }
  return { id: existing?.id ?? randomUUID(), body: { ...body, value: { ...body.value, name: key } as Record<string, Json> } }
}

/** Admin API handlers for `/services` and `/routes`, each returning status and body. */
export class EntityEndpoints {
  /** Creates the handlers over a store. */
  constructor(readonly context: EntityContext) {}

  /** GET /services */
  listServices(query: URLSearchParams): AdminResponse {
    const parsed = listOptions(query)
    if (!parsed.ok) return parsed.response
    return listResponse('/services', query, this.context.store.listServices(parsed.options))
  }

  /** POST /services */
  createService(body: WriteBody): AdminResponse {
    const id = newId(body)
    if (this.context.store.getService(id) !== undefined) return uniqueViolation({ field: 'id', value: id })
    return writeService(this.context, body, id, undefined, false, 201)
  }

  /** GET /services/{id or name} */
  readService(key: string): AdminResponse {
    const service = this.context.store.getService(key)
    return service === undefined ? NOT_FOUND : { status: 200, body: service }
  }

  /** PATCH /services/{id or name} */
  patchService(key: string, body: WriteBody): AdminResponse {
    const existing = this.context.store.getService(key)
    if (existing === undefined) return NOT_FOUND
    return writeService(this.context, body, existing.id, existing, true, 200)
  }

  /** PUT /services/{id or name}: creates or fully replaces. */
  putService(key: string, body: WriteBody): AdminResponse {
    const existing = this.context.store.getService(key)
    const upsert = upsertInput(key, existing, body)
    return writeService(this.context, upsert.body, upsert.id, existing, false, 200)
  }

  /** DELETE /services/{id or name}: 204 even when absent (Kong); refused while routes use it. */
  deleteService(key: string): AdminResponse {
    const existing = this.context.store.getService(key)
    if (existing === undefined) return { status: 204 }
    if (this.context.store.countRoutes(existing.id) > 0) return referencedViolation()
    this.context.store.deleteService(existing.id)
    return { status: 204 }
  }

  /** GET /routes and GET /services/{service}/routes */
  listRoutes(query: URLSearchParams, serviceKey?: string): AdminResponse {
    const parsed = listOptions(query)
    if (!parsed.ok) return parsed.response
    if (serviceKey === undefined) return listResponse('/routes', query, this.context.store.listRoutes(parsed.options))
    const service = this.context.store.getService(serviceKey)
    if (service === undefined) return NOT_FOUND
    return listResponse(`/services/${serviceKey}/routes`, query, this.context.store.listRoutes({ ...parsed.options, serviceId: service.id }))
  }

  /** POST /routes and POST /services/{service}/routes */
  createRoute(body: WriteBody, serviceKey?: string): AdminResponse {
    const service = serviceKey === undefined ? undefined : this.context.store.getService(serviceKey)
    if (serviceKey !== undefined && service === undefined) return NOT_FOUND
    const id = newId(body)
    if (this.context.store.getRoute(id) !== undefined) return uniqueViolation({ field: 'id', value: id })
    return writeRoute(this.context, body, id, undefined, false, 201, service)
  }

  /** The route for `key`, only if it belongs to the named service when one is given. */
  #route(key: string, serviceKey?: string): Route | undefined | null {
    const route = this.context.store.getRoute(key)
    if (serviceKey === undefined) return route
    const service = this.context.store.getService(serviceKey)
    if (service === undefined) return null
    return route !== undefined && route.service?.id === service.id ? route : undefined
  }

  /** GET /routes/{route} */
  readRoute(key: string, serviceKey?: string): AdminResponse {
    const route = this.#route(key, serviceKey)
    return route === undefined || route === null ? NOT_FOUND : { status: 200, body: route }
  }

  /** PATCH /routes/{route} */
  patchRoute(key: string, body: WriteBody, serviceKey?: string): AdminResponse {
    const route = this.#route(key, serviceKey)
    if (route === undefined || route === null) return NOT_FOUND
    return writeRoute(this.context, body, route.id, route, true, 200)
  }

  /** PUT /routes/{route}: creates or fully replaces. */
  putRoute(key: string, body: WriteBody, serviceKey?: string): AdminResponse {
    const existing = this.#route(key, serviceKey)
    if (existing === null) return NOT_FOUND
    const service = serviceKey === undefined ? undefined : this.context.store.getService(serviceKey)
    const upsert = upsertInput(key, existing ?? this.context.store.getRoute(key), body)
    return writeRoute(this.context, upsert.body, upsert.id, existing, false, 200, service)
  }

  /** DELETE /routes/{route}: 204 even when absent. */
  deleteRoute(key: string, serviceKey?: string): AdminResponse {
    const route = this.#route(key, serviceKey)
    if (route === null) return NOT_FOUND
    if (route !== undefined) this.context.store.deleteRoute(route.id)
    return { status: 204 }
  }

  /** GET /routes/{route}/service */
  routeService(key: string): AdminResponse {
    const route = this.context.store.getRoute(key)
    const service = route?.service === null || route === undefined ? undefined : this.context.store.getService(route.service.id)
    return service === undefined ? NOT_FOUND : { status: 200, body: service }
  }
}
