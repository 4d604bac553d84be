import { checkAddress, checkHeaderName, checkUtf8Name, isEmptyTable, luaToNumber, setOwn, utf8Error } from '@switchyard/http'

/**
 * A small declarative schema for Kong's entities: field types, defaults and per-field checks, with
 * Kong's error texts ("expected a string", "required field missing", …) so Admin API clients see the
 * same `fields` object Kong returns.
 */

/** A JSON value as it arrives in a request body. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json }

/** A JSON object. */
export type JsonObject = { readonly [key: string]: Json }

/**
 * Field name → error text, or a nested object of them: `service.id`, or the failing items of an
 * array keyed by their 1-based position (`{ protocols: { '2': 'expected one of: …' } }`), the way
 * Kong's Lua tables hold them. The Admin API renders positional keys as a JSON array.
 */
export type FieldErrors = { [field: string]: string | FieldErrors }

/** The JSON Kong's encoder (lua-cjson) writes for an error table. */
export type RenderedErrors = string | null | RenderedErrors[] | { [key: string]: RenderedErrors }

/** A key of an error table that is an array position (1-based, as in Lua). */
export const POSITION = /^[1-9]\d*$/

/**
 * Renders field errors as Kong's JSON encoder does: errors of array items are keyed by position in
 * the Lua table, and lua-cjson writes such a table as a JSON array with `null` in the gaps
 * (`[null, "expected one of: …"]` when item 2 failed), unless it is excessively sparse (largest
 * position above 10 and more than twice the number of errors), when it stays an object.
 */
export function renderErrors(errors: string | FieldErrors): RenderedErrors {
  if (typeof errors === 'string') return errors
  const keys = Object.keys(errors)
  const positions = keys.map((k) => (POSITION.test(k) ? Number(k) : Number.NaN))
  // A loop, not Math.max(...positions): one error per item of a 200 000-item array would overflow the call stack.
  const largest = positions.reduce((a, b) => (a > b || Number.isNaN(a) ? a : b), Number.NEGATIVE_INFINITY)
  const isArray = keys.length > 0 && positions.every((p) => !Number.isNaN(p)) && !(largest > 10 && largest > 2 * keys.length)
  if (isArray) return Array.from({ length: largest }, (_, i) => (errors[String(i + 1)] === undefined ? null : renderErrors(errors[String(i + 1)] as string | FieldErrors)))
  return Object.fromEntries(keys.map((k) => [k, renderErrors(errors[k] as string | FieldErrors)]))
}

/** How one field is typed and checked. */
export type FieldSpec =
  | { readonly type: 'string'; readonly default?: string | null; readonly required?: boolean; readonly oneOf?: readonly string[]; readonly check?: (v: string) => string | undefined }
  | { readonly type: 'integer'; readonly default?: number | null; readonly required?: boolean; readonly min?: number; readonly max?: number; readonly oneOf?: readonly number[] }
  | { readonly type: 'boolean'; readonly default?: boolean | null; readonly required?: boolean }
  | { readonly type: 'uuid'; readonly default?: null }
  | { readonly type: 'array'; readonly set?: boolean; readonly oneOf?: readonly string[]; readonly default?: readonly string[] | null; readonly required?: boolean; readonly check?: (v: string) => string | undefined; readonly minLength?: number }
  | { readonly type: 'headers'; readonly default?: null }
  | { readonly type: 'endpoints'; readonly default?: null }
  | {
      readonly type: 'foreign'
      readonly reference: string
      /** The referenced entity's schema, read when a reference has no valid key (see `checkValue`). */
      readonly schema?: () => EntitySchema
      readonly default?: null
      readonly required?: boolean
    }
  | { readonly type: 'timestamp' }

/** An entity schema: field name → spec. */
export type EntitySchema = Readonly<Record<string, FieldSpec>>

/** Client keys may be `__proto__`: see `setOwn` in packages/http. */
export { setOwn }

/** Matches an RFC 4122 UUID in any version, as Kong's `uuid` type does. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Kong's `utf8_name` rule (routes and services): ASCII letters, digits, `. - _ ~`, or any non-ASCII character. */
export function checkName(value: string): string | undefined {
  return checkUtf8Name(value)
}

/**
 * One character of a Kong tag (the `tag` typedef and the `?tags=` filter share it): printable ASCII,
 * space included, except `,` and `/`, which separate tags in a filter, or any non-ASCII character.
 * U+FFFD is refused because it is what an undecodable byte becomes; a regular expression source for
 * the `u` flag.
 */
export const TAG_CHARACTER = '[\\x20-\\x2b\\x2d\\x2e\\x30-\\x7e\\u0080-\\ud7ff\\ue000-\\ufffc\\ufffe\\uffff\\u{10000}-\\u{10ffff}]'

const TAG_PATTERN = new RegExp(`^${TAG_CHARACTER}+$`, 'u')

/** Kong's `tag` typedef check, with its error text. */
export function checkTag(value: string): string | undefined {
  const invalid = utf8Error(value)
  if (invalid !== undefined) return invalid
  return TAG_PATTERN.test(value) ? undefined : `invalid tag '${value}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`
}

/** Kong's `uuid` check for a string, as an element rule (`ca_certificates`). */
export function checkUuid(value: string): string | undefined {
  return UUID_PATTERN.test(value) ? undefined : 'expected a valid UUID'
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkString(spec: { oneOf?: readonly string[]; check?: (v: string) => string | undefined }, value: Json): string | undefined {
  if (typeof value !== 'string') return 'expected a string'
  // Kong's validators_order puts `uuid` before the string lengths: an empty id is no valid UUID.
  if (value.length === 0) return spec.check === checkUuid ? checkUuid(value) : 'length must be at least 1'
  if (spec.oneOf !== undefined && !spec.oneOf.includes(value)) return `expected one of: ${spec.oneOf.join(', ')}`
  return spec.check?.(value)
}

/** Checks one present, non-null value against its spec; returns the normalized value or an error. */
function checkValue(spec: FieldSpec, value: Json): { value: Json } | { error: string | FieldErrors } {
  switch (spec.type) {
    case 'string': {
      const error = checkString(spec, value)
      return error === undefined ? { value } : { error }
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return { error: 'expected an integer' }
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        return { error: `value should be between ${spec.min ?? '-inf'} and ${spec.max ?? 'inf'}` }
      }
      if (spec.oneOf !== undefined && !spec.oneOf.includes(value)) return { error: `expected one of: ${spec.oneOf.join(', ')}` }
      return { value }
    }
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { error: 'expected a boolean' }
    case 'uuid':
      // The type first, then the form (15-off_spec "flattens nested, entity field errors": `id: 123456`).
      if (typeof value !== 'string') return { error: 'expected a string' }
      return UUID_PATTERN.test(value) ? { value: value.toLowerCase() } : { error: 'expected a valid UUID' }
    case 'timestamp':
      // Kong's auto_timestamp_s: an integer (seconds).
      return typeof value === 'number' && Number.isInteger(value) ? { value } : { error: 'expected an integer' }
    case 'array': {
      if (isEmptyTable(value)) return checkValue(spec, [])
      if (!Array.isArray(value)) return { error: spec.set === true ? 'expected a set' : 'expected an array' }
      // Kong's `len_min` (the route's `protocols`: an empty list would leave the route on no protocol).
      if (spec.minLength !== undefined && value.length < spec.minLength) return { error: `length must be at least ${spec.minLength}` }
      const out: string[] = []
      // Items kept so far, for sets: a list of 100k tags is checked in linear time (a scan per item
      // took 20 s of the event loop, the proxy's included, for 200k).
      const seen = new Set<string>()
      const errors: FieldErrors = {}
      // Kong checks every item and keys each failure by its 1-based position.
      for (const [index, item] of (value as Json[]).entries()) {
        const error = item === null ? 'required field missing' : checkString(spec, item)
        if (error !== undefined) errors[String(index + 1)] = error
        // Sets drop duplicates and keep first-seen order (Kong's `set` type).
        else if (spec.set !== true || !seen.has(item as string)) {
          out.push(item as string)
          seen.add(item as string)
        }
      }
      return Object.keys(errors).length > 0 ? { error: errors } : { value: out }
    }
    case 'headers': {
      // A JSON list is a Lua table with integer keys: empty it is an empty map, else its first key
      // fails the name's type (06-routes_spec "key must be a string").
      if (Array.isArray(value)) return value.length === 0 ? { value: {} } : { error: 'expected a string' }
      if (!isObject(value)) return { error: 'expected a map' }
      const out: [string, string[]][] = []
      // Kong's map check stops at the first failing name or value list; the errors of a list's
      // items are keyed by their position in that list, under `headers` (not under the name).
      for (const [name, values] of Object.entries(value)) {
        const nameError = checkHeaderName(name)
        if (nameError !== undefined) return { error: nameError }
        if (values === null) return { error: 'required field missing' }
        if (!Array.isArray(values)) return { error: 'expected an array' }
        const errors: FieldErrors = {}
        for (const [index, item] of (values as Json[]).entries()) {
          if (typeof item !== 'string') errors[String(index + 1)] = 'expected a string'
          else if (item === '') errors[String(index + 1)] = 'length must be at least 1'
        }
        if (Object.keys(errors).length > 0) return { error: errors }
        out.push([name, values as string[]])
      }
      // fromEntries defines own properties: a header named `__proto__` stays a header.
      return { value: Object.fromEntries(out) }
    }
    case 'endpoints': {
      if (isEmptyTable(value)) return { value: [] }
      if (!Array.isArray(value)) return { error: 'expected a set' }
      const errors: FieldErrors = {}
      for (const [index, item] of (value as Json[]).entries()) {
        const error = checkEndpoint(item)
        if (error !== undefined) errors[String(index + 1)] = error
      }
      if (Object.keys(errors).length > 0) return { error: errors }
      // Kong fills a record's declared fields: an unset `ip` or `port` is null, not missing.
      return { value: (value as JsonObject[]).map((item) => ({ ip: item['ip'] ?? null, port: item['port'] ?? null })) }
    }
    case 'foreign': {
      // Kong reads the key off whatever it is given: a string has no `id`, so its key is missing.
      if (typeof value === 'string') return { error: { id: 'missing primary key' } }
      if (!isObject(value)) return { error: 'expected a record' }
      const id = value['id']
      const keyError = id === undefined || id === null ? 'missing primary key' : typeof id !== 'string' ? 'expected a string' : UUID_PATTERN.test(id) ? undefined : 'expected a valid UUID'
      // With a valid key only the key matters; other fields are ignored, as in Kong.
      if (keyError === undefined) return { value: { id: (id as string).toLowerCase() } }
      // Without one, Kong's validate_field checks the record as a partial entity of the referenced
      // schema, whose errors, if any, stand in for the key's (`service.protocol: expected one of …`).
      const partial = spec.schema === undefined ? {} : partialErrors(spec.schema(), value)
      return { error: Object.keys(partial).length > 0 ? partial : { id: keyError } }
    }
  }
}

/**
 * Checks one `sources`/`destinations` record: the record's own error, or its fields' errors. The
 * `ip` rule (an IP or a CIDR range) is left to the route's engine checks, as for hosts and paths.
 */
function checkEndpoint(item: Json): string | FieldErrors | undefined {
  if (!isObject(item)) return 'expected a record'
  const problem = checkAddress(item)
  if (problem === undefined) return undefined
  if ('message' in problem) return problem.message
  const errors: FieldErrors = {}
  for (const [key, message] of Object.entries(problem.fields)) {
    // An `ip` that is a string is left to the engine (see above); its type is checked here.
    if (key === 'ip' && typeof item['ip'] === 'string') continue
    setOwn(errors, key, message)
  }
  return Object.keys(errors).length > 0 ? errors : undefined
}

/**
 * Applies a schema to a complete input object: unknown fields, types, checks, defaults. Returns the
 * normalized entity (every schema field present, `null` when unset) or every field error.
 *
 * An absent field takes its default; an explicit `null` does not. Kong's `process_auto_fields`
 * fills defaults only where the value is nil (absent), and keeps `ngx.null`, so a `required` field
 * given null (`{"protocols": null}`, `strip_path=` in a form) is `required field missing` even when
 * it has a default, on insert, upsert and update alike. A nullable field given null is cleared;
 * one that also has a default (`regex_priority`, `retries`, the timeouts) takes the default here,
 * where Kong would store the null.
 */
export function applySchema(schema: EntitySchema, input: JsonObject): { ok: true; entity: Record<string, Json> } | { ok: false; fields: FieldErrors } {
  const fields: FieldErrors = {}
  const entity: Record<string, Json> = {}
  // Own keys only: `__proto__` or `toString` in a body is an unknown field, not something every object inherits.
  for (const key of Object.keys(input)) if (!Object.hasOwn(schema, key)) setOwn(fields, key, 'unknown field')
  for (const [name, spec] of Object.entries(schema)) {
    const value = input[name]
    if (value === undefined || value === null) {
      const required = 'required' in spec && spec.required === true
      const fallback = value === null && required ? null : 'default' in spec ? spec.default : null
      if (fallback === undefined || fallback === null) {
        if (required) fields[name] = 'required field missing'
        entity[name] = null
      } else entity[name] = fallback as Json
      continue
    }
    const result = checkValue(spec, value)
    if ('error' in result) fields[name] = result.error
    else entity[name] = result.value
  }
  return Object.keys(fields).length > 0 ? { ok: false, fields } : { ok: true, entity }
}

/**
 * The errors of a record checked as a partial entity (Kong's `validate(value, false)`): every field
 * it gives, by its rules (a required one given null is missing), and fields the schema lacks; an
 * absent field is not required. The entity checks are not run.
 */
export function partialErrors(schema: EntitySchema, record: JsonObject): FieldErrors {
  const fields: FieldErrors = {}
  for (const [name, value] of Object.entries(record)) {
    const spec = Object.hasOwn(schema, name) ? schema[name] : undefined
    if (spec === undefined) setOwn(fields, name, 'unknown field')
    else if (value === null) {
      if ('required' in spec && spec.required === true) setOwn(fields, name, 'required field missing')
    } else {
      const result = checkValue(spec, value)
      if ('error' in result) setOwn(fields, name, result.error)
    }
  }
  return fields
}

/**
 * Converts form values (always strings) to the types the schema expects, as Kong does for
 * urlencoded and multipart bodies: "true" → true, "5" (or " 5", "5.0", "0x5") → 5, one string →
 * a one-element array.
 */
export function coerceForm(schema: EntitySchema, input: JsonObject): JsonObject {
  const out: Record<string, Json> = { ...input }
  for (const [name, value] of Object.entries(input)) {
    const spec = Object.hasOwn(schema, name) ? schema[name] : undefined
    if (spec === undefined || typeof value !== 'string') {
      if (spec?.type === 'endpoints' && Array.isArray(value)) out[name] = (value as Json[]).map((e) => (isObject(e) && typeof e['port'] === 'string' ? { ...e, port: Number(e['port']) } : e))
      // `headers.x-foo=bar` gives one string; Kong's form decoding makes it a list (a JSON body does not).
      if (spec?.type === 'headers' && isObject(value)) out[name] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? [v] : v]))
      continue
    }
    // Kong's infer_value reads a number field with Lua's tonumber: ` 7`, `5.0`, `1e3` and `0x10` are
    // numbers (the schema then takes the whole ones); what tonumber refuses stays text, for the schema.
    if (spec.type === 'integer') out[name] = luaToNumber(value) ?? value
    else if (spec.type === 'boolean' && (value === 'true' || value === 'false')) out[name] = value === 'true'
    else if (spec.type === 'array') out[name] = [value]
  }
  return out
}

/** Orders keys as Kong's `sorted_keys` does: positions numerically, names by byte order. */
export function sortedKeys(errors: FieldErrors): string[] {
  const position = (key: string): number => (POSITION.test(key) ? Number(key) : Number.NaN)
  return Object.keys(errors).sort((a, b) => {
    const [x, y] = [position(a), position(b)]
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y
    return a < b ? -1 : a > b ? 1 : 0
  })
}

/**
 * Formats errors as Kong's message (kong/db/errors.lua schema_violation): entity errors first, then
 * each field in sorted order, nested ones dotted: `2 schema violations (x; protocols.1: y)`.
 */
export function violationMessage(fields: FieldErrors, entityErrors: readonly string[] = []): string {
  const parts: string[] = [...entityErrors]
  const walk = (prefix: string, errors: FieldErrors): void => {
    for (const name of sortedKeys(errors)) {
      const error = errors[name] as string | FieldErrors
      if (typeof error === 'string') parts.push(`${prefix}${name}: ${error}`)
      else walk(`${prefix}${name}.`, error)
    }
  }
  walk('', fields)
  return parts.length === 1 ? `schema violation (${parts[0]})` : `${parts.length} schema violations (${parts.join('; ')})`
}
