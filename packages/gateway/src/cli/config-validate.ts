import type { RouterFlavor } from '../config.ts'
import { createRouteChecker } from '../engine.ts'
import { loadDeclarative } from '../store/declarative.ts'
import { parseConfigText } from '../store/config-text.ts'
import { describeProblems, problemCount } from '../store/declarative-report.ts'
import type { CliOutput } from './check.ts'
import { readCommandInput } from '../input-file.ts'

const USAGE = 'usage: switchyard config validate FILE   (FILE - reads standard input)\n'

/**
 * `switchyard config validate FILE`: checks a declarative config as a whole and lists every problem
 * with its location (and carets for expressions). FILE `-` is standard input, named `<stdin>` in
 * the problems. Exit code 1 when it is invalid, 2 when it cannot be read.
 */
export function validateConfigFile(args: readonly string[], io: CliOutput, flavor: RouterFlavor = 'expressions'): number {
  const file = args[0]
  if (file === '--help' || file === '-h') return io.out(USAGE), 0
  if (file?.startsWith('-') === true && file !== '-') return io.err(`switchyard config validate: unknown option ${file}\n${USAGE}`), 2
  if (file === undefined || args.length !== 1) return io.err(USAGE), 2
  const input = readCommandInput(file)
  if (!input.ok) return io.err(`switchyard config validate: ${input.message}\n`), 2
  const parsed = parseConfigText(input.text, input.name)
  const loaded = parsed.ok ? loadDeclarative(parsed.value, { flavor, checkRoute: createRouteChecker(flavor) }) : parsed
  if (!loaded.ok) {
    io.err(describeProblems(input.name, input.text, loaded.problems) + problemCount(loaded.problems.length))
    return 1
  }
  const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`
  io.out(`ok: ${count(loaded.snapshot.services.length, 'service')}, ${count(loaded.snapshot.routes.length, 'route')}\n`)
  return 0
}
