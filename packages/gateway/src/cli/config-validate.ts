import { readFileSync } from 'node:fs'
import { renderDiagnostics, type Diagnostic } from '@switchyard/core'
import type { RouterFlavor } from '../config.ts'
import { createRouteChecker } from '../engine.ts'
import { loadDeclarative, parseConfigText } from '../store/declarative.ts'
import type { CliOutput } from './check.ts'

/**
 * `switchyard config validate FILE`: checks a declarative config as a whole and lists every problem
 * with its location (and carets for expressions). Exit code 1 when it is invalid.
 */
export function validateConfigFile(args: readonly string[], io: CliOutput, flavor: RouterFlavor = 'expressions'): number {
  const file = args[0]
  if (file === undefined || args.length !== 1) return io.err('usage: switchyard config validate FILE\n'), 2
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return io.err(`switchyard config validate: ${(error as Error).message}\n`), 2
  }
  const parsed = parseConfigText(text)
  const loaded = parsed.ok ? loadDeclarative(parsed.value, { flavor, checkRoute: createRouteChecker(flavor) }) : parsed
  if (!loaded.ok) {
    for (const problem of loaded.problems) {
      io.err(`${file}: ${problem.location}: ${problem.message}\n`)
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
