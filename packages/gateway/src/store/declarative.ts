import { createHash } from 'node:crypto'
import { parseDocument } from 'yaml'
import type { RouterFlavor } from '../config.ts'
import { prepareRoute, prepareService, type ExpressionDiagnostic, type RouteChecker, type Violation } from '../entities/prepare.ts'
import type { Route } from '../entities/route.ts'
import { UUID_PATTERN, type Json, type JsonObject } from '../entities/schema.ts'
import type { Service } from '../entities/service.ts'
import type { Snapshot } from './store.ts'

/** One problem in a declarative config, with where it is (`services[0].routes[1].expression`). */
export interface ConfigProblem {
  readonly location: string
  readonly message: string
  readonly diagnostics?: readonly ExpressionDiagnostic[]
  /** The expression the diagnostics point into. */
  readonly source?: string
}

/** A whole validated config, or every problem in it. */
export type DeclarativeResult = { readonly ok: true; readonly snapshot: Snapshot } | { readonly ok: false; readonly problems: readonly ConfigProblem[] }

/** Format versions Kong's declarative loader accepts. */
const FORMAT_VERSIONS = ['1.1', '2.1', '3.0']

/** Namespace for the stable ids of entities that have none in the file (so reloads keep ids). */
const ID_NAMESPACE = 'b5f6c3a2-7d4e-5a1b-9c8d-0e1f2a3b4c5d'

/** A UUIDv5 of `name`, so an entity without an id in the file keeps the same id across reloads. */
function stableId(name: string): string {
  const namespace = Buffer.from(ID_NAMESPACE.replace(/-/g, ''), 'hex')
  const hash = createHash('sha1').update(namespace).update(name).digest()
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function violationProblems(location: string, violation: Violation, source?: Json): ConfigProblem[] {
  const out: ConfigProblem[] = []
  const walk = (prefix: string, fields: Violation['fields']): void => {
    for (const [name, error] of Object.entries(fields)) {
      if (typeof error === 'string') out.push({ location: `${prefix}.${name}`, message: error })
      else walk(`${prefix}.${name}`, error)
    }
  }
  walk(location, violation.fields)
  for (const message of violation.entityErrors) {
    out.push(violation.diagnostics.length > 0 && typeof source === 'string' ? { location, message, diagnostics: violation.diagnostics, source } : { location, message })
  }
  return out
}

/** Parses YAML or JSON text; syntax errors come back as problems with line and column. */
export function parseConfigText(text: string): { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] } {
  const document = parseDocument(text, { prettyErrors: false })
  if (document.errors.length > 0) {
    return { ok: false, problems: document.errors.map((e) => ({ location: e.linePos?.[0] === undefined ? 'document' : `line ${e.linePos[0].line}, column ${e.linePos[0].col}`, message: e.message.split('\n')[0] ?? e.message })) }
  }
  return { ok: true, value: document.toJS() as unknown }
}

/** Options of declarative validation. */
export interface DeclarativeOptions {
  readonly flavor: RouterFlavor
  readonly checkRoute: RouteChecker
}

/**
 * Validates a Kong-format declarative config (`_format_version`, services with nested routes,
 * top-level routes) as a whole and turns it into a snapshot. Every problem is reported, each with
 * its location; nothing is partially accepted.
 */
export function loadDeclarative(value: unknown, options: DeclarativeOptions): DeclarativeResult {
  const problems: ConfigProblem[] = []
  if (!isObject(value)) return { ok: false, problems: [{ location: 'document', message: 'expected an object' }] }
  const known = new Set(['_format_version', '_transform', '_comment', '_workspace', 'services', 'routes'])
  for (const key of Object.keys(value)) if (!known.has(key)) problems.push({ location: key, message: 'unknown field' })
  const version = value['_format_version']
  if (version === undefined) problems.push({ location: '_format_version', message: 'required field missing' })
  else if (typeof version !== 'string' || !FORMAT_VERSIONS.includes(version)) problems.push({ location: '_format_version', message: `expected one of: ${FORMAT_VERSIONS.join(', ')}` })

  const now = Math.floor(Date.now() / 1000)
  const context = { flavor: options.flavor, checkRoute: options.checkRoute, now, form: false }
  const services: Service[] = []
  const routes: Route[] = []
  const pendingRoutes: { location: string; input: JsonObject; serviceRef: Json | undefined }[] = []
  // Every declared service, valid or not: its routes are still checked, and its own errors reported once.
  const serviceIds = new Map<string, string>()

  const list = (key: string, where: string, source: JsonObject): JsonObject[] => {
    const items = source[key]
    if (items === undefined || items === null) return []
    if (!Array.isArray(items)) return problems.push({ location: where, message: 'expected an array' }), []
    return (items as Json[]).flatMap((item, index) => (isObject(item) ? [item] : (problems.push({ location: `${where}[${index}]`, message: 'expected a record' }), [])))
  }

  list('services', 'services', value).forEach((raw, index) => {
    const location = `services[${index}]`
    const { routes: _nested, ...input } = raw
    const id = typeof input['id'] === 'string' ? input['id'] : stableId(`services:${typeof input['name'] === 'string' ? input['name'] : index}`)
    serviceIds.set(id, id)
    if (typeof input['name'] === 'string') serviceIds.set(input['name'], id)
    const prepared = prepareService(input, id, undefined, context)
    if (!prepared.ok) problems.push(...violationProblems(location, prepared.violation))
    else services.push(prepared.service)
    list('routes', `${location}.routes`, raw).forEach((route, routeIndex) => {
      pendingRoutes.push({ location: `${location}.routes[${routeIndex}]`, input: route, serviceRef: { id } })
    })
  })
  list('routes', 'routes', value).forEach((route, index) => pendingRoutes.push({ location: `routes[${index}]`, input: route, serviceRef: route['service'] }))

  for (const pending of pendingRoutes) {
    const { service: _ignored, ...input } = pending.input
    let serviceId: string | null = null
    const ref = pending.serviceRef
    // A top-level route names its service by name or id, as a string or as {id} / {name}.
    const key = typeof ref === 'string' ? ref : isObject(ref) ? (typeof ref['id'] === 'string' ? ref['id'] : typeof ref['name'] === 'string' ? ref['name'] : undefined) : undefined
    if (key !== undefined) {
      const found = serviceIds.get(key) ?? (UUID_PATTERN.test(key) ? serviceIds.get(key.toLowerCase()) : undefined)
      if (found === undefined) {
        problems.push({ location: `${pending.location}.service`, message: `references an unknown service '${key}'` })
        continue
      }
      serviceId = found
    }
    const id = typeof input['id'] === 'string' ? input['id'] : stableId(`routes:${typeof input['name'] === 'string' ? input['name'] : pending.location}`)
    const prepared = prepareRoute({ ...input, service: serviceId === null ? null : { id: serviceId } }, id, undefined, context)
    if (!prepared.ok) problems.push(...violationProblems(pending.location, prepared.violation, input['expression']))
    else routes.push(prepared.route)
  }

  uniqueness('services', services, problems)
  uniqueness('routes', routes, problems)
  return problems.length > 0 ? { ok: false, problems } : { ok: true, snapshot: { services, routes } }
}

function uniqueness(kind: string, entities: readonly { id: string; name: string | null }[], problems: ConfigProblem[]): void {
  const ids = new Set<string>()
  const names = new Set<string>()
  entities.forEach((entity) => {
    if (ids.has(entity.id)) problems.push({ location: kind, message: `uniqueness violation: '${kind}' entity with primary key set to '${entity.id}' already declared` })
    ids.add(entity.id)
    if (entity.name === null) return
    if (names.has(entity.name)) problems.push({ location: kind, message: `uniqueness violation: '${kind}' entity with name set to '${entity.name}' already declared` })
    names.add(entity.name)
  })
}
