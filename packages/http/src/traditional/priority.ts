/**
 * Matcher priorities (traditional-routes.md §3): Kong 3.10's effective 64-bit value, the documented
 * layout, stream routes, and expression routes. All exact, as `bigint`.
 */
import { addressBits } from './addresses.ts'
import { isWildcardHost } from './hosts.ts'
import { hasHeaders, isPresent, isRegexPath, isStreamRoute, type PriorityLayout, type TraditionalRoute } from './route.ts'
import { utf8Length } from './uuid.ts'

/** The largest `priority` an expression route may have (2^46 − 1). */
export const MAX_EXPRESSION_PRIORITY = 2n ** 46n - 1n

/** The bit block that puts every expression route above every traditional route (`0xFF << 56`). */
export const EXPRESSION_ONLY_BITS = 0xffn << 56n

const BIT_63 = 1n << 63n
const PLAIN_HOSTS_BIT = 1n << 60n
const REGEX_PATH_BIT = 1n << 51n
const MAX_HEADER_COUNT = 255

/** The inputs of an HTTP route's priority, as Kong's `get_priority` derives them. */
export interface PriorityParts {
  /** Number of non-empty fields among sources, destinations, methods, hosts, headers, snis, paths (0–7). */
  readonly fields: number
  /** Header names, capped at 255. */
  readonly headers: number
  /** `hosts` is an array with no wildcard (an empty array counts: Kong tests `type(hosts) == "table"`). */
  readonly plainHosts: boolean
  /** The first path is a regex. */
  readonly regex: boolean
  /** `regex_priority` when `regex`, else 0. */
  readonly regexPriority: number
  /** Byte length of the first path when it is a prefix, masked to 19 bits; else 0. */
  readonly length: number
}

/** Derives the priority inputs of an HTTP route. */
export function priorityParts(route: TraditionalRoute): PriorityParts {
  const headerCount = hasHeaders(route.headers) ? Object.keys(route.headers).length : 0
  let fields = 0
  for (const present of [
    isPresent(route.sources),
    isPresent(route.destinations),
    isPresent(route.methods),
    isPresent(route.hosts),
    headerCount > 0,
    isPresent(route.snis),
    isPresent(route.paths),
  ])
    if (present) fields++
  const hosts = route.hosts
  const plainHosts = hosts !== undefined && hosts !== null && !hosts.some(isWildcardHost)
  const first = isPresent(route.paths) ? route.paths[0]! : undefined
  const regex = first !== undefined && isRegexPath(first)
  return {
    fields,
    headers: Math.min(headerCount, MAX_HEADER_COUNT),
    plainHosts,
    regex,
    regexPriority: regex ? (route.regex_priority ?? 0) : 0,
    length: first !== undefined && !regex ? utf8Length(first) & 0x7ffff : 0,
  }
}

/**
 * Kong 3.10's actual priority on x86-64 (§3.3). Its 64-bit shift helper falls back to LuaJIT's
 * 32-bit BitOp for plain numbers, shifting by the count modulo 32; JavaScript's `<<` and `|` behave
 * exactly so, and a negative 32-bit result becomes 2^63 when LuaJIT converts it to `uint64_t`.
 */
export function effectivePriority(parts: PriorityParts): bigint {
  const a = parts.fields << 61
  const b = parts.headers << 52
  const c = toInt32(parts.regexPriority) << 19
  const d = parts.length
  if (!parts.plainHosts && !parts.regex) return toUint64(a | b | d)
  let priority = toUint64(a) | toUint64(b) | toUint64(c) | toUint64(d)
  if (parts.plainHosts) priority |= PLAIN_HOSTS_BIT
  if (parts.regex) priority |= REGEX_PATH_BIT
  return priority
}

/**
 * The layout documented above Kong's `get_priority` (§3.2): field count in bits 61–63, plain hosts
 * bit 60, header count bits 52–59, regex bit 51, `regex_priority` bits 19–50 (its low 32 bits, two's
 * complement), prefix length bits 0–18.
 */
export function documentedPriority(parts: PriorityParts): bigint {
  let priority = (BigInt(parts.fields) << 61n) | (BigInt(parts.headers) << 52n) | BigInt(parts.length)
  if (parts.plainHosts) priority |= PLAIN_HOSTS_BIT
  if (parts.regex) priority |= REGEX_PATH_BIT | (BigInt.asUintN(32, BigInt(parts.regexPriority)) << 19n)
  return priority
}

/**
 * A stream route's priority (§3.1): bit 61 when `snis` is set or both `sources` and `destinations`
 * are, then the source bits shifted by 4 and the destination bits (address 8, port 4, CIDR 1).
 */
export function streamPriority(route: TraditionalRoute): bigint {
  const sources = isPresent(route.sources) ? route.sources : []
  const destinations = isPresent(route.destinations) ? route.destinations : []
  const weighted = isPresent(route.snis) || (sources.length > 0 && destinations.length > 0)
  return (weighted ? 1n << 61n : 0n) | BigInt((addressBits(sources) << 4) | addressBits(destinations))
}

/**
 * A router priority as Switchyard writes it for people (the `match` command, the GUI): `0x` and 16
 * upper-case hexadecimal digits, the form of the worked examples in traditional-routes.md, because
 * Kong builds it from bit fields (field count in the top 3 bits, then plain hosts, header count,
 * regex, …; `0xFF…` for expression routes, then their own priority) that decimal hides.
 */
export function formatRouterPriority(priority: bigint): string {
  return `0x${priority.toString(16).toUpperCase().padStart(16, '0')}`
}

/** An expression route's router priority: `0xFF << 56 | priority`. */
export function expressionPriority(priority: number | bigint): bigint {
  return EXPRESSION_ONLY_BITS | BigInt(priority)
}

/**
 * The router priority of a route (one matcher: after splitting, §2.10): expression routes by §3.4,
 * stream routes by §3.1, HTTP routes by the chosen layout.
 */
export function routePriority(route: TraditionalRoute, layout: PriorityLayout = 'effective'): bigint {
  if (route.expression !== undefined && route.expression !== null) return expressionPriority(route.priority ?? 0)
  if (isStreamRoute(route)) return streamPriority(route)
  const parts = priorityParts(route)
  return layout === 'effective' ? effectivePriority(parts) : documentedPriority(parts)
}

function toInt32(value: number): number {
  return Number.isSafeInteger(value) ? Number(BigInt.asIntN(32, BigInt(value))) : value | 0
}

function toUint64(value: number): bigint {
  // x86-64 LuaJIT converts a negative number to uint64_t as 2^63 (observed, §3.3).
  return value < 0 ? BIT_63 : BigInt(value)
}
