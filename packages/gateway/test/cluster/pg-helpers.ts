import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { PgSettings } from '../../src/store/postgres/settings.ts'

/** The server the cluster tests use: SWITCHYARD_TEST_PG_* or Kong's CI defaults (127.0.0.1:5432, trust auth). */
export const TEST_SERVER = {
  host: process.env['SWITCHYARD_TEST_PG_HOST'] ?? '127.0.0.1',
  port: Number(process.env['SWITCHYARD_TEST_PG_PORT'] ?? 5432),
  user: process.env['SWITCHYARD_TEST_PG_USER'] ?? 'postgres',
  password: process.env['SWITCHYARD_TEST_PG_PASSWORD'],
} as const

function adminClient(): pg.Client {
  return new pg.Client({ host: TEST_SERVER.host, port: TEST_SERVER.port, user: TEST_SERVER.user, database: 'postgres', connectionTimeoutMillis: 1_500, ...(TEST_SERVER.password === undefined ? {} : { password: TEST_SERVER.password }) })
}

/** Connects once: undefined when PostgreSQL is reachable, else why not (the suites skip with this message). */
export async function pgUnavailableReason(): Promise<string | undefined> {
  const client = adminClient()
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (error) {
    return `PostgreSQL not reachable at ${TEST_SERVER.host}:${TEST_SERVER.port} (${error instanceof Error ? error.message : String(error)}); cluster tests SKIPPED`
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** A fresh database for one test run; `drop` removes it (terminating leftover connections first). */
export interface TestDatabase {
  readonly name: string
  readonly settings: PgSettings
  /** Runs one statement against the test database. */
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>
  /** Cuts every connection to the test database but the helper's own (`pg_terminate_backend`). */
  terminateAll(): Promise<number>
  drop(): Promise<void>
}

/** Creates a uniquely named database (`switchyard_test_<random>`). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `switchyard_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  const admin = adminClient()
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const settings: PgSettings = { host: TEST_SERVER.host, port: TEST_SERVER.port, user: TEST_SERVER.user, password: TEST_SERVER.password, database: name, ssl: false, url: undefined }
  const own = new pg.Client({ host: TEST_SERVER.host, port: TEST_SERVER.port, user: TEST_SERVER.user, database: name, ...(TEST_SERVER.password === undefined ? {} : { password: TEST_SERVER.password }) })
  await own.connect()
  const ownPid = (await own.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid
  return {
    name,
    settings,
    query: (sql, params) => own.query(sql, params),
    async terminateAll() {
      const r = await admin.query<{ n: string }>('SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> $2', [name, ownPid])
      return Number(r.rows[0]?.n ?? 0)
    },
    async drop() {
      await own.end().catch(() => undefined)
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]).catch(() => undefined)
      await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined)
      await admin.end().catch(() => undefined)
    },
  }
}
