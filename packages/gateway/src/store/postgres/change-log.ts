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

/**
 * The head version and the changes after $1 (at most $2), in one round trip: a wake-up costs a
 * single query. Always one row at least; the change columns are null when nothing follows $1.
 */
export const HEAD_AND_CHANGES_SQL = `SELECT s.version AS head, c.version, c.kind, c.data FROM cluster_state s
  LEFT JOIN LATERAL (SELECT version, kind, data FROM change_log WHERE version > $1 ORDER BY version LIMIT $2) c ON true WHERE s.id = 1`

/** The version of the last committed change. */
export const CURRENT_VERSION_SQL = 'SELECT version FROM cluster_state WHERE id = 1'

/**
 * The upsert statements ($1 id, $2 name, $3 tags, $4 data, $5 node, $6 service id). One
 * statement is one transaction: it takes the next version from the single counter row (whose lock, held until commit, serialises writers so versions commit in
 * order and without gaps), writes the entity, appends the change and queues the NOTIFY that wakes
 * every listening node at commit. The entity insert reads the version row, so the lock is taken
 * first. A duplicate name fails the whole statement, version bump included.
 */
export const UPSERT_SQL = {
  services: changeCte(
    "INSERT INTO services (id, name, tags, data) SELECT $1, $2, $3, $4 FROM v ON CONFLICT (id) DO UPDATE SET name = excluded.name, tags = excluded.tags, data = excluded.data RETURNING id",
    "'service-upsert', $1, $4",
    '$5',
  ),
  routes: changeCte(
    "INSERT INTO routes (id, name, tags, data, service_id) SELECT $1, $2, $3, $4, $6 FROM v ON CONFLICT (id) DO UPDATE SET name = excluded.name, tags = excluded.tags, data = excluded.data, service_id = excluded.service_id RETURNING id",
    "'route-upsert', $1, $4",
    '$5',
  ),
} as const

/** The delete statements ($1 id, $2 node): no row comes back when there was nothing to delete (then roll back the bump). */
export const DELETE_SQL = {
  services: changeCte('DELETE FROM services WHERE id = $1 AND EXISTS (SELECT 1 FROM v) RETURNING data', "'service-delete', $1, w.data", '$2'),
  routes: changeCte('DELETE FROM routes WHERE id = $1 AND EXISTS (SELECT 1 FROM v) RETURNING data', "'route-delete', $1, w.data", '$2'),
} as const

/** Takes the next version inside an explicit transaction (bulk replace). */
export const NEXT_VERSION_SQL = 'UPDATE cluster_state SET version = version + 1 WHERE id = 1 RETURNING version'

/** Appends a change ($1 version, $2 kind, $3 entity id, $4 data, $5 node) and queues its NOTIFY. */
export const APPEND_CHANGE_SQL = `WITH c AS (INSERT INTO change_log (version, kind, entity_id, data, node_id) VALUES ($1, $2, $3, $4, $5) RETURNING version) SELECT pg_notify('${CHANGE_CHANNEL}', version::text) FROM c`

function changeCte(write: string, values: string, node: string): string {
  return `WITH v AS (UPDATE cluster_state SET version = version + 1 WHERE id = 1 RETURNING version),
    w AS (${write}),
    c AS (INSERT INTO change_log (version, kind, entity_id, data, node_id) SELECT v.version, ${values}, ${node} FROM v, w RETURNING version, data)
    SELECT version, data, pg_notify('${CHANGE_CHANNEL}', version::text) FROM c`
}

/** The two entity reads of a full rebuild; run in one REPEATABLE READ transaction with CURRENT_VERSION_SQL. */
export const SNAPSHOT_SQL = { services: 'SELECT data FROM services ORDER BY id', routes: 'SELECT data FROM routes ORDER BY id' } as const

/** Builds a snapshot from the rows of SNAPSHOT_SQL. */
export function snapshotFromRows(services: readonly { data: string }[], routes: readonly { data: string }[]): Snapshot {
  return { services: services.map((r) => JSON.parse(r.data) as Service), routes: routes.map((r) => JSON.parse(r.data) as Route) }
}
