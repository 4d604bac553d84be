import { renderDiagnostics, type Diagnostic } from '@switchyard/core'
import type { RouterFlavor } from '../config.ts'
import { createRouteChecker } from '../engine.ts'
import { loadDeclarative, parseConfigText, positionIn, type ConfigProblem } from '../store/declarative.ts'
import type { CliOutput } from './check.ts'
import { readInputFile } from '../input-file.ts'

const USAGE = 'usage: switchyard config validate FILE\n'

/**
 * `switchyard config validate FILE`: checks a declarative config as a whole and lists every problem
 * with its location (and carets for expressions). Exit code 1 when it is invalid.
 */
export function validateConfigFile(args: readonly string[], io: CliOutput, flavor: RouterFlavor = 'expressions'): number {
  const file = args[0]
  if (file === '--help' || file === '-h') return io.out(USAGE), 0
  if (file?.startsWith('-') === true && file !== '-') return io.err(`switchyard config validate: unknown option ${file}\n${USAGE}`), 2
  if (file === undefined || args.length !== 1) return io.err(USAGE), 2
  const input = readInputFile(file)
  if (!input.ok) return io.err(`switchyard config validate: ${input.message}\n`), 2
  const parsed = parseConfigText(input.text)
  const loaded = parsed.ok ? loadDeclarative(parsed.value, { flavor, checkRoute: createRouteChecker(flavor) }) : parsed
  if (!loaded.ok) {
    const locate = positionIn(input.text)
    // `FILE:LINE:COLUMN: where: what`, the form editors and terminals link to the place.
    const at = (problem: ConfigProblem): string => {
      const position = problem.line !== undefined ? { line: problem.line, column: problem.column ?? 1 } : problem.path === undefined ? undefined : locate(problem.path)
      return position === undefined ? file : `${file}:${position.line}:${position.column}`
    }
    for (const problem of loaded.problems) {
      // A syntax error's location is its line and column, already in front.
      io.err(problem.line !== undefined ? `${at(problem)}: ${problem.message}\n` : `${at(problem)}: ${problem.location}: ${problem.message}\n`)
      // Expression problems get the same caret rendering as `switchyard check`.
      if (problem.diagnostics !== undefined && problem.source !== undefined) {
        io.err(renderDiagnostics(problem.source, problem.diagnostics as unknown as readonly Diagnostic[], problem.location) + '\n')
      }
    }
    io.err(`${loaded.problems.length} problem(s) found\n`)
    return 1
  }
  io.out(`ok: ${loaded.snapshot.services.length} services, ${loaded.snapshot.routes.length} routes\n`)
  return 0
}
