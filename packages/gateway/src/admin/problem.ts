import type { ExpressionDiagnostic, Violation } from '../entities/prepare.ts'
import { violationMessage, type FieldErrors } from '../entities/schema.ts'
import type { UniqueConflict } from '../store/store.ts'

/** An Admin API answer: status and JSON body. */
export interface AdminResponse {
  readonly status: number
  readonly body?: unknown
}

/** Kong's error codes (kong/db/errors.lua). */
export const KONG_ERROR_CODES = {
  'schema violation': 2,
  'primary key violation': 3,
  'foreign key violation': 4,
  'unique constraint violation': 5,
  'not found': 6,
  'invalid declarative configuration': 14,
} as const

/** 400 schema violation: Kong's body, plus `diagnostics` with spans when an expression is at fault. */
export function schemaViolation(violation: Violation): AdminResponse {
  const fields: FieldErrors & { '@entity'?: string[] } = { ...violation.fields }
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

/** 400 when a route names a service that does not exist. */
export function foreignKeyViolation(field: string, id: string, entity: string): AdminResponse {
  const message = `the foreign key '{id="${id}"}' does not reference an existing '${entity}' entity.`
  return { status: 400, body: { code: KONG_ERROR_CODES['foreign key violation'], name: 'foreign key violation', message, fields: { [field]: message } } }
}

/** 400 when deleting a service that routes still reference. */
export function referencedViolation(): AdminResponse {
  return {
    status: 400,
    body: { code: KONG_ERROR_CODES['foreign key violation'], name: 'foreign key violation', message: "an existing 'routes' entity references this 'services' entity", fields: { '@referenced_by': 'routes' } },
  }
}

/** 404 `{"message":"Not found"}`, Kong's body for unknown entities and paths. */
export const NOT_FOUND: AdminResponse = { status: 404, body: { message: 'Not found' } }

/** 405 for a known path with a method it does not support. */
export const METHOD_NOT_ALLOWED: AdminResponse = { status: 405, body: { message: 'Method not allowed' } }
