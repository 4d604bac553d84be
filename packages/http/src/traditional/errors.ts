/**
 * Kong's Admin API error for an invalid entity (`kong/db/errors.lua` schema violation), so that
 * Kong clients and scripts understand ours.
 */
import type { DiagnosticKind } from '@switchyard/core'

/** One problem: the field path (`paths.2`, `sources.1.ip`, or `@entity`) and what is wrong. */
export interface FieldError {
  readonly field: string
  readonly message: string
  /**
   * For an error in the route's own `expression`: the kind of the engine's diagnostic (`syntax`,
   * `unknown-field`, `type`, or `validation` for an ill-formed segment field name).
   */
  readonly kind?: DiagnosticKind
}

/** Field errors nested as Kong nests them: arrays by position (1-based in messages), records by name. */
export type KongErrorFields = { [name: string]: string | readonly string[] | KongErrorFields | readonly (string | KongErrorFields | null)[] }

/** Kong's error body: `{ code: 2, name: 'schema violation', message, fields }`. */
export interface SchemaViolation {
  readonly code: 2
  readonly name: 'schema violation'
  readonly message: string
  readonly fields: KongErrorFields
}

/**
 * Builds Kong's body from a list of problems: `schema violation (field: message)` for one,
 * `N schema violations (a: x; b: y)` for several; entity-level messages appear without a prefix.
 */
export function schemaViolation(errors: readonly FieldError[]): SchemaViolation {
  const parts = errors.map((error) => (error.field === '@entity' ? error.message : `${error.field}: ${error.message}`))
  const message =
    parts.length === 1 ? `schema violation (${parts[0]})` : `${parts.length} schema violations (${parts.join('; ')})`
  return { code: 2, name: 'schema violation', message, fields: nestErrors(errors) }
}

function nestErrors(errors: readonly FieldError[]): KongErrorFields {
  const root: Record<string, unknown> = {}
  for (const error of errors) {
    if (error.field === '@entity') {
      const list = (root['@entity'] as string[] | undefined) ?? []
      list.push(error.message)
      root['@entity'] = list
      continue
    }
    const keys = error.field.split('.')
    let node: Record<string, unknown> | unknown[] = root
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      const last = i === keys.length - 1
      const index = /^\d+$/.test(key) ? Number(key) - 1 : undefined
      const container = node as Record<string | number, unknown>
      const slot = index ?? key
      if (last) {
        container[slot] = error.message
      } else {
        const nextIsIndex = /^\d+$/.test(keys[i + 1]!)
        if (container[slot] === undefined || typeof container[slot] === 'string')
          container[slot] = nextIsIndex ? [] : {}
        node = container[slot] as Record<string, unknown> | unknown[]
      }
    }
  }
  return fillHoles(root) as KongErrorFields
}

// Kong (cjson) writes positions without an error as null so indexes stay aligned.
function fillHoles(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, (item: unknown) => (item === undefined ? null : fillHoles(item)))
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillHoles(item)]))
  return value
}
