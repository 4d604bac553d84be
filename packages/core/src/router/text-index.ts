import type { FieldValue } from '../values/types.ts'
import { atomText, type DimensionIndex } from './dimension.ts'
import type { Atom, Casing } from './index-plan.ts'
import { PackedRadixIndex } from './packed-radix-index.ts'
import { offset, TextArena } from './text-arena.ts'

/**
 * Keys a table holds flat, in one array scanned in order; above, a hash map and a radix tree. 48
 * rather than 24: regex-heavy's hosts have about 26 keys each, and flat they matched 100k-route
 * requests 14-16% faster than in a map and tree, for 3-6% at 1k routes; 96 gained nothing more.
 */
const FLAT_MAX = 48
/** A flat entry's head: its length and kind times HEAD_SCALE, plus its signature (below 2^30). */
const HEAD_SCALE = 2 ** 30
/** Keys this long go to the hash map and tree: heads stay exact integers (expressions are shorter). */
const FLAT_KEY_MAX = 2 ** 20
/** The capacity of a table's first block in the arena. */
const FIRST_BLOCK = 4

/**
 * The exact and prefix keys of one field (exact Int keys by their decimal text), in a bucket's
 * sub-dimension: a host's paths, say, of which a configuration of 100k routes has thousands, each
 * with a few keys. Small, they sit in a block of the router's `TextArena` sorted by length, each with
 * a signature of two of its code units; a query reads the heads (length, kind and signature in one
 * number) in order and compares a key only when its head fits the value. A lookup then reads the
 * block and the keys that nearly match (a bucket finds the block through its plan, without reading
 * this object: see `RouteIndex`), where a hash map and a radix tree per host and field read two to
 * three objects each, and a node and a key string per level, all cold in the caches at 100k routes.
 * Beyond FLAT_MAX keys (a single host with many paths) the keys move to a hash map and a packed radix
 * tree for good.
 * Measured against a map and a tree per field (routers built route by route, processes alternating,
 * medians of five pairs): gateway-mix 100k -8 to -11%, regex-heavy 100k -14 to -16%, both +2 to +6%
 * at 1k routes; gateway-mix 100k heap 679 -> 594 bytes per route.
 */
export class TextIndex<T> implements DimensionIndex<T> {
  readonly field: string
  readonly casing: Casing
  /** What the exact keys are: String texts, or Int values' decimal text. */
  #exactKind: 'exact' | 'int' = 'exact'
  /**
   * Where the flat entries live: a block of the router's arena from `#start`, `#count` entries of
   * `#capacity`. Heads are in order of length (then exact before prefix): see `headOf`. A query
   * reads these numbers, eight bytes each, and an entry's key and slot only when its head fits the
   * value: a host's 20 keys are three cache lines to scan, where heads, keys and slots interleaved
   * were ten (gateway-mix 100k: about 4 fewer reads beyond L2 a match, bench/RESULTS.md).
   */
  readonly #arena: TextArena
  #start = -1
  #count = 0
  #capacity = 0
  /**
   * Whether the block is a segment of a block its bucket owns (see `RouteIndex`): the bucket then
   * places it (`placeAt`) and gives it room before each insertion, and the table never allocates or
   * releases arena blocks itself.
   */
  #placed = false
  #large: { exact: Map<string, T>; prefix: PackedRadixIndex<T> } | undefined

  /** @param arena the arena of the router's tables; a table of its own when absent. */
  constructor(atom: Atom, arena = new TextArena()) {
    this.field = atom.field
    this.casing = atom.casing
    this.#arena = arena
  }

  holds(atom: Atom): boolean {
    return (atom.kind === 'exact' || atom.kind === 'int' || atom.kind === 'prefix') && atom.field === this.field && atom.casing === this.casing
  }

  slot(atom: Atom, create: () => T): T {
    if (atom.kind === 'int') this.#exactKind = 'int'
    const key = atomText(atom)
    const prefix = atom.kind === 'prefix'
    if (prefix && key === '') throw new Error('an empty prefix cannot be indexed')
    const large = this.#large
    if (large !== undefined) {
      if (prefix) return large.prefix.slot(atom, create)
      let slot = large.exact.get(key)
      if (slot === undefined) large.exact.set(key, (slot = create()))
      return slot
    }
    const at = this.#find(key, prefix)
    if (at >= 0) return this.#arena.slot(at) as T
    const slot = create()
    if (this.#count >= FLAT_MAX || key.length >= FLAT_KEY_MAX) {
      this.#grow()
      return this.slot(atom, () => slot)
    }
    this.#reserve(this.#count + 1)
    const arena = this.#arena
    const start = this.#start
    const head = headOf(key, prefix)
    // After every entry of the same length and kind: heads of one length and kind are not sorted.
    const order = Math.floor(head / HEAD_SCALE)
    let i = start + this.#count
    while (i > start && Math.floor(arena.head(i - 1) / HEAD_SCALE) > order) i--
    arena.move(i, i + 1, start + this.#count - i)
    arena.set(i, head, key, slot)
    this.#count++
    return slot
  }

  slotFor(atom: Atom): T | undefined {
    const key = atomText(atom)
    const prefix = atom.kind === 'prefix'
    const large = this.#large
    if (large !== undefined) return prefix ? large.prefix.slotFor(atom) : large.exact.get(key)
    const at = this.#find(key, prefix)
    return at < 0 ? undefined : (this.#arena.slot(at) as T)
  }

  replace(atom: Atom, slot: T): void {
    const key = atomText(atom)
    const prefix = atom.kind === 'prefix'
    const large = this.#large
    if (large !== undefined) {
      if (prefix) large.prefix.replace(atom, slot)
      else if (large.exact.has(key)) large.exact.set(key, slot)
      return
    }
    const at = this.#find(key, prefix)
    if (at >= 0) this.#arena.setSlot(at, slot)
  }

  drop(atom: Atom): void {
    const key = atomText(atom)
    const prefix = atom.kind === 'prefix'
    const large = this.#large
    if (large !== undefined) {
      if (prefix) large.prefix.drop(atom)
      else large.exact.delete(key)
      return
    }
    const at = this.#find(key, prefix)
    if (at < 0) return
    const arena = this.#arena
    const last = this.#start + this.#count - 1
    arena.move(at + 1, at, last - at)
    arena.set(last, 0, undefined, undefined)
    if (--this.#count === 0) this.#releaseBlock()
  }

  eachSlot(visit: (slot: T, kind: Atom['kind']) => void): void {
    const large = this.#large
    if (large !== undefined) {
      for (const slot of large.exact.values()) visit(slot, this.#exactKind)
      large.prefix.eachSlot((slot) => visit(slot, 'prefix'))
      return
    }
    const arena = this.#arena
    const stop = this.#start + this.#count
    for (let i = this.#start; i < stop; i++) visit(arena.slot(i) as T, isPrefix(arena.head(i)) ? 'prefix' : this.#exactKind)
  }

  query(value: FieldValue, visit: (slot: T) => void): void {
    const text = keyTextOf(value)
    if (text === undefined) return
    const large = this.#large
    if (large !== undefined) {
      const slot = large.exact.get(text)
      if (slot !== undefined) visit(slot)
      large.prefix.query(text, visit)
      return
    }
    scanFlat(this.#arena, this.#start, this.#count, text, visit)
  }

  /**
   * Where the flat entries are in the arena, for a bucket that scans them without reading this
   * object (see `RouteIndex`): -1 once the keys have moved to a hash map and tree.
   */
  get flatStart(): number {
    return this.#large !== undefined ? -1 : Math.max(this.#start, 0)
  }

  get flatCount(): number {
    return this.#large !== undefined ? 0 : this.#count
  }

  /** Room for flat entries where the table is (0 once the keys moved to a hash map and tree). */
  get flatCapacity(): number {
    return this.#large !== undefined ? 0 : this.#capacity
  }

  /** Whether the table is a segment of its bucket's block (see `#placed`). */
  get inBucket(): boolean {
    return this.#placed
  }

  /** Moves a table out of its bucket's block into a block of its own, where it grows by itself. */
  leaveBucket(): void {
    if (!this.#placed) return
    this.#placed = false
    const count = this.#count
    this.#capacity = 0
    const from = this.#start
    this.#start = -1
    if (count === 0) return
    let capacity = FIRST_BLOCK
    while (capacity < count) capacity *= 2
    const start = this.#arena.allocate(capacity)
    this.#arena.move(from, start, count)
    this.#start = start
    this.#capacity = capacity
  }

  /**
   * Puts the table at `start` with room for `capacity` entries: its bucket copied the entries
   * there (see `#placed`).
   */
  placeAt(start: number, capacity: number): void {
    if (capacity < this.#count) throw new Error(`a table of ${this.#count} keys cannot be placed in ${capacity}`)
    if (!this.#placed && this.#capacity > 0) this.#arena.release(this.#start, this.#capacity)
    this.#placed = true
    this.#start = start
    this.#capacity = capacity
  }

  settle(): void {
    this.#large?.prefix.settle()
  }

  get size(): number {
    const large = this.#large
    return large === undefined ? this.#count : large.exact.size + large.prefix.size
  }

  /** The arena position of a key's flat entry, or -1. */
  #find(key: string, prefix: boolean): number {
    const arena = this.#arena
    const head = headOf(key, prefix)
    const stop = this.#start + this.#count
    for (let i = this.#start; i < stop; i++) if (arena.head(i) === head && arena.key(i) === key) return i
    return -1
  }

  /** Makes room for `count` flat entries, moving them to a block twice as large when needed. */
  #reserve(count: number): void {
    if (count <= this.#capacity) return
    if (this.#placed) throw new Error(`a table placed by its bucket has room for ${this.#capacity} keys, not ${count}`)
    const capacity = Math.max(FIRST_BLOCK, 2 * this.#capacity)
    const arena = this.#arena
    const start = arena.allocate(capacity)
    if (this.#count > 0) arena.move(this.#start, start, this.#count)
    if (this.#capacity > 0) arena.release(this.#start, this.#capacity)
    this.#start = start
    this.#capacity = capacity
  }

  #releaseBlock(): void {
    this.#count = 0
    // A placed table keeps its segment until its bucket lays its block out again.
    if (this.#placed) return
    if (this.#capacity > 0) this.#arena.release(this.#start, this.#capacity)
    this.#start = -1
    this.#capacity = 0
  }

  /** Moves the flat entries to a hash map and a radix tree. */
  #grow(): void {
    const large = { exact: new Map<string, T>(), prefix: new PackedRadixIndex<T>({ kind: 'prefix', field: this.field, casing: this.casing, text: '' }, false) }
    const arena = this.#arena
    const stop = this.#start + this.#count
    for (let i = this.#start; i < stop; i++) {
      const key = arena.key(i) as string
      const slot = arena.slot(i) as T
      if (isPrefix(arena.head(i))) large.prefix.slot({ kind: 'prefix', field: this.field, casing: this.casing, text: key }, () => slot)
      else large.exact.set(key, slot)
    }
    this.#large = large
    this.#releaseBlock()
  }
}

/** A request value as a table's keys are written: a String as it is, an Int by its decimal text; other values have none. */
export function keyTextOf(value: FieldValue): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined
}

/**
 * Visits the slot of every flat entry among `count` from `start` in the arena that holds for
 * `text`: exact keys equal to it, prefixes it starts with.
 */
// Hot path: one pass over the entries; a key is read only when its length and signature fit.
export function scanFlat<T>(arena: TextArena, start: number, count: number, text: string, visit: (slot: T) => void): void {
  // A block lies in one chunk: the loop indexes that chunk's arrays.
  const heads = arena.headsAt(start)
  const cells = arena.cellsAt(start)
  const first = offset(start)
  const stop = first + count
  const length = text.length
  // Heads from here on are of keys longer than the value.
  const end = (2 * length + 2) * HEAD_SCALE
  // Heads below `groupEnd` are of one length and kind: an entry fits the value when its head is
  // `expected` (-1 for exact keys of another length), computed once per group.
  let groupEnd = 0
  let expected = -1
  let prefix = false
  for (let i = first; i < stop; i++) {
    const head = heads[i] as number
    if (head >= groupEnd) {
      if (head >= end) return
      const order = Math.floor(head / HEAD_SCALE)
      groupEnd = (order + 1) * HEAD_SCALE
      prefix = (order & 1) === 1
      const keyLength = order >> 1
      expected = prefix || keyLength === length ? order * HEAD_SCALE + signature(text, keyLength) : -1
    }
    if (head !== expected) continue
    const key = cells[2 * i] as string
    if (prefix ? text.startsWith(key) : text === key) visit(cells[2 * i + 1] as T)
  }
}

/**
 * A flat entry's head: its order (length, then exact 0 before prefix 1) times HEAD_SCALE, plus the
 * key's signature; an exact integer for keys shorter than FLAT_KEY_MAX.
 */
function headOf(key: string, prefix: boolean): number {
  return (key.length * 2 + (prefix ? 1 : 0)) * HEAD_SCALE + signature(key, key.length)
}

function isPrefix(head: number): boolean {
  return (Math.floor(head / HEAD_SCALE) & 1) === 1
}

/**
 * Two code units of a text's first `length`, the last and the middle one, in 30 bits. Equal for a key and any value it matches.
 */
function signature(text: string, length: number): number {
  if (length === 0) return 0
  return ((text.charCodeAt(length - 1) & 0x7fff) << 15) | (text.charCodeAt(length >> 1) & 0x7fff)
}
