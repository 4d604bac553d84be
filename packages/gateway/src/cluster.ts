import cluster, { type Worker } from 'node:cluster'
import type { Logger } from 'pino'
import type { Config } from './config.ts'
import { checkProxySettings, openStore, startAdmin, startProxy, SHUTDOWN_GRACE_MS } from './gateway.ts'
import { closeGracefully } from './listen.ts'
import { emptyMetrics, mergeMetrics, type MetricsData } from './observability/metrics.ts'
import { addCounts, NO_CONNECTIONS, type ConnectionCounts } from './proxy/connections.ts'
import { MemoryStore } from './store/memory-store.ts'
import type { Snapshot, StoreChange } from './store/store.ts'

/** Messages from the primary to a worker. */
type ToWorker =
  | { readonly type: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly type: 'change'; readonly change: StoreChange }
  | { readonly type: 'metrics'; readonly id: number }
  | { readonly type: 'shutdown' }

/** Messages from a worker to the primary. */
type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'listening'; readonly ports: readonly number[]; readonly streamPorts: readonly number[] }
  /** Sent after each applied change, so /status and /metrics show live router figures. */
  | { readonly type: 'router'; readonly size: number; readonly updatedAt: number }
  | { readonly type: 'metrics'; readonly id: number; readonly data: MetricsData; readonly routerSize: number; readonly updatedAt: number; readonly connections: ConnectionCounts }

/** What the workers report for /metrics and /status, summed over them. */
interface WorkerFigures {
  readonly metrics: MetricsData
  connections: ConnectionCounts
}

/** Environment variable carrying the validated config to workers. */
const CONFIG_ENV = 'SWITCHYARD_WORKER_CONFIG'

/**
 * Runs the primary of a multi-process gateway: it owns the store and the Admin API, forks
 * `config.workers` proxy processes sharing the proxy listeners, sends each the full snapshot at
 * start and then every committed change over IPC (applied incrementally there, typically within a
 * millisecond), and aggregates their metrics for `/metrics`.
 */
export async function runPrimary(config: Config, log: Logger): Promise<{ close(): Promise<void>; adminPorts: number[]; guiPorts: number[]; statusPorts: number[]; proxyPorts: readonly number[]; streamPorts: readonly number[] }> {
  // Settings the workers read themselves are checked here first, so a mistake is one clear error.
  checkProxySettings(config)
  const store = await openStore(config, log)
  /** Workers that have the snapshot and get every change. */
  const workers = new Set<Worker>()
  /** Every forked worker, ready or not, for shutdown. */
  const forked = new Set<Worker>()
  let stopping = false
  let requestId = 0
  const pending = new Map<number, { left: number; figures: WorkerFigures; resolve: (figures: WorkerFigures) => void }>()
  let figures = { routerSize: 0, updatedAt: Date.now() }
  let proxyPorts: readonly number[] = []
  let streamPorts: readonly number[] = []
  /** Workers that have started their listeners; one that exits before is a failed start. */
  const started = new Set<Worker>()
  let allListening: () => void = () => {}
  let failedStart: (error: Error) => void = () => {}
  const ready = new Promise<void>((resolve, reject) => {
    allListening = resolve
    failedStart = reject
  })
  let running = false

  // Workers accept connections themselves (the kernel spreads them) instead of the primary handing them out.
  cluster.schedulingPolicy = cluster.SCHED_NONE
  cluster.setupPrimary({ env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) } } as Parameters<typeof cluster.setupPrimary>[0])

  const fork = (): Worker => {
    const worker = cluster.fork({ [CONFIG_ENV]: JSON.stringify(config) })
    forked.add(worker)
    worker.on('message', (message: FromWorker) => {
      // A message that arrives before the worker listens is lost, so the worker asks when it is
      // ready; from then on it gets every change, after the snapshot and in commit order.
      if (message.type === 'ready') {
        worker.send({ type: 'snapshot', snapshot: store.snapshot() } satisfies ToWorker)
        workers.add(worker)
        return
      }
      if (message.type === 'router') {
        figures = { ...figures, routerSize: message.size, updatedAt: Math.max(figures.updatedAt, message.updatedAt) }
        return
      }
      if (message.type === 'listening') {
        log.debug({ worker: worker.id, ports: message.ports }, 'worker listening')
        proxyPorts = message.ports
        streamPorts = message.streamPorts
        started.add(worker)
        if (started.size === config.workers) allListening()
      }
      if (message.type === 'metrics') {
        const entry = pending.get(message.id)
        figures = { routerSize: message.routerSize, updatedAt: Math.max(figures.updatedAt, message.updatedAt) }
        if (entry === undefined) return
        mergeMetrics(entry.figures.metrics, message.data)
        entry.figures.connections = addCounts(entry.figures.connections, message.connections)
        if (--entry.left === 0) {
          pending.delete(message.id)
          entry.resolve(entry.figures)
        }
      }
    })
    worker.on('exit', (code) => {
      workers.delete(worker)
      forked.delete(worker)
      // A worker that cannot start (a port in use, say) would fail the same way again: the start fails.
      if (!running && !started.has(worker)) {
        stopping = true
        for (const other of forked) other.kill('SIGTERM')
        return failedStart(new Error(`a proxy worker could not start (exit code ${String(code)}); its error is above`))
      }
      if (!stopping) {
        log.error({ worker: worker.id, code }, 'worker exited; restarting')
        fork()
      }
    })
    return worker
  }
  const unsubscribe = store.subscribe((change) => {
    for (const worker of workers) worker.send({ type: 'change', change } satisfies ToWorker)
  })

  // Asked afresh for every /metrics and /status: each worker answers with its own figures, summed here.
  const collect = (): Promise<WorkerFigures> =>
    new Promise((resolve) => {
      const id = ++requestId
      const live = [...workers].filter((w) => w.isConnected())
      if (live.length === 0) return resolve({ metrics: emptyMetrics(), connections: NO_CONNECTIONS })
      pending.set(id, { left: live.length, figures: { metrics: emptyMetrics(), connections: NO_CONNECTIONS }, resolve })
      for (const worker of live) worker.send({ type: 'metrics', id } satisfies ToWorker)
      // A worker that dies mid-request must not hang /metrics.
      setTimeout(() => {
        const entry = pending.get(id)
        if (entry !== undefined) pending.delete(id), resolve(entry.figures)
      }, 1000).unref()
    })

  // The Admin API listens first: a port it cannot have fails the start before any worker exists.
  let admin: Awaited<ReturnType<typeof startAdmin>>
  try {
    admin = await startAdmin(config, store, {
      routerSize: () => figures.routerSize,
      routerUpdatedAt: () => figures.updatedAt,
      metrics: async () => (await collect()).metrics,
      server: async () => {
        const { metrics, connections } = await collect()
        return { ...connections, totalRequests: metrics.total }
      },
      workerPids: () => [...workers].flatMap((worker) => (worker.process.pid === undefined ? [] : [worker.process.pid])),
      // Serving: started (listening, the snapshot's router built) and not exited since.
      routers: () => ({ ready: [...started].filter((worker) => forked.has(worker)).length, total: config.workers }),
    })
  } catch (error) {
    unsubscribe()
    store.close()
    throw error
  }
  for (let i = 0; i < config.workers; i++) fork()
  try {
    await ready
  } catch (error) {
    unsubscribe()
    await Promise.all(admin.servers.map((server) => closeGracefully(server, 1000)))
    store.close()
    throw error
  }
  running = true
  return {
    proxyPorts,
    streamPorts,
    adminPorts: admin.addresses.map((a) => a.port),
    guiPorts: admin.guiAddresses.map((a) => a.port),
    statusPorts: admin.statusAddresses.map((a) => a.port),
    async close() {
      stopping = true
      unsubscribe()
      await Promise.all(admin.servers.map((s) => closeGracefully(s, 1000)))
      await Promise.all(
        [...forked].map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.once('exit', () => resolve())
              worker.send({ type: 'shutdown' } satisfies ToWorker)
              setTimeout(() => worker.kill('SIGKILL'), SHUTDOWN_GRACE_MS + 1000).unref()
            }),
        ),
      )
      store.close()
    },
  }
}

/** True in a forked proxy worker. */
export function isWorker(): boolean {
  return cluster.isWorker && process.env[CONFIG_ENV] !== undefined
}

/** Runs a proxy worker: a memory copy of the primary's store, kept current by IPC messages. */
export async function runWorker(log: Logger): Promise<void> {
  const config = JSON.parse(process.env[CONFIG_ENV] ?? '{}') as Config
  const store = new MemoryStore()
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined
  // Store changes apply at once, in arrival order; the routing table subscribes when the proxy starts.
  const reportRouter = (): void => {
    if (proxy !== undefined) process.send?.({ type: 'router', size: proxy.table.size, updatedAt: proxy.table.updatedAt } satisfies FromWorker)
  }
  const handle = (message: ToWorker): void => {
    switch (message.type) {
      case 'snapshot': return store.apply({ type: 'reset', snapshot: message.snapshot }), reportRouter()
      case 'change': return store.apply(message.change), reportRouter()
      case 'metrics':
        if (proxy === undefined) return
        return void process.send?.({ type: 'metrics', id: message.id, data: proxy.metrics, routerSize: proxy.table.size, updatedAt: proxy.table.updatedAt, connections: proxy.connections() } satisfies FromWorker)
      case 'shutdown':
        void (proxy?.close() ?? Promise.resolve()).then(() => process.exit(0))
    }
  }
  // Serve only once the primary's snapshot is in, so the first request already sees every route.
  const loaded = new Promise<void>((resolve) => {
    const first = (message: ToWorker): void => {
      if (message.type !== 'snapshot') return
      process.off('message', first)
      resolve()
    }
    process.on('message', first)
  })
  process.on('message', handle)
  // Ctrl-C signals the whole process group; the primary decides when workers stop (after their
  // in-flight requests), and a worker whose primary is gone stops on its own.
  process.on('SIGINT', () => {})
  process.on('SIGTERM', () => {})
  process.once('disconnect', () => void (proxy?.close() ?? Promise.resolve()).then(() => process.exit(0)))
  process.send?.({ type: 'ready' } satisfies FromWorker)
  await loaded
  proxy = await startProxy(config, store, log)
  reportRouter()
  process.send?.({ type: 'listening', ports: proxy.addresses.map((a) => a.port), streamPorts: proxy.streamAddresses.map((a) => a.port) } satisfies FromWorker)
}
