import type { ClientBase } from 'pg'

/** One schema step. Never edit a released one: append a new version. */
export interface PgMigration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * The PostgreSQL schema. Entities are stored as JSON text (not jsonb) so the Admin API returns
 * fields in the order they were written, exactly as the SQLite store does. `change_log` and
 * `cluster_state` carry change propagation: the single counter row hands out gapless versions
 * and, being row-locked until commit, makes commit order equal version order.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'services, routes, change log',
    sql: `
      CREATE TABLE services (id TEXT PRIMARY KEY, name TEXT UNIQUE, tags TEXT NOT NULL DEFAULT '[]', data TEXT NOT NULL);
      CREATE TABLE routes (
        id TEXT PRIMARY KEY, name TEXT UNIQUE,
        service_id TEXT REFERENCES services(id) ON DELETE RESTRICT,
        tags TEXT NOT NULL DEFAULT '[]', data TEXT NOT NULL);
      CREATE INDEX routes_service_id ON routes(service_id);
      CREATE TABLE cluster_state (id INT PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
      INSERT INTO cluster_state (id, version) VALUES (1, 0);
      CREATE TABLE change_log (
        version BIGINT PRIMARY KEY, kind TEXT NOT NULL, entity_id TEXT, data TEXT,
        node_id TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
      CREATE TABLE cluster_nodes (
        node_id TEXT PRIMARY KEY, hostname TEXT NOT NULL, applied_version BIGINT NOT NULL,
        seen_at TIMESTAMPTZ NOT NULL DEFAULT now());`,
  },
]

/** The schema version this build of the gateway needs. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0)

/** Arbitrary constant key of the advisory lock that serialises migration runs across nodes. */
const MIGRATION_LOCK = 7_346_001

/** What `switchyard migrations status` reports. */
export interface SchemaStatus {
  /** Highest applied version; 0 when the database was never bootstrapped. */
  readonly current: number
  /** The version this node needs. */
  readonly expected: number
  readonly pending: readonly PgMigration[]
  /** Applied versions this node does not know: the database was migrated by a newer gateway. */
  readonly unknown: readonly number[]
}

/** The database cannot be used by this node as it is; `message` says what to run. */
export class SchemaMismatchError extends Error {
  /** Creates the error with an operator-facing message. */
  constructor(message: string) {
    super(message)
    this.name = 'SchemaMismatchError'
  }
}

/** Reads which migrations the database has, against a list (this build's by default; tests pass others). */
export async function schemaStatus(client: ClientBase, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<SchemaStatus> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t")
  const applied = exists.rows[0]?.t == null ? [] : (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => Number(r.version))
  const known = new Set(migrations.map((m) => m.version))
  return {
    current: applied.reduce((max, v) => Math.max(max, v), 0),
    expected: migrations.reduce((max, m) => Math.max(max, m.version), 0),
    pending: migrations.filter((m) => !applied.includes(m.version)),
    unknown: applied.filter((v) => !known.has(v)),
  }
}

/** The operator message for a database this node cannot start against, or undefined when it can. */
export function mismatchMessage(status: SchemaStatus): string | undefined {
  if (status.unknown.length > 0 || status.current > status.expected) {
    return `database schema is at version ${status.current}, newer than this node understands (${status.expected}); upgrade switchyard on this node`
  }
  if (status.current === 0) return 'database is not bootstrapped; run `switchyard migrations bootstrap`'
  if (status.pending.length > 0) {
    return `database schema is at version ${status.current}, this node needs ${status.expected}; run \`switchyard migrations up\``
  }
  return undefined
}

/** Throws SchemaMismatchError unless the database has exactly the schema this node needs. */
export async function checkSchema(client: ClientBase): Promise<void> {
  const message = mismatchMessage(await schemaStatus(client))
  if (message !== undefined) throw new SchemaMismatchError(message)
}

async function withMigrationLock<T>(client: ClientBase, run: () => Promise<T>): Promise<T> {
  // A session lock: released by the unlock, or by PostgreSQL if this process dies mid-way.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
  try {
    return await run()
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
  }
}

async function apply(client: ClientBase, migrations: readonly PgMigration[]): Promise<number[]> {
  const done: number[] = []
  for (const m of migrations) {
    await client.query('BEGIN')
    try {
      await client.query(m.sql)
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name])
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    }
    done.push(m.version)
  }
  return done
}

/**
 * `migrations bootstrap`: creates the schema in an empty database. Safe to run from many nodes at
 * once: the lock lets one do the work and the others find it done. Returns the versions it applied.
 */
export async function bootstrap(client: ClientBase, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  return withMigrationLock(client, async () => {
    const status = await schemaStatus(client, migrations)
    if (status.current > 0) return []
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())')
    return apply(client, migrations)
  })
}

/** `migrations up`: applies pending migrations; refuses an unbootstrapped or newer database. */
export async function up(client: ClientBase, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  return withMigrationLock(client, async () => {
    const status = await schemaStatus(client, migrations)
    if (status.current === 0) throw new SchemaMismatchError('database is not bootstrapped; run `switchyard migrations bootstrap`')
    if (status.unknown.length > 0 || status.current > status.expected) throw new SchemaMismatchError(mismatchMessage(status) ?? 'database schema is newer than this node')
    return apply(client, status.pending)
  })
}
