/**
 * The traditional route as the router sees it: Kong's Admin API route entity restricted to what
 * routing and proxying read. Unset fields are `undefined` or `null`, exactly as Kong's router
 * receives them; `normalizeRoute` (validate.ts) fills in the entity defaults.
 */

/** Every protocol a route may list. */
export const PROTOCOLS = ['http', 'https', 'grpc', 'grpcs', 'tcp', 'tls', 'udp', 'tls_passthrough'] as const

/** One of Kong's route protocols. */
export type Protocol = (typeof PROTOCOLS)[number]

/** Protocols whose routes live in the stream (L4) subsystem. */
export const STREAM_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'tls', 'udp', 'tls_passthrough'])

/** Kong's ATC router flavors: traditional routes only, or expression and traditional routes side by side. */
export type Flavor = 'traditional_compatible' | 'expressions'

/** Which priority layout to compute: Kong 3.10's actual value (§3.3) or the documented one (§3.2). */
export type PriorityLayout = 'effective' | 'documented'

/** One element of `sources` or `destinations`: an address or CIDR, a port, or both. */
export interface AddressMatch {
  readonly ip?: string | null | undefined
  readonly port?: number | null | undefined
}

/** A route using Kong's traditional matching fields (and, in the `expressions` flavor, maybe `expression`). */
export interface TraditionalRoute {
  readonly id?: string | undefined
  readonly name?: string | null | undefined
  readonly protocols?: readonly string[] | null | undefined
  readonly methods?: readonly string[] | null | undefined
  readonly hosts?: readonly string[] | null | undefined
  readonly paths?: readonly string[] | null | undefined
  /** Header name → accepted values; a value starting with `~*` is a case-insensitive regex. */
  readonly headers?: Readonly<Record<string, readonly string[]>> | null | undefined
  readonly snis?: readonly string[] | null | undefined
  readonly sources?: readonly AddressMatch[] | null | undefined
  readonly destinations?: readonly AddressMatch[] | null | undefined
  /** Orders regex routes; unbounded integer, default 0. */
  readonly regex_priority?: number | null | undefined
  readonly strip_path?: boolean | null | undefined
  readonly preserve_host?: boolean | null | undefined
  readonly path_handling?: string | null | undefined
  readonly https_redirect_status_code?: number | null | undefined
  /** Only in the `expressions` flavor: a route with an expression is not traditional. */
  readonly expression?: string | null | undefined
  /** Only in the `expressions` flavor: the expression route's priority, 0..2^46−1. */
  readonly priority?: number | null | undefined
}

/** True when a list-like field counts as set (Kong's `is_empty_field` is false). */
export function isPresent<T>(value: readonly T[] | null | undefined): value is readonly T[] {
  return value !== undefined && value !== null && value.length > 0
}

/** True when the headers field holds at least one name. */
export function hasHeaders(headers: TraditionalRoute['headers']): headers is Readonly<Record<string, readonly string[]>> {
  return headers !== undefined && headers !== null && Object.keys(headers).length > 0
}

/** True when Kong routes this route in the stream subsystem (its first protocol is tcp, tls, udp or tls_passthrough). */
export function isStreamRoute(route: TraditionalRoute): boolean {
  const first = route.protocols?.[0]
  return first !== undefined && subsystemOf(first) === 'stream'
}

/** The subsystem whose router holds routes of a protocol: Kong's stream (L4) or http router. */
export function subsystemOf(protocol: string): 'http' | 'stream' {
  return STREAM_PROTOCOLS.has(protocol) ? 'stream' : 'http'
}

/** True when a path is a regex path (`~` first). */
export function isRegexPath(path: string): boolean {
  return path.startsWith('~')
}

/** Lower-cases ASCII letters only, as Lua's `string.lower` does in the C locale. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}
