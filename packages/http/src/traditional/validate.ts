/**
 * Kong's route entity for traditional routes (traditional-routes.md §1): field types, defaults,
 * per-field rules, protocol-dependent requirements and the ATC entity checks. Every problem names
 * its field; the result carries Kong's error body.
 */
import { checkAddress } from './addresses.ts'
import { checkEngine, checkRegexPath, checkPathNormalized } from './engine-check.ts'
import { checkUtf8Name, exclusiveProtocolsError, isEmptyTable, protocolFieldErrors, routeEntityChecks, subschemaKeyError, SNIS_ENTITY_ERROR, type FailedFields } from './entity-rules.ts'
import { schemaViolation, type FieldError, type SchemaViolation } from './errors.ts'
import { checkHeaderName } from './headers.ts'
import { setOwn } from '../set-own.ts'
import { checkHost } from './hosts.ts'
import { checkPathShape } from './paths.ts'
import { MAX_EXPRESSION_PRIORITY } from './priority.ts'
import { PROTOCOLS, isRegexPath, type AddressMatch, type Flavor, type TraditionalRoute } from './route.ts'
import { checkSni } from './snis.ts'

/**
 * Which defaults fill unset fields: `entity` = the Admin API's (protocols http+https, strip_path
 * true, …); `router` = none, as Kong's router sees a bare route table (unset protocols add no
 * protocol predicate, unset strip_path means false).
 */
export type RouteDefaults = 'entity' | 'router'

/** Options of `normalizeRoute`. */
export interface NormalizeOptions {
  readonly flavor: Flavor
  /** Default `entity`. */
  readonly defaults?: RouteDefaults
}

/** A checked route, or Kong's error body with the list it was built from. */
export type NormalizeResult =
  | { readonly ok: true; readonly route: TraditionalRoute }
  | { readonly ok: false; readonly errors: readonly FieldError[]; readonly violation: SchemaViolation }

const REDIRECT_CODES = [426, 301, 302, 307, 308]
/** constants.PROTOCOLS as Kong lists it in `one_of` errors: sorted. */
const PROTOCOL_NAMES = [...PROTOCOLS].sort().join(', ')

/**
 * Checks an Admin-API-shaped route and returns it typed, with sets de-duplicated (first-seen order)
 * and the chosen defaults applied. Fields other than the routing ones (`name`, `service`, `tags`, …)
 * are kept as they are.
 */
export function normalizeRoute(input: unknown, options: NormalizeOptions): NormalizeResult {
  const errors: FieldError[] = []
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fail([{ field: '@entity', message: 'expected a record' }])
  const given = input as Record<string, unknown>
  const keyError = subschemaKeyError(given['protocols'], options.flavor)
  if (keyError !== undefined) return fail([{ field: 'protocols', message: keyError }])
  const route: Record<string, unknown> = { ...given }

  if (options.flavor === 'traditional_compatible')
    for (const field of ['expression', 'priority'])
      if (given[field] !== undefined) errors.push({ field, message: 'unknown field' })
  // A null is not an unset field: where Kong's schema requires one with a default, null is refused.
  for (const field of options.flavor === 'expressions' ? [...REQUIRED_WITH_DEFAULT, 'priority'] : REQUIRED_WITH_DEFAULT)
    if (given[field] === null) errors.push({ field, message: 'required field missing' })
  // Fields the protocol's subschema refuses get that error alone, before their type is checked.
  const refused = protocolFieldErrors(given, options.flavor)
  for (const [field, message] of Object.entries(refused)) errors.push({ field, message })
  const raw = Object.keys(refused).length === 0 ? given : withoutKeys(given, Object.keys(refused))

  checkName(raw['name'], errors)
  route['protocols'] = checkStringSet('protocols', raw['protocols'], errors, (value) =>
    (PROTOCOLS as readonly string[]).includes(value) ? undefined : `expected one of: ${PROTOCOL_NAMES}`,
  )
  if (Array.isArray(route['protocols']) && (route['protocols'] as unknown[]).length === 0)
    errors.push({ field: 'protocols', message: 'length must be at least 1' })
  // The `protocols` field's own `mutually_exclusive_subsets` rule: a field error, so no entity check
  // runs after it (each one's `if_match` inherits the field's rules).
  const conflict = Array.isArray(route['protocols']) ? exclusiveProtocolsError(route['protocols'] as string[]) : undefined
  if (conflict !== undefined) errors.push({ field: 'protocols', message: conflict })
  route['methods'] = checkStringSet('methods', raw['methods'], errors, (value) =>
    /^[A-Z]+$/.test(value) ? undefined : 'invalid value: ' + value,
  )
  route['hosts'] = checkStringArray('hosts', raw['hosts'], errors, checkHost, false)
  route['paths'] = checkStringArray('paths', raw['paths'], errors, checkPathShape, false)
  route['snis'] = checkStringSet('snis', raw['snis'], errors, checkSni)
  route['headers'] = checkHeaders(raw['headers'], errors)
  route['sources'] = checkAddresses('sources', raw['sources'], errors)
  route['destinations'] = checkAddresses('destinations', raw['destinations'], errors)
  checkType('regex_priority', raw['regex_priority'], 'integer', errors)
  for (const field of ['strip_path', 'preserve_host', 'request_buffering', 'response_buffering'])
    checkType(field, raw[field], 'boolean', errors)
  if (raw['path_handling'] !== undefined && raw['path_handling'] !== null && raw['path_handling'] !== 'v0' && raw['path_handling'] !== 'v1')
    errors.push({ field: 'path_handling', message: 'expected one of: v0, v1' })
  const redirect = raw['https_redirect_status_code']
  if (redirect !== undefined && redirect !== null && !REDIRECT_CODES.includes(redirect as number))
    errors.push({ field: 'https_redirect_status_code', message: `value must be one of: ${REDIRECT_CODES.join(', ')}` })
  if (options.flavor === 'expressions') checkExpressionFields(raw, errors)
  const typed = route as TraditionalRoute
  if (errors.length > 0) return fail(besideFieldErrors(typed, given, options.flavor, errors))

  checkPathsDeeply(typed, errors)
  if (errors.length > 0) return fail(besideFieldErrors(typed, given, options.flavor, errors))
  checkEntity(typed, options.flavor, errors)
  if (errors.length > 0) return fail(errors)
  const engineError = checkEngine(typed)
  if (engineError !== undefined) return fail([engineError])
  return { ok: true, route: (options.defaults ?? 'entity') === 'entity' ? withEntityDefaults(typed) : typed }
}

/** The fields routes.lua marks `required = true` with a default (`priority` too in the `expressions` flavor). */
const REQUIRED_WITH_DEFAULT = ['protocols', 'https_redirect_status_code', 'strip_path', 'preserve_host', 'request_buffering', 'response_buffering']

function withoutKeys(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) if (!keys.includes(key)) setOwn(out, key, value)
  return out
}

function fail(errors: readonly FieldError[]): NormalizeResult {
  return { ok: false, errors, violation: schemaViolation(errors) }
}

/** The Admin API's defaults for unset fields (§1.1); grpc routes default to `strip_path = false`. */
export function withEntityDefaults(route: TraditionalRoute): TraditionalRoute {
  const protocols = route.protocols ?? ['http', 'https']
  const grpc = protocols.some((protocol) => protocol === 'grpc' || protocol === 'grpcs')
  return {
    ...route,
    protocols,
    regex_priority: route.regex_priority ?? 0,
    strip_path: route.strip_path ?? !grpc,
    preserve_host: route.preserve_host ?? false,
    path_handling: route.path_handling ?? 'v0',
    https_redirect_status_code: route.https_redirect_status_code ?? 426,
  }
}

function checkName(name: unknown, errors: FieldError[]): void {
  if (name === undefined || name === null) return
  if (typeof name !== 'string') errors.push({ field: 'name', message: 'expected a string' })
  else if (name.length === 0) errors.push({ field: 'name', message: 'length must be at least 1' })
  else {
    const message = checkUtf8Name(name)
    if (message !== undefined) errors.push({ field: 'name', message })
  }
}

function checkType(field: string, value: unknown, type: 'integer' | 'boolean', errors: FieldError[]): void {
  if (value === undefined || value === null) return
  if (type === 'boolean' && typeof value !== 'boolean') errors.push({ field, message: 'expected a boolean' })
  if (type === 'integer' && !(typeof value === 'number' && Number.isInteger(value)))
    errors.push({ field, message: 'expected an integer' })
}

function checkStringArray(
  field: string,
  value: unknown,
  errors: FieldError[],
  check: (value: string) => string | undefined,
  isSet: boolean,
): readonly string[] | null | undefined {
  if (value === undefined || value === null) return value
  if (isEmptyTable(value)) return []
  if (!Array.isArray(value)) {
    errors.push({ field, message: isSet ? 'expected a set' : 'expected an array' })
    return undefined
  }
  const out: string[] = []
  value.forEach((element: unknown, index) => {
    const at = `${field}.${index + 1}`
    // Kong makes a list's elements required: a null element is missing, not of the wrong type.
    if (element === null) errors.push({ field: at, message: 'required field missing' })
    else if (typeof element !== 'string') errors.push({ field: at, message: 'expected a string' })
    else if (element.length === 0) errors.push({ field: at, message: 'length must be at least 1' })
    else {
      const message = check(element)
      if (message !== undefined) errors.push({ field: at, message })
      if (!isSet || !out.includes(element)) out.push(element)
    }
  })
  return out
}

function checkStringSet(
  field: string,
  value: unknown,
  errors: FieldError[],
  check: (value: string) => string | undefined,
): readonly string[] | null | undefined {
  return checkStringArray(field, value, errors, check, true)
}

/**
 * Kong's `headers` map: it stops at the first failing name or value list, and the errors of a
 * list's items go under `headers` by their position in that list (`headers.1`), not under the name.
 */
function checkHeaders(value: unknown, errors: FieldError[]): TraditionalRoute['headers'] {
  if (value === undefined || value === null) return value
  // Kong's cjson decodes a list as a table with integer keys: empty it is an empty map, else its
  // first key fails the name's type (06-routes_spec "key must be a string").
  if (Array.isArray(value)) {
    if (value.length === 0) return {}
    errors.push({ field: 'headers', message: 'expected a string' })
    return undefined
  }
  if (typeof value !== 'object') {
    errors.push({ field: 'headers', message: 'expected a map' })
    return undefined
  }
  const out: Record<string, readonly string[]> = {}
  for (const [name, values] of Object.entries(value as Record<string, unknown>)) {
    const nameError = checkHeaderName(name)
    if (nameError !== undefined) {
      errors.push({ field: 'headers', message: nameError })
      return undefined
    }
    if (values === undefined || values === null) {
      errors.push({ field: 'headers', message: 'required field missing' })
      return undefined
    }
    if (!Array.isArray(values)) {
      errors.push({ field: 'headers', message: 'expected an array' })
      return undefined
    }
    const before = errors.length
    values.forEach((item: unknown, index) => {
      if (item === null) errors.push({ field: `headers.${index + 1}`, message: 'required field missing' })
      else if (typeof item !== 'string') errors.push({ field: `headers.${index + 1}`, message: 'expected a string' })
      else if (item.length === 0) errors.push({ field: `headers.${index + 1}`, message: 'length must be at least 1' })
    })
    if (errors.length > before) return undefined
    if (values.length === 0) errors.push({ field: `headers.${name}`, message: 'length must be at least 1' })
    // Defined, not assigned: a header may be named `__proto__` (Kong's name rule allows it), and
    // assigning that name would set the map's prototype and drop the header from the route.
    else setOwn(out, name, values as string[])
  }
  return out
}

function checkAddresses(field: string, value: unknown, errors: FieldError[]): readonly AddressMatch[] | null | undefined {
  if (value === undefined || value === null) return value
  if (isEmptyTable(value)) return []
  if (!Array.isArray(value)) {
    errors.push({ field, message: 'expected a set' })
    return undefined
  }
  const out: AddressMatch[] = []
  value.forEach((element: unknown, index) => {
    const problem = checkAddress(element)
    if (problem !== undefined) {
      if ('message' in problem) errors.push({ field: `${field}.${index + 1}`, message: problem.message })
      else for (const [key, message] of Object.entries(problem.fields)) errors.push({ field: `${field}.${index + 1}.${key}`, message })
      return
    }
    const record = element as AddressMatch
    if (!out.some((seen) => (seen.ip ?? null) === (record.ip ?? null) && (seen.port ?? null) === (record.port ?? null))) out.push(record)
  })
  return out
}

function checkExpressionFields(raw: Record<string, unknown>, errors: FieldError[]): void {
  const expression = raw['expression']
  if (expression !== undefined && expression !== null && (typeof expression !== 'string' || expression.length === 0))
    errors.push({ field: 'expression', message: typeof expression === 'string' ? 'length must be at least 1' : 'expected a string' })
  const priority = raw['priority']
  if (priority === undefined || priority === null) return
  if (typeof priority !== 'number' || !Number.isInteger(priority)) errors.push({ field: 'priority', message: 'expected an integer' })
  else if (priority < 0 || BigInt(priority) > MAX_EXPRESSION_PRIORITY)
    errors.push({ field: 'priority', message: `value should be between 0 and ${MAX_EXPRESSION_PRIORITY}` })
}

function checkPathsDeeply(route: TraditionalRoute, errors: FieldError[]): void {
  route.paths?.forEach((path, index) => {
    const message = isRegexPath(path) ? checkRegexPath(path) : checkPathNormalized(path)
    if (message !== undefined) errors.push({ field: `paths.${index + 1}`, message })
  })
}



/**
 * Field errors, then the entity checks that run beside them (Kong runs every check whose own fields
 * passed, see `routeEntityChecks`).
 */
function besideFieldErrors(route: TraditionalRoute, input: Readonly<Record<string, unknown>>, flavor: Flavor, errors: FieldError[]): FieldError[] {
  const names = new Set(errors.filter((e) => e.field !== '@entity').map((e) => e.field.split('.')[0] as string))
  checkEntity(route, flavor, errors, { names, input })
  // Kong's message names the entity's errors first.
  return [...errors.filter((e) => e.field === '@entity'), ...errors.filter((e) => e.field !== '@entity')]
}

/**
 * The gRPC subschema's `strip_path` rule (§1.4) and the ATC entity checks (§1.5 items 2–4,
 * `routeEntityChecks`), those that read a `failed` field left out. The subschema's refused fields
 * and the `protocols` sets are field errors, checked with the other fields before this.
 */
function checkEntity(route: TraditionalRoute, flavor: Flavor, errors: FieldError[], failed?: FailedFields): void {
  const first = (route.protocols ?? ['http', 'https'])[0]
  const stripPathFailed = failed?.names.has('strip_path') === true || failed?.names.has('protocols') === true
  if ((first === 'grpc' || first === 'grpcs') && route.strip_path === true && !stripPathFailed) errors.push({ field: 'strip_path', message: "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'" })
  const checked = routeEntityChecks(route as Readonly<Record<string, unknown>>, flavor, failed)
  // Each field error after the entity error of its check (the `snis` conditional's comes first).
  const fieldErrors = Object.entries(checked.fields).map(([field, message]) => ({ field, message }))
  for (const message of checked.errors) {
    errors.push({ field: '@entity', message })
    if (message === SNIS_ENTITY_ERROR) errors.push(...fieldErrors.splice(0))
  }
  errors.push(...fieldErrors)
}
