import { hostname } from 'node:os'
import pg from 'pg'
import { CHANGE_CHANNEL, CURRENT_VERSION_SQL, HEAD_AND_CHANGES_SQL, SNAPSHOT_SQL, snapshotFromRows, type ChangeRow } from './change-log.ts'
import { pruneChangeLog, type PruneOptions } from './prune.ts'
import type { Replica } from './replica.ts'

/** Log sink of the PostgreSQL store (the gateway passes its pino logger's methods). */
export type PgLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void

/** How a follower connects, polls and retries. */
export interface FollowerOptions {
  readonly config: pg.ClientConfig
  readonly replica: Replica
  readonly nodeId: string
  /** Safety poll of the current version (covers a silently dead connection); also the node's liveness beat. */
  readonly heartbeatMs: number
  /** Reconnect delays double from `minMs` up to `maxMs`. */
  readonly backoff: { readonly minMs: number; readonly maxMs: number }
  /** A query that takes longer counts as a lost connection. */
  readonly queryTimeoutMs: number
  readonly prune: PruneOptions
  readonly log: PgLog
}

/** A row of HEAD_AND_CHANGES_SQL before the null check. */
type NullableRow = { readonly [K in keyof ChangeRow]: ChangeRow[K] | null }

/** Rows fetched per catch-up query. */
const BATCH = 1_000
/** Further behind than this, reading the tables is cheaper than replaying the log. */
const REBUILD_THRESHOLD = 20_000

/** What the follower reports on `/status`. */
export interface FollowerHealth {
  readonly connected: boolean
  /** Epoch ms since when the database has been unreachable. */
  readonly downSince: number | undefined
  readonly lastError: string | undefined
  readonly reconnects: number
  /** Epoch ms of the last query that succeeded on the follower's connection. */
  readonly lastSuccessAt: number
}

/**
 * Keeps a replica in step with the change log over one dedicated connection: LISTEN for wake-ups,
 * then read every row after the replica's version. Notifications are only hints, so losing some
 * (disconnect, restart, slow consumer) costs nothing: the next catch-up reads from the version
 * actually applied. All work on the connection runs one task at a time, so a rebuild's
 * transaction is never interleaved with another statement.
 */
export class ChangeFollower {
  readonly #o: FollowerOptions
  #client: pg.Client | undefined
  #stopped = false
  #attempt = 0
  #downSince: number | undefined
  #lastError: string | undefined
  #reconnects = 0
  #wantCatchUp = false
  #wantBeat = false
  #pumping: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  #reconnectTimer: NodeJS.Timeout | undefined
  #lastPrune = Date.now()
  #lastSuccessAt = 0
  #recorded = { version: -1, at: 0 }

  /** Creates an idle follower; `start` connects. */
  constructor(options: FollowerOptions) {
    this.#o = options
  }

  /** Connection state for status and for failing writes fast. */
  get health(): FollowerHealth {
    return { connected: this.#client !== undefined, downSince: this.#downSince, lastError: this.#lastError, reconnects: this.#reconnects, lastSuccessAt: this.#lastSuccessAt }
  }

  /** Connects, loads the replica and starts following; throws when the database cannot be reached. */
  async start(): Promise<void> {
    await this.#connect()
    this.#timer = setInterval(() => this.#kick('beat'), this.#o.heartbeatMs)
    this.#timer.unref()
    this.#kick('beat')
    await this.settled()
  }

  /** Resolves once no catch-up work is queued: tests and benchmarks use it to wait for quiet. */
  async settled(): Promise<void> {
    while (this.#pumping !== undefined) await this.#pumping
  }

  /** Requests a catch-up now (a notification does the same). */
  poke(): void {
    this.#kick('catch-up')
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ ...this.#o.config, query_timeout: this.#o.queryTimeoutMs, connectionTimeoutMillis: this.#o.queryTimeoutMs })
    client.on('error', (error: Error) => this.#lost(client, error.message))
    client.on('end', () => this.#lost(client, 'connection ended'))
    client.on('notification', () => this.#kick('catch-up'))
    try {
      await client.connect()
      // LISTEN before reading: a change committed after this point wakes us, one before it is read below.
      await client.query(`LISTEN ${CHANGE_CHANNEL}`)
    } catch (error) {
      client.removeAllListeners('end')
      await client.end().catch(() => undefined)
      throw error
    }
    this.#client = client
    this.#attempt = 0
    if (this.#downSince !== undefined) this.#o.log('info', 'database reachable again; catching up', { down_ms: Date.now() - this.#downSince })
    this.#downSince = undefined
    this.#lastError = undefined
    this.#kick('catch-up')
  }

  #lost(client: pg.Client, reason: string): void {
    if (client !== this.#client) return
    this.#client = undefined
    this.#downSince ??= Date.now()
    this.#lastError = reason
    this.#o.log('warn', 'database connection lost; proxying continues with the last router', { error: reason })
    client.end().catch(() => undefined)
    this.#scheduleReconnect()
  }

  #scheduleReconnect(): void {
    if (this.#stopped || this.#reconnectTimer !== undefined) return
    const { minMs, maxMs } = this.#o.backoff
    // Jitter spreads the reconnects of many nodes after an outage.
    const delay = Math.min(maxMs, minMs * 2 ** this.#attempt) * (0.75 + Math.random() * 0.5)
    this.#attempt++
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      if (this.#stopped) return
      this.#reconnects++
      this.#connect().catch((error: unknown) => {
        this.#lastError = error instanceof Error ? error.message : String(error)
        this.#scheduleReconnect()
      })
    }, delay)
    this.#reconnectTimer.unref()
  }

  #kick(what: 'catch-up' | 'beat'): void {
    if (what === 'catch-up') this.#wantCatchUp = true
    else this.#wantBeat = true
    if (this.#pumping !== undefined || this.#stopped) return
    this.#pumping = this.#pump().finally(() => (this.#pumping = undefined))
  }

  async #pump(): Promise<void> {
    while ((this.#wantCatchUp || this.#wantBeat) && !this.#stopped) {
      const client = this.#client
      if (client === undefined) return
      const beat = this.#wantBeat
      this.#wantCatchUp = false
      this.#wantBeat = false
      try {
        await this.#catchUp(client)
        if (beat) await this.#beat(client)
        this.#lastSuccessAt = Date.now()
      } catch (error) {
        // Connection failures also arrive as 'error' events (→ reconnect); anything else is logged and retried next beat.
        const message = error instanceof Error ? error.message : String(error)
        if (/timeout|terminat|Connection/i.test(message)) this.#lost(client, message)
        else this.#o.log('error', 'change follower step failed', { error: message })
      }
    }
  }

  async #catchUp(client: pg.Client): Promise<void> {
    const replica = this.#o.replica
    for (;;) {
      // Everything this node had applied when the query went out was committed before it.
      const applied = replica.version
      const result = await client.query<{ head: string } & NullableRow>(HEAD_AND_CHANGES_SQL, [applied, BATCH])
      const head = Number(result.rows[0]?.head ?? 0)
      if (head < applied) {
        // The database is behind this node: restored from a backup, or another database behind the same address.
        this.#o.log('warn', 'database change log is behind this node; rebuilding from the tables', { head, applied })
        return this.#rebuild(client, true)
      }
      if (head <= replica.version) return
      const rows = result.rows.filter((r): r is { head: string } & ChangeRow => r.version !== null)
      // Far behind, or versions missing because the log was pruned past this node: reload the tables.
      if (head - replica.version > REBUILD_THRESHOLD || rows.length === 0 || replica.applyRows(rows) === 'rebuild') await this.#rebuild(client)
    }
  }

  /** Reads all entities and their version in one consistent snapshot and swaps them in. */
  async #rebuild(client: pg.Client, force = false): Promise<void> {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    try {
      const version = Number((await client.query<{ version: string }>(CURRENT_VERSION_SQL)).rows[0]?.version ?? 0)
      const services = await client.query<{ data: string }>(SNAPSHOT_SQL.services)
      const routes = await client.query<{ data: string }>(SNAPSHOT_SQL.routes)
      await client.query('COMMIT')
      if (this.#o.replica.install(version, snapshotFromRows(services.rows, routes.rows), force)) this.#o.log('info', 'router rebuilt from the database', { version, routes: routes.rows.length })
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    }
  }

  /** Records this node's applied version (what pruning must keep) and prunes when due. */
  async #beat(client: pg.Client): Promise<void> {
    // An unchanged version is re-recorded only every ten seconds: enough for the node TTL, and a fleet of idle nodes writes little.
    const version = this.#o.replica.version
    if (version !== this.#recorded.version || Date.now() - this.#recorded.at >= 10_000) await this.#record(client, version)
    if (Date.now() - this.#lastPrune < this.#o.prune.intervalMs) return
    this.#lastPrune = Date.now()
    const deleted = await pruneChangeLog(client, this.#o.prune)
    if (deleted > 0) this.#o.log('info', 'change log pruned', { rows: deleted })
  }

  /** Upserts this node's row in `cluster_nodes`: its applied version and when it was last seen. */
  async #record(client: pg.Client, version: number): Promise<void> {
    await client.query(
      'INSERT INTO cluster_nodes (node_id, hostname, applied_version, seen_at) VALUES ($1, $2, $3, now()) ON CONFLICT (node_id) DO UPDATE SET applied_version = excluded.applied_version, seen_at = now()',
      [this.#o.nodeId, hostname(), version],
    )
    this.#recorded = { version, at: Date.now() }
  }

  /** Stops following and closes the connection. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer)
    await this.settled().catch(() => undefined)
    const client = this.#client
    this.#client = undefined
    await client?.end().catch(() => undefined)
  }
}
