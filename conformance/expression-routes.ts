// Expression routes of groups with a built-in schema are Kong routes: Kong's route rules apply
// (net.port rewrite, priority range, the expression-route priority bit, protocols).
import type { DiagnosticKind, RouteInput } from '@switchyard/core'
import { expressionRouteMatcher, validateExpressionRoute } from '@switchyard/http'
import { routeFields, type Group, type GroupRoute, type InvalidEntry } from './group.ts'

function protocolsOf(route: GroupRoute): readonly string[] | undefined {
  const protocols = routeFields(route)['protocols']
  return Array.isArray(protocols) ? (protocols as string[]) : undefined
}

/** The router entry for an expression route as Kong builds it. */
export function expressionRoute(route: GroupRoute, group: Group): { ok: true; entry: RouteInput } | { ok: false; error: string } {
  const input = {
    expression: route.expression ?? '',
    priority: BigInt(route.priority ?? 0),
    protocols: protocolsOf(route) ?? defaultProtocols(group),
  }
  const built = expressionRouteMatcher(input)
  if (!built.ok) return { ok: false, error: `route ${route.id} rejected: ${built.diagnostics.map((d) => d.message).join('; ')}` }
  return { ok: true, entry: { id: route.id, priority: built.value.priority, expression: built.value.expr } }
}

/** The kind of the first error Kong's route validation reports for an expression, if any. */
export function invalidExpressionKind(entry: InvalidEntry, group: Group): DiagnosticKind | undefined {
  const { diagnostics } = validateExpressionRoute({
    expression: entry.expression ?? '',
    priority: BigInt(entry.priority ?? 0),
    protocols: defaultProtocols(group),
  })
  return diagnostics.find((d) => d.severity === 'error')?.kind
}

function defaultProtocols(group: Group): readonly string[] {
  return group.schema === 'stream' ? ['tcp'] : ['http', 'https']
}
