import { protocolFieldErrors, subschemaKeyError } from '@switchyard/http'
import type { RouterFlavor } from '../config.ts'
import { buildRoute, checkRouteShape, routeSchema, type Route } from './route.ts'
import { coerceForm, POSITION, setOwn, type FieldErrors, type Json, type JsonObject } from './schema.ts'
import { buildService, SERVICE_SCHEMA, type Service } from './service.ts'

/** A diagnostic as the Admin API returns it: core's shape plus line and column for people. */
export interface ExpressionDiagnostic {
  readonly code: string
  readonly kind: string
  readonly severity: string
  readonly message: string
  readonly span: { readonly start: number; readonly end: number }
  readonly line: number
  readonly column: number
  readonly hint?: string
}

/** The outcome of checking a route's matching rules (expression or traditional fields) with the engine. */
export interface MatchingCheck {
  /** Entity-level errors, Kong's text (`Router Expression failed validation: …`). */
  readonly errors: readonly string[]
  /** Field-level errors (a bad host, path or header). */
  readonly fields?: FieldErrors
  readonly diagnostics: readonly ExpressionDiagnostic[]
}

/** Checks a route's expression or traditional fields against the router's rules (engine-backed). */
export type RouteChecker = (route: Route) => MatchingCheck

/** A refused entity: field errors, entity errors and, for expressions, diagnostics with spans. */
export interface Violation {
  readonly fields: FieldErrors
  readonly entityErrors: readonly string[]
  readonly diagnostics: readonly ExpressionDiagnostic[]
}

/** Inputs shared by every prepare call. */
export interface PrepareContext {
  readonly flavor: RouterFlavor
  readonly checkRoute: RouteChecker
  /** Seconds since the epoch. */
  readonly now: number
  /** True when the input came from a form body (values are strings to coerce). */
  readonly form: boolean
}

/**
 * The entity's `created_at`: the input's when it gives one (Kong's schema fills only a missing one;
 * a wrong type reaches the schema, which reports it at `created_at`), else the stored one's when
 * replacing, else now. `updated_at` is always now.
 */
function createdAtOf(input: JsonObject, stored: number | undefined, now: number): number {
  const value = input['created_at']
  return value === undefined || value === null ? (stored ?? now) : (value as number)
}

/**
 * Builds and validates a service from input; `id` is the one the endpoint imposes (undefined: the
 * input's, or a new one); `createdAt` of the stored one when replacing (see `createdAtOf`).
 */
export function prepareService(input: JsonObject, id: string | undefined, createdAt: number | undefined, context: PrepareContext): { ok: true; service: Service } | { ok: false; violation: Violation } {
  // A form's empty `url=` (null once decoded) stays an empty string to Kong, whose form reading
  // nulls schema fields only, and the url shorthand is a string of at least one character.
  if (context.form && input['url'] === null) return { ok: false, violation: { fields: { url: 'length must be at least 1' }, entityErrors: [], diagnostics: [] } }
  const body = context.form ? coerceForm(SERVICE_SCHEMA, input) : input
  const built = buildService(body, id, context.now, createdAtOf(body, createdAt, context.now))
  if (!built.ok) return { ok: false, violation: { fields: built.fields, entityErrors: built.entityErrors, diagnostics: [] } }
  return built
}

/**
 * Builds and validates a route: schema, Kong's entity checks, then the engine's checks. `id` as for
 * `prepareService`.
 */
export function prepareRoute(input: JsonObject, id: string | undefined, createdAt: number | undefined, context: PrepareContext): { ok: true; route: Route } | { ok: false; violation: Violation } {
  const body = context.form ? coerceForm(routeSchema(context.flavor), input) : input
  // Kong's `validate` stops at the subschema key of the traditional flavors before anything else.
  const keyError = subschemaKeyError(body['protocols'], context.flavor)
  if (keyError !== undefined) return { ok: false, violation: { fields: { protocols: keyError }, entityErrors: [], diagnostics: [] } }
  const created = createdAtOf(body, createdAt, context.now)
  // The fields the protocol's subschema refuses have that error alone, whatever their type.
  const refused = protocolFieldErrors(body, context.flavor)
  const checkedBody: JsonObject = {}
  for (const [field, value] of Object.entries(body)) if (!Object.hasOwn(refused, field)) setOwn(checkedBody, field, value)
  const built = buildRoute(checkedBody, id, context.now, created, context.flavor)
  const schemaFields = built.ok ? {} : built.fields
  const checked = built.ok && Object.keys(refused).length === 0 ? built.route : validPart(checkedBody, schemaFields, id, created, context)
  if (checked === undefined) return { ok: false, violation: { fields: mergeFieldErrors(schemaFields, refused), entityErrors: [], diagnostics: [] } }
  // Kong lists every field's error at once, the engine's field checks (paths, hosts, sources, …)
  // included, and runs every entity check whose own fields passed beside them: the protocol rules
  // (conflicting `protocols`, `snis` without TLS), the router's checks, then the engine's check of
  // the expression or paths when those passed, and the subschema's `must set one of`.
  const engine = context.checkRoute(checked)
  const failed = mergeFieldErrors(mergeFieldErrors(nestFieldErrors(engine.fields ?? {}), schemaFields), refused)
  const shape = checkRouteShape(checked, context.flavor, { names: new Set(Object.keys(failed)), input: body })
  const engineSpeaks = shape.errors.length === 0 && shape.routerChecked
  const entityErrors = engineSpeaks ? engine.errors : shape.errors
  const fields = mergeFieldErrors(failed, shape.fields)
  if (entityErrors.length > 0 || Object.keys(fields).length > 0) return { ok: false, violation: { fields, entityErrors, diagnostics: engineSpeaks ? engine.diagnostics : [] } }
  return { ok: true, route: checked }
}

/**
 * The route made of the fields that passed the schema, for the checks that run beside its errors.
 * Kong checks every item of a list, so a list whose items failed the schema is still checked, with
 * those items (or a record's failing keys) left out.
 */
function validPart(body: JsonObject, schemaFields: FieldErrors, id: string | undefined, created: number, context: PrepareContext): Route | undefined {
  const others: Record<string, Json> = {}
  const partial: Record<string, Json> = {}
  for (const [field, value] of Object.entries(body)) {
    const error = schemaFields[field]
    if (error === undefined) setOwn(others, field, value)
    else if (Array.isArray(value) && typeof error === 'object' && Object.keys(error).every((k) => POSITION.test(k))) setOwn(partial, field, withoutFailures(value, error))
  }
  const rest = buildRoute(others, id, context.now, created, context.flavor)
  return rest.ok ? ({ ...rest.route, ...partial } as Route) : undefined
}

/**
 * Nests the engine's dotted field names (`paths.2`, `sources.1.ip`, `headers.x-foo`) the way Kong's
 * error tables hold them (`{ paths: { '2': … } }`), so every error has one shape. A header name
 * may contain dots, so everything after `headers.` is one key.
 */
function nestFieldErrors(fields: FieldErrors): FieldErrors {
  const out: FieldErrors = {}
  for (const [name, error] of Object.entries(fields)) {
    const [head = name, ...rest] = name.split('.')
    const path = head === 'headers' && rest.length > 0 ? [head, rest.join('.')] : [head, ...rest]
    let node = out
    for (const key of path.slice(0, -1)) {
      const child = node[key]
      node = typeof child === 'object' ? child : (node[key] = {})
    }
    node[path[path.length - 1] ?? name] = error
  }
  return out
}

/**
 * A list for the engine's checks without what the schema refused: a failed item becomes null
 * (the engine's own error for it is then dropped by the merge), a record loses its failing keys.
 */
function withoutFailures(items: readonly Json[], errors: FieldErrors): Json[] {
  return items.map((item, index) => {
    const error = errors[String(index + 1)]
    if (error === undefined) return item
    if (typeof error === 'string' || typeof item !== 'object' || item === null || Array.isArray(item)) return null
    return Object.fromEntries(Object.entries(item).filter(([key]) => !Object.hasOwn(error, key)))
  })
}

/** Merges two error trees; where both have an error for the same place, `winner`'s is kept. */
function mergeFieldErrors(base: FieldErrors, winner: FieldErrors): FieldErrors {
  const out: FieldErrors = { ...base }
  for (const [key, error] of Object.entries(winner)) {
    const under = out[key]
    setOwn(out, key, typeof under === 'object' && typeof error === 'object' ? mergeFieldErrors(under, error) : error)
  }
  return out
}
