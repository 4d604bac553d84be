import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { Route } from '../../entities/route.ts'
import type { Service } from '../../entities/service.ts'
import type { ListOptions, Page, Snapshot, Store, StoreChange, UniqueConflict } from '../store.ts'
import { APPEND_CHANGE_SQL, CHANGES_AFTER_SQL, DELETE_SQL, NEXT_VERSION_SQL, UPSERT_SQL, type ChangeRow } from './change-log.ts'
import { ChangeFollower, type PgLog } from './follower.ts'
import { checkSchema } from './migrations.ts'
import { DEFAULT_PRUNE, type PruneOptions } from './prune.ts'
import { Replica } from './replica.ts'
import { clientConfig, describeTarget, type PgSettings } from './settings.ts'
import { SyncPgClient, SyncQueryError } from './sync-client.ts'
import { DatabaseUnavailableError } from './unavailable.ts'

/** Tuning of a PostgreSQL store; everything but `settings` has a production default. */
export interface PostgresStoreOptions {
  readonly settings: PgSettings
  /** Identifies this node in `cluster_nodes` and the change log; random per process by default. */
  readonly nodeId?: string
  /** Longest an Admin API write may block before it fails with 503 (default 2,000 ms). */
  readonly writeTimeoutMs?: number
  /** Version poll and liveness beat (default 1,000 ms). */
  readonly heartbeatMs?: number
  /** Reconnect backoff (default 100 ms doubling to 5,000 ms). */
  readonly backoff?: { readonly minMs: number; readonly maxMs: number }
  readonly prune?: Partial<PruneOptions>
  readonly log?: PgLog
}

/** What `/status` reports about the database and this node's place in the change log. */
export interface PgHealth {
  readonly reachable: boolean
  readonly target: string
  readonly downSince: number | undefined
  readonly lastError: string | undefined
  readonly reconnects: number
  /** Last change-log version applied by this node. */
  readonly version: number
  readonly changesApplied: number
  readonly rebuilds: number
}

type Table = 'services' | 'routes'

/** Longest writes fail fast after one timed out; a successful follower heartbeat ends it sooner. */
const STALL_MS = 5_000

/**
 * The clustered store: entities live in PostgreSQL, shared by every node. Each write is one
 * transaction that also appends to the change log under a new version; reads are served from this
 * node's replica (kept current by the follower and by this node's own writes, in version order),
 * so the proxy and Admin API reads keep working while the database is away.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres'
  readonly nodeId: string
  readonly #replica = new Replica()
  readonly #db: SyncPgClient
  readonly #follower: ChangeFollower
  readonly #target: string
  readonly #log: PgLog
  #stalledUntil = 0
  #stalledSince = 0

  private constructor(options: PostgresStoreOptions, nodeId: string) {
    this.nodeId = nodeId
    this.#target = describeTarget(options.settings)
    this.#log = options.log ?? (() => undefined)
    const config = clientConfig(options.settings, `switchyard ${nodeId}`)
    const writeTimeoutMs = options.writeTimeoutMs ?? 2_000
    // The server gives up first (lock/statement timeout: a clean error, connection kept), then the
    // worker's client, then the caller's wait: failures come back as errors, rarely as silence.
    const server = Math.max(50, Math.floor(writeTimeoutMs * 0.6))
    const client = Math.max(80, Math.floor(writeTimeoutMs * 0.8))
    this.#db = new SyncPgClient({ ...config, connectionTimeoutMillis: client, query_timeout: client, statement_timeout: server, lock_timeout: server }, writeTimeoutMs)
    this.#follower = new ChangeFollower({
      config,
      replica: this.#replica,
      nodeId,
      heartbeatMs: options.heartbeatMs ?? 1_000,
      backoff: options.backoff ?? { minMs: 100, maxMs: 5_000 },
      queryTimeoutMs: Math.max(writeTimeoutMs, 5_000),
      prune: { ...DEFAULT_PRUNE, ...options.prune },
      log: this.#log,
    })
  }

  /**
   * Connects, refuses a database whose schema is not exactly this node's (SchemaMismatchError),
   * loads every entity and starts following the change log.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const nodeId = options.nodeId ?? randomUUID()
    const client = new pg.Client({ ...clientConfig(options.settings, `switchyard ${nodeId}`), connectionTimeoutMillis: 5_000 })
    try {
      await client.connect()
    } catch (error) {
      await client.end().catch(() => undefined)
      throw new DatabaseUnavailableError(`cannot connect to PostgreSQL at ${describeTarget(options.settings)}: ${error instanceof Error ? error.message : String(error)}`)
    }
    try {
      await checkSchema(client)
    } finally {
      await client.end().catch(() => undefined)
    }
    const store = new PostgresStore(options, nodeId)
    try {
      await store.#follower.start()
      // Start the write connection now, so the first Admin API write does not pay for it.
      store.#db.query('SELECT 1')
    } catch (error) {
      await store.closeAsync()
      throw error
    }
    return store
  }

  /** Database reachability and replication counters. */
  get health(): PgHealth {
    const f = this.#follower.health
    const r = this.#replica.counters
    return { reachable: f.connected, target: this.#target, downSince: f.downSince, lastError: f.lastError, reconnects: f.reconnects, version: r.version, changesApplied: r.applied, rebuilds: r.rebuilds }
  }

  /** The health as Prometheus text, appended to `/metrics`. */
  metrics(): string {
    const h = this.health
    const line = (name: string, type: string, help: string, value: number): string => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`
    return (
      line('switchyard_datastore_reachable', 'gauge', 'Whether the database is reachable (1) or not (0).', h.reachable ? 1 : 0) +
      line('switchyard_config_version', 'gauge', 'Last change-log version applied by this node.', h.version) +
      line('switchyard_config_changes_applied_total', 'counter', 'Changes applied incrementally from the change log.', h.changesApplied) +
      line('switchyard_router_rebuilds_total', 'counter', 'Full router rebuilds from the database.', h.rebuilds) +
      line('switchyard_datastore_reconnects_total', 'counter', 'Reconnection attempts to the database.', h.reconnects)
    )
  }

  /** Resolves when the follower has nothing queued; after a `poke` it has read the log up to now. */
  async settled(): Promise<void> {
    await this.#follower.settled()
  }

  /** Asks the follower to read the log now instead of waiting for a notification or the heartbeat. */
  poke(): void {
    this.#follower.poke()
  }

  getService(idOrName: string): Service | undefined {
    return this.#replica.mirror.getService(idOrName)
  }

  getRoute(idOrName: string): Route | undefined {
    return this.#replica.mirror.getRoute(idOrName)
  }

  listServices(options: ListOptions): Page<Service> {
    return this.#replica.mirror.listServices(options)
  }

  listRoutes(options: ListOptions): Page<Route> {
    return this.#replica.mirror.listRoutes(options)
  }

  countRoutes(serviceId: string): number {
    return this.#replica.mirror.countRoutes(serviceId)
  }

  putService(service: Service): UniqueConflict | undefined {
    return this.#upsert('services', service, [])
  }

  putRoute(route: Route): UniqueConflict | undefined {
    return this.#upsert('routes', route, [route.service?.id ?? null])
  }

  deleteService(id: string): boolean {
    return this.#delete('services', id)
  }

  deleteRoute(id: string): boolean {
    return this.#delete('routes', id)
  }

  replaceAll(snapshot: Snapshot): void {
    const rows = (entities: readonly (Service | Route)[]): string =>
      JSON.stringify(entities.map((e) => ({ id: e.id, name: e.name, tags: JSON.stringify(e.tags ?? []), data: JSON.stringify(e), service_id: 'service' in e ? (e.service?.id ?? null) : null })))
    const version = this.#transaction(() => {
      const next = Number(this.#db.query<{ version: string }>(NEXT_VERSION_SQL).rows[0]?.version)
      this.#db.query('DELETE FROM routes')
      this.#db.query('DELETE FROM services')
      this.#db.query('INSERT INTO services (id, name, tags, data) SELECT id, name, tags, data FROM json_to_recordset($1::json) AS x(id text, name text, tags text, data text)', [rows(snapshot.services)])
      this.#db.query('INSERT INTO routes (id, name, tags, data, service_id) SELECT id, name, tags, data, service_id FROM json_to_recordset($1::json) AS x(id text, name text, tags text, data text, service_id text)', [rows(snapshot.routes)])
      this.#db.query(APPEND_CHANGE_SQL, [next, 'reset', null, null, this.nodeId])
      return next
    })
    if (version !== undefined) this.#advanceTo({ version, kind: 'reset', data: null }, snapshot)
  }

  snapshot(): Snapshot {
    return this.#replica.mirror.snapshot()
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    return this.#replica.mirror.subscribe(listener)
  }

  #upsert(table: Table, entity: Service | Route, extra: readonly unknown[]): UniqueConflict | undefined {
    this.#ensureReachable()
    let written: { version: string; data: string } | undefined
    try {
      // One statement, one transaction (see UPSERT_SQL): usually the only round trip of the write.
      const params = [entity.id, entity.name, JSON.stringify(entity.tags ?? []), JSON.stringify(entity), this.nodeId, ...extra]
      written = this.#retryOnce(() => this.#db.query<{ version: string; data: string }>(UPSERT_SQL[table], params)).rows[0]
    } catch (error) {
      if (error instanceof SyncQueryError && error.code === '23505' && entity.name !== null) return { field: 'name', value: entity.name }
      // The route's service was deleted through another node after this node's copy said it existed.
      if (error instanceof SyncQueryError && error.code === '23503') throw new Error('the service this route references no longer exists (deleted through another node)')
      this.#noteFailure(error)
      throw error
    }
    if (written !== undefined) this.#advanceTo({ version: written.version, kind: table === 'services' ? 'service-upsert' : 'route-upsert', data: written.data })
    return undefined
  }

  #delete(table: Table, id: string): boolean {
    let deleted: { version: string; data: string } | undefined
    const version = this.#transaction((): number | undefined => {
      try {
        deleted = this.#db.query<{ version: string; data: string }>(DELETE_SQL[table], [id, this.nodeId]).rows[0]
        return deleted === undefined ? undefined : Number(deleted.version)
      } catch (error) {
        // Another node added a route to this service after our replica said it had none.
        if (error instanceof SyncQueryError && error.code === '23503') throw new Error('a route still references this service (added through another node); retry')
        throw error
      }
    })
    if (version === undefined || deleted === undefined) return false
    this.#advanceTo({ version, kind: table === 'services' ? 'service-delete' : 'route-delete', data: deleted.data })
    return true
  }

  /** Fails fast while the database is known to be away: blocking here would stall proxying too. */
  #ensureReachable(): void {
    const h = this.#follower.health
    if (!h.connected) throw new DatabaseUnavailableError(`PostgreSQL at ${this.#target} is unreachable${h.lastError === undefined ? '' : ` (${h.lastError})`}; retry later`)
    // After a write timed out, do not block the next ones too until the follower has had time to notice.
    if (Date.now() < this.#stalledUntil && h.lastSuccessAt < this.#stalledSince) throw new DatabaseUnavailableError(`PostgreSQL at ${this.#target} did not answer a write in time; retry later`, 'timeout')
  }

  /** Remembers write timeouts so that following writes fail fast for a moment instead of each blocking. */
  #noteFailure(error: unknown): void {
    if (!(error instanceof DatabaseUnavailableError) || error.reason !== 'timeout') return
    this.#stalledSince = Date.now()
    this.#stalledUntil = this.#stalledSince + STALL_MS
  }

  /**
   * Runs `body` in an explicit transaction; it returns the committed version, or undefined to
   * roll back (which also returns the version it took).
   */
  #transaction(body: () => number | undefined): number | undefined {
    this.#ensureReachable()
    let begun: number
    try {
      begun = this.#retryOnce(() => this.#db.query('BEGIN')).connection
    } catch (error) {
      this.#noteFailure(error)
      throw error
    }
    try {
      const version = body()
      const ended = this.#db.query(version === undefined ? 'ROLLBACK' : 'COMMIT').connection
      // The connection was lost and replaced inside the transaction (pg_terminate_backend between two
      // statements): the COMMIT ran on a fresh connection with nothing to commit, and what the body
      // did may or may not have been committed. The node must not apply it as done; the change
      // log says what happened, and the client gets a 503 to retry.
      if (ended !== begun) throw new DatabaseUnavailableError('the connection to PostgreSQL was lost inside a transaction; retry', 'connection')
      return version
    } catch (error) {
      this.#noteFailure(error)
      this.#abort(error)
      throw error
    }
  }

  /**
   * Runs a first statement, retrying once on a fresh connection when the old one turns out to be
   * cut (idle timeout, pg_terminate_backend). Safe: BEGIN changed nothing, and an upsert repeated
   * after a commit whose answer was lost leaves the same entity (under one more version).
   */
  #retryOnce<R>(run: () => R): R {
    try {
      return run()
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) || error.reason !== 'connection') throw error
      return run()
    }
  }

  #abort(error: unknown): void {
    if (error instanceof DatabaseUnavailableError) return this.#db.reset()
    try {
      this.#db.query('ROLLBACK')
    } catch {
      this.#db.reset()
    }
  }

  /**
   * Brings the replica up to this node's own committed change. When nothing else was committed in
   * between (the usual case) the change is applied as is; otherwise the missing changes are read
   * from the log first, so the order stays the version order.
   */
  #advanceTo(own: ChangeRow, reset?: Snapshot): void {
    const replica = this.#replica
    const version = Number(own.version)
    if (version === replica.version + 1) {
      if (reset !== undefined) replica.install(version, reset)
      else replica.applyRows([own])
      return
    }
    // Far behind (after an outage): leave the backlog to the follower instead of blocking on it here.
    if (version - replica.version > 1_000) return this.#follower.poke()
    try {
      const rows = this.#db.query<ChangeRow>(CHANGES_AFTER_SQL, [replica.version, version, Math.max(1, version - replica.version)]).rows
      if (replica.applyRows(rows) === 'ok' && replica.version === version) return
      if (reset !== undefined && replica.version === version - 1) {
        replica.install(version, reset)
        return
      }
    } catch (error) {
      // The write is committed; only reading it back failed. The follower will apply it.
      this.#log('warn', 'committed write not yet applied locally', { version, error: error instanceof Error ? error.message : String(error) })
    }
    this.#follower.poke()
  }

  /** Stops following and closes both connections. */
  async closeAsync(): Promise<void> {
    this.#db.close()
    await this.#follower.stop()
  }

  close(): void {
    void this.closeAsync()
  }
}
