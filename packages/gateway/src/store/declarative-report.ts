import { lineColumn, renderDiagnostics, renderExcerpt, type Diagnostic } from '@switchyard/core'
import { placesIn, type ConfigPlaces } from './config-text.ts'
import type { ConfigProblem } from './declarative.ts'

interface Placed {
  readonly problem: ConfigProblem
  readonly position: { readonly line: number; readonly column: number } | undefined
  /** The problem's details under its first line: a syntax error's line, an expression's carets. */
  readonly details: string
}

/**
 * A declarative file's problems as people read them, in the order of the file, one block each:
 * `FILE:LINE:COLUMN: where: what` (the form editors and terminals link to the place), then the
 * line of a syntax error with a caret under it, or the caret rendering of `check` under an
 * expression's problems, at their line and column in the file when the expression's text can be
 * followed there (else in the expression, the first line pointing at its start). Used by
 * `config validate`, `convert`, `match` and a start that cannot load the file.
 */
export function describeProblems(file: string, text: string, problems: readonly ConfigProblem[]): string {
  const places = placesIn(text)
  const placed = problems.map((problem) => place(file, text, places, problem))
  // Problems without a place (the document as a whole) come first; the sort is stable.
  const order = (p: Placed): number => (p.position === undefined ? -1 : p.position.line * 1e6 + p.position.column)
  let out = ''
  for (const { problem, position, details } of [...placed].sort((a, b) => order(a) - order(b))) {
    const at = position === undefined ? file : `${file}:${position.line}:${position.column}`
    // A syntax error's location is its line and column, already in front.
    out += problem.line !== undefined ? `${at}: ${problem.message}\n` : `${at}: ${problem.location}: ${problem.message}\n`
    if (details !== '') out += details + '\n'
  }
  return out
}

function place(file: string, text: string, places: ConfigPlaces, problem: ConfigProblem): Placed {
  if (problem.line !== undefined) {
    const position = { line: problem.line, column: problem.column ?? 1 }
    return { problem, position, details: problem.span === undefined ? '' : renderExcerpt(text, problem.span) }
  }
  const position = problem.path === undefined ? undefined : places.position(problem.path)
  const { diagnostics, source, sourcePath } = problem
  if (diagnostics === undefined || source === undefined || diagnostics.length === 0) return { problem, position, details: '' }
  const expression = diagnostics as unknown as readonly Diagnostic[]
  const written = sourcePath === undefined ? undefined : places.string(sourcePath)
  const offsetOf = written?.offsetOf
  if (offsetOf === undefined) {
    const start = written === undefined ? position : lineColumn(text, written.start)
    return { problem, position: start, details: renderDiagnostics(source, expression, problem.location) }
  }
  const inFile = expression.map((d) => ({ ...d, span: { start: offsetOf(d.span.start), end: offsetOf(d.span.end) } }))
  const first = inFile.find((d) => d.severity === 'error') ?? (inFile[0] as Diagnostic)
  return { problem, position: lineColumn(text, first.span.start), details: renderDiagnostics(text, inFile, file) }
}

/** The line that ends a list of problems. */
export function problemCount(count: number): string {
  return `${count} problem(s) found\n`
}
