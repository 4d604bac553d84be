import type { Route } from '../../entities/route.ts'
import type { Service } from '../../entities/service.ts'
import type { Snapshot } from '../store.ts'

/** What one change-log row records; `reset` means "everything was replaced: reload the tables". */
export type ChangeKind = 'service-upsert' | 'service-delete' | 'route-upsert' | 'route-delete' | 'reset'

/** One row of `change_log`, as read back (BIGINT arrives as text from node-postgres). */
export interface ChangeRow {
  readonly version: string | number
  readonly kind: ChangeKind
  /** The entity as JSON text after an upsert, before a delete; null for `reset`. */
  readonly data: string | null
}

/** The NOTIFY channel: the payload is the committed version, a wake-up only (rows carry the data). */
export const CHANGE_CHANNEL = 'switchyard_changes'

/** Reads changes after a version, oldest first. */
export const CHANGES_AFTER_SQL = 'SELECT version, kind, data FROM change_log WHERE version > $1 AND version <= $2 ORDER BY version LIMIT $3'

/** The version of the last committed change. */
export const CURRENT_VERSION_SQL = 'SELECT version FROM cluster_state WHERE id = 1'

/** Takes the next version; the row lock it holds until commit serialises writers, so versions commit in order and without gaps. */
export const NEXT_VERSION_SQL = 'UPDATE cluster_state SET version = version + 1 WHERE id = 1 RETURNING version'

/** Appends the change and wakes every listening node once the transaction commits. */
export const APPEND_CHANGE_SQL = "WITH c AS (INSERT INTO change_log (version, kind, entity_id, data, node_id) VALUES ($1, $2, $3, $4, $5) RETURNING version) SELECT pg_notify('" + CHANGE_CHANNEL + "', version::text) FROM c"

/** The two entity reads of a full rebuild; run in one REPEATABLE READ transaction with CURRENT_VERSION_SQL. */
export const SNAPSHOT_SQL = { services: 'SELECT data FROM services ORDER BY id', routes: 'SELECT data FROM routes ORDER BY id' } as const

/** Builds a snapshot from the rows of SNAPSHOT_SQL. */
export function snapshotFromRows(services: readonly { data: string }[], routes: readonly { data: string }[]): Snapshot {
  return { services: services.map((r) => JSON.parse(r.data) as Service), routes: routes.map((r) => JSON.parse(r.data) as Route) }
}
