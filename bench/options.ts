// Command-line options of the benchmark scripts: `--help` prints the usage line, and an unknown
// option, a missing value or a value that is not a positive number stops the run with a message
// instead of silently starting a long run with the defaults.
import { parseArgs } from 'node:util'

export interface OptionSpec {
  /** Takes a value (`--tool wrk`), a comma-separated list (`--sizes 1k,10k`), or is a switch (`--no-linear`). */
  kind: 'string' | 'list' | 'number' | 'switch'
  /** The values allowed (each item of a list); any when absent. */
  choices?: readonly string[]
  help: string
}

export type ParsedOptions<S extends Record<string, OptionSpec>> = {
  [K in keyof S]?: S[K]['kind'] extends 'switch' ? boolean : S[K]['kind'] extends 'number' ? number : S[K]['kind'] extends 'list' ? string[] : string
}

function fail(usage: string, message: string): never {
  process.stderr.write(`${message}\n\n${usage}`)
  process.exit(2)
}

export function usageOf(command: string, summary: string, specs: Record<string, OptionSpec>): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const flag = spec.kind === 'switch' ? `--${name}` : `--${name} ${spec.kind === 'number' ? 'N' : spec.kind === 'list' ? 'A,B' : 'VALUE'}`
    const choices = spec.choices === undefined ? '' : ` ${spec.choices.join(', ')}`
    return `  ${flag.padEnd(26)}${spec.help}${choices}`
  })
  return `usage: ${command} [options]\n${summary}\n\noptions:\n${lines.join('\n')}\n  ${'--help'.padEnd(26)}this text\n`
}

export function parseOptions<S extends Record<string, OptionSpec>>(
  argv: readonly string[],
  command: string,
  summary: string,
  specs: S,
): ParsedOptions<S> {
  const usage = usageOf(command, summary, specs)
  const config: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } }
  for (const [name, spec] of Object.entries(specs)) config[name] = { type: spec.kind === 'switch' ? 'boolean' : 'string' }
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: argv.filter((a) => a !== '--'), options: config, strict: true, allowPositionals: false }).values
  } catch (error) {
    fail(usage, (error as Error).message)
  }
  if (values.help === true) {
    process.stdout.write(usage)
    process.exit(0)
  }
  const parsed: Record<string, string | string[] | number | boolean> = {}
  for (const [name, spec] of Object.entries(specs)) {
    const value = values[name]
    if (value === undefined) continue
    if (spec.kind === 'number') {
      const n = Number(value)
      if (!Number.isFinite(n) || n <= 0) fail(usage, `--${name} needs a positive number, got "${String(value)}"`)
      parsed[name] = n
      continue
    }
    if (typeof value !== 'string') {
      parsed[name] = value
      continue
    }
    const items = spec.kind === 'list' ? value.split(',') : [value]
    const unknown = spec.choices === undefined ? [] : items.filter((item) => !(spec.choices as readonly string[]).includes(item))
    if (unknown.length > 0) fail(usage, `--${name}: unknown ${unknown.map((u) => `"${u}"`).join(', ')}: use ${(spec.choices as readonly string[]).join(', ')}`)
    parsed[name] = spec.kind === 'list' ? items : value
  }
  return parsed as ParsedOptions<S>
}
