import { randomUUID } from 'node:crypto'
import { routeEntityChecks, type EntityCheckResult, type FailedFields } from '@switchyard/http'
import type { RouterFlavor } from '../config.ts'
import { applySchema, checkName, checkTag, type EntitySchema, type FieldErrors, type Json, type JsonObject } from './schema.ts'
import { PROTOCOLS, SERVICE_SCHEMA } from './service.ts'

/** A source or destination of a stream route; both keys are present, an unset one null (as in Kong). */
export interface Endpoint {
  readonly ip: string | null
  readonly port: number | null
}

/** A Kong Route: how requests are matched (expression + priority, or traditional fields) and rewritten. */
export interface Route {
  readonly id: string
  readonly name: string | null
  readonly created_at: number
  readonly updated_at: number
  readonly protocols: readonly string[]
  readonly methods: readonly string[] | null
  readonly hosts: readonly string[] | null
  readonly paths: readonly string[] | null
  readonly headers: Readonly<Record<string, readonly string[]>> | null
  readonly snis: readonly string[] | null
  readonly sources: readonly Endpoint[] | null
  readonly destinations: readonly Endpoint[] | null
  readonly https_redirect_status_code: number
  readonly regex_priority: number
  readonly strip_path: boolean
  readonly path_handling: 'v0' | 'v1'
  readonly preserve_host: boolean
  readonly request_buffering: boolean
  readonly response_buffering: boolean
  readonly tags: readonly string[] | null
  readonly service: { readonly id: string } | null
  /** Only in the `expressions` flavor. */
  readonly expression?: string | null
  /** Only in the `expressions` flavor: 0 to 2^46 − 1. */
  readonly priority?: number
}

/** Largest route priority Kong accepts (language.md §8.1). */
export const MAX_ROUTE_PRIORITY = 2 ** 46 - 1

/**
 * The Route schema for a flavor; `expression` and `priority` exist only in `expressions`. The fields
 * routes.lua marks `required = true` with a default take the default when absent and refuse an
 * explicit null (`required field missing`); the others accept null.
 */
export function routeSchema(flavor: RouterFlavor): EntitySchema {
  const base: EntitySchema = {
    id: { type: 'uuid' },
    name: { type: 'string', check: checkName },
    created_at: { type: 'timestamp' },
    updated_at: { type: 'timestamp' },
    protocols: { type: 'array', set: true, oneOf: PROTOCOLS, default: ['http', 'https'], required: true, minLength: 1 },
    methods: { type: 'array', set: true, check: (v) => (/^[A-Z]+$/.test(v) ? undefined : 'invalid value: ' + v) },
    hosts: { type: 'array' },
    paths: { type: 'array' },
    headers: { type: 'headers' },
    snis: { type: 'array', set: true },
    sources: { type: 'endpoints' },
    destinations: { type: 'endpoints' },
    https_redirect_status_code: { type: 'integer', default: 426, required: true, oneOf: [426, 301, 302, 307, 308] },
    regex_priority: { type: 'integer', default: 0 },
    strip_path: { type: 'boolean', default: true, required: true },
    path_handling: { type: 'string', default: 'v0', oneOf: ['v0', 'v1'] },
    preserve_host: { type: 'boolean', default: false, required: true },
    request_buffering: { type: 'boolean', default: true, required: true },
    response_buffering: { type: 'boolean', default: true, required: true },
    tags: { type: 'array', set: true, check: checkTag },
    service: { type: 'foreign', reference: 'services', schema: () => SERVICE_SCHEMA },
  }
  if (flavor !== 'expressions') return base
  return { ...base, expression: { type: 'string' }, priority: { type: 'integer', default: 0, required: true, min: 0, max: MAX_ROUTE_PRIORITY } }
}

/**
 * Kong's entity checks of a route (`routeEntityChecks`): entity errors, the field errors that come
 * from entity checks (`protocols` sets, `snis` on a protocol without TLS), and whether the router's
 * checks ran and passed. With `failed`, the checks that read a failed field are left out.
 */
export function checkRouteShape(route: Route, flavor: RouterFlavor, failed?: FailedFields): EntityCheckResult {
  return routeEntityChecks(route as unknown as Readonly<Record<string, unknown>>, flavor, failed)
}

/**
 * Builds a complete Route from input (merged with the stored one for PATCH); or field errors. `id`
 * is the one the endpoint imposes; without it the input's id is checked, or a new one made.
 */
export function buildRoute(input: JsonObject, id: string | undefined, now: number, createdAt: number, flavor: RouterFlavor): { ok: true; route: Route } | { ok: false; fields: FieldErrors } {
  // gRPC routes default to not stripping the path (Kong's grpc subschemas; traditional-routes.md §1.1),
  // where they would reject the general default of true.
  const defaults = input['strip_path'] === undefined && isGrpc(input['protocols']) ? { strip_path: false } : {}
  const result = applySchema(routeSchema(flavor), { ...defaults, ...input, id: id ?? input['id'] ?? randomUUID(), created_at: createdAt, updated_at: now })
  if (!result.ok) return result
  // The schema's `headers` check refuses a `host` header, as Kong's routes schema does.
  return { ok: true, route: result.entity as unknown as Route }
}

function isGrpc(protocols: Json | undefined): boolean {
  return Array.isArray(protocols) && protocols.some((p) => p === 'grpc' || p === 'grpcs')
}
