import { compareRoutes, type StoredPriority } from './route.ts'

/** What the index keeps per route entry. */
export interface IndexedRoute {
  readonly id: string
  readonly priority: StoredPriority
  /** Set to the router's query number when the route was last queued, to visit each route once per query. */
  seen: number
  /** What an index returned when it filed the route (see `RouteIndex.insert`); read back by that index. */
  readonly filed?: object | undefined
}

/** Lists up to this length are kept at their exact size (larger ones are rare and change in place). */
const TRIM_UP_TO = 32

/**
 * The `seen` stamp of a route removed lazily from a long list: it stays in place (keeping the
 * order for binary search) until the list is compacted, and lookups skip it. Query stamps are positive.
 */
export const REMOVED = -1

/** From this length on, a lazy list marks removed routes instead of moving everything after them. */
const LAZY_FROM = 256

/** Routes kept in evaluation order (descending priority, then descending id). */
export class SortedRoutes<R extends IndexedRoute = IndexedRoute> {
  /** In evaluation order; in a lazy list, may hold routes stamped REMOVED (see `size`). */
  items: R[] = []
  /**
   * The route, when the list holds exactly one (sorted, none stamped): most lists of an index do,
   * and a lookup that takes it from here skips reading the array, a cache miss of its own once the
   * index outgrows the caches (path-static at 100k routes: a third of a match).
   */
  single: R | undefined = undefined
  #sorted = true
  #removed = 0
  readonly #lazy: boolean

  /**
   * @param lazy removals from long lists only stamp the route REMOVED (O(log n)), and the list is
   *   compacted once an eighth of it is stamped: readers of `items` must skip stamped routes.
   */
  constructor(lazy = false) {
    this.#lazy = lazy
  }

  /** Inserts in order (binary search); with `deferSort`, appends and sorts on `finish()` (bulk loads). */
  insert(route: R, deferSort = false): void {
    if (deferSort) {
      this.items.push(route)
      this.#sorted = false
      this.single = undefined
      return
    }
    const at = this.#position(route)
    // Short lists (most of them) are replaced by an exact-size copy, made in one step.
    if (this.items.length < TRIM_UP_TO) this.items = this.items.toSpliced(at, 0, route)
    else this.items.splice(at, 0, route)
    this.#settle()
  }

  /** Removes a route entry; true when it was present. */
  remove(route: R): boolean {
    this.finish()
    const items = this.items
    const at = indexOfRoute(items, route)
    if (at < 0) return false
    if (this.#lazy && items.length >= LAZY_FROM) {
      route.seen = REMOVED
      if (++this.#removed * 8 > items.length) this.#compact()
    } else if (items.length <= TRIM_UP_TO) this.items = items.toSpliced(at, 1)
    else {
      items.splice(at, 1)
      this.#trim()
    }
    this.#settle()
    return true
  }

  /**
   * Moves every route of `other` (routes not in this list) into it, in place. Each route's place is
   * found by binary search (about log2(n) entries read per route), then the runs of this list between
   * those places move up, from the back. A merge that compared its way through the list read every
   * entry after the first new one: for a 100k-route residual list, 3 ms of cache misses in one update
   * (now about half). A new array would cost as much again in fresh pages. `other` is emptied.
   */
  absorb(other: SortedRoutes<R>): void {
    this.finish()
    other.finish()
    const a = this.items
    const b = other.items
    if (b.length > 0) {
      const places: number[] = []
      for (let j = 0; j < b.length; j++) places.push(this.#position(b[j] as R))
      let end = a.length
      a.length = end + b.length
      for (let j = b.length - 1; j >= 0; j--) {
        const place = places[j] as number
        // a[place, end) moves up by j + 1: the routes of b from j on go before or among them.
        for (let i = end - 1; i >= place; i--) a[i + j + 1] = a[i] as R
        a[place + j] = b[j] as R
        end = place
      }
    }
    this.#removed += other.#removed
    other.items = []
    other.#removed = 0
    this.#settle()
    other.#settle()
  }

  #compact(): void {
    this.items = this.items.filter((route) => route.seen !== REMOVED)
    this.#removed = 0
  }

  /** True when an entry with the same priority and id is present. */
  hasKey(route: { readonly priority: StoredPriority; readonly id: string }): boolean {
    this.finish()
    const items = this.items
    for (let at = this.#position(route); at < items.length && compareRoutes(items[at] as R, route) === 0; at++) {
      if ((items[at] as R).seen !== REMOVED) return true
    }
    return false
  }

  /** Sorts after deferred inserts. */
  finish(): void {
    if (this.#sorted) return
    this.items.sort(compareRoutes)
    this.#sorted = true
    this.#trim()
    this.#settle()
  }

  /** Keeps `single` in step with the list after a change. */
  #settle(): void {
    this.single = this.#sorted && this.#removed === 0 && this.items.length === 1 ? this.items[0] : undefined
  }

  /** Routes in the list (stamped ones not counted). */
  get size(): number {
    return this.items.length - this.#removed
  }

  // Memory: a grown array keeps spare capacity (17 slots after the first push), and most lists hold
  // one to three routes; a copy has exactly the room it needs.
  #trim(): void {
    if (this.items.length <= TRIM_UP_TO) this.items = this.items.slice()
  }

  #position(route: { readonly priority: StoredPriority; readonly id: string }): number {
    return positionIn(this.items, route)
  }
}

/** Where a route with this key goes in `items` (evaluation order): before every route it precedes. */
function positionIn(items: readonly IndexedRoute[], route: { readonly priority: StoredPriority; readonly id: string }): number {
  let low = 0
  let high = items.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (compareRoutes(items[mid] as IndexedRoute, route) < 0) low = mid + 1
    else high = mid
  }
  return low
}

/**
 * A short list of routes in evaluation order as a bare array, changed in place: most lists of the
 * index hold one route, and a list object around the array would double what each costs. Long
 * lists that change often (residual routes, buckets) are `SortedRoutes` instead.
 */
export type RouteArray<R extends IndexedRoute> = R[]

/** Inserts in order (binary search), in place. */
export function insertInOrder<R extends IndexedRoute>(items: RouteArray<R>, route: R): void {
  items.splice(positionIn(items, route), 0, route)
}

/** Removes a route entry in place; true when it was present. */
export function removeInOrder<R extends IndexedRoute>(items: RouteArray<R>, route: R): boolean {
  const at = indexOfRoute(items, route)
  if (at < 0) return false
  items.splice(at, 1)
  return true
}

/** Where `route` itself is in `items` (evaluation order), or -1. */
function indexOfRoute(items: readonly IndexedRoute[], route: IndexedRoute): number {
  let at = positionIn(items, route)
  // Past other routes with the same key (stamped ones, or a deferred insert that landed after them).
  while (at < items.length && items[at] !== route && compareRoutes(items[at] as IndexedRoute, route) === 0) at++
  return items[at] === route ? at : -1
}
