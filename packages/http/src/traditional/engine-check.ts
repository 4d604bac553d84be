/**
 * The route checks that need the expression engine or Kong's path normalizer
 * (traditional-routes.md §1.3, §1.5 item 5).
 */
import { compileRegex, validate } from '@switchyard/core'
import { bytesToText } from '../bytes.ts'
import { normalizePathBytes } from '../path.ts'
import { schemaForProtocols } from '../schemas.ts'
import { traditionalExpression } from './expression.ts'
import { rewriteNetPort } from '../net-port.ts'
import { pcreEquivalent, pcreErrorText, pcreRefusal } from './pcre.ts'
import type { FieldError } from './errors.ts'
import { kongExpressionError, ROUTER_VALIDATION_PREFIX, validateExpressionRoute } from '../expression-route.ts'
import type { TraditionalRoute } from './route.ts'

/**
 * A regex path's error text, or `undefined`. Kong compiles every regex path with PCRE when a route is
 * written (a `paths` error with PCRE's text); the ATC flavors then validate the route's expression.
 * A pattern is a `paths` error here only where PCRE's refusal is known (`pcreRefusal`, and the
 * mistakes both dialects refuse in `pcreEquivalent`); anything else the engine refuses is left to
 * `checkEngine` (`@entity`: `Router Expression failed validation: …`), as what PCRE compiles is in
 * Kong.
 */
export function checkRegexPath(path: string): string | undefined {
  const pattern = path.slice(1)
  const refused = pcreRefusal(pattern)
  if (refused !== undefined) return pcreErrorText(pattern, refused)
  // Read as written, as PCRE reads it (the engine gets `(?P<` for `(?<`).
  const compiled = compileRegex(pattern)
  if (compiled.ok) return undefined
  const pcre = pcreEquivalent(pattern, compiled.error)
  return pcre === undefined ? undefined : pcreErrorText(pattern, pcre)
}

/**
 * A prefix path's error text when it is not in Kong's normalized form (or not UTF-8), else
 * `undefined`. The hint repeats Kong's message, suggesting the normalized spelling.
 */
export function checkPathNormalized(path: string): string | undefined {
  const normalized = bytesToText(normalizePathBytes(path))
  if (!normalized.ok) return `invalid utf-8 path: ${normalized.error}`
  if (normalized.text !== path) return `non-normalized path, consider use '${normalized.text}' instead`
  return undefined
}

/**
 * The engine's verdict on the route's expression (its own, or the one generated from its fields;
 * with the `net.port` rewrite, without the protocol predicate) for the schema of its first
 * protocol: Kong's entity error, or `undefined`. An expression of the route's own is validated as an
 * expression route (§8.5 items 5, 6), and the error carries the kind of its diagnostic.
 */
export function checkEngine(route: TraditionalRoute): FieldError | undefined {
  if (route.expression !== undefined && route.expression !== null) {
    const input = { expression: route.expression, ...(route.protocols === undefined || route.protocols === null ? {} : { protocols: route.protocols }) }
    const validation = validateExpressionRoute(input)
    const first = validation.diagnostics.find((d) => d.severity === 'error')
    const message = kongExpressionError(input, validation)
    if (first === undefined || message === undefined) return undefined
    return { field: '@entity', message, kind: first.kind }
  }
  const expression = rewriteNetPort(traditionalExpression(route))
  if (expression === '') return undefined
  const result = validate(expression, schemaForProtocols(route.protocols ?? []))
  if (result.ok) return undefined
  return { field: '@entity', message: ROUTER_VALIDATION_PREFIX + (result.error?.message ?? 'invalid expression') }
}
