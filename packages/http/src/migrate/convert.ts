/**
 * The conversion: every traditional route of a declarative configuration becomes one expression
 * route per matcher (Kong's expression text, Kong's derived ids for split routes), with priorities
 * mapped onto 0..2^46−1 in Kong's order; everything else is kept.
 */
import { traditionalExpression } from '../traditional/expression.ts'
import { rewriteNetPort, usesNetPort } from '../net-port.ts'
import { needsRegexRewrite } from '../traditional/paths.ts'
import { documentedPriority, effectivePriority, priorityParts } from '../traditional/priority.ts'
import { isStreamRoute, type Flavor, type PriorityLayout } from '../traditional/route.ts'
import { checkFormatVersion, isObject, replaceRoutes, type Json, type JsonObject } from './kong-config.ts'
import { isExpressionRoute, loadConfig, type LoadError, type LoadedEntry } from './load.ts'
import { pluginCopy, splitTopLevelPlugins, type SplitRoute } from './plugins.ts'
import { mapPriorities, type PriorityEntry } from './priority-map.ts'

/** Options of `convertConfig`. */
export interface ConvertOptions {
  /** The flavor the source configuration runs under (default `expressions`). */
  readonly flavor?: Flavor
  /** The priority layout the converted order follows (default `effective`, Kong 3.10's). */
  readonly priority?: PriorityLayout
}

/** A regex path whose text changed for the engine (`?<name>` → `?P<name>`). */
export interface RegexRewrite {
  readonly routeId: string
  readonly path: string
}

/** What the conversion did. */
export interface Conversion {
  /** The converted configuration (only when there was no error). */
  readonly config: JsonObject | undefined
  readonly errors: readonly LoadError[]
  /** Traditional routes converted. */
  readonly routesConverted: number
  /** Of those, routes split into several expression routes, and how many routes they became. */
  readonly routesSplit: number
  readonly routesCreated: number
  /** Expression routes already present (kept, maybe with a shifted priority). */
  readonly expressionRoutes: number
  readonly shiftedExpressionRoutes: boolean
  /** HTTP traditional routes whose place in the order differs between Kong 3.10's priority and the documented layout. */
  readonly orderDiffers: readonly string[]
  readonly regexRewrites: readonly RegexRewrite[]
  /** Routes that got an id because the file had none. */
  readonly assignedIds: number
  readonly warnings: readonly string[]
  /** Converted route id → the source route id it came from. */
  readonly sourceOf: ReadonlyMap<string, string>
}

const MATCHING_FIELDS = new Set(['methods', 'hosts', 'paths', 'headers', 'snis', 'sources', 'destinations', 'regex_priority', 'priority'])

/** Converts a parsed declarative configuration. */
export function convertConfig(input: Json, options: ConvertOptions = {}): Conversion {
  const flavor = options.flavor ?? 'expressions'
  const layout = options.priority ?? 'effective'
  const versionError = checkFormatVersion(input)
  if (versionError !== undefined || !isObject(input)) return failed([{ location: '', id: '', message: versionError ?? 'not a mapping' }])
  const loaded = loadConfig(input, { flavor, priority: layout })
  if (loaded.errors.length > 0) return failed(loaded.errors)

  const entries: PriorityEntry[] = loaded.entries.map((entry) => ({
    key: entry.id,
    kind: entry.kind,
    priority: entry.kind === 'expression' ? BigInt(Number(entry.source.raw['priority'] ?? 0)) : entry.priority,
  }))
  const mapping = mapPriorities(entries)
  const byRoute = new Map<string, LoadedEntry[]>()
  for (const entry of loaded.entries) byRoute.set(entry.source.location, [...(byRoute.get(entry.source.location) ?? []), entry])

  const sourceOf = new Map<string, string>()
  const warnings: string[] = []
  const regexRewrites: RegexRewrite[] = []
  let routesConverted = 0
  let routesSplit = 0
  let routesCreated = 0
  const splits: SplitRoute[] = []
  const converted = replaceRoutes(input, (raw, location) => {
    const routeEntries = byRoute.get(location) ?? []
    const source = routeEntries[0]?.source
    if (source === undefined) return [raw]
    if (isExpressionRoute(raw)) {
      sourceOf.set(source.id, source.id)
      const priority = mapping.priorities.get(source.id)!
      const kept: Record<string, Json> = raw['id'] === undefined ? { id: source.id, ...raw } : { ...raw }
      kept['priority'] = Number(priority)
      return [kept]
    }
    routesConverted++
    const routeName = typeof raw['name'] === 'string' ? raw['name'] : undefined
    if (routeEntries.length > 1) {
      routesSplit++
      splits.push({
        id: source.id,
        name: routeName,
        parts: routeEntries.map((entry, index) => ({ id: entry.id, name: routeName === undefined ? undefined : `${routeName}-${index + 1}` })),
      })
      if (Array.isArray(raw['plugins'])) warnings.push(`route ${source.id} was split; its plugins are copied to each part`)
    }
    for (const path of routeEntries.flatMap((entry) => entry.route.paths ?? []))
      if (needsRegexRewrite(path)) regexRewrites.push({ routeId: source.id, path })
    return routeEntries.map((entry, index) => {
      routesCreated++
      sourceOf.set(entry.id, source.id)
      // Written as the expressions flavor reads it: Kong's textual net.port rewrite already applied.
      const generated = traditionalExpression(entry.route)
      const expression = rewriteNetPort(generated)
      if (usesNetPort(generated)) warnings.push(`route ${source.id}: a value contains 'net.port', which Kong rewrites to 'net.dst.port'`)
      if (lowercasedRegexHeader(entry)) warnings.push(`route ${source.id}: a header regex is lower-cased as Kong does (escapes such as \\D change meaning)`)
      const split = routeEntries.length > 1
      const leading: Record<string, Json> = { id: entry.id }
      if (split && routeName !== undefined) leading['name'] = `${routeName}-${index + 1}`
      if (split && Array.isArray(raw['plugins']))
        leading['plugins'] = (raw['plugins'] as readonly Json[]).map((plugin) => (isObject(plugin) ? pluginCopy(plugin, index) : plugin))
      return withFields(raw, leading, { expression, priority: Number(mapping.priorities.get(entry.id)!) })
    })
  })
  let config = converted
  if (Array.isArray(converted['plugins']) && splits.length > 0) {
    const { plugins, copied } = splitTopLevelPlugins(converted['plugins'] as readonly Json[], splits)
    if (copied > 0) warnings.push(`${copied} plugin(s) attached to split routes are copied to each part`)
    config = { ...converted, plugins }
  }

  return {
    config,
    errors: [],
    routesConverted,
    routesSplit,
    routesCreated,
    expressionRoutes: loaded.entries.filter((entry) => entry.kind === 'expression').length,
    shiftedExpressionRoutes: mapping.shiftedExpressionRoutes,
    orderDiffers: orderDifferences(loaded.entries),
    regexRewrites,
    assignedIds: loaded.routes.filter((route) => route.assignedId).length,
    warnings: [...new Set(warnings)],
    sourceOf,
  }
}

function failed(errors: readonly LoadError[]): Conversion {
  return {
    config: undefined,
    errors,
    routesConverted: 0,
    routesSplit: 0,
    routesCreated: 0,
    expressionRoutes: 0,
    shiftedExpressionRoutes: false,
    orderDiffers: [],
    regexRewrites: [],
    assignedIds: 0,
    warnings: [],
    sourceOf: new Map(),
  }
}

/**
 * The route with matching fields removed, `leading` fields first (id, name) and `added` fields put
 * where the first matching field was (or at the end), other keys in their order.
 */
function withFields(raw: JsonObject, leading: Readonly<Record<string, Json>>, added: Readonly<Record<string, Json>>): JsonObject {
  const out: Record<string, Json> = {}
  let placed = false
  if (raw['id'] === undefined) Object.assign(out, { id: leading['id'] ?? null })
  for (const [key, value] of Object.entries(raw)) {
    if (key in leading) out[key] = leading[key]!
    else if (MATCHING_FIELDS.has(key) || key === 'expression') {
      if (!placed) Object.assign(out, added)
      placed = true
    } else out[key] = value
  }
  for (const [key, value] of Object.entries(leading)) if (!(key in out)) out[key] = value
  if (!placed) Object.assign(out, added)
  return out
}

function lowercasedRegexHeader(entry: LoadedEntry): boolean {
  const headers = entry.route.headers ?? {}
  return Object.values(headers).some((values) => values.some((value) => value.startsWith('~*') && /[A-Z]/.test(value)))
}

/**
 * HTTP traditional matchers whose relative order changes between Kong 3.10's effective priority and
 * the documented layout: a route is listed when some other route is ahead of it in one order and
 * behind it in the other (ties broken by id in both).
 */
export function orderDifferences(entries: readonly LoadedEntry[]): string[] {
  const http = entries.filter((entry) => entry.kind === 'traditional' && !isStreamRoute(entry.route))
  const keyed = http.map((entry) => {
    const parts = priorityParts(entry.route)
    return { entry, effective: effectivePriority(parts), documented: documentedPriority(parts) }
  })
  const ahead = (a: bigint, b: bigint, idA: string, idB: string): boolean => a > b || (a === b && idA > idB)
  const differs = new Set<string>()
  for (let i = 0; i < keyed.length; i++)
    for (let j = i + 1; j < keyed.length; j++) {
      const a = keyed[i]!
      const b = keyed[j]!
      if (ahead(a.effective, b.effective, a.entry.id, b.entry.id) !== ahead(a.documented, b.documented, a.entry.id, b.entry.id)) {
        differs.add(a.entry.source.id)
        differs.add(b.entry.source.id)
      }
    }
  return [...differs]
}
