import type { Logger } from 'pino'
import type { Config } from '../../config.ts'
import type { Store } from '../store.ts'
import { PostgresStore } from './postgres-store.ts'
import { DatabaseUnavailableError } from './unavailable.ts'

/** Opens the PostgreSQL store of `database = postgres`, logging through the gateway's logger. */
export async function openPostgresStore(config: Config, log: Logger | undefined): Promise<PostgresStore> {
  return PostgresStore.open({
    settings: config.postgres,
    log: (level, message, fields) => log?.[level](fields ?? {}, message),
  })
}

/** The `database` object of `GET /status`: reachability, and for PostgreSQL this node's place in the change log. */
export function databaseStatus(store: Store): Record<string, unknown> {
  if (!(store instanceof PostgresStore)) return { reachable: true }
  const h = store.health
  return {
    reachable: h.reachable,
    ...(h.downSince === undefined ? {} : { unreachable_since: new Date(h.downSince).toISOString() }),
    ...(h.lastError === undefined ? {} : { error: h.lastError }),
    config_version: h.version,
    changes_applied: h.changesApplied,
    rebuilds: h.rebuilds,
    reconnects: h.reconnects,
  }
}

/** Prometheus lines about the database, appended to `/metrics` (empty for the embedded stores). */
export function databaseMetrics(store: Store): string {
  return store instanceof PostgresStore ? store.metrics() : ''
}

/** The Admin API answer for an error thrown by a store write, when it means "database away" (503). */
export function unavailableResponse(error: unknown): { status: number; body: { message: string } } | undefined {
  return error instanceof DatabaseUnavailableError ? { status: 503, body: { message: error.message } } : undefined
}
