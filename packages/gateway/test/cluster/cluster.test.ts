import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startUpstream, type GatewayProcess, type TestServer } from '../../src/testing/harness.ts'
import { eventually } from './fixtures.ts'
import { databaseStatus, nodeConfig, percentile, probe, runMigrationsCommand, startNode, writeWithRetry } from './nodes.ts'
import { createTestDatabase, pgUnavailableReason, type TestDatabase } from './pg-helpers.ts'

const skip = await pgUnavailableReason()
if (skip !== undefined) console.warn(`[cluster] ${skip}`)

/** One Admin API write of the workload, and what the proxy must then answer for `probe`. */
interface Change {
  readonly method: string
  readonly path: string
  readonly body?: unknown
  readonly probe: string
  readonly expect: number
}

/**
 * Change `k` of the workload: mostly new routes, every tenth a path change of an earlier route and
 * every tenth a delete of another (residues 5 and 4, so no route is both patched and deleted).
 * Paths end in `/` so that no path is a prefix of another (`/p84` would match `/p845`).
 */
function change(k: number): Change {
  if (k >= 10 && k % 10 === 8) return { method: 'PATCH', path: `/routes/route-${k - 3}`, body: { paths: [`/u${k}/`] }, probe: `/u${k}/`, expect: 200 }
  if (k >= 10 && k % 10 === 9) return { method: 'DELETE', path: `/routes/route-${k - 5}`, probe: `/p${k - 5}/`, expect: 404 }
  return { method: 'PUT', path: `/routes/route-${k}`, body: { paths: [`/p${k}/`], service: { name: 'echo' } }, probe: `/p${k}/`, expect: 200 }
}

/** Every path the workload up to `count` changes touched, with the answer a correct router gives. */
function expectedAnswers(count: number): Map<string, number> {
  const answers = new Map<string, number>()
  for (let k = 0; k < count; k++) {
    const c = change(k)
    answers.set(c.probe, c.expect)
    // A patched route no longer answers on its old path.
    if (c.method === 'PATCH') answers.set(`/p${k - 3}/`, 404)
  }
  return answers
}

describe.skipIf(skip !== undefined)('three gateway processes sharing one PostgreSQL', () => {
  let db: TestDatabase
  let upstream: TestServer
  const nodes: GatewayProcess[] = []
  const extra: GatewayProcess[] = []
  let written = 0

  const dbVersion = async (): Promise<number> => Number((await db.query<{ version: string }>('SELECT version FROM cluster_state')).rows[0]?.version)
  /** Waits until every node has applied the database's last version, then checks config and routing are identical. */
  const expectConverged = async (all: readonly GatewayProcess[]): Promise<void> => {
    const version = await dbVersion()
    expect(await eventually(async () => (await Promise.all(all.map(databaseStatus))).every((s) => s.config_version === version), 10_000, 20)).toBe(true)
    const configs = await Promise.all(all.map(nodeConfig))
    for (const config of configs) expect(config).toEqual(configs[0])
    const answers = expectedAnswers(written)
    const paths = [...answers.keys()]
    for (const node of all) {
      const seen = new Map<string, number>()
      // Fifty requests at a time: a full sweep stays quick without flooding a node.
      for (let i = 0; i < paths.length; i += 50) {
        const batch = paths.slice(i, i + 50)
        const statuses = await Promise.all(batch.map((path) => probe(node, path)))
        batch.forEach((path, j) => seen.set(path, statuses[j] ?? 0))
      }
      expect(seen).toEqual(answers)
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase()
    upstream = await startUpstream('echo')
  }, 60_000)

  afterAll(async () => {
    for (const node of [...nodes, ...extra]) if (node.child.exitCode === null) await node.stop('SIGKILL')
    await upstream?.close()
    await db?.drop()
  })

  it('runs `switchyard migrations bootstrap` from three nodes at once: one migrates, two find it done', async () => {
    const results = await Promise.all([0, 1, 2].map(() => runMigrationsCommand(db.settings, 'bootstrap')))
    expect(results.map((r) => r.code)).toEqual([0, 0, 0])
    expect(results.filter((r) => r.output.includes('migrated: 1')).length).toBe(1)
    expect(results.filter((r) => r.output.includes('already bootstrapped')).length).toBe(2)
    expect((await runMigrationsCommand(db.settings, 'status')).output).toContain('database is up to date (schema version 1)')
  }, 60_000)

  it('routes identically on every node within 200 ms of a write through any node (p99 over 1,000 changes)', async () => {
    nodes.push(...(await Promise.all([0, 1, 2].map(() => startNode(db.settings)))))
    expect((await adminCall(nodes[0]?.admin ?? '', 'PUT', '/services/echo', { url: `http://127.0.0.1:${upstream.port}/` })).status).toBe(200)
    const latencies: number[] = []
    for (let k = 0; k < 1_000; k++) {
      const c = change(k)
      const writer = nodes[k % 3] as GatewayProcess
      const status = (await adminCall(writer.admin, c.method, c.path, c.body)).status
      expect(status).toBeLessThan(300)
      written = k + 1
      const committed = performance.now()
      // The change has propagated when every node's proxy gives the new answer (polled every millisecond).
      const visible = await Promise.all(nodes.map(async (node) => ((await eventually(async () => (await probe(node, c.probe)) === c.expect, 2_000, 1)) ? performance.now() - committed : Infinity)))
      latencies.push(Math.max(...visible))
    }
    const p50 = percentile(latencies, 50)
    const p99 = percentile(latencies, 99)
    console.log(`[cluster] propagation to all 3 nodes over ${latencies.length} changes: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`)
    expect(p99).toBeLessThan(200)
    await expectConverged(nodes)
  }, 120_000)

  it('a node killed mid-stream and restarted catches up', async () => {
    const start = written
    for (let k = start; k < start + 150; k++) {
      if (k === start + 40) await nodes[2]?.stop('SIGKILL')
      if (k === start + 90) nodes[2] = await startNode(db.settings)
      const c = change(k)
      // Writes go through the nodes that are up.
      const { status } = await writeWithRetry(() => nodes[k % 2] as GatewayProcess, c.method, c.path, c.body)
      expect(status).toBeLessThan(300)
      written = k + 1
    }
    await expectConverged(nodes)
  }, 90_000)

  it('a frozen node (slow consumer) catches up from the version it had applied, incrementally', async () => {
    const frozen = nodes[2] as GatewayProcess
    const before = await databaseStatus(frozen)
    frozen.child.kill('SIGSTOP')
    try {
      const start = written
      for (let k = start; k < start + 100; k++) {
        const c = change(k)
        expect((await adminCall((nodes[k % 2] as GatewayProcess).admin, c.method, c.path, c.body)).status).toBeLessThan(300)
        written = k + 1
      }
    } finally {
      frozen.child.kill('SIGCONT')
    }
    await expectConverged(nodes)
    const after = await databaseStatus(frozen)
    expect(after.rebuilds).toBe(before.rebuilds)
    expect(after.changes_applied - before.changes_applied).toBe(after.config_version - before.config_version)
  }, 60_000)

  it('survives pg_terminate_backend while writes continue: no change lost or applied twice, routers identical to a fresh build', async () => {
    const before = await Promise.all(nodes.map(databaseStatus))
    const versionBefore = await dbVersion()
    let cutting = true
    let sawUnreachable = false
    let proxiedDuringOutage = 0
    const cutter = (async () => {
      const until = Date.now() + 1_500
      while (Date.now() < until) {
        await db.terminateAll()
        // Proxying carries on with the last router while the database is away.
        for (const node of nodes) if ((await probe(node, '/p0/')) === 200) proxiedDuringOutage++
        if ((await Promise.all(nodes.map(databaseStatus))).some((s) => !s.reachable)) sawUnreachable = true
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      cutting = false
    })()
    let retries = 0
    let unavailable = ''
    const start = written
    for (let k = start; cutting || k < start + 150; k++) {
      const c = change(k)
      const result = await writeWithRetry(() => nodes[k % 3] as GatewayProcess, c.method, c.path, c.body)
      expect(result.status).toBeLessThan(300)
      retries += result.retries
      if (result.unavailable !== undefined) unavailable = result.unavailable
      written = k + 1
    }
    await cutter
    console.log(`[cluster] ${written - start} writes during and after the cut; ${retries} answered 503 and were retried; ${proxiedDuringOutage} proxied requests served during the outage`)
    expect(sawUnreachable).toBe(true)
    expect(proxiedDuringOutage).toBeGreaterThan(0)
    expect(retries).toBeGreaterThan(0)
    expect(unavailable).toMatch(/^database unavailable: /)
    await expectConverged(nodes)
    const versionAfter = await dbVersion()
    const after = await Promise.all(nodes.map(databaseStatus))
    for (const [i, status] of after.entries()) {
      const earlier = before[i]
      // Every version in between applied exactly once, incrementally: nothing lost, nothing twice, no rebuild needed.
      expect(status.rebuilds).toBe(earlier?.rebuilds)
      expect(status.changes_applied - (earlier?.changes_applied ?? 0)).toBe(versionAfter - versionBefore)
    }
    // A node started now builds its router from the tables alone: the others must match it.
    const fresh = await startNode(db.settings)
    extra.push(fresh)
    await expectConverged([...nodes, fresh])
  }, 90_000)

  it('refuses to start against a database whose schema version it does not know', async () => {
    await db.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')")
    await expect(startNode(db.settings)).rejects.toThrow(/database schema is at version 999, newer than this node understands \(1\); upgrade switchyard/)
    expect((await runMigrationsCommand(db.settings, 'status')).code).toBe(3)
  }, 30_000)
})
