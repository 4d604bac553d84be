import { compareRoutes, type StoredPriority } from './route.ts'

/** What the index keeps per route entry. */
export interface IndexedRoute {
  readonly id: string
  readonly priority: StoredPriority
  /** Set to the router's query number when the route was last queued, to visit each route once per query. */
  seen: number
}

/** Lists up to this length are kept at their exact size (larger ones are rare and change in place). */
const TRIM_UP_TO = 32

/** Routes kept in evaluation order (descending priority, then descending id). */
export class SortedRoutes<R extends IndexedRoute = IndexedRoute> {
  items: R[] = []
  #sorted = true

  /** Inserts in order (binary search); with `deferSort`, appends and sorts on `finish()` (bulk loads). */
  insert(route: R, deferSort = false): void {
    if (deferSort) {
      this.items.push(route)
      this.#sorted = false
      return
    }
    this.items.splice(this.#position(route), 0, route)
    this.#trim()
  }

  /** Removes a route entry; true when it was present. */
  remove(route: R): boolean {
    this.finish()
    const at = this.#position(route)
    if (this.items[at] !== route) return false
    this.items.splice(at, 1)
    this.#trim()
    return true
  }

  /** True when an entry with the same priority and id is present. */
  hasKey(route: { readonly priority: StoredPriority; readonly id: string }): boolean {
    this.finish()
    const found = this.items[this.#position(route)]
    return found !== undefined && compareRoutes(found, route) === 0
  }

  /** Sorts after deferred inserts. */
  finish(): void {
    if (this.#sorted) return
    this.items.sort(compareRoutes)
    this.#sorted = true
    this.#trim()
  }

  get size(): number {
    return this.items.length
  }

  // Memory: a grown array keeps spare capacity (17 slots after the first push), and most lists hold
  // one to three routes; a copy has exactly the room it needs.
  #trim(): void {
    if (this.items.length <= TRIM_UP_TO) this.items = this.items.slice()
  }

  #position(route: { readonly priority: StoredPriority; readonly id: string }): number {
    const items = this.items
    let low = 0
    let high = items.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (compareRoutes(items[mid] as R, route) < 0) low = mid + 1
      else high = mid
    }
    return low
  }
}
