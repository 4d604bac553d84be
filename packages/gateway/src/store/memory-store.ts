import type { Route } from '../entities/route.ts'
import type { Service } from '../entities/service.ts'
import { ChangeEmitter, decodeOffset, encodeOffset, hasTags, type ListOptions, type Page, type Snapshot, type Store, type StoreChange, type UniqueConflict } from './store.ts'

function page<T extends { id: string; tags: readonly string[] | null }>(all: Iterable<T>, options: ListOptions, extra: (e: T) => boolean): Page<T> {
  const after = options.offset === undefined ? undefined : decodeOffset(options.offset)
  const sorted = [...all].filter((e) => (after === undefined || e.id > after) && hasTags(e.tags, options.tags) && extra(e)).sort((a, b) => (a.id < b.id ? -1 : 1))
  const data = sorted.slice(0, options.size)
  const last = data[data.length - 1]
  return { data, offset: sorted.length > options.size && last !== undefined ? encodeOffset(last.id) : undefined }
}

function byIdOrName<T extends { name: string | null }>(map: ReadonlyMap<string, T>, key: string): T | undefined {
  const direct = map.get(key.toLowerCase())
  if (direct !== undefined) return direct
  for (const entity of map.values()) if (entity.name === key) return entity
  return undefined
}

function nameConflict<T extends { id: string; name: string | null }>(map: ReadonlyMap<string, T>, entity: T): UniqueConflict | undefined {
  if (entity.name === null) return undefined
  for (const other of map.values()) if (other.name === entity.name && other.id !== entity.id) return { field: 'name', value: entity.name }
  return undefined
}

/** A store that keeps everything in memory: DB-less mode, workers and tests. */
export class MemoryStore implements Store {
  readonly kind = 'memory'
  readonly #services = new Map<string, Service>()
  readonly #routes = new Map<string, Route>()
  readonly #emitter = new ChangeEmitter()
  #configHash: string | undefined

  /** Starts empty or with a snapshot (no event is emitted for it). */
  constructor(initial?: Snapshot) {
    if (initial !== undefined) this.#load(initial)
  }

  #load(snapshot: Snapshot): void {
    this.#services.clear()
    this.#routes.clear()
    for (const s of snapshot.services) this.#services.set(s.id, s)
    for (const r of snapshot.routes) this.#routes.set(r.id, r)
  }

  getService(idOrName: string): Service | undefined {
    return byIdOrName(this.#services, idOrName)
  }

  getRoute(idOrName: string): Route | undefined {
    return byIdOrName(this.#routes, idOrName)
  }

  listServices(options: ListOptions): Page<Service> {
    return page(this.#services.values(), options, () => true)
  }

  listRoutes(options: ListOptions): Page<Route> {
    return page(this.#routes.values(), options, (r) => options.serviceId === undefined || r.service?.id === options.serviceId)
  }

  countRoutes(serviceId: string): number {
    let count = 0
    for (const r of this.#routes.values()) if (r.service?.id === serviceId) count++
    return count
  }

  putService(service: Service): UniqueConflict | undefined {
    const conflict = nameConflict(this.#services, service)
    if (conflict !== undefined) return conflict
    const previous = this.#services.get(service.id)
    this.#services.set(service.id, service)
    this.#emit({ type: 'service-upsert', entity: service, previous })
    return undefined
  }

  putRoute(route: Route): UniqueConflict | undefined {
    const conflict = nameConflict(this.#routes, route)
    if (conflict !== undefined) return conflict
    const previous = this.#routes.get(route.id)
    this.#routes.set(route.id, route)
    this.#emit({ type: 'route-upsert', entity: route, previous })
    return undefined
  }

  deleteService(id: string): boolean {
    const entity = this.#services.get(id)
    if (entity === undefined) return false
    this.#services.delete(id)
    this.#emit({ type: 'service-delete', entity })
    return true
  }

  deleteRoute(id: string): boolean {
    const entity = this.#routes.get(id)
    if (entity === undefined) return false
    this.#routes.delete(id)
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
      case 'service-upsert': this.#services.set(change.entity.id, change.entity); break
      case 'route-upsert': this.#routes.set(change.entity.id, change.entity); break
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
