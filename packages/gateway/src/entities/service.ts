import { randomUUID } from 'node:crypto'
import { checkHostWithoutPort, checkKongPath, luaToNumber } from '@switchyard/http'
import { applySchema, checkName, checkTag, checkUuid, type EntitySchema, type FieldErrors, type Json, type JsonObject } from './schema.ts'

/** A Kong Service: where matched requests go, and how long to wait for it. Timeouts in milliseconds. */
export interface Service {
  readonly id: string
  readonly name: string | null
  readonly created_at: number
  readonly updated_at: number
  readonly protocol: 'http' | 'https' | 'grpc' | 'grpcs' | 'tcp' | 'tls' | 'udp' | 'tls_passthrough'
  readonly host: string
  readonly port: number
  readonly path: string | null
  readonly retries: number
  readonly connect_timeout: number
  readonly write_timeout: number
  readonly read_timeout: number
  readonly tags: readonly string[] | null
  readonly client_certificate: { readonly id: string } | null
  readonly tls_verify: boolean | null
  readonly tls_verify_depth: number | null
  readonly ca_certificates: readonly string[] | null
  readonly enabled: boolean
}

/**
 * Kong 3.x's `constants.PROTOCOLS`, sorted as Kong sorts them (its `expected one of:` text follows
 * this order). `ws` and `wss` are Kong Enterprise's; the open-source gateway refuses them.
 */
export const PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp'] as const
const TIMEOUT = { type: 'integer', default: 60000, min: 1, max: 2 ** 31 - 2 } as const

/**
 * Checks a service `path` as Kong's `path` typedef does, in its validator order: starts with `/`,
 * no empty segment, only RFC 3986 unreserved and reserved characters, valid percent-encoding.
 */
export function checkServicePath(path: string): string | undefined {
  if (!path.startsWith('/')) return 'should start with: /'
  if (path.includes('//')) return 'must not have empty segments'
  return checkKongPath(path)?.message
}

/** The Service schema, with Kong's defaults; `required` as services.lua has it (an explicit null is refused). */
export const SERVICE_SCHEMA: EntitySchema = {
  id: { type: 'uuid' },
  name: { type: 'string', check: checkName },
  created_at: { type: 'timestamp' },
  updated_at: { type: 'timestamp' },
  protocol: { type: 'string', default: 'http', required: true, oneOf: PROTOCOLS },
  host: { type: 'string', required: true, check: checkHostWithoutPort },
  port: { type: 'integer', default: 80, required: true, min: 0, max: 65535 },
  path: { type: 'string', check: checkServicePath },
  retries: { type: 'integer', default: 5, min: 0, max: 32767 },
  connect_timeout: TIMEOUT,
  write_timeout: TIMEOUT,
  read_timeout: TIMEOUT,
  tags: { type: 'array', set: true, check: checkTag },
  client_certificate: { type: 'foreign', reference: 'certificates' },
  tls_verify: { type: 'boolean' },
  tls_verify_depth: { type: 'integer', min: 0, max: 64 },
  ca_certificates: { type: 'array', check: checkUuid },
  enabled: { type: 'boolean', default: true, required: true },
}

/**
 * What Kong's `url` shorthand reads for a JSON `null`: its validation lets a null through (the
 * shorthand is not required), and the shorthand then parses `tostring(sugar_url)`, LuaJIT's text for
 * cjson's null. So the URL has the scheme `userdata` and the path ` NULL`, and no host.
 */
const LUA_NULL_TEXT = 'userdata: NULL'

/**
 * Expands Kong's `url` shorthand into protocol, host, port and path, read the way LuaSocket's
 * `url.parse` reads it (services.lua's shorthand), which never refuses a string: what is missing or
 * misplaced is left to the fields' own checks (`invalid url` has no scheme and no authority, so it
 * gives `host: required field missing` and `path: should start with: /`, as in Kong). A null `url`
 * is read as Kong reads it (see {@link LUA_NULL_TEXT}): refused for its protocol, host and path.
 */
export function expandServiceUrl(input: JsonObject): { value: JsonObject } | { fields: FieldErrors } {
  const given = input['url']
  if (given === undefined) return { value: input }
  const { url: _ignored, ...rest } = input
  const url = given === null ? LUA_NULL_TEXT : given
  if (typeof url !== 'string') return { fields: { url: 'expected a string' } }
  if (url === '') return { fields: { url: 'length must be at least 1' } }
  const parsed = parseLuaSocketUrl(url)
  // services.lua: the port read with Lua's tonumber; without a scheme, port 80 or 443 names the
  // protocol; without a port, 443 for https and 80 otherwise (traditional-routes.md §1.6). A port
  // that is no number (an empty one included, which Lua holds true) is kept for the port field to refuse.
  const port = parsed.port === undefined ? undefined : luaToNumber(parsed.port)
  const protocol = parsed.scheme ?? (port === 443 ? 'https' : 'http')
  const portValue: Json = port ?? parsed.port ?? (protocol === 'https' ? 443 : 80)
  return { value: { ...rest, protocol, host: parsed.host ?? null, port: portValue, path: parsed.path ?? null } }
}

/** The parts of a URL LuaSocket's `url.parse` finds, each as written. */
interface LuaSocketUrl {
  readonly scheme?: string
  readonly host?: string
  readonly port?: string
  readonly path?: string
}

/**
 * LuaSocket's `url.parse`, step by step: the scheme, the authority after `//` up to the next `/`,
 * then the fragment, query and params are cut off the rest, which is the path; in the authority,
 * the user info, then the port after the last `:`, and the host (an IPv6 literal without brackets).
 */
function parseLuaSocketUrl(url: string): LuaSocketUrl {
  let rest = url
  const scheme = /^([A-Za-z0-9][A-Za-z0-9+\-.]*):/.exec(rest)
  if (scheme !== null) rest = rest.slice(scheme[0].length)
  const authority = /^\/\/([^/]*)/.exec(rest)
  if (authority !== null) rest = rest.slice(authority[0].length)
  rest = rest.replace(/#.*$/s, '').replace(/\?.*$/s, '').replace(/;.*$/s, '')
  const out: { scheme?: string; host?: string; port?: string; path?: string } = {}
  if (scheme !== null) out.scheme = scheme[1] as string
  if (rest !== '') out.path = rest
  if (authority === null) return out
  let hostPort = (authority[1] as string).replace(/^[^@]*@/, '')
  const port = /:([^:\]]*)$/.exec(hostPort)
  if (port !== null) {
    out.port = port[1] as string
    hostPort = hostPort.slice(0, port.index)
  }
  if (hostPort !== '') out.host = /^\[(.+)\]$/.exec(hostPort)?.[1] ?? hostPort
  return out
}

/**
 * Kong's `conditional` entity checks of services.lua: fields that must stay null for a protocol.
 * Each failure is a field error plus one entity error naming `protocol`, as Kong reports it.
 */
const PROTOCOL_CONDITIONS: readonly { readonly field: string; readonly appliesTo: (protocol: string) => boolean }[] = [
  { field: 'path', appliesTo: (p) => ['tcp', 'tls', 'udp', 'grpc', 'grpcs'].includes(p) },
  ...['client_certificate', 'tls_verify', 'tls_verify_depth', 'ca_certificates'].map((field) => ({ field, appliesTo: (p: string) => p !== 'https' && p !== 'tls' })),
]

function checkProtocolFields(input: JsonObject, fields: FieldErrors): string[] {
  const protocol = input['protocol'] ?? 'http'
  // Kong skips a check when the field it depends on is itself invalid; the `conditional` checker
  // runs with invalid fields, so its error replaces a refused field's own (`run_with_invalid_fields`).
  if (typeof protocol !== 'string' || fields['protocol'] !== undefined) return []
  const entityErrors: string[] = []
  for (const condition of PROTOCOL_CONDITIONS) {
    const value = input[condition.field]
    if (value === undefined || value === null || !condition.appliesTo(protocol)) continue
    fields[condition.field] = 'value must be null'
    entityErrors.push("failed conditional validation given value of field 'protocol'")
  }
  return entityErrors
}

/**
 * Builds a complete Service from input (already merged with the stored one for PATCH); or field and
 * entity errors. `id` is the one the endpoint imposes; without it the input's id is checked, or a new
 * one made.
 */
export function buildService(input: JsonObject, id: string | undefined, now: number, createdAt: number): { ok: true; service: Service } | { ok: false; fields: FieldErrors; entityErrors: string[] } {
  const expanded = expandServiceUrl(input)
  if ('fields' in expanded) return { ok: false, fields: expanded.fields, entityErrors: [] }
  const result = applySchema(SERVICE_SCHEMA, { ...expanded.value, id: id ?? expanded.value['id'] ?? randomUUID(), created_at: createdAt, updated_at: now })
  const fields: FieldErrors = result.ok ? {} : { ...result.fields }
  const entityErrors = checkProtocolFields(expanded.value, fields)
  if (!result.ok || entityErrors.length > 0) return { ok: false, fields, entityErrors }
  return { ok: true, service: result.entity as unknown as Service }
}
