// Runs conformance groups through @switchyard/http and @switchyard/core. Runtime-neutral (no Node
// built-ins), so the same runner works in Node and, bundled, in a browser.
import {
  FieldContext,
  LinearRouter,
  Router,
  Schema,
  formatIpAddr,
  formatIpCidr,
  isValueType,
  validate,
  type Context,
  type DiagnosticKind,
  type FieldValue,
  type Match,
  type RouteInput,
  type RouterApi,
  type ValueType,
} from '@switchyard/core'
import { contextFromFields, createFieldExtractor, httpSchema, streamSchema, subsystemOf, uriCaptures, type RequestLike } from '@switchyard/http'
import { routeFields, type CaseResult, type Group, type GroupCase, type GroupRoute, type InvalidEntry, type JsonValue } from './group.ts'
import { expressionRoute, invalidExpressionKind } from './expression-routes.ts'
import { traditionalSupport } from './traditional.ts'

/** Runs every case and invalid entry of one group. */
export function runGroup(file: string, group: Group): CaseResult[] {
  const results: CaseResult[] = []
  const schemaResult = groupSchema(group)
  const builtin = typeof group.schema === 'string'
  const subsystem = group.schema === 'stream' ? 'stream' : 'http'
  const result = (name: string, status: CaseResult['status'], detail: Partial<CaseResult> = {}): void => {
    results.push({ file, name, status, ...detail })
  }
  if (typeof schemaResult === 'string') {
    for (const c of group.cases ?? []) result(c.name, 'failed', { expected: 'a usable schema', got: schemaResult })
    return results
  }
  const schema = schemaResult
  const routers: RouterApi[] = [new Router(schema), new LinearRouter(schema)]
  const routesById = new Map<string, GroupRoute>()
  let setupProblem: { status: 'failed' | 'skipped'; reason: string } | undefined
  // Routes Kong's router would not hold, and why: shown beside a failing case.
  const notLoaded: string[] = []
  for (const route of group.routes ?? []) {
    routesById.set(route.id, route)
    const excluded = exclusion(route, subsystem, builtin)
    if (excluded !== undefined) {
      notLoaded.push(`route ${route.id}: ${excluded}`)
      continue
    }
    const entries = routeEntries(route, group, builtin)
    if (!entries.ok) {
      if (entries.skip) setupProblem ??= { status: 'skipped', reason: entries.error }
      // As Kong builds its router: a route that fails to convert is logged and left out (spec §4).
      else notLoaded.push(entries.error)
      continue
    }
    const refused = addAll(routers, entries.entries)
    if (refused !== undefined) notLoaded.push(`route ${route.id} rejected: ${refused}`)
  }
  for (const c of group.cases ?? []) {
    if (setupProblem !== undefined) {
      result(c.name, setupProblem.status, setupProblem.status === 'skipped' ? { reason: setupProblem.reason } : { expected: 'all routes accepted', got: setupProblem.reason })
      continue
    }
    const [status, detail] = runCase(c, group, schema, subsystem, routers, routesById)
    result(c.name, status, status === 'failed' && notLoaded.length > 0 ? { ...detail, got: `${detail.got ?? ''} (not loaded: ${notLoaded.join('; ')})` } : detail)
  }
  for (const [index, entry] of (group.invalid ?? []).entries()) {
    const name = `invalid #${index + 1}: ${entry.expression ?? JSON.stringify(entry.traditional)}`.slice(0, 120)
    const kind = invalidKind(entry, group, schema, builtin)
    if (kind === 'skip') result(name, 'skipped', { reason: 'traditional route validation arrives with the traditional-routes work' })
    else if (kind === entry.error) result(name, 'passed')
    else result(name, 'failed', { expected: `error of kind ${entry.error}`, got: kind === undefined ? 'accepted' : `error of kind ${kind}` })
  }
  return results
}

type Entries = { ok: true; entries: RouteInput[] } | { ok: false; skip: boolean; error: string }

/**
 * Why Kong's router for this subsystem would not hold a route (traditional-routes.md §6.2): its
 * service is disabled, or none of its protocols belongs to the subsystem. Groups with their own
 * schema have no subsystem.
 */
function exclusion(route: GroupRoute, subsystem: 'http' | 'stream', builtin: boolean): string | undefined {
  if (route.service?.['enabled'] === false) return 'its service is disabled'
  if (!builtin) return undefined
  const protocols = routeFields(route)['protocols']
  if (!Array.isArray(protocols) || protocols.length === 0) return undefined
  return protocols.some((p) => typeof p === 'string' && subsystemOf(p) === subsystem) ? undefined : `no protocol of the ${subsystem} subsystem`
}

/**
 * Why a router refused an entry, or undefined once added. The router throws (rather than
 * returning diagnostics) for a caller's mistake such as an id already held at that priority or a
 * priority out of range; Kong logs such a route and builds the rest (atc-router: "UUID already
 * exists"), so a group file holding one runs its cases without it.
 */
function addOne(router: RouterApi, entry: RouteInput): string | undefined {
  try {
    const result = router.add(entry)
    return result.ok ? undefined : result.diagnostics.map((d) => d.message).join('; ')
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/**
 * Adds a route's entries to every router, all or nothing: when a router refuses one, what was
 * added for the route is taken back (as the gateway does) and the refusal returned.
 */
function addAll(routers: readonly RouterApi[], entries: readonly RouteInput[]): string | undefined {
  const done: [RouterApi, RouteInput][] = []
  for (const router of routers) {
    for (const entry of entries) {
      const refusal = addOne(router, entry)
      if (refusal !== undefined) {
        for (const [r, e] of done) r.remove(e.id, e.priority)
        return refusal
      }
      done.push([router, entry])
    }
  }
  return undefined
}

function routeEntries(route: GroupRoute, group: Group, builtin: boolean): Entries {
  if (route.expression !== undefined) {
    const priority = route.priority ?? 0
    if (!builtin) return { ok: true, entries: [{ id: route.id, priority, expression: route.expression }] }
    const built = expressionRoute(route, group)
    return built.ok ? { ok: true, entries: [built.entry] } : { ok: false, skip: false, error: built.error }
  }
  if (route.traditional === undefined) return { ok: false, skip: false, error: `route ${route.id} has neither expression nor traditional fields` }
  if (traditionalSupport === undefined) return { ok: false, skip: true, error: 'traditional routes arrive with the traditional-routes work' }
  return traditionalSupport.matchers(route, group)
}

function runCase(
  c: GroupCase,
  group: Group,
  schema: Schema,
  subsystem: 'http' | 'stream',
  routers: readonly RouterApi[],
  routesById: ReadonlyMap<string, GroupRoute>,
): [CaseResult['status'], Partial<CaseResult>] {
  const [router, reference] = routers as [RouterApi, RouterApi]
  const context = caseContext(c, schema, subsystem, router.fields)
  if (typeof context === 'string') return ['failed', { expected: 'a valid case', got: context }]
  const match = context === null ? undefined : router.match(context)
  const referenceMatch = context === null ? undefined : reference.match(context)
  if (JSON.stringify(describeMatch(match)) !== JSON.stringify(describeMatch(referenceMatch))) {
    return ['failed', { expected: `the reference router's ${JSON.stringify(describeMatch(referenceMatch))}`, got: JSON.stringify(describeMatch(match)) }]
  }
  const problems: string[] = []
  const got = match === undefined ? null : originalRouteId(match.id, routesById)
  if (got !== c.expect.route) problems.push(`route ${JSON.stringify(c.expect.route)} ≠ ${JSON.stringify(got)}`)
  if (match !== undefined && c.expect.matches !== undefined) {
    for (const [field, expected] of Object.entries(c.expect.matches)) {
      const value = match.matches[field] ?? match.matches[field === 'net.port' ? 'net.dst.port' : field]
      const actual = value === undefined ? null : plain(value)
      if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`matches[${field}] ${JSON.stringify(expected)} ≠ ${JSON.stringify(actual)}`)
    }
  }
  if (match !== undefined && c.expect.captures !== undefined) {
    // Kong's routes (the built-in schemas) report uri_captures only when a group exists besides 0
    // (traditional-routes.md §5.7, language.md §8.7); the bare engine (a group's own schema)
    // reports group 0 alone too.
    const kong = typeof group.schema === 'string'
    const captures = Object.keys(match.captures).length === 0 || (kong && uriCaptures(match.captures) === undefined) ? null : match.captures
    if (!sameRecord(captures, c.expect.captures)) problems.push(`captures ${JSON.stringify(c.expect.captures)} ≠ ${JSON.stringify(captures)}`)
  }
  if (c.expect.upstream_path !== undefined || c.expect.upstream_host !== undefined) {
    if (traditionalSupport === undefined || c.request === undefined) {
      if (problems.length === 0) return ['skipped', { reason: 'upstream paths arrive with the traditional-routes work' }]
    } else if (match !== undefined) {
      const route = routesById.get(originalRouteId(match.id, routesById) ?? '')
      const upstream = route === undefined ? undefined : traditionalSupport.upstream(route, group, match, c.request)
      if (c.expect.upstream_path !== undefined && upstream?.path !== c.expect.upstream_path) {
        problems.push(`upstream_path ${JSON.stringify(c.expect.upstream_path)} ≠ ${JSON.stringify(upstream?.path)}`)
      }
      if (c.expect.upstream_host !== undefined && upstream?.host !== c.expect.upstream_host) {
        problems.push(`upstream_host ${JSON.stringify(c.expect.upstream_host)} ≠ ${JSON.stringify(upstream?.host)}`)
      }
    }
  }
  return problems.length === 0 ? ['passed', {}] : ['failed', { expected: JSON.stringify(c.expect), got: problems.join('; ') }]
}

/** The context for a case; `null` when Kong's router would fail on the request (answered with 404). */
function caseContext(c: GroupCase, schema: Schema, subsystem: 'http' | 'stream', fields: ReadonlySet<string>): Context | null | string {
  if (c.fields !== undefined) {
    const built = contextFromFields(schema, c.fields, new FieldContext())
    return built.ok ? built.context : built.error
  }
  if (c.request === undefined) return 'the case has neither fields nor request'
  const request = { path: '/', ...c.request } as unknown as RequestLike
  const extracted = createFieldExtractor(fields, { subsystem })(request)
  return extracted.ok ? extracted.context : null
}

function invalidKind(entry: InvalidEntry, group: Group, schema: Schema, builtin: boolean): DiagnosticKind | undefined | 'skip' {
  if (entry.traditional !== undefined) {
    if (traditionalSupport === undefined) return 'skip'
    return traditionalSupport.validate(entry, group)
  }
  if (entry.expression === undefined) return undefined
  if (builtin) return invalidExpressionKind(entry, group)
  return validate(entry.expression, schema).error?.kind
}

function groupSchema(group: Group): Schema | string {
  if (group.schema === 'http') return httpSchema
  if (group.schema === 'stream') return streamSchema
  const entries: [string, ValueType][] = []
  for (const [field, type] of Object.entries(group.schema)) {
    if (!isValueType(type)) return `field ${field} has unknown type ${type}`
    entries.push([field, type])
  }
  return new Schema(entries)
}

/** Split traditional routes get derived ids; the adapter maps them back to the route's own id. */
function originalRouteId(id: string, routesById: ReadonlyMap<string, GroupRoute>): string | null {
  if (routesById.has(id)) return id
  return traditionalSupport?.originalId(id) ?? id
}

function describeMatch(match: Match | undefined): unknown {
  if (match === undefined) return null
  return { id: match.id, matches: Object.fromEntries(Object.entries(match.matches).map(([k, v]) => [k, plain(v)])), captures: match.captures }
}

function plain(value: FieldValue): JsonValue {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  return 'value' in value ? formatIpAddr(value) : formatIpCidr(value)
}

function sameRecord(a: Readonly<Record<string, string>> | null, b: Readonly<Record<string, string>> | null): boolean {
  if (a === null || b === null) return a === b
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}
