/**
 * Kong's answer for an invalid declarative config (kong/db/errors.lua `declarative_config` and
 * `declarative_config_flattened`): the error table as `fields`, the same table written by
 * Penlight's `pretty.write` in `message`, and with `flatten_errors` one entry per failing entity.
 */
import { POSITION, renderErrors, setOwn, sortedKeys, UUID_PATTERN, type FieldErrors, type RenderedErrors } from '../entities/schema.ts'

/** One failing entity of Kong's `flattened_errors`. */
export interface FlattenedError {
  readonly entity_type: string
  readonly entity_name?: string
  readonly entity_id?: string
  readonly entity_tags?: readonly string[]
  readonly entity: unknown
  readonly errors: readonly ({ readonly type: 'field'; readonly field: string; readonly message: string } | { readonly type: 'entity'; readonly message: string })[]
}

/** Kong's error code and name for an invalid declarative config. */
const DECLARATIVE_CONFIG_CODE = 14

const LUA_KEYWORDS = new Set(['and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in', 'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while'])

/** A Lua string literal as Penlight writes it: `%q`, or a long bracket when it holds a newline. */
function luaString(text: string): string {
  if (text.includes('\n')) {
    let level = ''
    while (text.includes(`]${level}]`)) level += '='
    return `[${level}[${text.startsWith('\n') ? '\n' : ''}${text}]${level}]`
  }
  // eslint-disable-next-line no-control-regex
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\r/g, '\\r').replace(/[\x00-\x1f\x7f]/g, (c) => `\\${c.charCodeAt(0)}`)}"`
}

/**
 * An error table as Penlight's `pretty.write(t, "")` writes it, the text of Kong's message:
 * the sequence 1..n first, then other positions as `[k]=`, then names sorted, quoted when they are
 * not Lua identifiers (`["@entity"]=`).
 */
export function luaPretty(errors: string | FieldErrors): string {
  if (typeof errors === 'string') return luaString(errors)
  const parts: string[] = []
  let next = 1
  while (errors[String(next)] !== undefined) parts.push(luaPretty(errors[String(next++)] as string | FieldErrors))
  const keys = Object.keys(errors)
  const positions = keys.filter((k) => POSITION.test(k) && Number(k) >= next).sort((a, b) => Number(a) - Number(b))
  for (const k of positions) parts.push(`[${k}]=${luaPretty(errors[k] as string | FieldErrors)}`)
  for (const k of keys.filter((k) => !POSITION.test(k)).sort()) {
    const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !LUA_KEYWORDS.has(k) ? k : `[${luaString(k)}]`
    parts.push(`${name}=${luaPretty(errors[k] as string | FieldErrors)}`)
  }
  return `{${parts.join(',')}}`
}

type Mutable = { [key: string]: unknown }
type Relationship = { readonly field: string; readonly reference: string; readonly owned: boolean }

/** The foreign relationships Kong hoists while flattening: a route's service, a service's routes. */
const RELATIONSHIPS: Readonly<Record<string, readonly Relationship[]>> = {
  services: [{ field: 'client_certificate', reference: 'certificates', owned: true }, { field: 'routes', reference: 'routes', owned: false }],
  routes: [{ field: 'service', reference: 'services', owned: true }],
}
/** The field of the child that points back at its parent, for nested lists. */
const BACK_REFERENCE: Readonly<Record<string, string>> = { routes: 'service' }

function isRecord(value: unknown): value is Mutable {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Keys in the order Kong's `drain` hands them out: sorted, then popped from the end. */
function drained(table: FieldErrors): string[] {
  return sortedKeys(table).reverse()
}

function primaryKey(entity: Mutable): { id: string } | undefined {
  return typeof entity['id'] === 'string' && UUID_PATTERN.test(entity['id']) ? { id: entity['id'] } : undefined
}

function categorize(errors: FieldErrors, namespace: string, out: FlattenedError['errors'][number][]): void {
  for (const field of drained(errors)) {
    const error = errors[field] as string | FieldErrors
    if (field === '@entity') {
      for (const message of typeof error === 'string' ? [error] : Object.values(error)) if (typeof message === 'string') out.push({ type: 'entity', message })
    } else if (typeof error === 'string') out.push({ type: 'field', field: namespace === '' ? field : `${namespace}.${field}`, message: error })
    else categorize(error, namespace === '' ? field : `${namespace}.${field}`, out)
  }
}

function addEntityErrors(entityType: string, entity: Mutable, errors: FieldErrors, out: FlattenedError[]): void {
  if (Object.keys(errors).length === 0) return
  const remaining: FieldErrors = { ...errors }
  const pk = primaryKey(entity)
  for (const relation of RELATIONSHIPS[entityType] ?? []) {
    const value = entity[relation.field]
    const error = remaining[relation.field]
    if (relation.owned) {
      // An owned reference given as a record is an entity of its own; its errors move to it.
      if (!isRecord(value)) continue
      const referenced = primaryKey(value)
      if (referenced === undefined) delete entity[relation.field]
      else entity[relation.field] = referenced
      delete remaining[relation.field]
      if (typeof error === 'object') addEntityErrors(relation.reference, value, error, out)
      continue
    }
    if (!Array.isArray(value)) continue
    delete entity[relation.field]
    delete remaining[relation.field]
    if (typeof error !== 'object') continue
    value.forEach((item: unknown, index) => {
      const itemErrors = error[String(index + 1)]
      if (!isRecord(item) || typeof itemErrors !== 'object') return
      const back = BACK_REFERENCE[relation.reference]
      if (back !== undefined && item[back] === undefined && pk !== undefined) item[back] = pk
      addEntityErrors(relation.reference, item, itemErrors, out)
    })
  }
  const list: FlattenedError['errors'][number][] = []
  categorize(remaining, '', list)
  if (list.length === 0) return
  const name = entity['name']
  const tags = entity['tags']
  out.push({
    ...(typeof name === 'string' && name !== '' ? { entity_name: name } : {}),
    ...(pk !== undefined ? { entity_id: pk.id } : {}),
    ...(Array.isArray(tags) && tags.every((t) => typeof t === 'string') ? { entity_tags: tags as string[] } : {}),
    entity_type: entityType.endsWith('s') ? entityType.slice(0, -1) : entityType,
    entity,
    errors: list,
  })
}

/**
 * Kong's `flatten_errors`: one entry per failing entity (children before their parent), and what
 * could not be tied to an entity of the input, which stays in `fields`. Kong drops the latter when
 * a section is only partly resolvable (`routes.<name>` reference errors); we keep them.
 */
export function flattenErrors(input: unknown, errors: FieldErrors): { flattened: FlattenedError[]; remaining: FieldErrors } {
  const copy = structuredClone(input) as unknown
  const flattened: FlattenedError[] = []
  const remaining: FieldErrors = {}
  for (const section of drained(errors)) {
    const sectionErrors = errors[section] as string | FieldErrors
    const entities = isRecord(copy) ? copy[section] : undefined
    if (typeof sectionErrors === 'string' || !Array.isArray(entities)) {
      setOwn(remaining, section, sectionErrors)
      continue
    }
    const left: FieldErrors = {}
    for (const key of drained(sectionErrors)) {
      const entity: unknown = POSITION.test(key) ? entities[Number(key) - 1] : undefined
      const entityErrors = sectionErrors[key] as string | FieldErrors
      if (isRecord(entity) && typeof entityErrors === 'object') addEntityErrors(section, entity, entityErrors, flattened)
      else setOwn(left, key, entityErrors)
    }
    if (Object.keys(left).length > 0) setOwn(remaining, section, left)
  }
  return { flattened, remaining }
}

/** The 400 body for an invalid declarative config, flattened when the caller asked for it. */
export function declarativeErrorBody(errors: FieldErrors, input: unknown, flatten: boolean): Record<string, unknown> {
  const body = (fields: FieldErrors): Record<string, unknown> => ({
    code: DECLARATIVE_CONFIG_CODE,
    name: 'invalid declarative configuration',
    message: `declarative config is invalid: ${luaPretty(fields)}`,
    fields: renderErrors(fields),
  })
  if (!flatten) return body(errors)
  const { flattened, remaining } = flattenErrors(input, errors)
  return { ...body(remaining), flattened_errors: flattened }
}
