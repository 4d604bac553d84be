import type { EntitySchema, FieldSpec, Json } from './schema.ts'

/** One field as Kong's `GET /schemas/{entity}` lists it: `{ name: { type, default, … } }`. */
export type FieldDescription = Readonly<Record<string, Readonly<Record<string, Json>>>>

const STRING_ELEMENT = { type: 'string' } as const

/** The attributes Kong reports for one field; checks written as code have no JSON form and are left out, as in Kong. */
function describeField(spec: FieldSpec): Record<string, Json> {
  const optional = (key: string, value: Json | undefined): Record<string, Json> => (value === undefined ? {} : { [key]: value })
  // A null default is no default: Kong omits it.
  const fallback = 'default' in spec && spec.default !== null ? (spec.default as Json) : undefined
  const common = { ...('required' in spec && spec.required === true ? { required: true } : {}), ...optional('default', fallback) }
  switch (spec.type) {
    case 'uuid':
      return { type: 'string', uuid: true, auto: true }
    case 'timestamp':
      return { type: 'integer', timestamp: true, auto: true }
    case 'string':
      return { type: 'string', ...common, ...optional('one_of', spec.oneOf) }
    case 'integer':
      return { type: 'integer', ...common, ...(spec.min !== undefined && spec.max !== undefined ? { between: [spec.min, spec.max] } : {}), ...optional('one_of', spec.oneOf) }
    case 'boolean':
      return { type: 'boolean', ...common }
    case 'array':
      return { type: spec.set === true ? 'set' : 'array', ...common, elements: spec.oneOf === undefined ? STRING_ELEMENT : { type: 'string', one_of: spec.oneOf } }
    case 'headers':
      return { type: 'map', ...common, keys: STRING_ELEMENT, values: { type: 'array', elements: STRING_ELEMENT } }
    case 'endpoints':
      return { type: 'set', ...common, elements: { type: 'record', fields: [{ ip: STRING_ELEMENT }, { port: { type: 'integer', between: [0, 65535] } }] } }
    case 'foreign':
      return { type: 'foreign', ...common, reference: spec.reference }
  }
}

/** An entity schema in the shape of Kong's `GET /schemas/{entity}`: `fields` as a list of one-key objects, in schema order. */
export function describeSchema(schema: EntitySchema): { fields: FieldDescription[] } {
  return { fields: Object.entries(schema).map(([name, spec]) => ({ [name]: describeField(spec) })) }
}
