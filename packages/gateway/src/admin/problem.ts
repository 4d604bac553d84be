import type { ExpressionDiagnostic, Violation } from '../entities/prepare.ts'
import { renderErrors, violationMessage, type FieldErrors, type RenderedErrors } from '../entities/schema.ts'
import type { UniqueConflict } from '../store/store.ts'

/** An Admin API answer: status and JSON body. */
export interface AdminResponse {
  readonly status: number
  readonly body?: unknown
  /** Headers besides the content type and length (`Allow` of an OPTIONS answer). */
  readonly headers?: Readonly<Record<string, string>>
}

/** Kong's error codes (kong/db/errors.lua). */
export const KONG_ERROR_CODES = {
  'schema violation': 2,
  'primary key violation': 3,
  'foreign key violation': 4,
  'unique constraint violation': 5,
  'not found': 6,
  'invalid offset': 7,
  'invalid size': 9,
  'invalid options': 11,
  'operation unsupported': 12,
  'foreign keys unresolved': 13,
  'invalid declarative configuration': 14,
} as const

/** 400 schema violation: Kong's body, plus `diagnostics` with spans when an expression is at fault. */
export function schemaViolation(violation: Violation): AdminResponse {
  const fields = renderErrors(violation.fields) as Record<string, RenderedErrors>
  const body: Record<string, unknown> = {
    code: KONG_ERROR_CODES['schema violation'],
    name: 'schema violation',
    message: violationMessage(violation.fields, violation.entityErrors),
    fields: violation.entityErrors.length > 0 ? { ...fields, '@entity': [...violation.entityErrors] } : fields,
  }
  if (violation.diagnostics.length > 0) body['diagnostics'] = violation.diagnostics satisfies readonly ExpressionDiagnostic[]
  return { status: 400, body }
}

/** 400 for one bad field, e.g. a malformed body or query argument. */
export function fieldViolation(field: string, message: string): AdminResponse {
  return schemaViolation({ fields: { [field]: message }, entityErrors: [], diagnostics: [] })
}

/** 409 unique violation in Kong's words: `UNIQUE violation detected on '{name="x"}'`. */
export function uniqueViolation(conflict: UniqueConflict): AdminResponse {
  return {
    status: 409,
    body: {
      code: KONG_ERROR_CODES['unique constraint violation'],
      name: 'unique constraint violation',
      message: `UNIQUE violation detected on '{${conflict.field}="${conflict.value}"}'`,
      fields: { [conflict.field]: conflict.value },
    },
  }
}

/**
 * 400 when a create names an id another entity has: Kong's primary_key_violation (the Postgres
 * strategy's answer to a duplicate primary key), the key under `fields`.
 */
export function primaryKeyViolation(id: string): AdminResponse {
  return { status: 400, body: { code: KONG_ERROR_CODES['primary key violation'], name: 'primary key violation', message: `primary key violation on key '{id="${id}"}'`, fields: { id } } }
}

/** A write Kong's DB-less strategy refuses (kong/db/strategies/off: insert, update, upsert, delete). */
export type UnsupportedOperation = 'create' | 'update' | 'create or update' | 'remove'

/**
 * 405 for a write in DB-less mode, as Kong's off strategy words it: `cannot create 'services'
 * entities when not using a database`, with `by 'name'` when the endpoint key is a name. Kong's
 * handle_error sends the error table as is: `code`, `name` and `message`, no `fields`.
 */
export function operationUnsupported(operation: UnsupportedOperation, entity: 'services' | 'routes', byName: boolean): AdminResponse {
  const message = `cannot ${operation} '${entity}' entities${byName ? " by 'name'" : ''} when not using a database`
  return { status: 405, body: { code: KONG_ERROR_CODES['operation unsupported'], name: 'operation unsupported', message } }
}

/** 400 when a reference's id names no entity: Kong's foreign_key_violation_invalid_reference, with the key under `fields`. */
export function foreignKeyViolation(field: string, id: string, entity: string): AdminResponse {
  const message = `the foreign key '{id="${id}"}' does not reference an existing '${entity}' entity.`
  return { status: 400, body: { code: KONG_ERROR_CODES['foreign key violation'], name: 'foreign key violation', message, fields: { [field]: { id } } } }
}

/** 400 when a reference by endpoint key (`service.name`) finds no entity: Kong's foreign_keys_unresolved. */
export function foreignKeyUnresolved(field: string, key: string, value: string, entity: string): AdminResponse {
  const text = `the foreign key cannot be resolved with '{${key}="${value}"}' for an existing '${entity}' entity`
  return {
    status: 400,
    body: { code: KONG_ERROR_CODES['foreign keys unresolved'], name: 'foreign keys unresolved', message: `foreign key unresolved (${field}.${key}: ${text})`, fields: { [field]: { [key]: text } } },
  }
}

/** 400 for a list's `size` argument, with Kong's text (`size must be a number`). */
export function invalidSize(message: string): AdminResponse {
  return { status: 400, body: { code: KONG_ERROR_CODES['invalid size'], name: 'invalid size', message } }
}

/** 400 for an `offset` that is not one of ours: `'x' is not a valid offset: bad base64 encoding`. */
export function invalidOffset(offset: string, reason: string): AdminResponse {
  return { status: 400, body: { code: KONG_ERROR_CODES['invalid offset'], name: 'invalid offset', message: `'${offset}' is not a valid offset: ${reason}` } }
}

/** 400 for a bad list option (`tags`); Kong puts the errors under `options`, not `fields`. */
export function invalidOption(option: string, message: string): AdminResponse {
  return { status: 400, body: { code: KONG_ERROR_CODES['invalid options'], name: 'invalid options', message: `invalid option (${option}: ${message})`, options: { [option]: message } } }
}

/** 400 when deleting a service that routes still reference. */
export function referencedViolation(): AdminResponse {
  return {
    status: 400,
    body: { code: KONG_ERROR_CODES['foreign key violation'], name: 'foreign key violation', message: "an existing 'routes' entity references this 'services' entity", fields: { '@referenced_by': 'routes' } },
  }
}

/**
 * 404 for a PATCH of an entity that does not exist, addressed directly (`/routes/{id or name}`):
 * Kong updates without looking first, and its DAO answers NOT_FOUND with the key it was given
 * (kong/db/errors.lua `not_found`, `not_found_by_field`, the key written by pl.pretty).
 */
export function updateNotFound(key: string, byName: boolean): AdminResponse {
  const field = byName ? 'name' : 'id'
  const written = `{${field}="${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"}`
  const message = byName ? `could not find the entity with '${written}'` : `could not find the entity with primary key '${written}'`
  return { status: 404, body: { code: KONG_ERROR_CODES['not found'], name: 'not found', message, fields: { [field]: key } } }
}

/** 404 `{"message":"Not found"}`, Kong's body for unknown entities and paths. */
export const NOT_FOUND: AdminResponse = { status: 404, body: { message: 'Not found' } }

/** 405 for a known path with a method it does not support. */
export const METHOD_NOT_ALLOWED: AdminResponse = { status: 405, body: { message: 'Method not allowed' } }
