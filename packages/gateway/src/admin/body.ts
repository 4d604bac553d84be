import type { IncomingMessage } from 'node:http'
import { setOwn, type Json, type JsonObject } from '../entities/schema.ts'
import { decodeLossless, formPairsLossless } from './lossless-text.ts'

/**
 * Deepest nesting a body may have: objects and arrays in JSON, `a.b[1].c` segments in a form key.
 * Kong's entities nest a few levels (a declarative config about six); the limit keeps every later
 * recursive step (copying, hashing, error rendering) far from the call stack's end.
 */
export const MAX_BODY_DEPTH = 64

/** A parsed request body: its fields, and whether they came from a form (strings to coerce). */
export type ParsedBody =
  | { readonly ok: true; readonly value: JsonObject; readonly form: boolean; readonly raw: string; readonly type: string }
  | { readonly ok: false; readonly message: string; readonly tooLarge?: true }

type Segment = string | number | typeof APPEND
const APPEND = Symbol('append')

/** Splits a form key into Kong's path: `a.b` → a, b; `a[]` → a, append; `a[2].ip` → a, 1, ip (1-based). */
function keyPath(key: string): Segment[] {
  const path: Segment[] = []
  for (const part of key.split('.')) {
    const m = /^([^[\]]*)((?:\[[^\]]*\])*)$/.exec(part)
    if (m === null) {
      path.push(part)
      continue
    }
    if (m[1] !== '') path.push(m[1] ?? '')
    for (const index of (m[2] ?? '').matchAll(/\[([^\]]*)\]/g)) {
      const text = index[1] ?? ''
      path.push(text === '' ? APPEND : /^\d+$/.test(text) ? Math.max(0, Number(text) - 1) : text)
    }
  }
  return path
}

type Mutable = { [key: string]: unknown } | unknown[]

/**
 * An own property of a container. A form key names a field: `__proto__` or `constructor` must not
 * read what every object inherits, or `__proto__.x=1` would write into `Object.prototype`.
 */
function ownSlot(container: object, slot: string | number): unknown {
  return Object.hasOwn(container, slot) ? (container as Record<string | number, unknown>)[slot] : undefined
}


/**
 * Decodes form pairs with Kong's conventions (kong/api/arguments.lua): `paths[]=/a`,
 * `methods=GET&methods=POST` (a repeated key is an array), `headers.x-foo=bar`, `service.id=…`,
 * `sources[1].ip=…`. An empty value is null, as Kong's infer_value has it, so `methods=` clears the
 * field and `service=` unlinks the service.
 */
export function decodeForm(pairs: Iterable<readonly [string, string]>): JsonObject {
  const root: { [key: string]: unknown } = {}
  for (const [key, text] of pairs) {
    const value = text === '' ? null : text
    const path = keyPath(key)
    let node: Mutable = root
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] as Segment
      const last = i === path.length - 1
      const next = path[i + 1]
      if (Array.isArray(node) && segment === APPEND) {
        if (last) node.push(value)
        else node.push((node = typeof next === 'number' || next === APPEND ? [] : {}))
        continue
      }
      const slot = segment === APPEND ? 0 : segment
      if (last) {
        const existing = ownSlot(node, slot)
        // A repeated plain key collects its values into an array.
        if (existing === undefined) setOwn(node, slot, value)
        else if (Array.isArray(existing)) existing.push(value)
        else setOwn(node, slot, [existing, value])
      } else {
        let child = ownSlot(node, slot)
        if (typeof child !== 'object' || child === null) {
          child = typeof next === 'number' || next === APPEND ? [] : {}
          setOwn(node, slot, child)
        }
        node = child as Mutable
      }
    }
  }
  return compact(root) as JsonObject
}

/**
 * The most arguments Kong's Admin API reads from a query string or a urlencoded body (lua-nginx's
 * `get_uri_args` / `get_post_args` limit as Kong sets it); one more is refused with
 * `TOO_MANY_ARGUMENTS` rather than silently cut off, as Kong does.
 */
export const MAX_ARGUMENTS = 1000
export const TOO_MANY_ARGUMENTS = 'Too many arguments'

/** Arguments in a query string or urlencoded body as lua-nginx counts them: pairs with a non-empty key. */
export function argumentCount(pairs: Iterable<[string, string]>): number {
  let count = 0
  for (const [key] of pairs) if (key !== '') count++
  return count
}

/** The fields of a urlencoded or multipart body's pairs; refused when a key nests deeper than `MAX_BODY_DEPTH`. */
function formBody(pairs: readonly [string, string][], raw: string, type: string): ParsedBody {
  for (const [key] of pairs) {
    if (keyPath(key).length > MAX_BODY_DEPTH) return { ok: false, message: `form key '${key.slice(0, 80)}' nests deeper than ${MAX_BODY_DEPTH} levels` }
  }
  return { ok: true, value: decodeForm(pairs), form: true, raw, type }
}

/** True when a parsed JSON value nests deeper than `max` (checked without recursion). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next
    if (typeof node !== 'object' || node === null) continue
    if (depth > max) return true
    for (const child of Object.values(node)) pending.push([child, depth + 1])
  }
  return false
}

const TOO_DEEP = `request body nests deeper than ${MAX_BODY_DEPTH} levels: Kong's entities need a few`

/**
 * Removes the holes `a[3]` alone leaves in an array. Reads the indices that hold values rather than
 * walking the length: `paths[1000000000]=/x` makes an array a billion long with one element, and a
 * walk over it stalled the whole process for seconds.
 */
function compact(value: unknown): Json {
  if (Array.isArray(value)) {
    const out: Json[] = []
    // Own keys list array indices first, in ascending order; `a[1]=x&a.y=z` also leaves a named one.
    for (const key of Object.keys(value)) if (/^\d+$/.test(key)) out.push(compact(value[Number(key)]))
    return out
  }
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]))
  return value as Json
}

/** Reads a whole Admin API body, or undefined past `maxBytes` (0: no limit); the proxy never does this. */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (maxBytes > 0 && size > maxBytes) return undefined
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/**
 * Parses a JSON, urlencoded or multipart body into fields; an empty body is `{}`. A body past
 * `maxBytes` (nginx_admin_client_max_body_size) is `tooLarge`, which the Admin API answers 413.
 */
export async function parseBody(request: IncomingMessage, maxBytes: number): Promise<ParsedBody> {
  const buffer = await readBody(request, maxBytes)
  if (buffer === undefined) return { ok: false, message: 'Payload too large', tooLarge: true }
  const contentType = request.headers['content-type'] ?? ''
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  const raw = decodeLossless(buffer)
  // The type is read as Kong reads it (lapis' json_params, then lua-nginx's form and multipart
  // readers): JSON when it names application/json anywhere, forms by their prefix, so that every
  // type the Admin API lets through (by prefix, see acceptedBodyType) is read, none dropped.
  const lower = contentType.toLowerCase()
  const namesJson = lower.includes('application/json')
  const json = namesJson || type === '' || type.endsWith('+json')
  // Kong's JSON reader refuses an empty body; an empty form or untyped body is no fields.
  if (buffer.length === 0) return namesJson ? { ok: false, message: 'Cannot parse JSON body' } : { ok: true, value: {}, form: false, raw, type }
  if (!json && lower.startsWith('application/x-www-form-urlencoded')) {
    const pairs = formPairsLossless(raw)
    if (argumentCount(pairs) > MAX_ARGUMENTS) return { ok: false, message: TOO_MANY_ARGUMENTS }
    return formBody(pairs, raw, type)
  }
  if (!json && lower.startsWith('multipart/form-data')) {
    try {
      // Node's fetch Response parses multipart bodies, so no extra dependency is needed.
      const data = await new Response(new Uint8Array(buffer), { headers: { 'content-type': contentType } }).formData()
      const parts: [string, string | Blob][] = []
      data.forEach((value, key) => parts.push([key, value]))
      const pairs: [string, string][] = []
      for (const [key, value] of parts) pairs.push([key, typeof value === 'string' ? value : await value.text()])
      return formBody(pairs, raw, type)
    } catch {
      return { ok: false, message: 'invalid multipart body' }
    }
  }
  if (json) {
    try {
      const value: unknown = JSON.parse(raw)
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'expected a JSON object' }
      if (nestsDeeperThan(value, MAX_BODY_DEPTH)) return { ok: false, message: TOO_DEEP }
      return { ok: true, value: value as JsonObject, form: false, raw, type }
    } catch {
      return { ok: false, message: 'Cannot parse JSON body' }
    }
  }
  // Other types (YAML for POST /config) are left to the endpoint.
  return { ok: true, value: {}, form: false, raw, type }
}
