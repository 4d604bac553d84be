import { randomUUID } from 'node:crypto'
import { exclusiveProtocolsError, snisRefused, SNIS_ENTITY_ERROR, SNIS_FIELD_ERROR, TLS_PASSTHROUGH_SNIS_ERROR } from '@switchyard/http'
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

/** The traditional matching fields, in the order Kong names them in its errors. */
export const MATCHING_FIELDS = ['methods', 'hosts', 'paths', 'headers', 'snis', 'sources', 'destinations'] as const

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

function quoteList(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ')
}

/** The entity errors and field errors of `checkRouteShape`. */
export interface RouteShapeErrors {
  /** `@entity` errors, in Kong's order. */
  readonly errors: string[]
  /** Field errors that come from entity checks (`protocols` sets, `snis` on a protocol without TLS). */
  readonly fields: FieldErrors
}

/** Kong's emptiness test of the entity checks: null, or an empty list or map, is unset. */
export function isNonEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return false
  if (Array.isArray(value)) return value.length > 0
  return typeof value !== 'object' || Object.keys(value).length > 0
}

/** The fields of Kong's router check (routes.lua's `validate_route`): it runs only when none has an error. */
const ROUTER_CHECK_FIELDS = ['id', 'protocols', ...MATCHING_FIELDS, 'expression', 'regex_priority', 'priority'] as const

/**
 * Fields that failed the schema, for the entity checks run beside their errors: each check runs
 * only when none of its own fields failed (Kong's `run_entity_check`), except the subschema's
 * `must set one of`, which also counts a failed field as set when its input is not empty.
 */
export interface FailedFields {
  readonly names: ReadonlySet<string>
  readonly input: JsonObject
}

const NONE_FAILED: FailedFields = { names: new Set(), input: {} }

/**
 * Kong's entity checks that need no expression engine (language.md §8.5 steps 1–4 and the
 * protocol rules of traditional-routes.md §1.4), in Kong's order: the `protocols` sets (a field
 * error, after which no entity check applies, as each one's `if_match` inherits the field's
 * rules), routes.lua's `snis` conditional, the router's checks (skipped when `snis` failed), then
 * the protocol subschema's `must set one of`; with `failed`, those that read a failed field are
 * left out as Kong leaves them out. `routerChecked` tells whether the router's checks ran and
 * passed, after which the engine's check of the expression (or the paths' regexes) applies.
 */
export function checkRouteShape(route: Route, flavor: RouterFlavor, failed: FailedFields = NONE_FAILED): RouteShapeErrors & { readonly routerChecked: boolean } {
  const protocols = route.protocols
  const valid = (...names: readonly string[]): boolean => names.every((name) => !failed.names.has(name))
  // A failed `protocols` fails every check's condition on it (each `if_match` inherits the field's rules).
  if (!valid('protocols')) return { errors: [], fields: {}, routerChecked: false }
  const conflict = exclusiveProtocolsError(protocols)
  if (conflict !== undefined) return { errors: [], fields: { protocols: conflict }, routerChecked: false }
  const errors: string[] = []
  const fields: FieldErrors = {}
  const refused = valid('snis') && snisRefused(protocols, route.snis)
  if (refused) {
    errors.push(SNIS_ENTITY_ERROR)
    fields['snis'] = SNIS_FIELD_ERROR
  }
  const givenAnyway = (field: string): boolean => failed.names.has(field) && isNonEmpty(failed.input[field])
  const present = MATCHING_FIELDS.filter((f) => isNonEmpty(route[f]) || givenAnyway(f))
  const hasExpression = flavor === 'expressions' && typeof route.expression === 'string'
  const routerRuns = !refused && valid(...ROUTER_CHECK_FIELDS)
  if (routerRuns) {
    if (hasExpression && present.length > 0) errors.push("Router Expression failed validation: cannot set 'expression' with 'methods', 'hosts', 'paths', 'headers', 'snis', 'sources' or 'destinations' simultaneously")
    else if (hasExpression && route.regex_priority !== 0) errors.push("Router Expression failed validation: cannot set 'regex_priority' with 'expression' simultaneously")
    else if (flavor === 'expressions' && (route.priority ?? 0) !== 0 && present.length > 0) {
      errors.push("Router Expression failed validation: cannot set 'priority' with 'methods', 'hosts', 'paths', 'headers', 'snis', 'sources' or 'destinations' simultaneously")
    }
  }
  const routerChecked = routerRuns && errors.length === 0
  if (hasExpression || (flavor === 'expressions' && givenAnyway('expression'))) return { errors, fields, routerChecked }
  const first = protocols[0] ?? 'http'
  if (first === 'tls_passthrough') {
    // The one subschema message that does not list the fields (nor `expression`), in every flavor.
    if (!present.includes('snis')) errors.push(TLS_PASSTHROUGH_SNIS_ERROR)
    return { errors, fields, routerChecked }
  }
  // What Kong's protocol subschemas require, and how their messages name the protocols.
  let required: string[]
  let when: string
  if (['tcp', 'tls', 'udp'].includes(first)) [required, when] = [['sources', 'destinations', 'snis'], "'tcp', 'tls' or 'udp'"]
  else if (first === 'grpc' || first === 'grpcs') {
    ;[required, when] = protocols.includes('grpcs') ? [['hosts', 'headers', 'paths', 'snis'], "'grpcs'"] : [['hosts', 'headers', 'paths'], "'grpc'"]
  } else [required, when] = protocols.includes('https') ? [['methods', 'hosts', 'headers', 'paths', 'snis'], "'https'"] : [['methods', 'hosts', 'headers', 'paths'], "'http'"]
  if (!required.some((f) => present.includes(f as (typeof MATCHING_FIELDS)[number]))) {
    const names = flavor === 'expressions' ? [...required, 'expression'] : required
    errors.push(`must set one of ${quoteList(names)} when 'protocols' is ${when}`)
  }
  return { errors, fields, routerChecked }
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
