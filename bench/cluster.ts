// `npm run bench:cluster -- [--routes 10000] [--changes 500] [--catch-up 1000]`
// Three `switchyard start` processes on one PostgreSQL (127.0.0.1:5432 or SWITCHYARD_TEST_PG_*),
// a scratch database created and dropped by the run. Reports:
//   - change propagation: from the Admin API answer on the writing node until every node's proxy
//     routes the new route (p50/p99), with `--routes` routes loaded;
//   - catch-up: a node is frozen (SIGSTOP) while `--catch-up` changes are written through the
//     others, then resumed; time until it has applied them all (and routes the last one).
import pg from 'pg'
import { parseOptions } from './options.ts'
import { adminCall, spawnGateway, startUpstream, type GatewayProcess } from '../packages/gateway/src/testing/harness.ts'
import { bootstrap } from '../packages/gateway/src/store/postgres/migrations.ts'
import { PostgresStore } from '../packages/gateway/src/store/postgres/postgres-store.ts'
import { clientConfig } from '../packages/gateway/src/store/postgres/settings.ts'
import { route, service } from '../packages/gateway/test/cluster/fixtures.ts'
import { databaseStatus, percentile, pgFlags, probe } from '../packages/gateway/test/cluster/nodes.ts'
import { createTestDatabase, pgUnavailableReason } from '../packages/gateway/test/cluster/pg-helpers.ts'

const options = parseOptions(process.argv.slice(2), 'npm run bench:cluster --', 'Change propagation and catch-up of three gateways on one PostgreSQL.', {
  routes: { kind: 'number', help: 'routes loaded before measuring (default 10000)' },
  changes: { kind: 'number', help: 'changes timed for propagation (default 500)' },
  'catch-up': { kind: 'number', help: 'changes written while one node is frozen (default 1000)' },
})
const ROUTES = options.routes ?? 10_000
const CHANGES = options.changes ?? 500
const CATCH_UP = options['catch-up'] ?? 1_000

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
async function until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 1): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (await check()) return true
    await sleep(everyMs)
  }
  return false
}

const reason = await pgUnavailableReason()
if (reason !== undefined) {
  console.log(`bench:cluster skipped: ${reason}`)
  process.exit(0)
}

const db = await createTestDatabase()
const upstream = await startUpstream('bench')
const nodes: GatewayProcess[] = []
try {
  const client = new pg.Client(clientConfig(db.settings))
  await client.connect()
  await bootstrap(client)
  await client.end()

  // Load the routes in one transaction through the store itself (the Admin API would take minutes).
  let started = performance.now()
  const seeder = await PostgresStore.open({ settings: db.settings })
  const echo = service(1, { name: 'echo', port: upstream.port })
  seeder.replaceAll({ services: [echo], routes: Array.from({ length: ROUTES }, (_, i) => route(i, echo.id, { name: `seed-${i}`, paths: [`/seed/${i}/`] })) })
  await seeder.closeAsync()
  console.log(`seeded ${ROUTES} routes in ${(performance.now() - started).toFixed(0)} ms`)

  started = performance.now()
  nodes.push(...(await Promise.all([0, 1, 2].map(() => spawnGateway(pgFlags(db.settings))))))
  console.log(`3 nodes started (each loading ${ROUTES} routes) in ${(performance.now() - started).toFixed(0)} ms`)
  if ((await probe(nodes[2] as GatewayProcess, `/seed/${ROUTES - 1}/`)) !== 200) throw new Error('seeded routes are not routed')

  const writes: number[] = []
  const latencies: number[] = []
  for (let k = 0; k < CHANGES; k++) {
    const writer = nodes[k % 3] as GatewayProcess
    const sent = performance.now()
    const { status } = await adminCall(writer.admin, 'PUT', `/routes/bench-${k}`, { paths: [`/bench/${k}/`], service: { name: 'echo' } })
    if (status >= 300) throw new Error(`write ${k} answered ${status}`)
    const committed = performance.now()
    writes.push(committed - sent)
    const visible = await Promise.all(nodes.map(async (node) => ((await until(async () => (await probe(node, `/bench/${k}/`)) === 200, 5_000)) ? performance.now() - committed : Infinity)))
    latencies.push(Math.max(...visible))
  }
  const ms = (v: number): string => `${v.toFixed(1)} ms`
  console.log(`Admin API write (PUT /routes, one transaction + change log): p50 ${ms(percentile(writes, 50))}, p99 ${ms(percentile(writes, 99))}`)
  console.log(`propagation to all 3 nodes, ${ROUTES} routes, ${CHANGES} changes: p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(Math.max(...latencies))}`)

  // A lagging node: frozen while the others take CATCH_UP writes, then resumed.
  const lagging = nodes[2] as GatewayProcess
  const rebuildsBefore = (await databaseStatus(lagging)).rebuilds
  lagging.child.kill('SIGSTOP')
  for (let k = 0; k < CATCH_UP; k++) {
    const { status } = await adminCall((nodes[k % 2] as GatewayProcess).admin, 'PUT', `/routes/lag-${k}`, { paths: [`/lag/${k}/`], service: { name: 'echo' } })
    if (status >= 300) throw new Error(`lag write ${k} answered ${status}`)
  }
  const target = Number((await db.query<{ version: string }>('SELECT version FROM cluster_state')).rows[0]?.version)
  const resumed = performance.now()
  lagging.child.kill('SIGCONT')
  const caughtUp = await until(async () => (await databaseStatus(lagging)).config_version === target, 60_000)
  const applied = performance.now() - resumed
  const routed = (await probe(lagging, `/lag/${CATCH_UP - 1}/`)) === 200
  const status = await databaseStatus(lagging)
  console.log(`catch-up of a lagging node: ${CATCH_UP} changes applied in ${ms(applied)} after it resumed (${caughtUp && routed ? 'routes the last one' : 'DID NOT CATCH UP'}; ${status.rebuilds === rebuildsBefore ? 'incremental, no rebuild' : `${status.rebuilds - rebuildsBefore} rebuild(s)`})`)
} finally {
  for (const node of nodes) {
    node.child.kill('SIGCONT')
    await node.stop('SIGKILL')
  }
  await upstream.close()
  await db.drop()
}
