/**
 * The text the conversion tool prints: what was converted, what Kong would order differently
 * under the documented layout, regex rewrites, warnings, and the check's differences.
 */
import { renderDiagnostics } from '@switchyard/core'
import type { CheckReport, Outcome } from './check.ts'
import type { Conversion } from './convert.ts'
import type { LoadError } from './load.ts'

// Long lists are cut in the summary; the full list is in `Conversion.orderDiffers`.
const MAX_LISTED = 12

/** The conversion summary, one fact per line. */
export function formatSummary(conversion: Conversion): string {
  if (conversion.errors.length > 0) return [`conversion failed: ${conversion.errors.length} route(s) are invalid`, ...conversion.errors.map(describeError)].join('\n') + '\n'
  const shown = conversion.orderDiffers.slice(0, MAX_LISTED)
  const more = conversion.orderDiffers.length - shown.length
  const lines = [
    `routes converted: ${conversion.routesConverted}`,
    `expression routes written: ${conversion.routesCreated} (${conversion.routesSplit} route(s) split by path)`,
    `expression routes kept: ${conversion.expressionRoutes}${conversion.shiftedExpressionRoutes ? ' (priorities shifted up to stay above the converted routes)' : ''}`,
    `routes whose effective priority orders them differently from the documented layout: ${conversion.orderDiffers.length}`,
  ]
  if (shown.length > 0) lines.push(`  ${shown.join(', ')}${more > 0 ? `, … (${more} more)` : ''}`)
  lines.push(`regex paths rewritten (?< → ?P<): ${conversion.regexRewrites.length}`)
  for (const rewrite of conversion.regexRewrites) lines.push(`  ${rewrite.routeId}: ${rewrite.path}`)
  if (conversion.assignedIds > 0) lines.push(`routes without id given a derived id: ${conversion.assignedIds}`)
  for (const warning of conversion.warnings) lines.push(`warning: ${warning}`)
  return lines.join('\n') + '\n'
}

/** One invalid route: where, which, Kong's error, then an expression's diagnostics with their carets. */
function describeError(error: LoadError): string {
  const line = `  ${error.location || 'config'} (${error.id || '-'}): ${error.message}`
  const expression = error.expression
  if (expression === undefined || expression.diagnostics.length === 0) return line
  const rendered = renderDiagnostics(expression.source, expression.diagnostics, `${error.location}.expression`)
  return `${line}\n${rendered.replace(/^(?=.)/gm, '    ')}`
}

function describe(outcome: Outcome): string {
  if (outcome.route === null) return outcome.error === undefined ? 'no route' : `error (${outcome.error})`
  const parts = [`route ${outcome.route}`]
  if (outcome.status !== undefined) parts.push(`answers ${outcome.status}`)
  if (outcome.upstreamPath !== undefined) parts.push(`upstream ${outcome.upstreamPath}`)
  if (outcome.upstreamHost !== undefined) parts.push(`host ${outcome.upstreamHost}`)
  if (outcome.captures !== undefined) parts.push(`captures ${JSON.stringify(outcome.captures)}`)
  return parts.join(', ')
}

/** The check's report: the count, then each difference with the request and both outcomes. */
export function formatCheck(report: CheckReport): string {
  const lines = [`check: ${report.requests} requests, ${report.differences.length} difference(s)`]
  for (const skipped of report.skipped) lines.push(`  skipped by the engine: ${skipped}`)
  for (const difference of report.differences) {
    const request = difference.request
    const target = request.method === undefined ? `${request.scheme ?? 'tcp'} ${request.src_ip ?? ''}` : `${request.scheme ?? 'http'} ${request.method} ${request.host ?? ''}${request.path}`
    lines.push(`  ${target} [${difference.label} of ${difference.sampleOf}]: before ${describe(difference.before)}; after ${describe(difference.after)}`)
  }
  return lines.join('\n') + '\n'
}
