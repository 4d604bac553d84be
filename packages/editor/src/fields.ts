import type { Schema, ValueType } from '@switchyard/core'

/** What one schema entry offers to completion and hover: its name, type and meaning. */
export interface FieldInfo {
  /** The schema name, wildcard families written with `*` (e.g. `http.headers.*`). */
  readonly name: string
  readonly type: ValueType
  /** One sentence on where the value comes from; empty when nothing is known. */
  readonly meaning: string
}

/**
 * Meanings of Kong's fields (spec §7), keyed by schema name. A schema can declare any field; those
 * not listed here get no meaning, only their type.
 */
export const FIELD_MEANINGS: Readonly<Record<string, string>> = {
  'net.protocol': 'The request scheme: "http" or "https" (stream routes: "tcp", "tls" or "udp").',
  'tls.sni': 'The server name the client sent in the TLS handshake; absent without TLS or SNI.',
  'http.method': 'The request method as sent, e.g. "GET" (case-sensitive).',
  'http.host': 'The Host header without a numeric port; case is kept, so compare with lower().',
  'http.path': 'The normalised request path without the query string, e.g. "/a/c" for "/a/./b/../c?x=1".',
  'http.path.segments.*': 'One path segment by 0-based index (`.0`), or a range joined with "/" (`.0_2`).',
  'http.path.segments.len': 'The number of path segments ("/a/b/" has 2).',
  'http.headers.*': 'Every value of one request header; write the name in lower case with "_" for "-" (`http.headers.x_api_key`).',
  'http.queries.*': 'Every value of one query argument, decoded; the name is matched exactly.',
  'net.src.ip': 'The client address.',
  'net.dst.ip': 'The local address that accepted the connection.',
  'net.src.port': 'The client port.',
  'net.dst.port': 'The port from the Host header if it has one, else the port the listener accepted the connection on.',
}

/** What the name after a wildcard family's prefix stands for, shown as a placeholder (`http.headers.<name>`). */
const FAMILY_PLACEHOLDERS: Readonly<Record<string, string>> = {
  'http.headers.*': 'name',
  'http.queries.*': 'name',
  'http.path.segments.*': 'n',
}

/** The placeholder shown for a wildcard family's free part: `name`, `n`, or `name` for unknown families. */
export function familyPlaceholder(family: string): string {
  return FAMILY_PLACEHOLDERS[family] ?? 'name'
}

/** Common concrete members of wildcard families, offered once the family prefix is typed. */
export const FAMILY_EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  'http.headers.*': ['accept', 'authorization', 'content_type', 'user_agent', 'x_api_key', 'x_forwarded_for', 'x_request_id'],
  'http.queries.*': ['id', 'page', 'version'],
  'http.path.segments.*': ['0', '1', '2', '0_1', 'len'],
}

/** Known values offered after an operator, by field. `net.protocol` depends on the schema's subsystem. */
export function knownValues(field: string, schema: Schema): readonly string[] {
  if (field === 'http.method') return ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']
  if (field === 'net.protocol') return schema.typeOf('http.method') === undefined ? ['tcp', 'tls', 'udp'] : ['http', 'https']
  return []
}

/** The schema's entries with their meanings, in declaration order. */
export function fieldInfos(schema: Schema): FieldInfo[] {
  return [...schema.entries()].map(([name, type]) => ({ name, type, meaning: FIELD_MEANINGS[name] ?? '' }))
}

/**
 * What the schema says about a concrete field name: the exact entry, else its wildcard family
 * (`http.headers.x_foo` → `http.headers.*`), following `Schema.typeOf`'s own rule.
 */
export function describeField(name: string, schema: Schema): FieldInfo | undefined {
  const type = schema.typeOf(name)
  if (type === undefined) return undefined
  const exact = [...schema.entries()].some(([entry]) => entry === name)
  const entry = exact ? name : `${name.slice(0, name.lastIndexOf('.'))}.*`
  return { name: entry, type, meaning: FIELD_MEANINGS[entry] ?? '' }
}
