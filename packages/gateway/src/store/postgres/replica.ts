import { MemoryStore } from '../memory-store.ts'
import type { Route } from '../../entities/route.ts'
import type { Service } from '../../entities/service.ts'
import type { Snapshot, StoreChange } from '../store.ts'
import type { ChangeRow } from './change-log.ts'

/** Counters a node reports on `/status` and `/metrics`. */
export interface ReplicaCounters {
  /** Last change-log version this node has applied. */
  readonly version: number
  /** Changes applied one by one. */
  readonly applied: number
  /** Full rebuilds from the tables (startup, pruned log, `reset`). */
  readonly rebuilds: number
}

/**
 * This node's copy of the entities at one change-log version, and the only place that advances it.
 * Changes are applied strictly in version order (version + 1 each time) and a change at or below
 * the current version is ignored, so no change is applied twice however often it is fetched.
 * Applying emits the change to subscribers (the routing table) synchronously.
 */
export class Replica {
  readonly mirror = new MemoryStore()
  #version = 0
  #applied = 0
  #rebuilds = 0

  /** The last applied version. */
  get version(): number {
    return this.#version
  }

  /** Counters for status reporting. */
  get counters(): ReplicaCounters {
    return { version: this.#version, applied: this.#applied, rebuilds: this.#rebuilds }
  }

  /**
   * Applies rows fetched from the log, oldest first. Returns `rebuild` when the next needed version
   * is missing (the log was pruned past it) or is a `reset`: only a reload from the tables can
   * continue then.
   */
  applyRows(rows: readonly ChangeRow[]): 'ok' | 'rebuild' {
    for (const row of rows) {
      const version = Number(row.version)
      if (version <= this.#version) continue
      if (version !== this.#version + 1 || row.kind === 'reset' || row.data === null) return 'rebuild'
      this.mirror.apply(this.#change(row.kind, row.data))
      this.#version = version
      this.#applied++
    }
    return 'ok'
  }

  /**
   * Swaps in a full snapshot taken at `version`; ignored when this node is already there or past
   * it, unless `force` (the database went back in time: its state wins).
   */
  install(version: number, snapshot: Snapshot, force = false): boolean {
    if (!force && version <= this.#version && this.#rebuilds > 0) return false
    this.mirror.apply({ type: 'reset', snapshot })
    this.#version = version
    this.#rebuilds++
    return true
  }

  #change(kind: Exclude<ChangeRow['kind'], 'reset'>, data: string): StoreChange {
    // `previous` comes from this node's own copy: it is exactly what this node's router has.
    switch (kind) {
      case 'service-upsert': {
        const entity = JSON.parse(data) as Service
        return { type: kind, entity, previous: sameId(this.mirror.getService(entity.id), entity.id) }
      }
      case 'route-upsert': {
        const entity = JSON.parse(data) as Route
        return { type: kind, entity, previous: sameId(this.mirror.getRoute(entity.id), entity.id) }
      }
      case 'service-delete':
        return { type: kind, entity: JSON.parse(data) as Service }
      case 'route-delete':
        return { type: kind, entity: JSON.parse(data) as Route }
    }
  }
}

/** The mirror looks keys up by id, then by name: keep only a hit on the id itself. */
function sameId<T extends { readonly id: string }>(entity: T | undefined, id: string): T | undefined {
  return entity?.id === id ? entity : undefined
}
