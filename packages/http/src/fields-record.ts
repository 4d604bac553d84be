import { FieldContext, INT_MAX, INT_MIN, parseIpAddr, parseIpCidr, type FieldValue, type Schema, type ValueType } from '@switchyard/core'

/** A JSON value as conformance `fields` objects give it: one value or a list, Int as number, IpAddr as text. */
export type JsonFieldValue = string | number | boolean | null | readonly JsonFieldValue[] | { readonly [key: string]: JsonFieldValue }

/** The outcome of converting a `fields` record: the context, or why a field was refused. */
export type FieldsResult =
  | { readonly ok: true; readonly context: FieldContext }
  | { readonly ok: false; readonly field: string; readonly error: string }

type Converted = { readonly value: FieldValue } | { readonly error: string }

/** Converts one JSON value to a field value of the given type. */
function convert(type: ValueType, value: JsonFieldValue): Converted {
  switch (type) {
    case 'String':
      return typeof value === 'string' ? { value } : { error: `expected a String (JSON string), got ${describe(value)}` }
    case 'Int':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { value }
      // JSON numbers lose precision above 2^53, so only such values may come as exact decimal text.
      if (typeof value === 'string' && /^-?\d{16,20}$/.test(value)) {
        const big = BigInt(value)
        if (big >= INT_MIN && big <= INT_MAX && !Number.isSafeInteger(Number(big))) return { value: big }
      }
      return { error: `expected an Int (JSON integer), got ${describe(value)}` }
    case 'IpAddr': {
      if (typeof value !== 'string') return { error: `expected an IpAddr (JSON string), got ${describe(value)}` }
      const ip = parseIpAddr(value)
      return ip === undefined ? { error: `invalid IP address "${value}"` } : { value: ip }
    }
    case 'IpCidr': {
      if (typeof value !== 'string') return { error: `expected an IpCidr (JSON string), got ${describe(value)}` }
      const cidr = parseIpCidr(value)
      return typeof cidr === 'string' ? { error: `invalid CIDR "${value}" (${cidr})` } : { value: cidr }
    }
    case 'Regex':
      return { error: 'a Regex field cannot hold request values' }
  }
}

function describe(value: JsonFieldValue): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a nested list'
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the non-integer ${value}`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${JSON.stringify(value)}`
}

/**
 * Builds a context from a conformance `fields` object (field name → value or list of values):
 * String as JSON strings, Int as JSON integers (or, beyond 2^53, exact decimal text), IpAddr and IpCidr as
 * text. `null` values are skipped, as Kong ignores `nil`; an empty list leaves the field absent. The
 * deprecated `net.port` is stored as `net.dst.port` when the schema knows only the latter. Fails with
 * a sentence naming the field on an unknown field or a value of the wrong type.
 */
export function contextFromFields(
  schema: Schema,
  record: Readonly<Record<string, JsonFieldValue>>,
  into: FieldContext = new FieldContext(),
): FieldsResult {
  for (const [name, raw] of Object.entries(record)) {
    let field = name
    let type = schema.typeOf(field)
    if (type === undefined && field === 'net.port' && schema.typeOf('net.dst.port') === 'Int') {
      field = 'net.dst.port'
      type = 'Int'
    }
    if (type === undefined) return { ok: false, field: name, error: `unknown field "${name}"` }
    const values: readonly JsonFieldValue[] = Array.isArray(raw) ? raw : [raw]
    for (const value of values) {
      if (value === null) continue
      const converted = convert(type, value)
      if ('error' in converted) return { ok: false, field: name, error: `field "${name}": ${converted.error}` }
      into.add(field, converted.value)
    }
  }
  return { ok: true, context: into }
}
