import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { clientConfig } from '../../src/store/postgres/settings.ts'
import { SyncPgClient } from '../../src/store/postgres/sync-client.ts'
import { DatabaseUnavailableError } from '../../src/store/postgres/unavailable.ts'
import { eventually } from './fixtures.ts'
import { createTestDatabase, pgUnavailableReason, type TestDatabase } from './pg-helpers.ts'

const skip = await pgUnavailableReason()
if (skip !== undefined) console.warn(`[cluster] ${skip}`)

describe.skipIf(skip !== undefined)('synchronous PostgreSQL client', () => {
  let db: TestDatabase
  let client: SyncPgClient

  beforeEach(async () => {
    db = await createTestDatabase()
    client = new SyncPgClient(clientConfig(db.settings, 'sync-client-test'), 5_000)
    client.query('CREATE TABLE t (n int)')
  })
  afterEach(async () => {
    client.close()
    await db.drop()
  })

  const cut = async (): Promise<void> => {
    await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sync-client-test'")
    // Let the worker see the connection go before the next statement is sent.
    expect(await eventually(async () => Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'sync-client-test'")).rows[0]?.n) === 0, 2_000)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  it('tells which connection ran each statement, so a transaction split by a lost connection shows', async () => {
    const begun = client.query('BEGIN').connection
    expect(client.query('INSERT INTO t VALUES (1)').connection).toBe(begun)
    await cut()
    // The statement after the cut either fails on the dead connection or runs on a new one, where a
    // COMMIT succeeds with nothing to commit: the caller must see that it is not the same connection.
    let committed: number | undefined
    try {
      committed = client.query('COMMIT').connection
    } catch (error) {
      expect(error).toBeInstanceOf(DatabaseUnavailableError)
      committed = client.query('COMMIT').connection
    }
    expect(committed).not.toBe(begun)
    expect(client.query<{ n: string }>('SELECT count(*) AS n FROM t').rows[0]?.n).toBe('0')
  })

  it('reconnects transparently between transactions', async () => {
    client.query('INSERT INTO t VALUES (1)')
    await cut()
    // The first statement after the cut may fail on the dead connection; the next one reconnects.
    try {
      client.query('SELECT 1')
    } catch (error) {
      expect(error).toBeInstanceOf(DatabaseUnavailableError)
    }
    expect(client.query<{ n: string }>('SELECT count(*) AS n FROM t').rows[0]?.n).toBe('1')
  })
})
