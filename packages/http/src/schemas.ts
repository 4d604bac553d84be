import { Schema } from '@switchyard/core'

/**
 * Kong's schema for HTTP routes (protocols http, https, grpc, grpcs; kong `router/fields.lua`,
 * spec §7.1). Header, query and path-segment fields are wildcards; `http.path.segments.len` is an
 * Int of its own. The deprecated `net.port` is not a field: expression routes rewrite it to
 * `net.dst.port` (§8.4) and request extraction answers it with the destination port.
 */
export const httpSchema: Schema = new Schema({
  'net.protocol': 'String',
  'tls.sni': 'String',
  'http.method': 'String',
  'http.host': 'String',
  'http.path': 'String',
  'http.path.segments.*': 'String',
  'http.path.segments.len': 'Int',
  'http.headers.*': 'String',
  'http.queries.*': 'String',
  'net.src.ip': 'IpAddr',
  'net.dst.ip': 'IpAddr',
  'net.src.port': 'Int',
  'net.dst.port': 'Int',
})

/** Kong's schema for stream (L4) routes: protocols tcp, tls, udp and tls_passthrough (spec §7.1). */
export const streamSchema: Schema = new Schema({
  'net.protocol': 'String',
  'tls.sni': 'String',
  'net.src.ip': 'IpAddr',
  'net.dst.ip': 'IpAddr',
  'net.src.port': 'Int',
  'net.dst.port': 'Int',
})

/** Which nginx subsystem a route or request belongs to, and so which schema applies. */
export type Subsystem = 'http' | 'stream'

const HTTP_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https', 'grpc', 'grpcs'])

/**
 * The subsystem of a route's protocol list: its **first** protocol decides (http, https, grpc and
 * grpcs → `http`, anything else → `stream`). An empty list means Kong's default `["http", "https"]`.
 */
export function subsystemForProtocols(protocols: readonly string[]): Subsystem {
  const first = protocols[0]
  return first === undefined || HTTP_PROTOCOLS.has(first) ? 'http' : 'stream'
}

/**
 * The schema a route is checked against: `httpSchema` when its first protocol is http, https, grpc
 * or grpcs (or the list is empty, Kong's default being http + https), else `streamSchema`. So a tcp
 * route using `http.method` fails with an unknown field.
 */
export function schemaForProtocols(protocols: readonly string[]): Schema {
  return subsystemForProtocols(protocols) === 'http' ? httpSchema : streamSchema
}
