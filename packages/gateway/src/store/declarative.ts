import { createHash } from 'node:crypto'
import { isEmptyTable, normalizePath, uuidV5 } from '@switchyard/http'
import type { RouterFlavor } from '../config.ts'
import { prepareRoute, prepareService, type ExpressionDiagnostic, type RouteChecker, type Violation } from '../entities/prepare.ts'
import type { Route } from '../entities/route.ts'
import { setOwn, type FieldErrors, type Json, type JsonObject } from '../entities/schema.ts'
import type { Service } from '../entities/service.ts'
import type { Snapshot } from './store.ts'

/** One problem in a declarative config, with where it is (`services[0].routes[1].expression`). */
export interface ConfigProblem {
  readonly location: string
  /** The same place as segments (array positions 0-based), for finding it in the text (`positionIn`). */
  readonly path?: readonly Segment[]
  /** Where a YAML or JSON syntax error is in the text (1-based). */
  readonly line?: number
  readonly column?: number
  /** The syntax error's place in the text (UTF-16 offsets), for a caret under it. */
  readonly span?: { readonly start: number; readonly end: number }
  readonly message: string
  readonly diagnostics?: readonly ExpressionDiagnostic[]
  /** The expression the diagnostics point into. */
  readonly source?: string
  /** Where `source` is in the config (`services[0].routes[1].expression`). */
  readonly sourcePath?: readonly Segment[]
}

/**
 * A whole validated config, or every problem in it: as a list with locations for people, and as
 * Kong's error table (`errors`, array positions 1-based) for the Admin API's `fields`.
 */
export type DeclarativeResult =
  | { readonly ok: true; readonly snapshot: Snapshot }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[]; readonly errors: FieldErrors }

/** Format versions Kong's declarative loader accepts. */
const FORMAT_VERSIONS = ['1.1', '2.1', '3.0']

/** Kong's namespace for generated entity ids (kong/db/schema/others/declarative_config.lua). */
const KONG_ENTITIES_NAMESPACE = 'fd02801f-0957-4a15-a55a-c8d9606f30b5'

/** Namespace for the ids of entities with neither id nor name (Kong gives them random ones). */
const POSITION_NAMESPACE = 'b5f6c3a2-7d4e-5a1b-9c8d-0e1f2a3b4c5d'

/**
 * Kong's id for an entity declared without one but with a name: a UUIDv5 of the name in the
 * namespace of its kind, itself the UUIDv5 of `services` or `routes` in Kong's namespace. The same
 * file gives the same ids in Kong and here, and on every reload.
 */
export function generatedId(kind: 'services' | 'routes', name: string): string {
  return uuidV5(uuidV5(KONG_ENTITIES_NAMESPACE, kind), name)
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** One step of a location: a key, or a 0-based array position. */
export type Segment = string | number

/** Collects problems twice over: a location for people, Kong's nested table for clients. */
class Problems {
  readonly list: ConfigProblem[] = []
  readonly errors: FieldErrors = {}

  /**
   * Adds `message` at `path` (indexes 0-based). `tree` is where Kong's table holds it when that is
   * not `path`, `shownAt` the location people read when that is not `path`; `list` collects
   * messages as Kong's reference errors are (`{ "r": ["invalid reference …"] }`).
   */
  add(path: readonly Segment[], message: string, options: { tree?: readonly Segment[]; shownAt?: readonly Segment[]; list?: boolean; expression?: Pick<ConfigProblem, 'diagnostics' | 'source' | 'sourcePath'> } = {}): void {
    const shown = options.shownAt ?? path
    this.list.push({ location: location(shown), path: shown, message, ...options.expression })
    const tree = (options.tree ?? path).map((s) => (typeof s === 'number' ? String(s + 1) : s))
    const last = tree.pop() ?? 'error'
    let node = this.errors
    for (const key of tree) {
      const child = own(node, key)
      // Kong reports in phases, so an entity never has both a message of its own and field errors;
      // we report every phase at once, and such a message moves under `@entity`.
      node = typeof child === 'object' ? child : setOwn<FieldErrors>(node, key, child === undefined ? {} : { '@entity': { '1': child } })
    }
    const existing = own(node, last)
    if (existing === undefined && last !== '@entity' && options.list !== true) setOwn(node, last, message)
    else {
      const items = typeof existing === 'object' ? (last === '@entity' || options.list === true ? existing : entityErrors(existing)) : setOwn<FieldErrors>(node, last, existing === undefined ? {} : { '1': existing })
      items[String(Object.keys(items).length + 1)] = message
    }
  }

  /** Adds a refused entity's field and entity errors under its path; `source` is the expression its diagnostics point into. */
  addViolation(path: readonly Segment[], violation: Violation, source?: Json): void {
    const walk = (prefix: readonly Segment[], fields: FieldErrors): void => {
      for (const [name, error] of Object.entries(fields)) {
        if (typeof error === 'string') this.add([...prefix, name], error)
        else walk([...prefix, name], error)
      }
    }
    walk(path, violation.fields)
    const expression = violation.diagnostics.length > 0 && typeof source === 'string' ? { diagnostics: violation.diagnostics, source, sourcePath: [...path, 'expression'] } : undefined
    for (const message of violation.entityErrors) this.add([...path, '@entity'], message, { shownAt: path, ...(expression === undefined ? {} : { expression }) })
  }
}

function entityErrors(node: FieldErrors): FieldErrors {
  const existing = own(node, '@entity')
  return typeof existing === 'object' ? existing : setOwn<FieldErrors>(node, '@entity', existing === undefined ? {} : { '1': existing })
}

/**
 * An error table's own entry. Keys come from the config (an unknown field, a route's name), so
 * `__proto__` or `constructor` must name an entry, never what every object inherits.
 */
function own(node: FieldErrors, key: string): string | FieldErrors | undefined {
  return Object.hasOwn(node, key) ? node[key] : undefined
}

function location(path: readonly Segment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') || 'document'
}

/**
 * The hash of a declarative config's text as Kong keeps it for `POST /config?check_hash=1` (MD5,
 * hex): the same for a posted text and for the file loaded at start, so either is "the running one".
 */
export function configHash(text: string): string {
  return createHash('md5').update(text).digest('hex')
}

/**
 * Kong 3.x entity types (kong/constants.lua CORE_ENTITIES and the bundled plugins' entities) that
 * Switchyard does not implement. A config that declares any is refused with an error naming the
 * type: ignoring it would drop, say, an authentication plugin and leave its routes open.
 */
const UNSUPPORTED_ENTITIES = new Set([
  'workspaces', 'consumers', 'certificates', 'snis', 'upstreams', 'targets', 'plugins', 'ca_certificates', 'clustering_data_planes', 'parameters',
  'vaults', 'key_sets', 'keys', 'filter_chains', 'keyauth_credentials', 'basicauth_credentials', 'hmacauth_credentials', 'jwt_secrets', 'acls',
  'oauth2_credentials', 'oauth2_authorization_codes', 'oauth2_tokens',
])

/** The Kong entities that nest under a service or a route (those with a foreign key to it). */
const NESTED_UNSUPPORTED = ['plugins', 'filter_chains']

function unsupportedMessage(kind: string): string {
  return `'${kind}' entities are not supported by switchyard (it loads services and routes only)`
}

/**
 * Whether a declared list of an unsupported kind holds anything: an empty list or null declares
 * nothing, so it is accepted (Kong exports and decK files often carry them).
 */
function declaresAny(value: Json | undefined): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)
}

/** Takes the nested lists of unsupported kinds out of an entity, refusing those that declare any. */
function withoutNested(input: JsonObject, path: readonly Segment[], problems: Problems): JsonObject {
  const rest: Record<string, Json> = { ...input }
  for (const kind of NESTED_UNSUPPORTED) {
    if (!Object.hasOwn(rest, kind)) continue
    if (declaresAny(rest[kind])) problems.add([...path, kind], unsupportedMessage(kind))
    delete rest[kind]
  }
  return rest
}

/** Options of declarative validation. */
export interface DeclarativeOptions {
  readonly flavor: RouterFlavor
  readonly checkRoute: RouteChecker
}

/**
 * Kong 3's on-the-fly migration of a route's paths from a 1.1 or 2.1 file
 * (kong/db/migrations/migrate_path_280_300.lua): a path with characters outside
 * `[a-zA-Z0-9.\-_~/%]` was a regex and gets `~`, its percent-escapes of unreserved characters
 * decoded; any other path is normalised.
 */
export function migratePath(path: string): string {
  if (/^[a-zA-Z0-9.\-_~/%]*$/.test(path)) {
    const normalized = normalizePath(path)
    return normalized.ok ? normalized.text : path
  }
  return '~' + path.replace(/%([0-9A-Fa-f]{2})/g, (triplet, hex: string) => {
    const code = parseInt(hex, 16)
    if ('!#$%&\'()*+,/:;=?@[]'.includes(String.fromCharCode(code))) return triplet.toUpperCase()
    const char = String.fromCharCode(code)
    return '.^-{}\\|'.includes(char) ? `\\${char}` : char
  })
}

/** Removes `_comment` and `_ignore`, which Kong allows on every entity, checking their types. */
function withoutExtras(raw: JsonObject, path: readonly Segment[], problems: Problems): JsonObject {
  const { _comment: comment, _ignore: ignore, ...rest } = raw
  if (comment !== undefined && comment !== null && typeof comment !== 'string') problems.add([...path, '_comment'], 'expected a string')
  if (ignore !== undefined && ignore !== null && !Array.isArray(ignore)) problems.add([...path, '_ignore'], 'expected an array')
  return rest
}

interface Declared {
  readonly path: readonly Segment[]
  /** Kong's table path for a uniqueness error on this entity's name (its index in its own list). */
  readonly nameTree: readonly Segment[]
  readonly id: string
  readonly name: string | undefined
}

/**
 * Validates a Kong-format declarative config (`_format_version`, services with nested routes,
 * top-level routes) as a whole and turns it into a snapshot. Every problem is reported, each with
 * its location; nothing is partially accepted.
 */
export function loadDeclarative(value: unknown, options: DeclarativeOptions): DeclarativeResult {
  const problems = new Problems()
  if (!isObject(value)) {
    problems.add(['error'], 'failed parsing declarative configuration: expected an object')
    return { ok: false, problems: problems.list, errors: problems.errors }
  }
  const known = new Set(['_format_version', '_transform', '_comment', '_ignore', '_workspace', 'services', 'routes'])
  for (const key of Object.keys(value)) {
    if (UNSUPPORTED_ENTITIES.has(key)) {
      if (declaresAny(value[key])) problems.add([key], unsupportedMessage(key))
    } else if (!known.has(key)) problems.add([key], 'unknown field')
  }
  const version = value['_format_version']
  if (version === undefined || version === null) problems.add(['_format_version'], 'required field missing')
  else if (typeof version !== 'string') problems.add(['_format_version'], 'expected a string')
  else if (!FORMAT_VERSIONS.includes(version)) problems.add(['_format_version'], `expected one of: ${FORMAT_VERSIONS.join(', ')}`)
  const transform = value['_transform']
  if (transform !== undefined && transform !== null && typeof transform !== 'boolean') problems.add(['_transform'], 'expected a boolean')
  withoutExtras(value, [], problems)
  const migrate = version === '1.1' || version === '2.1'

  const context = { flavor: options.flavor, checkRoute: options.checkRoute, now: Math.floor(Date.now() / 1000), form: false }
  const services: Service[] = []
  const routes: Route[] = []
  const declaredServices: Declared[] = []
  const declaredRoutes: Declared[] = []
  const pendingRoutes: { path: readonly Segment[]; input: JsonObject; serviceRef: Json | undefined; serviceId: string | undefined }[] = []

  const list = (key: string, path: readonly Segment[], source: JsonObject): JsonObject[] => {
    const items = source[key]
    if (items === undefined || items === null || isEmptyTable(items)) return []
    if (!Array.isArray(items)) return problems.add([...path, key], 'expected an array'), []
    return (items as Json[]).flatMap((item, index) => (isObject(item) ? [item] : (problems.add([...path, key, index], 'expected a record'), [])))
  }
  // An entity's own id, or Kong's from its name, or one from its place in the file.
  const idOf = (kind: 'services' | 'routes', input: JsonObject, path: readonly Segment[]): { id: string | undefined; assigned: string } => {
    const own = input['id']
    if (own !== undefined && own !== null) return { id: undefined, assigned: typeof own === 'string' ? own : String(own) }
    const name = input['name']
    const assigned = typeof name === 'string' ? generatedId(kind, name) : uuidV5(POSITION_NAMESPACE, location(path))
    return { id: assigned, assigned }
  }

  list('services', [], value).forEach((raw, index) => {
    const path = ['services', index]
    const { routes: nested, ...input } = withoutNested(withoutExtras(raw, path, problems), path, problems)
    const { id, assigned } = idOf('services', input, path)
    list('routes', path, { routes: nested ?? null }).forEach((route, routeIndex) => {
      const routePath = [...path, 'routes', routeIndex]
      // A nested route belongs to its service: Kong's nested schema requires `service` to be null.
      if (route['service'] !== undefined && route['service'] !== null) problems.add([...routePath, 'service'], 'value must be null')
      pendingRoutes.push({ path: routePath, input: route, serviceRef: undefined, serviceId: assigned })
    })
    declaredServices.push({ path, nameTree: path, id: assigned, name: typeof input['name'] === 'string' ? input['name'] : undefined })
    const prepared = prepareService(input, id, undefined, context)
    if (!prepared.ok) problems.addViolation(path, prepared.violation)
    else services.push(prepared.service)
  })
  list('routes', [], value).forEach((route, index) => pendingRoutes.push({ path: ['routes', index], input: route, serviceRef: route['service'], serviceId: undefined }))

  const byKey = new Map<string, string>()
  for (const s of declaredServices) byKey.set(s.id, s.id)
  for (const s of declaredServices) if (s.name !== undefined) byKey.set(s.name, s.id)

  for (const pending of pendingRoutes) {
    const { service: _ignored, ...withoutService } = withoutNested(withoutExtras(pending.input, pending.path, problems), pending.path, problems)
    const input = migrate && Array.isArray(withoutService['paths']) ? { ...withoutService, paths: (withoutService['paths'] as Json[]).map((p) => (typeof p === 'string' ? migratePath(p) : p)) } : withoutService
    const { id, assigned } = idOf('routes', input, pending.path)
    const name = typeof input['name'] === 'string' ? input['name'] : undefined
    const last = pending.path[pending.path.length - 1] as number
    declaredRoutes.push({ path: pending.path, nameTree: ['routes', last], id: assigned, name })
    let serviceId = pending.serviceId ?? null
    const ref = pending.serviceRef
    if (isObject(ref) && typeof ref['id'] !== 'string') {
      // A record is resolved by its id only: Kong's schema refuses one without (`{name: …}` too).
      problems.add([...pending.path, 'service', 'id'], 'missing primary key')
    } else if (ref !== undefined && ref !== null) {
      // Kong resolves a top-level route's `service` by name, then id; a record by its `id`.
      const key = typeof ref === 'string' ? ref : isObject(ref) && typeof ref['id'] === 'string' ? ref['id'] : undefined
      const found = key === undefined ? undefined : byKey.get(key)
      if (found === undefined) {
        const shown = typeof ref === 'string' ? ref : JSON.stringify(ref)
        problems.add([...pending.path, 'service'], `invalid reference 'service: ${shown}' (no such entry in 'services')`, { tree: ['routes', name ?? assigned], list: true })
      } else serviceId = found
    }
    const prepared = prepareRoute({ ...input, service: serviceId === null ? null : { id: serviceId } }, id, undefined, context)
    if (!prepared.ok) problems.addViolation(pending.path, prepared.violation, input['expression'])
    else routes.push(prepared.route)
  }

  uniqueness('services', declaredServices, problems)
  uniqueness('routes', declaredRoutes, problems)
  return problems.list.length > 0 ? { ok: false, problems: problems.list, errors: problems.errors } : { ok: true, snapshot: { services, routes } }
}

/**
 * Kong's uniqueness checks (populate_references): a second entity with a name already declared,
 * else with an id already declared. Kong keeps a name error at the entity's index in its own list,
 * under the kind's top-level key even for a nested route.
 */
function uniqueness(kind: string, entities: readonly Declared[], problems: Problems): void {
  const ids = new Set<string>()
  const names = new Set<string>()
  for (const entity of entities) {
    if (entity.name !== undefined && names.has(entity.name)) {
      problems.add(entity.path, `uniqueness violation: '${kind}' entity with name set to '${entity.name}' already declared`, { tree: entity.nameTree })
      continue
    }
    if (entity.name !== undefined) names.add(entity.name)
    if (ids.has(entity.id)) problems.add(entity.path, `uniqueness violation: '${kind}' entity with primary key set to '${entity.id}' already declared`)
    ids.add(entity.id)
  }
}
