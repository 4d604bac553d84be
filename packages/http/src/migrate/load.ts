/**
 * Loads the routes of a declarative configuration the way Kong's router would: traditional routes
 * through `traditionalMatchers`, expression routes through the expression-route rules, each entry
 * remembering its route, service and subsystem.
 */
import type { Diagnostic, Expr } from '@switchyard/core'
import { expressionRouteMatcher, kongExpressionError, validateExpressionRoute, type ExpressionRouteInput, type ExpressionRouteValidation } from '../expression-route.ts'
import { subsystemForProtocols, type Subsystem } from '../schemas.ts'
import type { SchemaViolation } from '../traditional/errors.ts'
import { traditionalMatchers } from '../traditional/matchers.ts'
import type { Flavor, PriorityLayout, TraditionalRoute } from '../traditional/route.ts'
import { withEntityDefaults } from '../traditional/validate.ts'
import { collectRoutes, type ConfigRoute, type JsonObject } from './kong-config.ts'

/** One router entry of a loaded configuration. */
export interface LoadedEntry {
  /** The matcher id (a split route's derived id, else the route id). */
  readonly id: string
  readonly priority: bigint
  readonly expression: string | Expr
  /** The configuration route it comes from. */
  readonly source: ConfigRoute
  /** The route entity with defaults, as the proxy side reads it. */
  readonly route: TraditionalRoute
  readonly subsystem: Subsystem
  readonly kind: 'traditional' | 'expression'
}

/** A route Kong would refuse, with its error body. */
export interface LoadError {
  readonly location: string
  readonly id: string
  readonly message: string
  readonly violation?: SchemaViolation
  /** For an invalid expression route: its expression and every problem found in it, spans into that text. */
  readonly expression?: { readonly source: string; readonly diagnostics: readonly Diagnostic[] }
}

/** Every entry of a configuration, and the routes that could not be loaded. */
export interface LoadedConfig {
  readonly entries: readonly LoadedEntry[]
  readonly errors: readonly LoadError[]
  readonly routes: readonly ConfigRoute[]
}

/** Options of `loadConfig`. */
export interface LoadOptions {
  readonly flavor: Flavor
  readonly priority: PriorityLayout
}

/** True when a route is an expression route (it sets `expression`). */
export function isExpressionRoute(raw: JsonObject): boolean {
  return raw['expression'] !== undefined && raw['expression'] !== null
}

/**
 * Loads every route, including those of disabled services (callers filter on `source.loaded`),
 * with the given route ids (assigned ones included).
 */
export function loadConfig(config: JsonObject, options: LoadOptions): LoadedConfig {
  const routes = collectRoutes(config)
  const entries: LoadedEntry[] = []
  const errors: LoadError[] = []
  for (const source of routes) {
    const raw: JsonObject = { ...source.raw, id: source.id }
    if (isExpressionRoute(raw)) {
      if (options.flavor === 'traditional_compatible') {
        errors.push({ location: source.location, id: source.id, message: "'expression' needs the expressions flavor" })
        continue
      }
      const route = withEntityDefaults(raw as TraditionalRoute)
      const protocols = route.protocols ?? ['http', 'https']
      const priority = typeof raw['priority'] === 'number' ? raw['priority'] : 0
      const input = { expression: String(raw['expression']), priority, protocols }
      // Validated as the Admin API validates a route (schema and segment names too), not only
      // parsed: Kong refuses such a configuration, so a conversion must not pass it on.
      const validation = validateExpressionRoute(input)
      const matcher = expressionRouteMatcher(input)
      if (!validation.ok || !matcher.ok) {
        errors.push(expressionRouteError(source, input, validation))
        continue
      }
      entries.push({
        id: source.id,
        priority: matcher.value.priority,
        expression: matcher.value.expr,
        source,
        route,
        subsystem: subsystemForProtocols(protocols),
        kind: 'expression',
      })
      continue
    }
    const result = traditionalMatchers(raw, { flavor: options.flavor, priority: options.priority, defaults: 'entity' })
    if (!result.ok) {
      errors.push({ location: source.location, id: source.id, message: result.violation.message, violation: result.violation })
      continue
    }
    for (const matcher of result.matchers)
      entries.push({
        id: matcher.id,
        priority: matcher.priority,
        expression: matcher.expression,
        source,
        route: matcher.route,
        subsystem: subsystemForProtocols(matcher.route.protocols ?? []),
        kind: 'traditional',
      })
  }
  return { entries, errors, routes }
}

/** The load error of an invalid expression route: Kong's entity error, with every diagnostic. */
function expressionRouteError(source: ConfigRoute, input: ExpressionRouteInput, validation: ExpressionRouteValidation): LoadError {
  // The priority has no place in the expression text, so it is said in the message instead of with a caret.
  const priority = validation.diagnostics.find((d) => d.code === 'invalid-priority')
  const diagnostics = validation.diagnostics.filter((d) => d !== priority)
  const messages: string[] = []
  if (priority !== undefined) messages.push(`priority: ${priority.message}`)
  const entity = kongExpressionError(input, { ...validation, diagnostics })
  if (entity !== undefined) messages.push(entity)
  return { location: source.location, id: source.id, message: messages.join('; '), expression: { source: input.expression, diagnostics } }
}
