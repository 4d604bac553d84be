import { FieldContext, lineColumn, Router, type Diagnostic, type Expr, type Match } from '@switchyard/core'
import { createFieldExtractor, expressionRouteMatcher, isNonEmpty, MATCHING_FIELDS, SNIS_FIELD_ERROR, httpSchema, isStreamRoute, streamSchema, kongExpressionError, traditionalMatchers, upstreamRequest, validateExpressionRoute, type ExtractionResult, type ExtractorOptions, type FieldError, type FieldExtractor, type HeaderNames, type RequestLike } from '@switchyard/http'
import type { RouterFlavor } from './config.ts'
import type { ExpressionDiagnostic, MatchingCheck, RouteChecker } from './entities/prepare.ts'
import type { Route } from './entities/route.ts'
import type { FieldErrors } from './entities/schema.ts'
import type { Resolver } from './proxy/resolve.ts'
import { RoutingTable, type RouteCompiler, type RoutedMatch } from './routing-table.ts'

/** The live routing table type the gateway uses: core's router over the HTTP schema. */
export type GatewayRoutingTable = RoutingTable<string | Expr, FieldContext, Match>


/** True when a route is routed by its expression (expressions flavor, expression set). */
function isExpressionRoute(route: Route, flavor: RouterFlavor): route is Route & { expression: string } {
  return flavor === 'expressions' && typeof route.expression === 'string'
}

/** Adds line and column to a core diagnostic, for people reading Admin API errors. */
export function withPosition(source: string, d: Diagnostic): ExpressionDiagnostic {
  const { line, column } = lineColumn(source, d.span.start)
  return { code: d.code, kind: d.kind, severity: d.severity, message: d.message, span: { start: d.span.start, end: d.span.end }, line, column, ...(d.hint === undefined ? {} : { hint: d.hint }) }
}

/**
 * Turns stored routes into router entries: expression routes via §8.2–8.4, traditional ones via their
 * conversion. `subsystem`: the HTTP router takes the routes whose first protocol is http, https,
 * grpc or grpcs, the stream (L4) router the others, as Kong's two routers do.
 */
export function createRouteCompiler(flavor: RouterFlavor, subsystem: 'http' | 'stream' = 'http'): RouteCompiler<string | Expr> {
  return (route) => {
    if (isStreamRoute(route) !== (subsystem === 'stream')) return { ok: true, entries: [] }
    if (isExpressionRoute(route, flavor)) {
      const matcher = expressionRouteMatcher({ expression: route.expression, priority: route.priority ?? 0, protocols: route.protocols })
      if (!matcher.ok) return { ok: false, message: matcher.diagnostics.map((d) => d.message).join('; ') }
      return { ok: true, entries: [{ id: route.id, priority: matcher.value.priority, expression: matcher.value.expr }] }
    }
    const converted = traditionalMatchers(route, { flavor })
    if (!converted.ok) return { ok: false, message: converted.violation.message }
    return { ok: true, entries: converted.matchers.map((m) => ({ id: m.id, priority: m.priority, expression: m.expression })) }
  }
}

/** Checks a route's matching rules with the engine: expression diagnostics, or traditional field errors. */
export function createRouteChecker(flavor: RouterFlavor): RouteChecker {
  return (route): MatchingCheck => {
    if (isExpressionRoute(route, flavor)) {
      const input = { expression: route.expression, protocols: route.protocols }
      const validation = validateExpressionRoute(input)
      const diagnostics = validation.diagnostics.map((d) => withPosition(route.expression, d))
      // Kong's one message (atc-router's text) for `message` and `fields`; every problem, with
      // its position and a hint, in `diagnostics`.
      const error = kongExpressionError(input, validation)
      return { errors: error === undefined ? [] : [error], fields: matchingFieldErrors(route, flavor), diagnostics }
    }
    const converted = traditionalMatchers(route, { flavor })
    if (converted.ok) return { errors: [], diagnostics: [] }
    const errors = converted.errors.filter((e) => e.field === '@entity').map((e) => e.message)
    return { errors, fields: fieldErrorsOf(converted.errors, () => true), diagnostics: [] }
  }
}

/**
 * The field errors of the route validation's list that `keep` takes by top-level field. The `snis`
 * rule on protocols is left out: it is an entity check's error, which the entity checks run beside
 * these (`checkRouteShape`) report themselves, and a failed field would leave that check out.
 */
function fieldErrorsOf(errors: readonly FieldError[], keep: (field: string) => boolean): FieldErrors {
  const fields: FieldErrors = {}
  for (const e of errors) {
    if (e.field === '@entity' || (e.field === 'snis' && e.message === SNIS_FIELD_ERROR)) continue
    if (keep(e.field.split('.')[0] as string)) fields[e.field] = e.message
  }
  return fields
}

/**
 * The field errors of the traditional matching fields an expression route also has (`paths` items
 * that are not paths, say): Kong checks each field's values whatever else the route sets, and its
 * entity checks then see those fields as failed. The `snis` rule on protocols is an entity check's.
 */
function matchingFieldErrors(route: Route, flavor: RouterFlavor): FieldErrors {
  if (!MATCHING_FIELDS.some((field) => isNonEmpty(route[field]))) return {}
  const converted = traditionalMatchers({ ...route, expression: null }, { flavor })
  return converted.ok ? {} : fieldErrorsOf(converted.errors, (field) => (MATCHING_FIELDS as readonly string[]).includes(field))
}

/** Options of the routing table wiring. */
export interface EngineOptions {
  readonly flavor: RouterFlavor
  readonly onRouteError?: (route: Route, message: string) => void
}

/** Creates the live routing table over core's router and the HTTP schema (`stream`: the stream schema, for stream routes). */
export function createRoutingTable(options: EngineOptions, subsystem: 'http' | 'stream' = 'http'): GatewayRoutingTable {
  return new RoutingTable<string | Expr, FieldContext, Match>({
    createRouter: () => new Router(subsystem === 'http' ? httpSchema : streamSchema),
    compile: createRouteCompiler(options.flavor, subsystem),
    ...(options.onRouteError === undefined ? {} : { onRouteError: options.onRouteError }),
  })
}

/** A request field the router cannot accept (a String that is not UTF-8, an unparsable IP, …). */
export type UnreadableField = Extract<ExtractionResult, { ok: false }>

/**
 * Finds the route of a request (or connection): extracts only the fields the table's routes read
 * (the extractor is rebuilt when the table changes) and matches them. Undefined when no route
 * matches; the unreadable field when one cannot be read (Kong fails the whole routing attempt then).
 */
export function createTableMatcher(table: GatewayRoutingTable, options: ExtractorOptions): (request: RequestLike) => RoutedMatch<Match> | UnreadableField | undefined {
  let version = -1
  let extractor: FieldExtractor = createFieldExtractor([], options)
  // Reused across requests: matching is synchronous, so no two requests share it at once.
  const context = new FieldContext()
  return (request) => {
    if (table.version !== version) {
      extractor = createFieldExtractor(table.fields, options)
      version = table.version
    }
    context.clear()
    const extracted = extractor(request, context)
    return extracted.ok ? table.match(context) : extracted
  }
}

/** True for the unreadable field `createTableMatcher` reports, rather than a match. */
export function isUnreadable(found: RoutedMatch<Match> | UnreadableField): found is UnreadableField {
  return 'ok' in found
}

/**
 * The proxy's routing step: the table's match (see `createTableMatcher`), then packages/http computes
 * the upstream path and Host, or Kong's own answer after the match (426 or a redirect for https-only
 * routes, 415/426 for gRPC routes).
 */
export function createResolver(table: GatewayRoutingTable, headerNames: HeaderNames = 'all'): Resolver {
  const find = createTableMatcher(table, { headerNames })
  return (request) => {
    const routed = find(request)
    if (routed === undefined) return { kind: 'no-route' }
    if (isUnreadable(routed)) return { kind: 'bad-field', field: routed.field, error: routed.error }
    const recorded = routed.match.matches['http.path']
    const result = upstreamRequest(
      routed.route,
      routed.service ?? undefined,
      { target: request.path, host: request.host, scheme: request.forwardedProto ?? request.scheme, forwardedHost: request.forwardedHost, contentType: request.contentType, httpVersion: request.httpVersion },
      { path: typeof recorded === 'string' ? recorded : undefined, captures: routed.match.captures },
    )
    if (result.kind === 'respond') return { kind: 'respond', route: routed.route, status: result.status, headers: result.headers, message: result.message }
    return { kind: 'routed', resolution: { route: routed.route, service: routed.service, path: result.path, host: result.host ?? '', prefix: result.forwardedPrefix } }
  }
}
