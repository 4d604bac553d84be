import type { Context } from '../context/context.ts'
import type { FieldValue } from '../values/types.ts'
import { createDimensionIndex, type DimensionIndex } from './dimension-index.ts'
import { asciiFold, dimensionOf, type Atom, type Casing, type Placement } from './index-plan.ts'
import { compareRoutes } from './route.ts'
import { insertInOrder, removeInOrder, SortedRoutes, type IndexedRoute, type RouteArray } from './sorted-routes.ts'
import { blockSize, offset, TextArena } from './text-arena.ts'
import { keyTextOf, scanFlat, TextIndex } from './text-index.ts'

/** One dimension: the field it reads, how values are cased first, and its lookup structure in one object. */
type Dimension<T> = DimensionIndex<T>

/**
 * The routes filed under one primary atom. The bucket is itself the list of those with no second
 * atom, and holds the dimensions of the others: one object per bucket on the lookup path.
 */
class Bucket<R extends IndexedRoute> extends SortedRoutes<R> {
  /** A handful of dimensions in a plain array: lighter than a Map and iterated without an iterator. */
  readonly subs: Dimension<RouteArray<R>>[] = []
  /**
   * Where the bucket's lookup plan starts in the index's arena; the primary dimension holds this
   * position as the bucket's slot. The plan's first entry holds the number of sub-dimensions as its
   * head and the bucket as its key; the next, whether the bucket's own list ever held a route. Then
   * per sub-dimension: its position in `subs`, its field and casing (a descriptor of the index), and
   * the arena block of its flat table (start and count; start -1 for the other kinds of
   * sub-dimension). A lookup reads the plan and the tables in the arena, and neither the bucket
   * (unless it holds routes of its own) nor the sub-dimensions' objects, which at 100k routes were a
   * cold line and page each (bench/RESULTS.md).
   */
  plan: number
  planCapacity = PLAN_FIRST
  /** Whether the bucket's own list ever held a route (then lookups read it). */
  ownRoutes = false
  /** The number of sub-dimensions the block was laid out for. */
  laidOut = 0

  constructor(
    readonly dimension: Dimension<PrimarySlot<R>>,
    readonly atom: Atom,
    arena: TextArena,
  ) {
    super(true)
    this.plan = arena.allocate(PLAN_FIRST)
    arena.set(this.plan, 0, this, undefined)
    arena.set(this.plan + 1, 0, undefined, undefined)
  }
}

/** Numbers before a plan's entries: the number of sub-dimensions (with the bucket), and the own-routes flag. */
const PLAN_HEADER = 2
/** Numbers per sub-dimension in a bucket's plan: position in `subs`, descriptor, flat start, flat count. */
const PLAN_ENTRY = 4
/** A new bucket's block: room for the plan of one sub-dimension. */
const PLAN_FIRST = 8
/** The room a table in a bucket's block gains when full: small steps, as every step lays the block out anew. */
const TABLE_STEP = 4
/**
 * The most entries a bucket's block holds. A bucket with more (hundreds of sub-dimensions: header
 * names, say) keeps the tables that do not fit in blocks of their own, and its plan lists at most
 * PLAN_MOST sub-dimensions; lookups query the others through their objects.
 */
const BLOCK_MOST = 2048
const PLAN_MOST = Math.floor((BLOCK_MOST - PLAN_HEADER) / PLAN_ENTRY)
/** Flags in a plan's second number: the bucket has routes of its own; it has more sub-dimensions than its plan lists. */
const OWN_ROUTES = 1
const MORE_SUBS = 2

/**
 * What a primary dimension holds under an atom: a bucket's plan (its position in the arena, see
 * `Bucket.plan`), or the route itself when it is the only route filed under that atom alone (most
 * routes of an exact-path or prefix-path configuration). A lookup then goes from the dimension
 * straight to the route: at 100k routes the bucket and its array were two cache misses of a match's
 * four or five (path-static 100k: a third of a match).
 */
type PrimarySlot<R extends IndexedRoute> = number | R

/**
 * Where a route that sits alone in a primary slot is filed: the dimension and atom of the slot, and
 * the bucket that took the slot's place when another route came under the same atom.
 */
class LoneSlot<R extends IndexedRoute> {
  bucket: Bucket<R> | undefined = undefined
  constructor(
    readonly dimension: Dimension<PrimarySlot<R>>,
    readonly atom: Atom,
  ) {}
}

/** A list the index files routes in: a bucket's own list, or a bare array under a second atom. */
type IndexList<R extends IndexedRoute> = SortedRoutes<R> | RouteArray<R>

/** Routes in a list (lazily removed ones not counted). */
function sizeOf<R extends IndexedRoute>(list: IndexList<R>): number {
  return Array.isArray(list) ? list.length : list.size
}

function findDimension<T>(dimensions: readonly Dimension<T>[], atom: Atom): Dimension<T> | undefined {
  for (const d of dimensions) if (d.holds(atom)) return d
  return undefined
}

function removeDimension<T>(dimensions: Dimension<T>[], dimension: Dimension<T>): void {
  const at = dimensions.indexOf(dimension)
  if (at >= 0) dimensions.splice(at, 1)
}

/**
 * The route `#file` is filing under a second atom, and whether the list was created for it (then
 * holding it already). Module state rather than a closure per index: optimised code calls the
 * factory as a known function, and a per-index closure would be a different one for every router
 * (see keep-shape.ts on code thrown away when one is collected).
 */
let newcomer: IndexedRoute | undefined
let newcomerPlaced = false

function newListOfNewcomer<R extends IndexedRoute>(): RouteArray<R> {
  newcomerPlaced = true
  return [newcomer as R]
}

/**
 * The dimension, atom and arena of the bucket `newBucketPlan` makes: module state, as `newcomer`,
 * set on every insertion without allocating anything.
 */
let newBucketDimension: Dimension<PrimarySlot<IndexedRoute>> | undefined
let newBucketAtom: Atom | undefined
let newBucketArena: TextArena | undefined

function newBucketPlan(): number {
  return new Bucket(newBucketDimension as Dimension<PrimarySlot<IndexedRoute>>, newBucketAtom as Atom, newBucketArena as TextArena).plan
}

function theNewcomer<R extends IndexedRoute>(): R {
  return newcomer as R
}

/**
 * Routes added to a long residual list one by one wait in a short side list (both are searched),
 * and join the long one in a single merge when the side list reaches this length: an insert then
 * moves a few hundred entries at most instead of every entry after it.
 */
const FRESH_MAX = 256

/** How many emptied placements wait before their containers are pruned together. */
const SWEEP_AT = 64

/**
 * What `collect` returns per list met: the list's routes in evaluation order, or the route itself
 * when the list holds only it (see `SortedRoutes.single`).
 */
export type IndexHit<R extends IndexedRoute> = readonly R[] | R

/** Where `insert` filed a route: its one list or lone slot, or one list per placement. */
export type Filed<R extends IndexedRoute> = IndexList<R> | LoneSlot<R> | FiledMany<R>

/** The lists of a route filed under several placements, in the order of its placements. */
class FiledMany<R extends IndexedRoute> {
  constructor(readonly lists: readonly IndexList<R>[]) {}
}

/** A summary of one dimension for `describe()`. */
export interface DimensionSummary {
  readonly dimension: string
  readonly keys: number
  readonly routes: number
}

/**
 * Files route entries under the atoms of their placements, two levels deep (e.g. exact host, then
 * path prefix), plus a residual list for routes without any. `collect` returns, for a request, every
 * list that can hold a matching route; each list is in evaluation order.
 */
export class RouteIndex<R extends IndexedRoute> {
  readonly #primary: Dimension<PrimarySlot<R>>[] = []
  readonly residual = new SortedRoutes<R>(true)
  readonly #fresh = new SortedRoutes<R>(true)
  readonly #touched = new Set<IndexList<R>>()
  /** Dimensions a bulk load filed routes in, laid out for lookups on `finish()` (a grown text table's tree, say). */
  readonly #filledDimensions = new Set<Dimension<unknown>>()
  /** The flat tables of the buckets' sub-dimensions and the buckets' plans, side by side (see TextArena). */
  readonly #arena = new TextArena()
  /** The fields and casings of sub-dimensions, which buckets' plans name by position. */
  readonly #descriptors: { readonly field: string; readonly casing: Casing }[] = []
  // Scratch state for one `collect` call: reused so that lookups allocate nothing per request.
  #context: Context | undefined
  readonly #lists: IndexHit<R>[] = []
  #listCount = 0
  readonly #visitBucket = (slot: PrimarySlot<R>): void => {
    if (typeof slot === 'number') this.#collectBucket(slot)
    else this.#lists[this.#listCount++] = slot
  }
  readonly #visitList = (list: RouteArray<R>): void => {
    if (list.length > 0) this.#lists[this.#listCount++] = list
  }

  /** Files a route under each placement; with `deferSort`, lists are sorted on `finish()`. */
  insert(route: R, placements: readonly Placement[] | undefined, deferSort = false): Filed<R> {
    if (placements === undefined) {
      const long = !deferSort && this.residual.size >= FRESH_MAX
      this.#insertInto(long ? this.#fresh : this.residual, route, deferSort)
      if (this.#fresh.size >= FRESH_MAX) this.residual.absorb(this.#fresh)
      // Either way the route is filed as residual; removal looks in both lists.
      return this.residual
    }
    // One placement (most routes) keeps its list itself rather than a one-element array.
    if (placements.length === 1) return this.#file(placements[0] as Placement, route, deferSort, true)
    // A route under several placements never sits alone in a slot (lone slots hold single placements).
    return new FiledMany(placements.map((placement) => this.#file(placement, route, deferSort, false) as IndexList<R>))
  }

  /**
   * Files a route under one placement. With `mayBeAlone`, a route filed under one atom alone that
   * finds the atom's slot free takes it by itself: the one lookup makes either the route or a bucket.
   */
  #file(placement: Placement, route: R, deferSort: boolean, mayBeAlone: boolean): IndexList<R> | LoneSlot<R> {
    const first = placement[0]
    const second = placement[1]
    const dimension = this.#dimension(this.#primary, first, true)
    if (deferSort) this.#filledDimensions.add(dimension)
    newcomer = route
    newBucketDimension = dimension as Dimension<PrimarySlot<IndexedRoute>>
    newBucketAtom = first
    newBucketArena = this.#arena
    const slot = dimension.slot(first, mayBeAlone && second === undefined ? theNewcomer<R> : newBucketPlan)
    newcomer = undefined
    newBucketDimension = undefined
    newBucketAtom = undefined
    newBucketArena = undefined
    if (slot === route) return new LoneSlot(dimension, first)
    const bucket = typeof slot === 'number' ? this.#bucketAt(slot) : this.#bucketInPlaceOf(dimension, first, slot, deferSort)
    if (second === undefined) {
      this.#insertOwn(bucket, route, deferSort)
      return bucket
    }
    // A new list is made holding the route already, at its exact size.
    newcomer = route
    newcomerPlaced = false
    const sub = this.#dimension(bucket.subs, second, false)
    if (deferSort) this.#filledDimensions.add(sub)
    // A flat table in the bucket's block without room for another key gets more in a new block first
    // (a new table too; one in a block of its own grows there).
    if (sub instanceof TextIndex && sub.flatStart >= 0 && sub.flatCount >= sub.flatCapacity && (sub.inBucket || sub.flatCapacity === 0)) this.#plan(bucket, sub)
    const list = sub.slot(second, newListOfNewcomer<R>)
    newcomer = undefined
    this.#plan(bucket)
    if (!newcomerPlaced) this.#insertInto(list, route, deferSort)
    return list
  }

  /** Puts a bucket holding a lone route in its slot, for another route coming under the same atom. */
  #bucketInPlaceOf(dimension: Dimension<PrimarySlot<R>>, atom: Atom, lone: R, deferSort: boolean): Bucket<R> {
    const filed = lone.filed
    if (!(filed instanceof LoneSlot)) throw new Error(`route ${lone.id} sits alone in a slot it was not filed in`)
    const bucket = new Bucket<R>(dimension, atom, this.#arena)
    this.#insertOwn(bucket, lone, deferSort)
    dimension.replace(atom, bucket.plan)
    ;(filed as LoneSlot<R>).bucket = bucket
    return bucket
  }

  /**
   * Removes a route from the lists `insert` filed it in, dropping containers that become empty. The
   * lists are kept by the caller, so a removal looks nothing up; the route's placements (in the order
   * `insert` was given them) are asked for only if a list stays empty until the next sweep.
   */
  remove(route: R, filing: Filed<R>, placements: () => readonly Placement[] | undefined): void {
    if (filing === this.residual) {
      if (!this.#fresh.remove(route)) this.residual.remove(route)
      return
    }
    if (filing instanceof LoneSlot && filing.bucket === undefined) {
      // A lone route's slot goes at once: adding the route again makes a new one as cheaply.
      const { dimension, atom } = filing
      dimension.drop(atom)
      if (dimension.size === 0) removeDimension(this.#primary, dimension)
      return
    }
    const filed = filing instanceof LoneSlot ? (filing.bucket as Bucket<R>) : filing
    const many = filed instanceof FiledMany
    const count = many ? filed.lists.length : 1
    for (let i = 0; i < count; i++) {
      const list = many ? (filed.lists[i] as IndexList<R>) : filed
      const removed = Array.isArray(list) ? removeInOrder(list, route) : list.remove(route)
      if (!removed || sizeOf(list) > 0) continue
      // Emptied containers are pruned in batches, not at once: an update removes a route and adds it
      // back, usually under the same atoms, and then finds its lists still in place. Lookups skip
      // empty lists, and a batch is at most SWEEP_AT lists, so churn cannot grow the index.
      this.#emptied.push({ list, at: i, placements })
      if (this.#emptied.length >= SWEEP_AT) this.#sweep()
    }
  }

  readonly #emptied: { list: IndexList<R>; at: number; placements: () => readonly Placement[] | undefined }[] = []

  /** Prunes the containers of the lists recorded as emptied, unless they were refilled since. */
  #sweep(): void {
    for (const { list, at, placements } of this.#emptied) {
      if (sizeOf(list) > 0) continue
      const placement = placements()?.[at]
      if (placement !== undefined) this.#prune(placement)
    }
    this.#emptied.length = 0
  }

  /** Sorts every list filled by deferred inserts, and lays out the dimensions they were filed in. */
  finish(): void {
    for (const list of this.#touched) {
      if (Array.isArray(list)) list.sort(compareRoutes)
      else list.finish()
    }
    this.#touched.clear()
    for (const dimension of this.#filledDimensions) dimension.settle()
    this.#filledDimensions.clear()
  }

  /**
   * The lists that may hold a match for this request, residual list included: the first `count`
   * entries of `lists`. The array is reused by the next call.
   */
  // Hot path: one lookup per value of each indexed field; callbacks are preallocated.
  collect(context: Context): { readonly lists: readonly IndexHit<R>[]; readonly count: number } {
    this.#listCount = 0
    this.#context = context
    this.#collectList(this.residual)
    this.#collectList(this.#fresh)
    const primary = this.#primary
    for (let i = 0; i < primary.length; i++) this.#queryTop(primary[i] as Dimension<PrimarySlot<R>>, context)
    this.#context = undefined
    this.#casedInput = undefined
    this.#result.count = this.#listCount
    return this.#result
  }

  readonly #result: { lists: readonly IndexHit<R>[]; count: number } = { lists: this.#lists, count: 0 }

  /** Dimensions with their number of keys and filed routes, for tuning large configurations. */
  summary(): DimensionSummary[] {
    this.#sweep()
    const out = new Map<string, { keys: number; routes: number }>()
    const add = (name: string, keys: number, routes: number): void => {
      const entry = out.get(name) ?? { keys: 0, routes: 0 }
      entry.keys += keys
      entry.routes += routes
      out.set(name, entry)
    }
    // Named by the kind of each slot's atom: a bucket's table of exact and prefix keys counts as two.
    const nameOf = (dimension: Dimension<unknown>, kind: Atom['kind']): string => dimensionOf({ kind, field: dimension.field, casing: dimension.casing })
    for (const dimension of this.#primary) {
      dimension.eachSlot((slot, kind) => {
        const name = nameOf(dimension, kind)
        if (typeof slot !== 'number') {
          add(name, 1, 1)
          return
        }
        const bucket = this.#bucketAt(slot)
        add(name, 1, bucket.size)
        for (const sub of bucket.subs) sub.eachSlot((list, subKind) => add(`${name} → ${nameOf(sub, subKind)}`, 1, list.length))
      })
    }
    return [...out].map(([dimension, { keys, routes }]) => ({ dimension, keys, routes }))
  }

  /** Adds a list's route when it holds one, else the list when it holds any. */
  #collectList(list: SortedRoutes<R>): void {
    const single = list.single
    if (single !== undefined) this.#lists[this.#listCount++] = single
    else if (list.size > 0) this.#lists[this.#listCount++] = list.items
  }

  #collectBucket(plan: number): void {
    const arena = this.#arena
    const heads = arena.headsAt(plan)
    const first = offset(plan)
    const flags = heads[first + 1] as number
    if ((flags & OWN_ROUTES) !== 0) this.#collectList(this.#bucketAt(plan))
    const end = first + PLAN_HEADER + PLAN_ENTRY * (heads[first] as number)
    if (end === first + PLAN_HEADER) return
    const context = this.#context as Context
    if ((flags & MORE_SUBS) !== 0) {
      const subs = this.#bucketAt(plan).subs
      for (let i = PLAN_MOST; i < subs.length; i++) {
        const sub = subs[i] as Dimension<RouteArray<R>>
        const values = context.values(sub.field)
        if (values !== undefined) this.#querySub(sub, values)
      }
    }
    for (let at = first + PLAN_HEADER; at < end; at += PLAN_ENTRY) {
      const descriptor = this.#descriptors[heads[at + 1] as number] as { field: string; casing: Casing }
      const values = context.values(descriptor.field)
      if (values === undefined) continue
      const start = heads[at + 2] as number
      if (start < 0) {
        this.#querySub(this.#bucketAt(plan).subs[heads[at] as number] as Dimension<RouteArray<R>>, values)
        continue
      }
      const count = heads[at + 3] as number
      for (let i = 0; i < values.length; i++) {
        const text = keyTextOf(this.#casedAs(descriptor.casing, values[i] as FieldValue))
        if (text !== undefined) scanFlat(arena, start, count, text, this.#visitList)
      }
    }
  }

  /**
   * Writes a bucket's block: its plan, then the flat tables of its sub-dimensions side by side, so
   * that a lookup finds the plan and the tables it scans in one place. The block is laid out anew
   * (a new block, the tables copied into it) when the bucket's sub-dimensions changed or `growing`
   * needs room for another key; otherwise only the plan's counts are rewritten.
   */
  #plan(bucket: Bucket<R>, growing?: TextIndex<RouteArray<R>>): void {
    const subs = bucket.subs
    const arena = this.#arena
    if (subs.length !== bucket.laidOut || growing !== undefined) this.#layOut(bucket, growing)
    const planned = Math.min(subs.length, PLAN_MOST)
    arena.set(bucket.plan, planned, bucket, undefined)
    const heads = arena.headsAt(bucket.plan)
    const plan = offset(bucket.plan)
    heads[plan + 1] = (bucket.ownRoutes ? OWN_ROUTES : 0) | (planned < subs.length ? MORE_SUBS : 0)
    for (let i = 0; i < planned; i++) {
      const sub = subs[i] as Dimension<RouteArray<R>>
      const at = plan + PLAN_HEADER + PLAN_ENTRY * i
      const start = sub instanceof TextIndex ? sub.flatStart : -1
      heads[at] = i
      heads[at + 1] = this.#descriptorOf(sub.field, sub.casing)
      heads[at + 2] = start
      heads[at + 3] = start >= 0 ? (sub as TextIndex<RouteArray<R>>).flatCount : 0
    }
  }

  /** Moves a bucket's plan and tables to a new block, with room for one more key in `growing`. */
  #layOut(bucket: Bucket<R>, growing: TextIndex<RouteArray<R>> | undefined): void {
    const subs = bucket.subs
    const arena = this.#arena
    const tablesFrom = PLAN_HEADER + PLAN_ENTRY * Math.min(subs.length, PLAN_MOST)
    let needed = tablesFrom
    const room = subs.map((sub) => {
      if (!(sub instanceof TextIndex) || sub.flatStart < 0) return 0
      const full = sub === growing && sub.flatCount >= sub.flatCapacity
      const capacity = full ? sub.flatCapacity + TABLE_STEP : Math.max(sub.flatCapacity, sub.flatCount)
      // A table that does not fit keeps (or takes) a block of its own.
      if (needed + capacity > BLOCK_MOST) {
        sub.leaveBucket()
        return 0
      }
      needed += capacity
      return capacity
    })
    const capacity = blockSize(needed)
    const block = arena.allocate(capacity)
    let at = block + tablesFrom
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i]
      const size = room[i] as number
      if (!(sub instanceof TextIndex) || size === 0) continue
      arena.move(sub.flatStart, at, sub.flatCount)
      sub.placeAt(at, size)
      at += size
    }
    arena.release(bucket.plan, bucket.planCapacity)
    bucket.plan = block
    bucket.planCapacity = capacity
    bucket.laidOut = subs.length
    bucket.dimension.replace(bucket.atom, block)
  }

  /** The bucket whose plan starts at a position. */
  #bucketAt(plan: number): Bucket<R> {
    return this.#arena.key(plan) as Bucket<R>
  }

  /** Files a route in a bucket's own list, which lookups then read. */
  #insertOwn(bucket: Bucket<R>, route: R, deferSort: boolean): void {
    this.#insertInto(bucket, route, deferSort)
    if (!bucket.ownRoutes) {
      bucket.ownRoutes = true
      this.#plan(bucket)
    }
  }

  #descriptorOf(field: string, casing: Casing): number {
    const descriptors = this.#descriptors
    for (let i = 0; i < descriptors.length; i++) {
      const descriptor = descriptors[i] as { field: string; casing: Casing }
      if (descriptor.field === field && descriptor.casing === casing) return i
    }
    descriptors.push({ field, casing })
    return descriptors.length - 1
  }

  // Two copies of one lookup, for top-level dimensions and for buckets' sub-dimensions: each call of
  // `dimension.query` then meets four classes at most (top level: a packed radix tree; below: an
  // object one), which V8 dispatches inline; five at one call would go through its slower stub cache.
  #queryTop(dimension: Dimension<PrimarySlot<R>>, context: Context): void {
    const values = context.values(dimension.field)
    if (values === undefined) return
    for (let i = 0; i < values.length; i++) dimension.query(this.#casedFor(dimension, values[i] as FieldValue), this.#visitBucket)
  }

  #querySub(dimension: Dimension<RouteArray<R>>, values: readonly FieldValue[]): void {
    for (let i = 0; i < values.length; i++) dimension.query(this.#casedFor(dimension, values[i] as FieldValue), this.#visitList)
  }

  /** A request value as a dimension compares it: folded or lower-cased where the dimension is. */
  #casedFor(dimension: Dimension<unknown>, value: FieldValue): FieldValue {
    return this.#casedAs(dimension.casing, value)
  }

  #casedAs(casing: Casing, value: FieldValue): FieldValue {
    return casing === 'as-is' || typeof value !== 'string' ? value : this.#cased(value, casing)
  }

  // A request's path is folded for several dimensions (the top level and each bucket met): the
  // last value cased is kept for the rest of the `collect` call.
  #casedInput: string | undefined
  #casedCasing: Casing | undefined
  #casedOutput = ''

  #cased(value: string, casing: Casing): string {
    if (value === this.#casedInput && casing === this.#casedCasing) return this.#casedOutput
    const output = casing === 'lower' ? value.toLowerCase() : asciiFold(value)
    this.#casedInput = value
    this.#casedCasing = casing
    this.#casedOutput = output
    return output
  }

  #insertInto(list: IndexList<R>, route: R, deferSort: boolean): void {
    if (deferSort) {
      if (Array.isArray(list)) list.push(route)
      else list.insert(route, true)
      this.#touched.add(list)
    } else if (Array.isArray(list)) insertInOrder(list, route)
    else list.insert(route)
  }

  /** The dimension of an atom, created when missing (`top`: among the top-level ones). */
  #dimension<T>(dimensions: Dimension<T>[], atom: Atom, top: boolean): Dimension<T> {
    let dimension = findDimension(dimensions, atom)
    if (dimension === undefined) {
      dimension = createDimensionIndex<T>(atom, top, this.#arena)
      dimensions.push(dimension)
    }
    return dimension
  }

  /** Drops the placement's list if it is empty, then its dimension and bucket if they emptied too. */
  #prune(placement: Placement): void {
    const first = placement[0]
    const second = placement[1]
    const primary = findDimension(this.#primary, first)
    if (primary === undefined) return
    const slot = primary.slotFor(first)
    // A lone route took the emptied bucket's place since, or the bucket went already.
    if (typeof slot !== 'number') return
    const bucket = this.#bucketAt(slot)
    if (second !== undefined) {
      const sub = findDimension(bucket.subs, second)
      if (sub !== undefined && sub.slotFor(second)?.length === 0) {
        sub.drop(second)
        if (sub.size === 0) removeDimension(bucket.subs, sub)
        this.#plan(bucket)
      }
    }
    if (bucket.size === 0 && bucket.subs.length === 0) {
      primary.drop(first)
      this.#arena.release(bucket.plan, bucket.planCapacity)
      if (primary.size === 0) removeDimension(this.#primary, primary)
    }
  }
}
