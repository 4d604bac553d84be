import type { Route } from '../entities/route.ts'
import type { Service } from '../entities/service.ts'

/** Every service and route: what a declarative config holds and a bulk change installs. */
export interface Snapshot {
  readonly services: readonly Service[]
  readonly routes: readonly Route[]
}

/**
 * What changed in a committed write. Listeners run after the commit, synchronously, in commit
 * order; a `reset` replaces everything (a new declarative config).
 */
export type StoreChange =
  | { readonly type: 'service-upsert'; readonly entity: Service; readonly previous: Service | undefined }
  | { readonly type: 'service-delete'; readonly entity: Service }
  | { readonly type: 'route-upsert'; readonly entity: Route; readonly previous: Route | undefined }
  | { readonly type: 'route-delete'; readonly entity: Route }
  | { readonly type: 'reset'; readonly snapshot: Snapshot }

/** Tag filter of a list request: `tags=a,b` needs all, `tags=a/b` any. */
export interface TagFilter {
  readonly mode: 'all' | 'any'
  readonly tags: readonly string[]
}

/** A list request: page size, the opaque offset of the previous page, optional filters. */
export interface ListOptions {
  readonly size: number
  readonly offset?: string | undefined
  readonly tags?: TagFilter | undefined
  /** Only entities with at least one tag (Kong's `/tags`). */
  readonly tagged?: boolean | undefined
  /** Only routes of this service. */
  readonly serviceId?: string | undefined
}

/** One page of a list, ordered by id; `offset` is set when more entities follow. */
export interface Page<T> {
  readonly data: readonly T[]
  readonly offset: string | undefined
}

/** A write refused because another entity already has this unique value (HTTP 409). */
export interface UniqueConflict {
  readonly field: 'name' | 'id'
  readonly value: string
}

/** Entity storage with change events. Every write is atomic: it fully happens, or not at all. */
export interface Store {
  /** `sqlite` or `memory`, for `GET /` and logs. */
  readonly kind: string
  getService(idOrName: string): Service | undefined
  getRoute(idOrName: string): Route | undefined
  listServices(options: ListOptions): Page<Service>
  listRoutes(options: ListOptions): Page<Route>
  /** Number of routes pointing at a service (deleting it is refused while any do). */
  countRoutes(serviceId: string): number
  /** Inserts or replaces (by id) a service; refuses a name another service has. */
  putService(service: Service): UniqueConflict | undefined
  /** Inserts or replaces (by id) a route; the caller has checked that its service exists. */
  putRoute(route: Route): UniqueConflict | undefined
  deleteService(id: string): boolean
  deleteRoute(id: string): boolean
  /** Replaces every entity in one transaction, then emits one `reset`. */
  replaceAll(snapshot: Snapshot): void
  snapshot(): Snapshot
  /** Registers a change listener; returns the function that unregisters it. */
  subscribe(listener: (change: StoreChange) => void): () => void
  close(): void
}

/**
 * Encodes where a page stopped as Kong-style opaque offset text: the last id, then anything else the
 * list needs to resume (`/tags` adds the position of the last tag).
 */
export function encodeOffset(id: string, ...rest: readonly number[]): string {
  return Buffer.from(JSON.stringify([id, ...rest])).toString('base64url')
}

/** Decodes an offset into what `encodeOffset` was given; undefined when it is not one this store produced. */
export function decodeOffsetParts(offset: string): readonly [string, ...unknown[]] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(offset, 'base64url').toString('utf8'))
    return Array.isArray(value) && typeof value[0] === 'string' ? (value as [string, ...unknown[]]) : undefined
  } catch {
    return undefined
  }
}

/** Decodes an offset's last id; undefined when it is not one this store produced. */
export function decodeOffset(offset: string): string | undefined {
  return decodeOffsetParts(offset)?.[0]
}

/** True when an entity's tags pass a tag filter. */
export function hasTags(tags: readonly string[] | null, filter: TagFilter | undefined): boolean {
  if (filter === undefined) return true
  if (tags === null) return false
  return filter.mode === 'all' ? filter.tags.every((t) => tags.includes(t)) : filter.tags.some((t) => tags.includes(t))
}

/** Fan-out of change events to listeners, shared by the store implementations. */
export class ChangeEmitter {
  readonly #listeners = new Set<(change: StoreChange) => void>()

  /** Registers a listener; returns its remover. */
  subscribe(listener: (change: StoreChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Delivers a change to every listener, in registration order. */
  emit(change: StoreChange): void {
    for (const listener of this.#listeners) listener(change)
  }
}
