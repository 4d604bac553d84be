import type { Route } from './entities/route.ts'
import type { Service } from './entities/service.ts'
import type { Snapshot, StoreChange } from './store/store.ts'

/** One matcher for the router: a route may need several (Kong splits mixed regex/prefix paths). */
export interface RouterEntry<E> {
  readonly id: string
  readonly priority: bigint
  readonly expression: E
}

/** What the routing table needs from the core router (core's `Router` has exactly this shape). */
export interface MatchingRouter<E, C, M extends { readonly id: string }> {
  add(entry: RouterEntry<E>): { readonly ok: boolean }
  remove(id: string, priority?: bigint): boolean
  match(context: C): M | undefined
  readonly fields: ReadonlySet<string>
  readonly size: number
}

/** Turns a stored route into router entries, or says why it cannot be routed. */
export type RouteCompiler<E> = (route: Route) => { readonly ok: true; readonly entries: readonly RouterEntry<E>[] } | { readonly ok: false; readonly message: string }

/** What the proxy gets for a request: the route, its service (null for serviceless routes) and the core match. */
export interface RoutedMatch<M> {
  readonly route: Route
  readonly service: Service | null
  readonly match: M
}

interface State<E, C, M extends { readonly id: string }> {
  readonly router: MatchingRouter<E, C, M>
  /** Route id → the entries it added. */
  readonly entries: Map<string, readonly RouterEntry<E>[]>
  /** Entry id → the route that added it (one lookup per request finds the route). */
  readonly owners: Map<string, Route>
  readonly routes: Map<string, Route>
  readonly services: Map<string, Service>
}

/** Options of a routing table. */
export interface RoutingTableOptions<E, C, M extends { readonly id: string }> {
  readonly createRouter: () => MatchingRouter<E, C, M>
  readonly compile: RouteCompiler<E>
  /** Told about routes that cannot be loaded; the rest of the router keeps working (as in Kong). */
  readonly onRouteError?: (route: Route, message: string) => void
}

/**
 * Owns the live router. Each store change is applied incrementally and synchronously, so a request
 * (which runs between event-loop turns) never sees half of it; a reset builds a new router to one
 * side and swaps it in with one assignment.
 */
export class RoutingTable<E, C, M extends { readonly id: string }> {
  #state: State<E, C, M>
  #version = 0
  #updatedAt = Date.now()
  readonly #options: RoutingTableOptions<E, C, M>

  /** Creates an empty table. */
  constructor(options: RoutingTableOptions<E, C, M>) {
    this.#options = options
    this.#state = this.#emptyState()
  }

  #emptyState(): State<E, C, M> {
    return { router: this.#options.createRouter(), entries: new Map(), owners: new Map(), routes: new Map(), services: new Map() }
  }

  /** Increases on every applied change; the proxy rebuilds its field extractor when it moves. */
  get version(): number {
    return this.#version
  }

  /** Milliseconds since the epoch of the last applied change. */
  get updatedAt(): number {
    return this.#updatedAt
  }

  /** Fields that at least one route reads: the only ones the proxy extracts. */
  get fields(): ReadonlySet<string> {
    return this.#state.router.fields
  }

  /** Router entries (matchers) loaded. */
  get size(): number {
    return this.#state.router.size
  }

  /** Finds the route for a request context. */
  match(context: C): RoutedMatch<M> | undefined {
    const state = this.#state
    const match = state.router.match(context)
    if (match === undefined) return undefined
    const route = state.owners.get(match.id)
    if (route === undefined) return undefined
    const service = route.service === null ? null : (state.services.get(route.service.id) ?? null)
    return { route, service, match }
  }

  /** Replaces everything from a snapshot: built aside, then swapped in. */
  load(snapshot: Snapshot): void {
    const state = this.#emptyState()
    for (const service of snapshot.services) state.services.set(service.id, service)
    for (const route of snapshot.routes) this.#addRoute(state, route)
    this.#state = state
    this.#touch()
  }

  /** Applies one committed store change. */
  apply(change: StoreChange): void {
    const state = this.#state
    switch (change.type) {
      case 'reset':
        return this.load(change.snapshot)
      case 'route-upsert':
        this.#removeRoute(state, change.entity.id)
        this.#addRoute(state, change.entity)
        break
      case 'route-delete':
        this.#removeRoute(state, change.entity.id)
        break
      case 'service-upsert': {
        state.services.set(change.entity.id, change.entity)
        // Routes of a disabled service are not loaded (traditional-routes.md §6.2).
        if (change.previous !== undefined && change.previous.enabled !== change.entity.enabled) {
          // Collected first: re-adding a route moves it to the end of the map being iterated.
          const affected = [...state.routes.values()].filter((route) => route.service?.id === change.entity.id)
          for (const route of affected) {
            this.#removeRoute(state, route.id)
            this.#addRoute(state, route)
          }
        }
        break
      }
      case 'service-delete':
        state.services.delete(change.entity.id)
        break
    }
    this.#touch()
  }

  #touch(): void {
    this.#version++
    this.#updatedAt = Date.now()
  }

  #addRoute(state: State<E, C, M>, route: Route): void {
    state.routes.set(route.id, route)
    const service = route.service === null ? undefined : state.services.get(route.service.id)
    if (service !== undefined && !service.enabled) return
    const compiled = this.#options.compile(route)
    if (!compiled.ok) return this.#options.onRouteError?.(route, compiled.message)
    const added: RouterEntry<E>[] = []
    for (const entry of compiled.entries) {
      if (!state.router.add(entry).ok) {
        // All or nothing per route: undo what this route already added.
        for (const done of added) state.router.remove(done.id, done.priority), state.owners.delete(done.id)
        return this.#options.onRouteError?.(route, 'the router refused the route')
      }
      added.push(entry)
      state.owners.set(entry.id, route)
    }
    state.entries.set(route.id, added)
  }

  #removeRoute(state: State<E, C, M>, routeId: string): void {
    for (const entry of state.entries.get(routeId) ?? []) {
      state.router.remove(entry.id, entry.priority)
      state.owners.delete(entry.id)
    }
    state.entries.delete(routeId)
    state.routes.delete(routeId)
  }
}
