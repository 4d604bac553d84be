import type { Diagnostic } from './diagnostic.ts'
import { lineColumn } from './span.ts'

/**
 * Renders a diagnostic for a person: `severity[code]: message`, the position as `line:column`,
 * the source line and a caret under the problem (`^` for a point, `^~~~` for a range), then the hint.
 */
export function renderDiagnostic(source: string, d: Diagnostic, name = 'expression'): string {
  const start = lineColumn(source, d.span.start)
  const lines = source.split('\n')
  const text = lines[start.line - 1] ?? ''
  const lineStart = source.split('\n').slice(0, start.line - 1).reduce((n, l) => n + l.length + 1, 0)
  const lineEnd = lineStart + text.length
  const end = Math.min(Math.max(d.span.end, d.span.start + 1), Math.max(lineEnd, d.span.start + 1))
  const width = Math.max(1, [...source.slice(d.span.start, end)].length)
  const gutter = String(start.line).length
  const pad = ' '.repeat(gutter)
  const caret = ' '.repeat(start.column - 1) + '^' + '~'.repeat(width - 1)
  const out = [
    `${d.severity}[${d.code}]: ${d.message}`,
    `${pad}--> ${name}:${start.line}:${start.column}`,
    `${pad} |`,
    `${start.line} | ${text.replace(/\t/g, ' ')}`,
    `${pad} | ${caret}`,
  ]
  if (d.hint !== undefined) out.push(`${pad} = hint: ${d.hint}`)
  return out.join('\n')
}

/** Renders every diagnostic, separated by blank lines. */
export function renderDiagnostics(source: string, diagnostics: readonly Diagnostic[], name?: string): string {
  return diagnostics.map((d) => renderDiagnostic(source, d, name)).join('\n\n')
}
