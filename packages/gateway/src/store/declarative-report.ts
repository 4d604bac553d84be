import { renderDiagnostics, renderExcerpt, type Diagnostic } from '@switchyard/core'
import { positionIn } from './config-text.ts'
import type { ConfigProblem } from './declarative.ts'

/**
 * A declarative file's problems as people read them, one block each: `FILE:LINE:COLUMN: where:
 * what` (the form editors and terminals link to the place), with the caret rendering of `check`
 * under an expression's problem. Used by `config validate` and by a start that cannot load the file.
 */
export function describeProblems(file: string, text: string, problems: readonly ConfigProblem[]): string {
  const locate = positionIn(text)
  const at = (problem: ConfigProblem): string => {
    const position = problem.line !== undefined ? { line: problem.line, column: problem.column ?? 1 } : problem.path === undefined ? undefined : locate(problem.path)
    return position === undefined ? file : `${file}:${position.line}:${position.column}`
  }
  let out = ''
  for (const problem of problems) {
    // A syntax error's location is its line and column, already in front; the line itself follows.
    out += problem.line !== undefined ? `${at(problem)}: ${problem.message}\n` : `${at(problem)}: ${problem.location}: ${problem.message}\n`
    if (problem.span !== undefined) out += renderExcerpt(text, problem.span) + '\n'
    if (problem.diagnostics !== undefined && problem.source !== undefined) {
      out += renderDiagnostics(problem.source, problem.diagnostics as unknown as readonly Diagnostic[], problem.location) + '\n'
    }
  }
  return out
}

/** The line that ends a list of problems. */
export function problemCount(count: number): string {
  return `${count} problem(s) found\n`
}
