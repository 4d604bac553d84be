import { randomUUID } from 'node:crypto'
import type { RouterFlavor } from '../config.ts'
import { prepareRoute, prepareService, type PrepareContext, type RouteChecker } from '../entities/prepare.ts'
import type { Route } from '../entities/route.ts'
import { checkName, UUID_PATTERN, type Json, type JsonObject } from '../entities/schema.ts'
import type { Service } from '../entities/service.ts'
import type { Store } from '../store/store.ts'
import { listOptions, listResponse } from './list.ts'
import {
  foreignKeyUnresolved,
  foreignKeyViolation,
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  updateNotFound,
  operationUnsupported,
  primaryKeyViolation,
  referencedViolation,
  schemaViolation,
  uniqueViolation,
  type AdminResponse,
  type UnsupportedOperation,
} from './problem.ts'

/** What an entity endpoint needs: the store and how routes are checked. */
export interface EntityContext {
  readonly store: Store
  readonly flavor: RouterFlavor
  readonly checkRoute: RouteChecker
  /**
   * DB-less mode: entities change only through `POST /config`. A write is still checked as Kong's
   * DAO checks it (404, schema violation, unresolved `service.name`), then refused with Kong's 405
   * where Kong's off strategy would be asked to write.
   */
  readonly readOnly?: boolean
}

/** The DAO call a write makes, for the DB-less 405: the operation, and whether the endpoint key is a name (`update_by_name`). */
interface WriteKind {
  readonly operation: UnsupportedOperation
  readonly byName: boolean
}

/** How Kong's endpoints address an entity: a UUID key is the id, anything else the name. */
function isNameKey(key: string): boolean {
  return !UUID_PATTERN.test(key)
}

const CREATE: WriteKind = { operation: 'create', byName: false }

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

/**
 * Validates and stores a service: created (no `existing`), replaced (PUT) or patched (`merge`). `id`
 * is the one the endpoint imposes; undefined takes the body's (checked) or a new one.
 */
function saveService(context: EntityContext, body: WriteBody, id: string | undefined, existing: Service | undefined, merge: boolean, kind: WriteKind): { ok: true; service: Service } | { ok: false; response: AdminResponse } {
  const { id: _id, created_at: _c, updated_at: _u, ...base } = (merge && existing !== undefined ? existing : {}) as JsonObject
  // A PATCH with `url` replaces protocol, host, port and path together.
  const input = merge && body.value['url'] !== undefined ? { ...base, path: null, ...body.value } : { ...base, ...body.value }
  const prepared = prepareService(input, id, existing?.created_at, prepareContext(context, body.form))
  if (!prepared.ok) return { ok: false, response: schemaViolation(prepared.violation) }
  // Kong's off strategy refuses the write itself, after the DAO's checks and before any key conflict.
  if (context.readOnly === true) return { ok: false, response: operationUnsupported(kind.operation, 'services', kind.byName) }
  // An id the endpoint did not impose came from the body, and must be new.
  if (id === undefined && context.store.getService(prepared.service.id) !== undefined) return { ok: false, response: primaryKeyViolation(prepared.service.id) }
  const conflict = context.store.putService(prepared.service)
  return conflict !== undefined ? { ok: false, response: uniqueViolation(conflict) } : { ok: true, service: prepared.service }
}

function writeService(context: EntityContext, body: WriteBody, id: string | undefined, existing: Service | undefined, merge: boolean, status: number, kind: WriteKind): AdminResponse {
  const saved = saveService(context, body, id, existing, merge, kind)
  return saved.ok ? { status, body: saved.service } : saved.response
}

/**
 * Resolves a reference by endpoint key (`service: {name}` without an id) to `{id}`; or Kong's 400
 * `foreign keys unresolved`. References without any key are left to the schema (`missing primary key`).
 */
function resolveServiceName(context: EntityContext, input: JsonObject): { ok: true; input: JsonObject } | { ok: false; response: AdminResponse } {
  const reference = input['service']
  if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) return { ok: true, input }
  const ref = reference as JsonObject
  const name = ref['name']
  // Kong's resolve_foreign: a reference without a valid primary key is looked up by its name, when
  // that is a valid name; an invalid one is the schema's to report.
  const id = ref['id']
  if ((typeof id === 'string' && UUID_PATTERN.test(id)) || typeof name !== 'string' || checkName(name) !== undefined) return { ok: true, input }
  const service = context.store.getService(name)
  if (service === undefined) return { ok: false, response: foreignKeyUnresolved('service', 'name', name, 'services') }
  return { ok: true, input: { ...input, service: { id: service.id } } }
}

function writeRoute(context: EntityContext, body: WriteBody, id: string | undefined, existing: Route | undefined, merge: boolean, status: number, kind: WriteKind, forcedService?: Service): AdminResponse {
  const { id: _id, created_at: _c, updated_at: _u, ...base } = (merge && existing !== undefined ? existing : {}) as JsonObject
  let input: JsonObject = { ...base, ...body.value }
  if (forcedService !== undefined) input = { ...input, service: { id: forcedService.id } }
  const resolved = resolveServiceName(context, input)
  if (!resolved.ok) return resolved.response
  const prepared = prepareRoute(resolved.input, id, existing?.created_at, prepareContext(context, body.form))
  if (!prepared.ok) return schemaViolation(prepared.violation)
  if (context.readOnly === true) return operationUnsupported(kind.operation, 'routes', kind.byName)
  // A taken id, then a missing service: Postgres checks the primary key on insert, the foreign key
  // (an after trigger) at the end of the statement.
  if (id === undefined && context.store.getRoute(prepared.route.id) !== undefined) return primaryKeyViolation(prepared.route.id)
  const serviceId = prepared.route.service?.id
  if (serviceId !== undefined && context.store.getService(serviceId) === undefined) return foreignKeyViolation('service', serviceId, 'services')
  const conflict = context.store.putRoute(prepared.route)
  return conflict !== undefined ? uniqueViolation(conflict) : { status, body: prepared.route }
}

/** PUT's key: a UUID is the id, anything else the name (Kong's upsert by endpoint key). */
function upsertInput(key: string, existing: { id: string } | undefined, body: WriteBody): { id: string | undefined; body: WriteBody } {
  if (UUID_PATTERN.test(key)) return { id: key.toLowerCase(), body }
  return { id: existing?.id, body: { ...body, value: { ...body.value, name: key } as Record<string, Json> } }
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
    return writeService(this.context, body, undefined, undefined, false, 201, CREATE)
  }

  /** GET /services/{id or name} */
  readService(key: string): AdminResponse {
    const service = this.context.store.getService(key)
    return service === undefined ? NOT_FOUND : { status: 200, body: service }
  }

  /** PATCH /services/{id or name} */
  patchService(key: string, body: WriteBody): AdminResponse {
    const existing = this.context.store.getService(key)
    if (existing === undefined) return updateNotFound(key, isNameKey(key))
    return writeService(this.context, body, existing.id, existing, true, 200, { operation: 'update', byName: isNameKey(key) })
  }

  /** PUT /services/{id or name}: creates or fully replaces. */
  putService(key: string, body: WriteBody): AdminResponse {
    const existing = this.context.store.getService(key)
    const upsert = upsertInput(key, existing, body)
    return writeService(this.context, upsert.body, upsert.id, existing, false, 200, { operation: 'create or update', byName: isNameKey(key) })
  }

  /** DELETE /services/{id or name}: 204 even when absent (Kong); refused while routes use it, and in DB-less mode. */
  deleteService(key: string): AdminResponse {
    const existing = this.context.store.getService(key)
    if (existing === undefined) return { status: 204 }
    if (this.context.readOnly === true) return operationUnsupported('remove', 'services', isNameKey(key))
    if (this.context.store.countRoutes(existing.id) > 0) return referencedViolation()
    this.context.store.deleteService(existing.id)
    return { status: 204 }
  }

  /** GET /routes and GET /services/{service}/routes */
  listRoutes(query: URLSearchParams, serviceKey?: string): AdminResponse {
    const parsed = listOptions(query, serviceKey === undefined ? 'collection' : 'nested')
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
    return writeRoute(this.context, body, undefined, undefined, false, 201, CREATE, service)
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
    // Nested under a service, Kong looks the route up first and answers a bare Not found.
    if (route === undefined && serviceKey === undefined) return updateNotFound(key, isNameKey(key))
    if (route === undefined || route === null) return NOT_FOUND
    return writeRoute(this.context, body, route.id, route, true, 200, { operation: 'update', byName: isNameKey(key) })
  }

  /** PUT /routes/{route}: creates or fully replaces. */
  putRoute(key: string, body: WriteBody, serviceKey?: string): AdminResponse {
    const existing = this.#route(key, serviceKey)
    if (existing === null) return NOT_FOUND
    const service = serviceKey === undefined ? undefined : this.context.store.getService(serviceKey)
    const upsert = upsertInput(key, existing ?? this.context.store.getRoute(key), body)
    return writeRoute(this.context, upsert.body, upsert.id, existing, false, 200, { operation: 'create or update', byName: isNameKey(key) }, service)
  }

  /**
   * DELETE /routes/{route}: 204 even when absent. Nested under a service, a route that is absent or
   * belongs elsewhere is 404 (Kong's delete_entity_endpoint for nested entities).
   */
  deleteRoute(key: string, serviceKey?: string): AdminResponse {
    const route = this.#route(key, serviceKey)
    if (route === null || (route === undefined && serviceKey !== undefined)) return NOT_FOUND
    if (route === undefined) return { status: 204 }
    if (this.context.readOnly === true) return operationUnsupported('remove', 'routes', isNameKey(key))
    this.context.store.deleteRoute(route.id)
    return { status: 204 }
  }

  /** GET /routes/{route}/service */
  routeService(key: string): AdminResponse {
    const service = this.#serviceOfRoute(key)
    return service === undefined ? NOT_FOUND : { status: 200, body: service }
  }

  /** PATCH /routes/{route}/service: updates the route's service; 404 when the route has none. */
  patchRouteService(key: string, body: WriteBody): AdminResponse {
    const service = this.#serviceOfRoute(key)
    // Kong addresses the route's service by its id: never `by 'name'`.
    return service === undefined ? NOT_FOUND : writeService(this.context, body, service.id, service, true, 200, { operation: 'update', byName: false })
  }

  /**
   * PUT /routes/{route}/service: replaces the route's service; when the route has none, creates one
   * with a new id and links the route to it (Kong's put_entity_endpoint, `associate`).
   */
  putRouteService(key: string, body: WriteBody): AdminResponse {
    const route = this.context.store.getRoute(key)
    if (route === undefined) return NOT_FOUND
    const existing = this.#serviceOfRoute(key)
    const saved = saveService(this.context, body, existing?.id ?? randomUUID(), existing, false, { operation: 'create or update', byName: false })
    if (!saved.ok) return saved.response
    if (existing === undefined) {
      const linked = writeRoute(this.context, { value: { service: { id: saved.service.id } }, form: false }, route.id, route, true, 200, { operation: 'update', byName: false })
      if (linked.status !== 200) return linked
    }
    return { status: 200, body: saved.service }
  }

  /** DELETE /routes/{route}/service: never allowed (405), but 404 first when there is no such service. */
  deleteRouteService(key: string): AdminResponse {
    return this.#serviceOfRoute(key) === undefined ? NOT_FOUND : METHOD_NOT_ALLOWED
  }

  #serviceOfRoute(key: string): Service | undefined {
    const route = this.context.store.getRoute(key)
    return route?.service === null || route === undefined ? undefined : this.context.store.getService(route.service.id)
  }
}
