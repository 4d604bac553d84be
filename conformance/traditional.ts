// The conformance runner's view of traditional routes and upstream requests (issue: traditional routes).
import type { DiagnosticKind, Match, RouteInput } from '@switchyard/core'
import { hostOfRequest, normalizeRoute, traditionalMatchers, upstreamRequest, type RequestLike, type ServiceLike } from '@switchyard/http'
import { routeFields, type Group, type GroupRoute, type InvalidEntry, type JsonValue } from './group.ts'

/** What the runner needs from the traditional-routes implementation. */
export interface TraditionalSupport {
  /** The router entries for a traditional route (several when Kong splits its paths). */
  matchers(route: GroupRoute, group: Group): { ok: true; entries: RouteInput[] } | { ok: false; skip: boolean; error: string }
  /** The kind of the first error for an invalid route, or undefined when it is accepted. */
  validate(entry: InvalidEntry, group: Group): DiagnosticKind | undefined
  /** The upstream path and Host for a match. */
  upstream(route: GroupRoute, group: Group, match: Match, request: { readonly [key: string]: JsonValue }): { path: string; host: string } | undefined
  /** Maps a derived matcher id back to its route's id. */
  originalId(id: string): string | null
}

// Derived (split) matcher id → the route's own id, filled as groups are loaded.
const owners = new Map<string, string>()

const text = (value: JsonValue | undefined): string | undefined => (typeof value === 'string' ? value : undefined)

/**
 * Wired to packages/http: routes use Kong's router defaults (FORMAT.md: unset strip_path,
 * preserve_host and protocols mean false / no protocol condition) and are converted as given, as
 * Kong's router unit tests do; invalid entries go through the route entity's validation.
 */
export const traditionalSupport: TraditionalSupport | undefined = {
  matchers(route, group) {
    const result = traditionalMatchers({ ...route.traditional, id: route.id }, {
      flavor: group.flavor ?? 'expressions',
      priority: 'effective',
      defaults: 'router',
      check: false,
    })
    if (!result.ok) return { ok: false, skip: false, error: result.violation.message }
    for (const matcher of result.matchers) owners.set(matcher.id, route.id)
    return { ok: true, entries: result.matchers.map(({ id, priority, expression }) => ({ id, priority, expression })) }
  },
  validate(entry, group) {
    const route = {
      ...entry.traditional,
      ...(entry.expression === undefined ? {} : { expression: entry.expression }),
      ...(entry.priority === undefined ? {} : { priority: Number(entry.priority) }),
    }
    const result = normalizeRoute(route, { flavor: group.flavor ?? 'expressions', defaults: 'router' })
    // An error in the route's own expression has the kind of its diagnostic (syntax, type, ...).
    return result.ok ? undefined : (result.errors[0]?.kind ?? 'validation')
  },
  upstream(route, _group, match, request) {
    const recorded = match.matches['http.path']
    // The same Host the fields were read from: `host`, else the first `Host` header.
    const host = hostOfRequest(request as unknown as RequestLike)
    const scheme = text(request['scheme'])
    const result = upstreamRequest(
      routeFields(route),
      route.service as ServiceLike | undefined,
      { target: text(request['path']) ?? '/', ...(host === undefined ? {} : { host }), ...(scheme === undefined ? {} : { scheme }) },
      { ...(typeof recorded === 'string' ? { path: recorded } : {}), captures: match.captures },
    )
    if (result.kind !== 'proxy') return undefined
    return { path: result.path, host: result.host ?? '' }
  },
  originalId(id) {
    return owners.get(id) ?? null
  },
}
