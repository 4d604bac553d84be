/**
 * `switchyard convert FILE [--check] [--priority documented] [--flavor F] [-o OUT]`: turns every
 * traditional route of a Kong declarative configuration (YAML or JSON, `_format_version: "3.0"`;
 * FILE `-` is standard input, named `<stdin>` in its problems) into an expression route, prints a summary, and with `--check` proves that the original and the
 * converted configuration route sample requests identically.
 */
import { checkConversion, convertConfig, formatCheck, formatSummary, type Flavor, type Json, type PriorityLayout } from '@switchyard/http'
import { writeFileSync } from 'node:fs'
import { stringify } from 'yaml'
import { inputName, readCommandInput, STDIN_PATH } from '../input-file.ts'
import { parseConfigText } from '../store/config-text.ts'
import { describeProblems, problemCount } from '../store/declarative-report.ts'

/** Reads FILE (`-`: standard input) with the CLI's checks (text of bounded size, a regular file); throws the reason. */
function readChecked(path: string): string {
  const input = readCommandInput(path)
  if (!input.ok) throw new Error(input.message)
  return input.text
}

/** The CLI's access to the outside world, injected so the command is testable. */
export interface ConvertIo {
  stdout(text: string): void
  stderr(text: string): void
  readFile(path: string): string
  writeFile(path: string, text: string): void
}

/** The gateway CLI's console shape (`out`/`err`), also accepted; files then go through `node:fs`. */
export interface ConsoleIo {
  out(text: string): void
  err(text: string): void
}

/** Adapts whatever I/O the caller passes: full `ConvertIo`, the CLI console, or nothing (process streams and disk). */
function resolveIo(io: ConvertIo | ConsoleIo | undefined): ConvertIo {
  // Told apart by `readFile`: a console may carry `stdout` and `stderr` fields of its own (a test's capture).
  if (io !== undefined && 'readFile' in io) return io
  const files = { readFile: readChecked, writeFile: (path: string, text: string) => writeFileSync(path, text) }
  if (io !== undefined) return { stdout: (text) => io.out(text), stderr: (text) => io.err(text), ...files }
  return { stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text), ...files }
}

const USAGE = `usage: switchyard convert FILE [--check] [--priority effective|documented] [--flavor expressions|traditional_compatible] [-o OUT]

  Converts every traditional route of a Kong declarative configuration into an expression route.
  FILE           the configuration; - reads it from standard input
  --check        route sample requests through both configurations and list every difference
                 (exit status 1 when there is one, except with --priority documented, whose
                 differences are the report)
  --priority     effective (default): keep Kong 3.10's actual order; documented: the documented layout
  --flavor       the router flavor the original runs under (default expressions)
  -o OUT         write the converted configuration to OUT (default, or -: standard output)
`

interface Arguments {
  readonly file: string
  readonly check: boolean
  readonly priority: PriorityLayout
  readonly flavor: Flavor
  readonly output: string | undefined
}

function parseArguments(argv: readonly string[]): Arguments | string {
  let file: string | undefined
  let check = false
  let priority: PriorityLayout = 'effective'
  let flavor: Flavor = 'expressions'
  let output: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const value = (): string | undefined => {
      const eq = arg.indexOf('=')
      if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1)
      i++
      return argv[i]
    }
    const name = arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg
    if (name === '--check') check = true
    else if (name === '--priority') {
      const layout = value()
      if (layout !== 'effective' && layout !== 'documented') return `--priority must be effective or documented`
      priority = layout
    } else if (name === '--flavor') {
      const given = value()
      if (given !== 'expressions' && given !== 'traditional_compatible') return `--flavor must be expressions or traditional_compatible`
      flavor = given
    } else if (name === '-o' || name === '--output') {
      output = value()
      if (output === undefined) return '-o needs a file name'
      if (output === STDIN_PATH) output = undefined
    } else if (name === '-h' || name === '--help') return ''
    else if (arg.startsWith('-') && arg !== STDIN_PATH) return `unknown option ${arg}`
    else if (file === undefined) file = arg
    else return `unexpected argument ${arg}`
  }
  if (file === undefined) return 'missing FILE'
  return { file, check, priority, flavor, output }
}

/** Runs the command; returns the exit status (0 ok, 1 differences, an invalid file or invalid routes, 2 usage or I/O errors). */
export async function runConvert(argv: readonly string[], given?: ConvertIo | ConsoleIo): Promise<number> {
  const io = resolveIo(given)
  const args = parseArguments(argv)
  if (typeof args === 'string') {
    if (args === '') {
      io.stdout(USAGE)
      return 0
    }
    io.stderr(`switchyard convert: ${args}\n${USAGE}`)
    return 2
  }
  let text: string
  try {
    text = io.readFile(args.file)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    io.stderr(`switchyard convert: ${message.startsWith('cannot read ') ? message : `cannot read ${args.file}: ${message}`}\n`)
    return 2
  }
  // Read as every command reads a declarative file, so that a file `config validate` refuses for its
  // syntax is refused here in the same words, with the same status.
  const name = inputName(args.file)
  const parsed = parseConfigText(text, name)
  if (!parsed.ok) {
    io.stderr(describeProblems(name, text, parsed.problems) + problemCount(parsed.problems.length))
    return 1
  }
  const input = parsed.value as Json
  const conversion = convertConfig(input, { flavor: args.flavor, priority: args.priority })
  const report = args.output === undefined ? io.stderr.bind(io) : io.stdout.bind(io)
  if (conversion.config === undefined) {
    io.stderr(formatSummary(conversion))
    return 1
  }
  const written = parsed.format === 'json' ? `${JSON.stringify(conversion.config, null, 2)}\n` : stringify(conversion.config)
  try {
    if (args.output === undefined) io.stdout(written)
    else io.writeFile(args.output, written)
  } catch (error) {
    io.stderr(`switchyard convert: cannot write ${args.output}: ${error instanceof Error ? error.message : String(error)}\n`)
    return 2
  }
  report(formatSummary(conversion))
  if (!args.check) return 0
  const checked = checkConversion(input, conversion.config, { flavor: args.flavor, sourceOf: conversion.sourceOf })
  report(formatCheck(checked))
  return checked.differences.length > 0 && args.priority === 'effective' ? 1 : 0
}
