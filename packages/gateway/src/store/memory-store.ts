import type { Route } from '../entities/route.ts'
import type { Service } from '../entities/service.ts'
import { ChangeEmitter, decodeOffset, encodeOffset, hasTags, type ListOptions, type Page, type Snapshot, type Store, type StoreChange, type UniqueConflict } from './store.ts'

/** What every stored entity has: the key, the unique name and the tags lists filter on. */
interface Entity {
  readonly id: string
  readonly name: string | null
  readonly tags: readonly string[] | null
}

/**
 * The entities of one type, by id, by name and in id order. Pages are read from the ordered array
 * (a binary search to the offset, then a scan), which a change keeps in order in place (a search and
 * one splice) and a whole new configuration drops, to be sorted once by the next list. Listing
 * 100k routes in pages of 1,000 took 5.4 s when every page sorted them all.
 */
class EntityTable<T extends Entity> {
  readonly #byId = new Map<string, T>()
  readonly #byName = new Map<string, T>()
  #ordered: T[] | undefined = undefined

  get size(): number {
    return this.#byId.size
  }

  values(): IterableIterator<T> {
    return this.#byId.values()
  }

  get(id: string): T | undefined {
    return this.#byId.get(id)
  }

  /** An entity by id (any case) or by name. */
  find(key: string): T | undefined {
    return this.#byId.get(key.toLowerCase()) ?? this.#byName.get(key)
  }

  /** The name's other holder, when an entity would take a name already taken. */
  nameConflict(entity: T): UniqueConflict | undefined {
    if (entity.name === null) return undefined
    const other = this.#byName.get(entity.name)
    return other !== undefined && other.id !== entity.id ? { field: 'name', value: entity.name } : undefined
  }

  set(entity: T): T | undefined {
    const previous = this.#byId.get(entity.id)
    if (previous?.name != null && this.#byName.get(previous.name) === previous) this.#byName.delete(previous.name)
    this.#byId.set(entity.id, entity)
    if (entity.name !== null) this.#byName.set(entity.name, entity)
    const ordered = this.#ordered
    if (ordered !== undefined) {
      const at = firstFrom(ordered, entity.id)
      if (previous !== undefined) ordered[at] = entity
      else ordered.splice(at, 0, entity)
    }
    return previous
  }

  delete(id: string): T | undefined {
    const entity = this.#byId.get(id)
    if (entity === undefined) return undefined
    this.#byId.delete(id)
    if (entity.name !== null && this.#byName.get(entity.name) === entity) this.#byName.delete(entity.name)
    this.#ordered?.splice(firstFrom(this.#ordered, id), 1)
    return entity
  }

  load(entities: readonly T[]): void {
    this.#byId.clear()
    this.#byName.clear()
    this.#ordered = undefined
    for (const entity of entities) this.set(entity)
  }

  /** One page in id order: the entities after the offset that pass the tag filter and `extra`. */
  page(options: ListOptions, extra: (entity: T) => boolean): Page<T> {
    const ordered = (this.#ordered ??= [...this.#byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)))
    const after = options.offset === undefined ? undefined : decodeOffset(options.offset)
    const data: T[] = []
    let more = false
    for (let i = after === undefined ? 0 : firstFrom(ordered, after, true); i < ordered.length; i++) {
      const entity = ordered[i] as T
      if (!hasTags(entity.tags, options.tags) || (options.tagged === true && (entity.tags?.length ?? 0) === 0) || !extra(entity)) continue
      if (data.length === options.size) {
        more = true
        break
      }
      data.push(entity)
    }
    const last = data[data.length - 1]
    return { data, offset: more && last !== undefined ? encodeOffset(last.id) : undefined }
  }
}

/** The position of the first entity whose id is at least `id` (`after`: greater than it) in id order. */
function firstFrom(ordered: readonly Entity[], id: string, after = false): number {
  let low = 0
  let high = ordered.length
  while (low < high) {
    const middle = (low + high) >>> 1
    const other = (ordered[middle] as Entity).id
    if (other < id || (after && other === id)) low = middle + 1
    else high = middle
  }
  return low
}

/** A store that keeps everything in memory: DB-less mode, workers and tests. */
export class MemoryStore implements Store {
  readonly kind = 'memory'
  readonly #services = new EntityTable<Service>()
  readonly #routes = new EntityTable<Route>()
  readonly #emitter = new ChangeEmitter()
  #configHash: string | undefined

  /** Starts empty or with a snapshot (no event is emitted for it). */
  constructor(initial?: Snapshot) {
    if (initial !== undefined) this.#load(initial)
  }

  #load(snapshot: Snapshot): void {
    this.#services.load(snapshot.services)
    this.#routes.load(snapshot.routes)
  }

  getService(idOrName: string): Service | undefined {
    return this.#services.find(idOrName)
  }

  getRoute(idOrName: string): Route | undefined {
    return this.#routes.find(idOrName)
  }

  listServices(options: ListOptions): Page<Service> {
    return this.#services.page(options, () => true)
  }

  listRoutes(options: ListOptions): Page<Route> {
    return this.#routes.page(options, (r) => options.serviceId === undefined || r.service?.id === options.serviceId)
  }

  countRoutes(serviceId: string): number {
    let count = 0
    for (const r of this.#routes.values()) if (r.service?.id === serviceId) count++
    return count
  }

  putService(service: Service): UniqueConflict | undefined {
    const conflict = this.#services.nameConflict(service)
    if (conflict !== undefined) return conflict
    const previous = this.#services.set(service)
    this.#emit({ type: 'service-upsert', entity: service, previous })
    return undefined
  }

  putRoute(route: Route): UniqueConflict | undefined {
    const conflict = this.#routes.nameConflict(route)
    if (conflict !== undefined) return conflict
    const previous = this.#routes.set(route)
    this.#emit({ type: 'route-upsert', entity: route, previous })
    return undefined
  }

  deleteService(id: string): boolean {
    const entity = this.#services.delete(id)
    if (entity === undefined) return false
    this.#emit({ type: 'service-delete', entity })
    return true
  }

  deleteRoute(id: string): boolean {
    const entity = this.#routes.delete(id)
    if (entity === undefined) return false
    this.#emit({ type: 'route-delete', entity })
    return true
  }

  /**
   * Replaces everything with a snapshot (a new declarative config); `hash` identifies the config
   * it came from, for `POST /config?check_hash=1` (undefined: unknown, never equal to another).
   */
  replaceAll(snapshot: Snapshot, hash?: string): void {
    this.#load(snapshot)
    this.#configHash = hash
    this.#emit({ type: 'reset', snapshot })
  }

  /** The hash given with the last `replaceAll`: Kong's hash of the running declarative config. */
  get configHash(): string | undefined {
    return this.#configHash
  }

  snapshot(): Snapshot {
    return { services: [...this.#services.values()], routes: [...this.#routes.values()] }
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    return this.#emitter.subscribe(listener)
  }

  /**
   * Applies a change that happened in another process's store (cluster workers), emitting it
   * locally so this process's routing table updates incrementally.
   */
  apply(change: StoreChange): void {
    switch (change.type) {
      case 'service-upsert': this.#services.set(change.entity); break
      case 'route-upsert': this.#routes.set(change.entity); break
      case 'service-delete': this.#services.delete(change.entity.id); break
      case 'route-delete': this.#routes.delete(change.entity.id); break
      case 'reset': this.#load(change.snapshot); break
    }
    this.#emit(change)
  }

  #emit(change: StoreChange): void {
    this.#emitter.emit(change)
  }

  close(): void {}
}
