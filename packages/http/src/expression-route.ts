import {
  and,
  atcErrorText,
  anyOf,
  catalog,
  check,
  parse,
  predicate,
  stringLiteral,
  forEachPredicate,
  type Diagnostic,
  type DiagnosticCode,
  type Expr,
  type Result,
  type Span,
} from '@switchyard/core'
import { rewriteNetPort, rewriteNetPortMapped, writtenDiagnostic } from './net-port.ts'
import { schemaForProtocols } from './schemas.ts'
import { SEGMENTS_PREFIX } from './segments.ts'

/** The route fields that matter for an expressions-flavor route (Kong's route entity, spec §8.1). */
export interface ExpressionRouteInput {
  /** The route's expression as written, `net.port` included. */
  readonly expression: string
  /** 0 to 2^46 − 1; default 0. Numbers must be integers. */
  readonly priority?: number | bigint
  /** The route's protocols in order; default (and when empty) `["http", "https"]`. */
  readonly protocols?: readonly string[]
}

/** The largest priority Kong accepts on an expression route: 2^46 − 1 (schema `between`). */
export const MAX_EXPRESSION_PRIORITY = 2n ** 46n - 1n

/** The bits Kong sets above an expression route's priority so it outranks traditional routes (`0xFF << 56`). */
export const EXPRESSION_ONLY_BITS = 0xffn << 56n

const DEFAULT_PROTOCOLS: readonly string[] = ['http', 'https']

const NOWHERE: Span = { start: 0, end: 0 }

// kong `db/schema/entities/routes.lua`: a segment suffix is `len`, `N` or `A_B` (no leading zeros but 0).
const SEGMENT_SUFFIX = /^(0|[1-9]\d*)(?:_([1-9]\d*))?$/

function error(code: DiagnosticCode, span: Span, message: string, hint?: string): Diagnostic {
  const base = { code, kind: catalog[code], severity: 'error' as const, message, span }
  return hint === undefined ? base : { ...base, hint }
}

/** What route validation reports: every problem found, and the fields the expression reads. */
export interface ExpressionRouteValidation {
  /** True when no diagnostic is an error. */
  readonly ok: boolean
  /** `invalid-priority` first, then the expression's diagnostics in source order. */
  readonly diagnostics: readonly Diagnostic[]
  /** The distinct fields read after the `net.port` rewrite; empty when the expression does not parse. */
  readonly fields: readonly string[]
}

/**
 * The protocols a route effectively has: its own list, or Kong's default `["http", "https"]` when
 * absent or empty.
 */
export function routeProtocols(protocols: readonly string[] | undefined): readonly string[] {
  return protocols === undefined || protocols.length === 0 ? DEFAULT_PROTOCOLS : protocols
}

/**
 * Validates an expression route as Kong's route entity does (spec §8.5 items 5–6, §8.1), reporting
 * every problem rather than Kong's first:
 * - `invalid-priority` [validation] when the priority is not an integer in 0..2^46 − 1 (Kong:
 *   "value should be between 0 and 70368744177663"); its span is empty, at offset 0;
 * - core's parse and check diagnostics for the expression after the `net.port` rewrite, against
 *   the schema of the **first** protocol (not protocol-amended);
 * - `illformed-segments-field` [validation] at each `http.path.segments.*` field whose suffix is not
 *   `len`, `N` or `A_B` with A < B and no leading zeros (Kong: "Router Expression failed validation:
 *   illformed http.path.segments.* field").
 */
export function validateExpressionRoute(route: ExpressionRouteInput): ExpressionRouteValidation {
  const diagnostics: Diagnostic[] = []
  const priority = priorityDiagnostic(route.priority)
  if (priority !== undefined) diagnostics.push(priority)
  const rewrite = rewriteNetPortMapped(route.expression)
  const written = (d: Diagnostic): Diagnostic => writtenDiagnostic(rewrite, d)
  const parsed = parse(rewrite.text)
  if (!parsed.ok) {
    return { ok: false, diagnostics: [...diagnostics, ...parsed.diagnostics.map(written)], fields: [] }
  }
  const expr = parsed.value
  const checked = check(expr, schemaForProtocols(routeProtocols(route.protocols)))
  // Kong checks the expression (syntax, fields, types) before the segment names (§8.5 items 5, 6):
  // every problem is reported, in that order, each group in source order.
  const bySource = (a: Diagnostic, b: Diagnostic): number => a.span.start - b.span.start
  diagnostics.push(...[...parsed.diagnostics, ...checked.diagnostics].sort(bySource).map(written), ...segmentDiagnostics(expr).map(written))
  const ok = !diagnostics.some((d) => d.severity === 'error')
  return { ok, diagnostics, fields: checked.ok ? checked.value.fields : [] }
}

/** Kong's prefix for the route errors its router's validation finds (routes.lua `validate_route`). */
export const ROUTER_VALIDATION_PREFIX = 'Router Expression failed validation: '

/**
 * The entity error Kong reports for a route's expression (spec §8.5 items 5, 6): atc-router's one
 * message for the first problem, after Kong's prefix; undefined when the expression is valid. The
 * diagnostics of `validateExpressionRoute` say more, with positions; this is the text Kong clients
 * and tests expect in `message` and `fields`. `validation` is that function's result for `route`
 * (without a priority), which every caller has already computed.
 */
export function kongExpressionError(route: ExpressionRouteInput, validation: ExpressionRouteValidation): string | undefined {
  const first = validation.diagnostics.find((d) => d.severity === 'error')
  if (first === undefined) return undefined
  if (first.code === 'illformed-segments-field') return first.message
  // A limit of Switchyard's own (Kong sets none, so atc has no text for it) is said as it is, not
  // as the grammar error the parser met where it stopped reading.
  const limit = validation.diagnostics.find((d) => d.code === 'limit-exceeded')
  if (limit !== undefined) return ROUTER_VALIDATION_PREFIX + limit.message
  const text = atcErrorText(rewriteNetPort(route.expression), schemaForProtocols(routeProtocols(route.protocols)))
  return ROUTER_VALIDATION_PREFIX + (text ?? first.message)
}

function priorityDiagnostic(priority: number | bigint | undefined): Diagnostic | undefined {
  if (priority === undefined) return undefined
  const exact = typeof priority === 'bigint' || Number.isSafeInteger(priority)
  if (exact && BigInt(priority) >= 0n && BigInt(priority) <= MAX_EXPRESSION_PRIORITY) return undefined
  return error(
    'invalid-priority',
    NOWHERE,
    `value should be between 0 and ${MAX_EXPRESSION_PRIORITY}`,
    'An expression route priority is an integer from 0 to 2^46 - 1.',
  )
}

/** True when the suffix after `http.path.segments.` passes Kong's route validation (spec §8.5 item 6). */
export function isWellFormedSegmentSuffix(suffix: string): boolean {
  if (suffix === 'len') return true
  const match = SEGMENT_SUFFIX.exec(suffix)
  if (match === null) return false
  const last = match[2]
  return last === undefined || Number(match[1]) < Number(last)
}

function segmentDiagnostics(expr: Expr): Diagnostic[] {
  const found: Diagnostic[] = []
  forEachPredicate(expr, (p) => {
    const name = p.field.name
    if (!name.startsWith(SEGMENTS_PREFIX) || isWellFormedSegmentSuffix(name.slice(SEGMENTS_PREFIX.length))) return
    found.push(
      error(
        'illformed-segments-field',
        p.field.nameSpan,
        'Router Expression failed validation: illformed http.path.segments.* field',
        'Use http.path.segments.len, .N or .A_B with A < B and no leading zeros.',
      ),
    )
  })
  return found
}

/** The protocol value a route protocol stands for in `net.protocol` (grpc → http, grpcs → https, tls_passthrough → tcp). */
function protocolValue(protocol: string): string {
  switch (protocol) {
    case 'grpc':
      return 'http'
    case 'grpcs':
      return 'https'
    case 'tls_passthrough':
      return 'tcp'
    default:
      return protocol
  }
}

/**
 * Adds Kong's `net.protocol` condition (spec §8.3) as an `And` node: `expr && (net.protocol ==
 * r#"P1"# || …)`, one alternative per protocol in route order (grpc → http, grpcs → https,
 * tls_passthrough → tcp). A route whose only protocol is https, tls or tls_passthrough keeps its
 * expression unchanged (so an https-only route also matches plain http, and Kong answers 426).
 */
export function amendProtocols(expr: Expr, protocols: readonly string[]): Expr {
  const list = routeProtocols(protocols)
  if (list.length === 1 && (list[0] === 'https' || list[0] === 'tls' || list[0] === 'tls_passthrough')) return expr
  return and(expr, anyOf(list.map((protocol) => predicate('net.protocol', 'equals', stringLiteral(protocolValue(protocol))))))
}

/** The router priority of an expression route: `0xFF << 56 | priority` (kong `router/transform.lua`). */
export function expressionRoutePriority(priority: number | bigint = 0): bigint {
  return EXPRESSION_ONLY_BITS | BigInt(priority)
}

/** What the router receives for an expression route. */
export interface ExpressionRouteMatcher {
  /** The expression after the `net.port` rewrite and the `net.protocol` amendment. */
  readonly expr: Expr
  /** `0xFF << 56 | priority`, so expression routes outrank traditional ones. */
  readonly priority: bigint
}

/**
 * Turns an expression route into what Kong adds to its router (spec §8.2–8.4): the parsed
 * expression with `net.port` rewritten and the `net.protocol` amendment, at priority
 * `0xFF << 56 | priority`. Fails with the parser's diagnostics, or `invalid-priority`; schema
 * checking is left to the router (Kong skips a route that fails to load and keeps the rest).
 */
export function expressionRouteMatcher(route: ExpressionRouteInput): Result<ExpressionRouteMatcher> {
  const invalid = priorityDiagnostic(route.priority)
  if (invalid !== undefined) return { ok: false, diagnostics: [invalid] }
  const parsed = parse(rewriteNetPort(route.expression))
  if (!parsed.ok) return parsed
  const expr = amendProtocols(parsed.value, routeProtocols(route.protocols))
  return { ok: true, value: { expr, priority: expressionRoutePriority(route.priority) }, diagnostics: parsed.diagnostics }
}
