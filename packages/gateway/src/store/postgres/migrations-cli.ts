import pg from 'pg'
import type { CliOutput } from '../../cli/check.ts'
import { configFromArgs } from '../../cli/start.ts'
import { bootstrap, mismatchMessage, PG_MIGRATIONS, schemaStatus, SchemaMismatchError, up } from './migrations.ts'
import { clientConfig, describeTarget } from './settings.ts'

const USAGE = 'usage: switchyard migrations bootstrap|up|status [flags]   (database = postgres; same flags and SWITCHYARD_PG_* variables as start)\n'

/** Exit code of `status` when the database needs `bootstrap` or `up` (scripts wait on it). */
export const NEEDS_MIGRATION = 3

function describe(version: number): string {
  const m = PG_MIGRATIONS.find((x) => x.version === version)
  return m === undefined ? `${version}` : `${version} (${m.name})`
}

/**
 * `switchyard migrations bootstrap | up | status`, as `kong migrations`: bootstrap creates the
 * schema in an empty database, up applies pending migrations, status reports (exit 0 when up to
 * date, 3 when bootstrap or up is needed, 1 on errors). Safe to run from several nodes at once.
 */
export async function runMigrations(args: readonly string[], io: CliOutput, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const [command, ...flags] = args
  if (command !== 'bootstrap' && command !== 'up' && command !== 'status') return io.err(USAGE), 2
  const loaded = configFromArgs(flags, env)
  if (!loaded.ok) return io.err(loaded.help ? USAGE : `switchyard: invalid configuration:\n${loaded.errors.map((e) => `  ${e}`).join('\n')}\n`), loaded.help ? 0 : 1
  if (loaded.config.database !== 'postgres') {
    return io.err(`switchyard migrations: database is "${loaded.config.database}"; migrations are for database = postgres (SQLite migrates itself at start)\n`), 1
  }
  const settings = loaded.config.postgres
  const client = new pg.Client({ ...clientConfig(settings, 'switchyard migrations'), connectionTimeoutMillis: 10_000 })
  try {
    await client.connect()
  } catch (error) {
    return io.err(`switchyard migrations: cannot connect to PostgreSQL at ${describeTarget(settings)}: ${error instanceof Error ? error.message : String(error)}\n`), 1
  }
  try {
    if (command === 'status') {
      const status = await schemaStatus(client)
      const problem = mismatchMessage(status)
      if (problem === undefined) return io.out(`database is up to date (schema version ${status.current})\n`), 0
      io.out(`${problem}\n`)
      if (status.pending.length > 0 && status.current > 0) io.out(`pending: ${status.pending.map((m) => describe(m.version)).join(', ')}\n`)
      return NEEDS_MIGRATION
    }
    const applied = command === 'bootstrap' ? await bootstrap(client) : await up(client)
    if (applied.length === 0) io.out(command === 'bootstrap' ? 'database already bootstrapped\n' : 'database is already up to date\n')
    for (const version of applied) io.out(`migrated: ${describe(version)}\n`)
    const status = await schemaStatus(client)
    if (applied.length > 0) io.out(`database is up to date (schema version ${status.current})\n`)
    return 0
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return io.err(`switchyard migrations ${command}: ${message}\n`), error instanceof SchemaMismatchError ? NEEDS_MIGRATION : 1
  } finally {
    await client.end().catch(() => undefined)
  }
}
