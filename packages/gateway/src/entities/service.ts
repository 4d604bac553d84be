import { applySchema, checkName, type EntitySchema, type FieldErrors, type Json, type JsonObject } from './schema.ts'

/** A Kong Service: where matched requests go, and how long to wait for it. Timeouts in milliseconds. */
export interface Service {
  readonly id: string
  readonly name: string | null
  readonly created_at: number
  readonly updated_at: number
  readonly protocol: 'http' | 'https' | 'grpc' | 'grpcs' | 'tcp' | 'tls' | 'udp' | 'tls_passthrough' | 'ws' | 'wss'
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

const PROTOCOLS = ['http', 'https', 'grpc', 'grpcs', 'tcp', 'tls', 'udp', 'tls_passthrough', 'ws', 'wss'] as const
const TIMEOUT = { type: 'integer', default: 60000, min: 1, max: 2 ** 31 - 2 } as const

/** Checks a service `path`: starts with `/`, no empty segment, valid percent-encoding (Kong typedefs `path`). */
export function checkServicePath(path: string): string | undefined {
  if (!path.startsWith('/')) return 'should start with: /'
  if (path.includes('//')) return 'must not have empty segments'
  if (/%(?![0-9a-fA-F]{2})/.test(path)) return 'invalid url-encoded value'
  return undefined
}

/** The Service schema, with Kong's defaults. */
export const SERVICE_SCHEMA: EntitySchema = {
  id: { type: 'uuid' },
  name: { type: 'string', check: checkName },
  created_at: { type: 'timestamp' },
  updated_at: { type: 'timestamp' },
  protocol: { type: 'string', default: 'http', oneOf: PROTOCOLS },
  host: { type: 'string', required: true, check: (v) => (/^[A-Za-z0-9.\-_:[\]]+$/.test(v) ? undefined : 'invalid value: ' + v) },
  port: { type: 'integer', default: 80, min: 0, max: 65535 },
  path: { type: 'string', check: checkServicePath },
  retries: { type: 'integer', default: 5, min: 0, max: 32767 },
  connect_timeout: TIMEOUT,
  write_timeout: TIMEOUT,
  read_timeout: TIMEOUT,
  tags: { type: 'array', set: true },
  client_certificate: { type: 'foreign' },
  tls_verify: { type: 'boolean' },
  tls_verify_depth: { type: 'integer', min: 0, max: 64 },
  ca_certificates: { type: 'array' },
  enabled: { type: 'boolean', default: true },
}

/** Expands Kong's `url` shorthand into protocol, host, port and path (only the fields it names). */
export function expandServiceUrl(input: JsonObject): { value: JsonObject } | { fields: FieldErrors } {
  const url = input['url']
  if (url === undefined || url === null) return { value: input }
  const { url: _ignored, ...rest } = input
  if (typeof url !== 'string') return { fields: { url: 'expected a string' } }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { fields: { url: 'missing host in url' } }
  }
  const protocol = parsed.protocol.slice(0, -1)
  // The url shorthand infers 443 for https and 80 otherwise (traditional-routes.md §1.6).
  const port = parsed.port !== '' ? Number(parsed.port) : protocol === 'https' || protocol === 'grpcs' || protocol === 'wss' ? 443 : 80
  const out: Record<string, Json> = { ...rest, protocol, host: parsed.hostname, port }
  // A bare origin (`http://h:1`) leaves path null, as Kong does; any explicit path is kept verbatim.
  const rawPath = /^[a-z]+:\/\/[^/?#]*(\/[^?#]*)?/i.exec(url)?.[1]
  out['path'] = rawPath === undefined || rawPath === '' ? null : rawPath
  return { value: out }
}

/** Builds a complete Service from input (already merged with the stored one for PATCH); or field errors. */
export function buildService(input: JsonObject, id: string, now: number, createdAt: number): { ok: true; service: Service } | { ok: false; fields: FieldErrors } {
  const expanded = expandServiceUrl(input)
  if ('fields' in expanded) return { ok: false, fields: expanded.fields }
  const result = applySchema(SERVICE_SCHEMA, { ...expanded.value, id, created_at: createdAt, updated_at: now })
  if (!result.ok) return result
  return { ok: true, service: result.entity as unknown as Service }
}
