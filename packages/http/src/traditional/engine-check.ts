/**
 * The route checks that need the expression engine or Kong's path normalizer
 * (traditional-routes.md §1.3, §1.5 item 5).
 */
import { validate } from '@switchyard/core'
import { bytesToText } from '../bytes.ts'
import { normalizePathBytes } from '../path.ts'
import { schemaForProtocols } from '../schemas.ts'
import { traditionalExpression } from './expression.ts'
import { rewriteNetPort } from '../net-port.ts'
import { pathPredicate } from './paths.ts'
import { pcreRefusal } from './pcre.ts'
import type { FieldError } from './errors.ts'
import { kongExpressionError, ROUTER_VALIDATION_PREFIX, validateExpressionRoute } from '../expression-route.ts'
import type { TraditionalRoute } from './route.ts'

/**
 * A regex path's error text, or `undefined`: the pattern must compile with PCRE, as Kong checks
 * every regex path, and for the engine (Rust `regex` syntax after the `?<` rewrite).
 */
export function checkRegexPath(path: string): string | undefined {
  const refused = pcreRefusal(path.slice(1))
  if (refused !== undefined) return `invalid regex: '${path.slice(1)}' (PCRE returned: ${refused.message} at offset ${refused.offset})`
  const result = validate(pathPredicate(path), schemaForProtocols(['http']))
  if (result.ok) return undefined
  return `invalid regex: '${path.slice(1)}' (${result.error?.message ?? 'rejected by the engine'})`
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
