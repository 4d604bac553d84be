import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteStore } from '../../src/store/sqlite-store.ts'
import { bootstrap, mismatchMessage, PG_MIGRATIONS, PG_SCHEMA_VERSION, schemaStatus, up } from '../../src/store/postgres/migrations.ts'
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/postgres-store.ts'
import { pruneChangeLog } from '../../src/store/postgres/prune.ts'
import { clientConfig } from '../../src/store/postgres/settings.ts'
import { DatabaseUnavailableError } from '../../src/store/postgres/unavailable.ts'
import type { Store, StoreChange } from '../../src/store/store.ts'
import { canonical, eventually, route, service } from './fixtures.ts'
import { createTestDatabase, pgUnavailableReason, type TestDatabase } from './pg-helpers.ts'

const skip = await pgUnavailableReason()
if (skip !== undefined) console.warn(`[cluster] ${skip}`)

describe.skipIf(skip !== undefined)('PostgreSQL store', () => {
  let db: TestDatabase
  const open: PostgresStore[] = []
  const node = async (options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> => {
    const store = await PostgresStore.open({ settings: db.settings, heartbeatMs: 200, backoff: { minMs: 50, maxMs: 200 }, ...options })
    open.push(store)
    return store
  }
  const dbVersion = async (): Promise<number> => Number((await db.query<{ version: string }>('SELECT version FROM cluster_state')).rows[0]?.version)
  /** Cuts one node's connections (they carry its node id as application_name). */
  const cut = async (store: PostgresStore): Promise<void> => {
    await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'switchyard ' || $1", [store.nodeId])
    expect(await eventually(() => !store.health.reachable, 2_000)).toBe(true)
  }

  beforeEach(async () => {
    db = await createTestDatabase()
    const client = new pg.Client(clientConfig(db.settings))
    await client.connect()
    await bootstrap(client)
    await client.end()
  })
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.closeAsync()))
    await db.drop()
  })

  it('behaves like the SQLite store: results, conflicts, paging, tags, events', async () => {
    const sqlite = new SqliteStore(':memory:')
    const postgres = await node()
    const script = (store: Store): unknown[] => {
      const events: string[] = []
      store.subscribe((c: StoreChange) => events.push(c.type === 'reset' ? `reset ${c.snapshot.routes.length}` : `${c.type} ${c.entity.id} ${'previous' in c ? String(c.previous !== undefined) : ''}`))
      const out: unknown[] = []
      out.push(store.putService(service(1, { tags: ['a', 'b'] })))
      out.push(store.putService(service(2, { name: 'svc-1' })))
      out.push(store.putService(service(2, { tags: ['b'] })))
      out.push(store.putService(service(1, { port: 8080, tags: ['a', 'b'] })))
      for (let i = 1; i <= 5; i++) out.push(store.putRoute(route(i, service(1).id, { tags: i % 2 === 0 ? ['even'] : null })))
      out.push(store.putRoute(route(6, null, { name: 'route-1' })))
      out.push(store.getService('svc-1'), store.getService(service(2).id.toUpperCase()), store.getRoute('route-3'), store.getRoute('nope'))
      const first = store.listRoutes({ size: 2 })
      out.push(first, store.listRoutes({ size: 2, offset: first.offset }), store.listRoutes({ size: 10, tags: { mode: 'all', tags: ['even'] } }))
      out.push(store.listServices({ size: 10, tags: { mode: 'any', tags: ['a', 'x'] } }), store.listRoutes({ size: 10, serviceId: service(1).id }).data.length)
      out.push(store.countRoutes(service(1).id), store.countRoutes(service(2).id))
      out.push(store.deleteRoute(route(5, null).id), store.deleteRoute(route(5, null).id), store.deleteService(service(2).id), store.deleteService(service(2).id))
      store.replaceAll({ services: [service(7)], routes: [route(8, service(7).id), route(9, null)] })
      out.push(canonical(store.snapshot()), events)
      return out
    }
    expect(script(postgres)).toEqual(script(sqlite))
    sqlite.close()
  })

  it('propagates writes from any node to every node, in version order, each exactly once', async () => {
    const nodes = [await node(), await node(), await node()]
    const seen = nodes.map(() => [] as string[])
    nodes.forEach((n, i) => n.subscribe((c) => seen[i]?.push(c.type === 'reset' ? 'reset' : `${c.type}:${c.entity.id}:${c.entity.updated_at}`)))
    nodes[0]?.putService(service(1))
    let random = 42
    const next = (n: number): number => ((random = (random * 1103515245 + 12345) % 2 ** 31), random % n)
    for (let i = 0; i < 300; i++) {
      const writer = nodes[next(3)] as PostgresStore
      const id = next(40)
      if (next(5) === 0) writer.deleteRoute(route(id, null).id)
      else expect(writer.putRoute(route(id, service(1).id, { updated_at: i }))).toBeUndefined()
    }
    const version = await dbVersion()
    expect(await eventually(() => nodes.every((n) => n.health.version === version))).toBe(true)
    const expected = canonical(nodes[0]?.snapshot() ?? { services: [], routes: [] })
    for (const [i, n] of nodes.entries()) {
      expect(canonical(n.snapshot())).toEqual(expected)
      // Started at version 0 and never rebuilt: one applied change per version, none twice.
      expect(n.health).toMatchObject({ version, changesApplied: version, rebuilds: 0 })
      expect(seen[i]).toEqual(seen[0])
    }
  })

  it('fails writes fast while the database is away, keeps serving reads, and catches up afterwards', async () => {
    const a = await node({ backoff: { minMs: 30, maxMs: 60 } })
    const b = await node({ backoff: { minMs: 1_000, maxMs: 1_000 } })
    a.putService(service(1))
    await cut(a)
    const started = performance.now()
    expect(() => a.putService(service(2))).toThrow(DatabaseUnavailableError)
    expect(performance.now() - started).toBeLessThan(50)
    expect(a.getService('svc-1')?.id).toBe(service(1).id)
    expect(a.health.reachable).toBe(false)
    expect(a.metrics()).toContain('switchyard_datastore_reachable 0')
    expect(await eventually(() => a.health.reachable, 3_000)).toBe(true)
    // Now B is away while A keeps writing: B must pick everything up from its own version.
    await cut(b)
    for (let i = 0; i < 20; i++) a.putRoute(route(i, service(1).id))
    expect(b.snapshot().routes).toHaveLength(0)
    const version = await dbVersion()
    expect(await eventually(() => b.health.version === version, 5_000)).toBe(true)
    expect(canonical(b.snapshot())).toEqual(canonical(a.snapshot()))
    expect(b.health).toMatchObject({ changesApplied: version, rebuilds: 0 })
    expect(b.health.reconnects).toBeGreaterThan(0)
  })

  it('answers a write stuck behind a lock with 503 within the write timeout, not a hang', async () => {
    const a = await node({ writeTimeoutMs: 500 })
    await db.query('BEGIN')
    try {
      // Another transaction holds the version row: every write must wait for it.
      await db.query('SELECT version FROM cluster_state FOR UPDATE')
      const started = performance.now()
      let error: unknown
      try {
        a.putService(service(1))
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(DatabaseUnavailableError)
      // Normally the server's lock timeout answers (`busy`); on a loaded machine the caller's own wait may end first.
      expect(['busy', 'timeout']).toContain(error instanceof DatabaseUnavailableError ? error.reason : undefined)
      // The lock is held until the ROLLBACK below: a hang would never end. The bound leaves room for a loaded machine.
      expect(performance.now() - started).toBeLessThan(5_000)
    } finally {
      await db.query('ROLLBACK')
    }
    // After a timeout, writes fail fast until the follower's next heartbeat succeeds; then they work again.
    const retry = (): boolean => {
      try {
        return a.putService(service(1)) === undefined
      } catch {
        return false
      }
    }
    expect(await eventually(retry, 3_000, 20)).toBe(true)
    expect(a.getService('svc-1')).toBeDefined()
  })

  it('prunes the log automatically, never past a live node, and rebuilds a node the log was pruned past', async () => {
    const prune = { intervalMs: 100, retentionMs: 0, keep: 5, nodeTtlMs: 60_000 }
    const a = await node({ heartbeatMs: 50, prune })
    // B stays away for 3 s after each cut: long enough for A's writes and the pruning to happen first.
    const b = await node({ heartbeatMs: 50, prune, backoff: { minMs: 3_000, maxMs: 3_000 } })
    a.putService(service(1))
    expect(await eventually(() => b.health.version === 1)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 120))
    await cut(b)
    const held = b.health.version
    for (let i = 0; i < 30; i++) a.putRoute(route(i, service(1).id))
    await new Promise((resolve) => setTimeout(resolve, 300))
    // A pruned, but kept everything B (silent, yet within its TTL) still needs.
    const rows = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM change_log WHERE version > $1', [held])).rows[0]?.n)
    expect(rows).toBe(30)
    expect(await eventually(() => b.health.version === 31, 8_000)).toBe(true)
    expect(b.health.rebuilds).toBe(0)
    expect(await eventually(async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM change_log')).rows[0]?.n) <= 6, 3_000)).toBe(true)

    // Past the TTL nothing holds the log back: B, cut again, must rebuild from the tables.
    await cut(b)
    for (let i = 0; i < 30; i++) a.deleteRoute(route(i, null).id)
    const client = new pg.Client(clientConfig(db.settings))
    await client.connect()
    // A's own pruning may hold the prune lock at this moment: try until this one runs.
    expect(await eventually(async () => (await pruneChangeLog(client, { ...prune, keep: 0, nodeTtlMs: 0 })) > 0, 2_000)).toBe(true)
    await client.end()
    const version = await dbVersion()
    expect(b.health.version).toBeLessThan(version)
    expect(await eventually(() => b.health.version === version, 8_000)).toBe(true)
    expect(b.health.rebuilds).toBe(1)
    expect(canonical(b.snapshot())).toEqual(canonical(a.snapshot()))
  })

  it('rebuilds when the database goes back in time (restored from a backup)', async () => {
    const a = await node()
    a.putService(service(1))
    for (let i = 0; i < 5; i++) a.putRoute(route(i, service(1).id))
    // "Restore" the state as of version 3: two routes and the log up to there.
    await db.query('DELETE FROM routes WHERE id NOT IN ($1, $2)', [route(0, null).id, route(1, null).id])
    await db.query('DELETE FROM change_log WHERE version > 3')
    await db.query('UPDATE cluster_state SET version = 3')
    expect(await eventually(() => a.health.version === 3 && a.snapshot().routes.length === 2, 5_000)).toBe(true)
    expect(a.putRoute(route(9, service(1).id))).toBeUndefined()
    expect(a.health.version).toBe(4)
  })

  it('refuses a database whose schema it does not know, or that was never bootstrapped', async () => {
    await db.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')")
    await expect(node()).rejects.toThrow(/schema is at version 999, newer than this node understands \(1\)/)
    const empty = await createTestDatabase()
    try {
      await expect(PostgresStore.open({ settings: empty.settings })).rejects.toThrow(/not bootstrapped; run `switchyard migrations bootstrap`/)
    } finally {
      await empty.drop()
    }
  })

  it('applies a pending migration once when `up` runs from three nodes at once, and reports it before', async () => {
    const next = [...PG_MIGRATIONS, { version: PG_SCHEMA_VERSION + 1, name: 'test column', sql: 'ALTER TABLE services ADD COLUMN test_extra TEXT' }]
    const clients = [0, 1, 2].map(() => new pg.Client(clientConfig(db.settings)))
    try {
      await Promise.all(clients.map((c) => c.connect()))
      const first = clients[0] as pg.Client
      const before = await schemaStatus(first, next)
      expect(before.pending.map((m) => m.version)).toEqual([PG_SCHEMA_VERSION + 1])
      expect(mismatchMessage(before)).toBe(`database schema is at version ${PG_SCHEMA_VERSION}, this node needs ${PG_SCHEMA_VERSION + 1}; run \`switchyard migrations up\``)
      const results = await Promise.all(clients.map((c) => up(c, next)))
      expect(results.map((r) => r.length).sort()).toEqual([0, 0, 1])
      expect(mismatchMessage(await schemaStatus(first, next))).toBeUndefined()
      // This build now finds a schema newer than it understands.
      expect(mismatchMessage(await schemaStatus(first))).toMatch(/newer than this node understands/)
    } finally {
      await Promise.all(clients.map((c) => c.end()))
    }
  })

  it('runs concurrent bootstraps once', async () => {
    const fresh = await createTestDatabase()
    const clients = [0, 1, 2].map(() => new pg.Client(clientConfig(fresh.settings)))
    try {
      await Promise.all(clients.map((c) => c.connect()))
      const results = await Promise.all(clients.map((c) => bootstrap(c)))
      expect(results.map((r) => r.length).sort()).toEqual([0, 0, 1])
      const status = await schemaStatus(clients[0] as pg.Client)
      expect(status).toMatchObject({ current: 1, pending: [], unknown: [] })
    } finally {
      await Promise.all(clients.map((c) => c.end()))
      await fresh.drop()
    }
  })
})

