import type { ClientBase } from 'pg'

/** When change-log rows may be deleted. */
export interface PruneOptions {
  /** How often a node tries to prune (only one node at a time does it). */
  readonly intervalMs: number
  /** Rows younger than this are kept, so a restarting node can usually catch up instead of rebuilding. */
  readonly retentionMs: number
  /** The newest `keep` rows are always kept. */
  readonly keep: number
  /** A node not seen for this long no longer holds the log back; it rebuilds when it returns. */
  readonly nodeTtlMs: number
}

/** Defaults: prune every minute, keep an hour and at least 1,000 rows, wait 10 minutes for a silent node. */
export const DEFAULT_PRUNE: PruneOptions = { intervalMs: 60_000, retentionMs: 3_600_000, keep: 1_000, nodeTtlMs: 600_000 }

/** Arbitrary constant key of the advisory lock that lets only one node prune at a time. */
const PRUNE_LOCK = 7_346_002

/**
 * Deletes change-log rows no live node still needs: older than the retention, outside the newest
 * `keep`, and at or below the lowest version a live node has applied. A node that is behind the
 * pruned range anyway (it was down longer than the TTL) rebuilds from the tables, so pruning can
 * cost a rebuild but never correctness. Returns the number of rows deleted.
 */
export async function pruneChangeLog(client: ClientBase, options: PruneOptions): Promise<number> {
  await client.query('BEGIN')
  try {
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [PRUNE_LOCK])
    if (locked.rows[0]?.ok !== true) {
      await client.query('COMMIT')
      return 0
    }
    const deleted = await client.query(
      `DELETE FROM change_log WHERE version <= LEAST(
         (SELECT version FROM cluster_state WHERE id = 1) - $1,
         COALESCE((SELECT MIN(applied_version) FROM cluster_nodes WHERE seen_at > now() - $2 * interval '1 millisecond'), 9223372036854775807))
       AND created_at < now() - $3 * interval '1 millisecond'`,
      [options.keep, options.nodeTtlMs, options.retentionMs],
    )
    // Nodes gone for a week are forgotten, so the table does not grow with every restart.
    await client.query("DELETE FROM cluster_nodes WHERE seen_at < now() - interval '7 days'")
    await client.query('COMMIT')
    return deleted.rowCount ?? 0
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}
