import { helpText, type RouterFlavor } from '../config.ts'
import { check, type CliOutput } from './check.ts'
import { runConvert } from './convert.ts'
import { validateConfigFile } from './config-validate.ts'
import { match } from './match.ts'
import { start } from './start.ts'
import { runMigrations } from '../store/postgres/migrations-cli.ts'
import { VERSION } from '../admin/server.ts'

/** The console, as the CLI writes to it. */
export const CONSOLE: CliOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
}

/** The router flavor offline commands check against: `SWITCHYARD_ROUTER_FLAVOR`, as for `start`. */
function flavorFromEnvironment(): RouterFlavor {
  return process.env['SWITCHYARD_ROUTER_FLAVOR'] === 'traditional_compatible' ? 'traditional_compatible' : 'expressions'
}

/**
 * The `switchyard` command line: `start` (the default), `check`, `match`, `config validate` (or `parse`),
 * `convert`, `version`, `--help`. Returns the exit code; -1 means "keep running" (a cluster worker).
 */
export async function runCli(args: readonly string[], io: CliOutput = CONSOLE): Promise<number> {
  try {
    return await dispatch(args, io)
  } catch (error) {
    // A bug or an environment problem: one line for the person, the stack only on request.
    const detail = process.env['SWITCHYARD_DEBUG'] === '1' && error instanceof Error ? `\n${error.stack ?? ''}` : ''
    io.err(`switchyard: ${error instanceof Error ? error.message : String(error)}${detail}\n`)
    return 1
  }
}

/**
 * `switchyard version [--all]` (also `--version`, `-V`): the version alone, as `kong version` prints
 * Kong's; `--all` (`-a`) adds the runtime it runs on.
 */
function version(args: readonly string[], io: CliOutput): number {
  const all = args.length === 1 && (args[0] === '--all' || args[0] === '-a')
  if (args.length > 0 && !all) return io.err(`switchyard version: unknown option ${args[0] ?? ''}\nusage: switchyard version [--all]\n`), 2
  io.out(all ? `Switchyard: ${VERSION}\nNode.js: ${process.versions.node}\n` : `${VERSION}\n`)
  return 0
}

async function dispatch(args: readonly string[], io: CliOutput): Promise<number> {
  const [command, ...rest] = args
  switch (command) {
    case undefined:
      return start([])
    case 'start':
      return start(rest)
    case 'check':
      return check(rest, io)
    case 'match':
      return match(rest, io, flavorFromEnvironment())
    case 'config':
      // `parse` is Kong's name for the same check (`kong config parse FILE`).
      if (rest[0] === 'validate' || rest[0] === 'parse') return validateConfigFile(rest.slice(1), io, flavorFromEnvironment())
      return io.err('usage: switchyard config validate FILE   (or `config parse FILE`, as in Kong; FILE - reads standard input)\n'), 2
    case 'migrations':
      return runMigrations(rest, io)
    case 'convert':
      return runConvert(rest, io)
    case 'version':
    case '--version':
    case '-V':
      return version(rest, io)
    case '--help':
    case '-h':
    case 'help':
      return io.out(helpText() + '\n'), 0
    default:
      // Flags without a command mean `start` (so `switchyard --workers 2` works).
      if (command.startsWith('-')) return start(args)
      return io.err(`switchyard: unknown command "${command}"\n${helpText()}\n`), 2
  }
}
