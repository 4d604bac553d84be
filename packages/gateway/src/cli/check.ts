import { renderDiagnostics } from '@switchyard/core'
import { usesNetPort, validateExpressionRoute } from '@switchyard/http'

/** Output streams, passed in so the command is testable without a process. */
export interface CliOutput {
  out(text: string): void
  err(text: string): void
}

const USAGE = 'usage: switchyard check EXPRESSION [--schema http|stream]\n'

/**
 * `switchyard check EXPRESSION [--schema http|stream]`: prints each diagnostic with a caret under
 * the problem; exit code 1 when any is an error, else 0 (warnings still print).
 */
export function check(args: readonly string[], io: CliOutput): number {
  let schemaName = 'http'
  const rest: string[] = []
  let options = true
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (!options || !arg.startsWith('-') || arg === '-') rest.push(arg)
    else if (arg === '--') options = false
    else if (arg === '--schema') {
      const given = args[++i]
      if (given === undefined) return io.err(`switchyard check: --schema needs a value (http or stream)\n${USAGE}`), 2
      schemaName = given
    } else if (arg.startsWith('--schema=')) schemaName = arg.slice(9)
    else if (arg === '--help' || arg === '-h') return io.out(USAGE), 0
    // An expression never starts with `-`; `--` ends the options all the same.
    else return io.err(`switchyard check: unknown option ${arg}\n${USAGE}`), 2
  }
  if (schemaName !== 'http' && schemaName !== 'stream') {
    io.err(`switchyard check: --schema must be http or stream, got "${schemaName}"\n`)
    return 2
  }
  if (rest.length !== 1) {
    io.err(`switchyard check: ${rest.length === 0 ? 'missing EXPRESSION' : `expected one EXPRESSION, got ${rest.length} (quote the expression)`}\n${USAGE}`)
    return 2
  }
  const source = rest[0] as string
  // The Admin API's route validation, so that `check` accepts exactly the expressions a route may
  // hold (segment names included); a route of the first protocol's subsystem stands for the schema.
  const result = validateExpressionRoute({ expression: source, protocols: [schemaName === 'http' ? 'http' : 'tcp'] })
  if (result.diagnostics.length > 0) io.err(renderDiagnostics(source, result.diagnostics) + '\n')
  if (usesNetPort(source)) io.err('note: net.port is the deprecated name of net.dst.port, which Kong reads in its place\n')
  if (!result.ok) return 1
  io.out(`ok: valid ${schemaName} expression; fields: ${result.fields.join(', ') || '(none)'}\n`)
  return 0
}
