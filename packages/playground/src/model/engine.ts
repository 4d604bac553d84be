import { Router, formatIpAddr, normalizeId, formatIpCidr, type FieldValue, type PredicateTrace, type Trace } from '@switchyard/core'
import {
  createFieldExtractor,
  httpSchema,
  requestHeadOf,
  requestRefusal,
  streamSchema,
  subsystemForProtocols,
  traditionalMatchers,
  upstreamRequest,
  type Flavor,
  type RequestRefusal,
  type UpstreamResult,
} from '@switchyard/http'
import type { RequestDraft } from './request.ts'
import { requestSubsystem, toRequestLike, toUpstreamInput } from './request.ts'
import type { PlaygroundRoute } from './route.ts'

/** A route the router could not load, and why (Kong skips such a route and keeps the rest). */
export interface RouteProblem {
  readonly route: PlaygroundRoute
  readonly message: string
}

/** One predicate of a trace, flattened, with its outcome. */
export interface PredicateOutcome {
  readonly start: number
  readonly end: number
  readonly text: string
  readonly result: boolean | undefined
  readonly values: readonly string[]
  readonly reason: string
}

/** One router entry evaluated for the request, in evaluation (priority) order. */
export interface EvaluatedEntry {
  readonly route: PlaygroundRoute
  readonly entryId: string
  readonly priority: bigint
  /** The text the router received: Kong's expression for the flavor (protocol condition included). */
  readonly source: string
  readonly matched: boolean
  /** After the winner: the router never tries it; `matched` says what it would have done. */
  readonly afterWinner: boolean
  readonly predicates: readonly PredicateOutcome[]
  /** The predicate that decided the outcome, when there is one. */
  readonly decidedBy: PredicateOutcome | undefined
}

/** The winner, with what it recorded and where Kong sends the request. */
export interface EvaluatedMatch {
  readonly route: PlaygroundRoute
  readonly entryId: string
  readonly priority: bigint
  readonly matches: Readonly<Record<string, string>>
  readonly captures: Readonly<Record<string, string>>
  readonly upstream: UpstreamResult
  /** Why the route's service URL is no service Kong would accept; the upstream is then meaningless. */
  readonly serviceProblem: string | undefined
}

// The protocols Kong's services schema accepts.
const SERVICE_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https', 'grpc', 'grpcs', 'tcp', 'tls', 'tls_passthrough', 'udp', 'ws', 'wss'])

/**
 * Why Kong would refuse a service URL, or undefined when it is fine: it must be an absolute URL
 * with a host and one of the services schema's protocols.
 */
export function serviceUrlProblem(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `The service URL "${url}" is not a URL such as http://backend:8080/path.`
  }
  const protocol = parsed.protocol.slice(0, -1)
  if (!SERVICE_PROTOCOLS.has(protocol)) return `A service cannot use "${protocol}": use one of ${[...SERVICE_PROTOCOLS].join(', ')}.`
  if (parsed.hostname === '') return `The service URL "${url}" has no host.`
  return undefined
}

/** Everything the playground shows for one request. */
export type Evaluation =
  | {
      readonly ok: true
      readonly subsystem: 'http' | 'stream'
      /** How many routes the router of this subsystem holds. */
      readonly loaded: number
      readonly match: EvaluatedMatch | undefined
      readonly entries: readonly EvaluatedEntry[]
      /** Each field the routes read, with the request's values as the router sees them (empty: absent). */
      readonly fields: Readonly<Record<string, readonly string[]>>
      readonly problems: readonly RouteProblem[]
    }
  /** A field value the router cannot accept (e.g. a path that is not UTF-8): Kong answers 404. */
  | { readonly ok: false; readonly refusal?: undefined; readonly field: string; readonly error: string; readonly problems: readonly RouteProblem[] }
  /** A request nginx answers itself before Kong routes it (a target or Host it cannot read, TRACE), as the gateway does. */
  | { readonly ok: false; readonly refusal: RequestRefusal; readonly problems: readonly RouteProblem[] }

/** Renders a field value as people write it (IPs in text form, Ints as decimals). */
export function formatValue(value: FieldValue): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  return 'value' in value ? formatIpAddr(value) : formatIpCidr(value)
}

function predicates(trace: Trace, out: PredicateOutcome[]): PredicateOutcome[] {
  if (trace.kind === 'Predicate') out.push(outcome(trace))
  else for (const child of trace.children) predicates(child, out)
  return out
}

function outcome(p: PredicateTrace): PredicateOutcome {
  return { start: p.span.start, end: p.span.end, text: p.text, result: p.result, values: p.values.map(formatValue), reason: p.reason }
}

interface LoadedRouter {
  readonly router: Router
  readonly owners: Map<string, PlaygroundRoute>
}

/**
 * Builds the router Kong would build in a flavor for one subsystem: each route becomes its router
 * entries through the http package's conversion, so expression and traditional routes get Kong's
 * exact expression text and priority (and `traditional_compatible` refuses expression routes).
 */
function loadRouter(routes: readonly PlaygroundRoute[], subsystem: 'http' | 'stream', problems: RouteProblem[], flavor: Flavor): LoadedRouter {
  const router = new Router(subsystem === 'http' ? httpSchema : streamSchema)
  const owners = new Map<string, PlaygroundRoute>()
  for (const route of routes) {
    if (route.id === '') {
      problems.push({ route, message: 'A route needs an id.' })
      continue
    }
    // Checked before the subsystem is chosen: a misspelt protocol ("htp") would otherwise send the
    // route to the stream router, and an HTTP request would pass it by without a word.
    const converted = traditionalMatchers(route, { flavor })
    if (!converted.ok) {
      problems.push({ route, message: converted.violation.message })
      continue
    }
    if (subsystemForProtocols(route.protocols ?? []) !== subsystem) continue
    for (const matcher of converted.matchers) {
      const id = normalizeId(matcher.id)
      // Two typed-in routes may share an id; core treats a duplicate as a caller error, so check first.
      if (owners.has(id)) {
        problems.push({ route, message: `Another route already uses the id ${matcher.id}.` })
        continue
      }
      const added = router.add({ id: matcher.id, priority: matcher.priority, expression: matcher.expression })
      if (!added.ok) problems.push({ route, message: added.diagnostics.map((d) => d.message).join(' ') })
      else owners.set(id, route)
    }
  }
  return { router, owners }
}

function ownerOf(owners: ReadonlyMap<string, PlaygroundRoute>, id: string): PlaygroundRoute {
  const route = owners.get(normalizeId(id))
  if (route === undefined) throw new Error(`no route owns router entry ${id}`)
  return route
}

/** Routes a request through the routes, in the browser, with the gateway's engine and router flavor. */
export function evaluate(routes: readonly PlaygroundRoute[], draft: RequestDraft, flavor: Flavor = 'expressions'): Evaluation {
  const problems: RouteProblem[] = []
  const subsystem = requestSubsystem(draft)
  const { router, owners } = loadRouter(routes, subsystem, problems, flavor)
  const request = toRequestLike(draft)
  // The gateway refuses such a request before its router runs: the playground must not say "Matched".
  const refusal = subsystem === 'http' ? requestRefusal(requestHeadOf(request, true)) : undefined
  if (refusal !== undefined) return { ok: false, refusal, problems }
  // Header lines as a gateway behind nginx's defaults takes them (Kong's, and Switchyard's gateway's
  // unless nginx_http_underscores_in_headers is on): requestProblems says which lines that drops.
  const extracted = createFieldExtractor(router.fields, { subsystem, headerNames: 'nginx' })(request)
  if (!extracted.ok) return { ok: false, field: extracted.field, error: extracted.error, problems }
  // Every route, also those after the winner: "why did my route not match?" has an answer then too.
  const explanation = router.explain(extracted.context, { all: true })
  let winnerSeen = false
  const fields = Object.fromEntries([...router.fields].sort().map((field) => [field, (extracted.context.values(field) ?? []).map(formatValue)]))
  const entries = explanation.routes.map((entry): EvaluatedEntry => {
    const list = predicates(entry.trace.root, [])
    const decided = entry.trace.decidedBy
    const afterWinner = winnerSeen
    if (entry.matched) winnerSeen = true
    return {
      route: ownerOf(owners, entry.id),
      entryId: entry.id,
      priority: entry.priority,
      source: entry.source ?? '',
      matched: entry.matched,
      afterWinner,
      predicates: list,
      decidedBy: decided === undefined ? undefined : list.find((p) => p.start === decided.span.start && p.end === decided.span.end),
    }
  })
  const found = explanation.match
  const loaded = new Set(owners.values()).size
  if (found === undefined) return { ok: true, subsystem, loaded, match: undefined, entries, fields, problems }
  const route = ownerOf(owners, found.id)
  const matches = Object.fromEntries(Object.entries(found.matches).map(([field, value]) => [field, formatValue(value)]))
  const upstream = upstreamRequest(route, route.service ?? undefined, toUpstreamInput(draft), {
    path: matches['http.path'],
    captures: found.captures,
  })
  return {
    ok: true,
    subsystem,
    loaded,
    match: { route, entryId: found.id, priority: found.priority, matches, captures: found.captures, upstream, serviceProblem: route.service === null || route.service === undefined ? undefined : serviceUrlProblem(route.service.url) },
    entries,
    fields,
    problems,
  }
}

/** The upstream URL of a proxied request, e.g. `http://backend:8080/api/users?x=1`. */
export function upstreamUrl(result: UpstreamResult): string | undefined {
  if (result.kind !== 'proxy' || result.service === undefined) return undefined
  const { protocol, host, port } = result.service
  return `${protocol}://${host}:${port}${result.path}`
}
