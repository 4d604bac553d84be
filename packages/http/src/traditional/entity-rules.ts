/**
 * Rules of Kong's route and service schemas that the gateway's entities and the route validation
 * share, with Kong's texts (kong/db/schema/typedefs.lua, entities/routes.lua, schema/init.lua).
 */
import { PROTOCOLS, type Flavor } from './route.ts'
import { utf8Length } from './uuid.ts'

/** routes_subschemas.lua has one subschema per protocol. */
const SUBSCHEMA_PROTOCOLS: ReadonlySet<unknown> = new Set(PROTOCOLS)

/**
 * An empty JSON object: Kong's cjson and lyaml read it as an empty table, which its schemas take
 * for an empty list as well as an empty map.
 */
export function isEmptyTable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
}

/** A UTF-16 code unit of a surrogate pair's half standing alone. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Kong's `validate_utf8_string` (names and tags): its text for a value that is not valid UTF-8, or
 * `undefined`. A value read from bytes that are not UTF-8 holds lone surrogates where those bytes
 * were (the Admin API decodes bodies without replacing them, see lossless-text.ts in the gateway);
 * Kong names the byte position, from 1, of the first bad sequence.
 */
export function utf8Error(value: string): string | undefined {
  const bad = LONE_SURROGATE.exec(value)
  if (bad === null) return undefined
  return `invalid utf-8 character sequence detected at position ${utf8Length(value.slice(0, bad.index)) + 1}`
}

/**
 * Kong's `utf8_name` typedef (the `name` of routes and services): valid UTF-8 first, then ASCII
 * letters, digits and `. - _ ~`, or any non-ASCII character. The error text, or `undefined`.
 */
export function checkUtf8Name(name: string): string | undefined {
  const invalid = utf8Error(name)
  if (invalid !== undefined) return invalid
  if (/^(?:[A-Za-z0-9.\-_~]|[^\x00-\x7f])+$/.test(name)) return undefined
  return `invalid value '${name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`
}

/** The `mutually_exclusive_subsets` of the route's `protocols`, in Kong's declaration order. */
const EXCLUSIVE_PROTOCOL_SETS: readonly (readonly string[])[] = [['http', 'https'], ['tcp', 'tls', 'udp'], ['tls_passthrough'], ['grpc', 'grpcs']]

/**
 * Kong's `mutually_exclusive_subsets` check of `protocols` (an error of the `protocols` field): the
 * sets the protocols fall in, listed in the order the protocols first name them, when there are
 * two or more; otherwise `undefined`.
 */
export function exclusiveProtocolsError(protocols: readonly string[]): string | undefined {
  const involved: (readonly string[])[] = []
  for (const protocol of protocols) {
    const set = EXCLUSIVE_PROTOCOL_SETS.find((candidate) => candidate.includes(protocol))
    if (set !== undefined && !involved.includes(set)) involved.push(set)
  }
  if (involved.length <= 1) return undefined
  return `these sets are mutually exclusive: ${involved.map((set) => `(${set.map((p) => `'${p}'`).join(', ')})`).join(', ')}`
}

/** The protocols that allow `snis` (the `conditional` entity check of routes.lua). */
export const SNI_PROTOCOLS: readonly string[] = ['grpcs', 'https', 'tls', 'tls_passthrough']

/**
 * The entity error of that check; Kong also sets the `snis` field's error to
 * `SNIS_FIELD_ERROR` (its `then_match` is `len_eq = 0`).
 */
export const SNIS_ENTITY_ERROR = "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"

/** The `snis` field's error when the protocols do not allow SNIs. */
export const SNIS_FIELD_ERROR = 'length must be 0'

/** True when `snis` is set (non-empty) but no protocol allows it. */
export function snisRefused(protocols: readonly string[], snis: readonly unknown[] | null | undefined): boolean {
  return snis !== null && snis !== undefined && snis.length > 0 && !protocols.some((protocol) => SNI_PROTOCOLS.includes(protocol))
}

/** The entity error of the stream subschema for a `tls_passthrough` route without `snis`, in every flavor. */
export const TLS_PASSTHROUGH_SNIS_ERROR = "must set snis when 'protocols' is 'tls_passthrough'"

/**
 * Kong's `path` typedef `custom_validator` (validate_path): characters outside RFC 3986's
 * unreserved, sub-delims and `/ % : @` first, then percent-encoding. `code` tells which failed:
 * route paths only report `percent`.
 */
export function checkKongPath(path: string): { code: 'rfc3986' | 'percent'; message: string } | undefined {
  if (!/^\/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$/.test(path))
    return { code: 'rfc3986', message: `invalid path: '${path}' (characters outside of the reserved list of RFC 3986 found)` }
  // Kong replaces every valid escape with three placeholder characters, then quotes the first `%`
  // left with up to two characters after it, from that rewritten text.
  const rewritten = path.replace(/%[0-9A-Fa-f]{2}/g, '___')
  const at = rewritten.indexOf('%')
  if (at >= 0) return { code: 'percent', message: `invalid url-encoded value: '${rewritten.slice(at, at + 3)}'` }
  return undefined
}

/**
 * The fields a route's protocol subschema refuses, with Kong's messages (routes_subschemas.lua's
 * `no_*` typedefs, `eq = null`). Kong's `get_subschema` takes the first of `protocols` that names a
 * subschema (`['http', 'https']` when absent; none when null or when no protocol is known), and
 * `eq = null` is checked before the field's type: any value but null is refused, an empty list or
 * map and a value of the wrong type included, and that message is the field's only error. In the
 * `expressions` flavor `sources` and `destinations` are allowed on http and gRPC routes.
 */
export function protocolFieldErrors(input: Readonly<Record<string, unknown>>, flavor: Flavor): Record<string, string> {
  const protocols = input['protocols']
  const first = protocols === undefined ? 'http' : Array.isArray(protocols) ? protocols.find((p) => typeof p === 'string' && SUBSCHEMA_PROTOCOLS.has(p)) : protocols
  const errors: Record<string, string> = {}
  const refuse = (fields: readonly string[], when: string): void => {
    for (const field of fields) {
      const value = input[field]
      if (value !== undefined && value !== null) errors[field] = `cannot set '${field}' when 'protocols' is ${when}`
    }
  }
  const addresses = flavor === 'expressions' ? [] : ['sources', 'destinations']
  if (first === 'grpc' || first === 'grpcs') refuse(['methods', ...addresses], "'grpc' or 'grpcs'")
  else if (first === 'tcp' || first === 'tls' || first === 'tls_passthrough' || first === 'udp') refuse(['methods', 'hosts', 'paths', 'headers'], "'tcp', 'tls', 'tls_passthrough' or 'udp'")
  else if (first === 'http' || first === 'https') refuse(addresses, "'http' or 'https'")
  return errors
}

/**
 * In the traditional flavors `protocols` is the routes schema's subschema key, and Kong's
 * `Schema:validate` stops at it with one error before any other check: `required field missing`
 * when it is null, `unknown type: …` when none of the protocols names a subschema (15-off_spec
 * "flattens nested, entity field errors": `protocols = "unknown type: nope"`). Else undefined;
 * always undefined in the `expressions` flavor, whose schema has no subschema key.
 */
export function subschemaKeyError(protocols: unknown, flavor: Flavor): string | undefined {
  if (flavor === 'expressions') return undefined
  if (protocols === null) return 'required field missing'
  // A string names its subschema itself; a list by its first known protocol (an empty one by none:
  // Kong then formats its missing first element, `unknown type: nil`). Absent, the default applies.
  if (typeof protocols === 'string') return SUBSCHEMA_PROTOCOLS.has(protocols) ? undefined : `unknown type: ${protocols}`
  const list = isEmptyTable(protocols) ? [] : protocols
  if (!Array.isArray(list) || list.some((p) => SUBSCHEMA_PROTOCOLS.has(p))) return undefined
  return `unknown type: ${list.length === 0 ? 'nil' : String(list[0])}`
}

/** The fields a route matches on, in the order Kong's messages list them. */
export const MATCHING_FIELDS = ['methods', 'hosts', 'paths', 'headers', 'snis', 'sources', 'destinations'] as const

/** The fields of Kong's router check (routes.lua's `validate_route`): it runs only when none has an error. */
const ROUTER_CHECK_FIELDS = ['id', 'protocols', ...MATCHING_FIELDS, 'expression', 'regex_priority', 'priority'] as const

/** Kong's emptiness test of the entity checks: null, or an empty list or map, is unset. */
export function isNonEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return false
  if (Array.isArray(value)) return value.length > 0
  return typeof value !== 'object' || Object.keys(value).length > 0
}

/**
 * Fields that failed their own checks, for the entity checks run beside their errors: each check
 * runs only when none of its own fields failed (Kong's `run_entity_check`), except the subschema's
 * `must set one of`, which runs anyway and counts a failed field as set when its input is not empty.
 */
export interface FailedFields {
  readonly names: ReadonlySet<string>
  readonly input: Readonly<Record<string, unknown>>
}

const NONE_FAILED: FailedFields = { names: new Set(), input: {} }

/** What Kong's entity checks say of a route: entity errors and field errors, in Kong's order. */
export interface EntityCheckResult {
  readonly errors: readonly string[]
  readonly fields: Readonly<Record<string, string>>
  /** True when the router's checks ran and passed: the router's own check of the expression or paths applies next. */
  readonly routerChecked: boolean
}

const MATCHER_REQUIRED = "'methods', 'hosts', 'paths', 'headers', 'snis', 'sources' or 'destinations'"

/**
 * Kong's entity checks of a route whose fields have their types (language.md §8.5 steps 1–4 and
 * the protocol rules of traditional-routes.md §1.4), in Kong's order: the `protocols` sets (a field
 * error, after which no entity check applies, as each one's `if_match` inherits the field's rules),
 * routes.lua's `snis` conditional, the router's checks (skipped when `snis` failed), then the
 * protocol subschema's `must set one of`. With `failed`, the checks that read a failed field are
 * left out as Kong leaves them out.
 */
export function routeEntityChecks(route: Readonly<Record<string, unknown>>, flavor: Flavor, failed: FailedFields = NONE_FAILED): EntityCheckResult {
  const valid = (...names: readonly string[]): boolean => names.every((name) => !failed.names.has(name))
  const none = { errors: [], fields: {}, routerChecked: false }
  // A failed `protocols` fails every check's condition on it.
  if (!valid('protocols')) return none
  const protocols = Array.isArray(route['protocols']) ? (route['protocols'] as string[]) : ['http', 'https']
  const conflict = exclusiveProtocolsError(protocols)
  if (conflict !== undefined) return { ...none, fields: { protocols: conflict } }
  const errors: string[] = []
  const fields: Record<string, string> = {}
  const refused = valid('snis') && snisRefused(protocols, route['snis'] as readonly unknown[] | null | undefined)
  if (refused) {
    errors.push(SNIS_ENTITY_ERROR)
    fields['snis'] = SNIS_FIELD_ERROR
  }
  const givenAnyway = (field: string): boolean => failed.names.has(field) && isNonEmpty(failed.input[field])
  const present = MATCHING_FIELDS.filter((f) => isNonEmpty(route[f]) || givenAnyway(f))
  const hasExpression = flavor === 'expressions' && typeof route['expression'] === 'string'
  const routerRuns = !refused && valid(...ROUTER_CHECK_FIELDS)
  if (routerRuns) {
    const priority = route['priority'] ?? 0
    if (hasExpression && present.length > 0) errors.push(`Router Expression failed validation: cannot set 'expression' with ${MATCHER_REQUIRED} simultaneously`)
    else if (hasExpression && (route['regex_priority'] ?? 0) !== 0) errors.push("Router Expression failed validation: cannot set 'regex_priority' with 'expression' simultaneously")
    else if (flavor === 'expressions' && priority !== 0 && priority !== 0n && present.length > 0) {
      errors.push(`Router Expression failed validation: cannot set 'priority' with ${MATCHER_REQUIRED} simultaneously`)
    }
  }
  const routerChecked = routerRuns && errors.length === 0
  if (hasExpression || (flavor === 'expressions' && givenAnyway('expression'))) return { errors, fields, routerChecked }
  const first = protocols[0] ?? 'http'
  if (first === 'tls_passthrough') {
    // The one subschema message that does not list the fields (nor `expression`), in every flavor.
    if (!present.includes('snis')) errors.push(TLS_PASSTHROUGH_SNIS_ERROR)
    return { errors, fields, routerChecked }
  }
  // What Kong's protocol subschemas require, and how their messages name the protocols.
  let required: readonly string[]
  let when: string
  if (first === 'tcp' || first === 'tls' || first === 'udp') [required, when] = [['sources', 'destinations', 'snis'], "'tcp', 'tls' or 'udp'"]
  else if (first === 'grpc' || first === 'grpcs') {
    ;[required, when] = protocols.includes('grpcs') ? [['hosts', 'headers', 'paths', 'snis'], "'grpcs'"] : [['hosts', 'headers', 'paths'], "'grpc'"]
  } else [required, when] = protocols.includes('https') ? [['methods', 'hosts', 'headers', 'paths', 'snis'], "'https'"] : [['methods', 'hosts', 'headers', 'paths'], "'http'"]
  if (!required.some((f) => (present as readonly string[]).includes(f))) {
    const names = flavor === 'expressions' ? [...required, 'expression'] : required
    errors.push(`must set one of ${names.map((n) => `'${n}'`).join(', ')} when 'protocols' is ${when}`)
  }
  return { errors, fields, routerChecked }
}
