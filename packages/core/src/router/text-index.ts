import type { FieldValue } from '../values/types.ts'
import { atomText, type DimensionIndex } from './dimension.ts'
import type { Atom, Casing } from './index-plan.ts'
import { PackedRadixIndex } from './packed-radix-index.ts'

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

/**
 * The exact and prefix keys of one field (exact Int keys by their decimal text), in a bucket's
 * sub-dimension: a host's paths, say, of which a configuration of 100k routes has thousands, each
 * with a few keys. Small, they sit in flat arrays sorted by length, each with a signature of two of
 * its code units; a query reads the heads (length, kind and signature in one number) in order and
 * compares a key only when its head fits the value. A lookup then reads this object, its two arrays
 * and the keys that nearly match, where a hash map and a radix tree per host and field read two to
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
   * The flat entries' heads, in order of length (then exact before prefix): see `headOf`. A query
   * reads these numbers, eight bytes each, and an entry's key and slot only when its head fits the
   * value: a host's 20 keys are three cache lines to scan, where heads, keys and slots interleaved
   * were ten (gateway-mix 100k: about 4 fewer reads beyond L2 a match, bench/RESULTS.md).
   */
  #heads: number[] = []
  /** Each flat entry's key and slot, at twice its index in `#heads`. */
  #cells: (string | T)[] = []
  #large: { exact: Map<string, T>; prefix: PackedRadixIndex<T> } | undefined

  constructor(atom: Atom) {
    this.field = atom.field
    this.casing = atom.casing
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
    if (at >= 0) return this.#cells[2 * at + 1] as T
    const slot = create()
    const heads = this.#heads
    if (heads.length >= FLAT_MAX || key.length >= FLAT_KEY_MAX) {
      this.#grow()
      return this.slot(atom, () => slot)
    }
    const head = headOf(key, prefix)
    // After every entry of the same length and kind: heads of one length and kind are not sorted.
    const order = Math.floor(head / HEAD_SCALE)
    let i = heads.length
    while (i > 0 && Math.floor((heads[i - 1] as number) / HEAD_SCALE) > order) i--
    heads.splice(i, 0, head)
    this.#cells.splice(2 * i, 0, key, slot)
    return slot
  }

  slotFor(atom: Atom): T | undefined {
    const key = atomText(atom)
    const prefix = atom.kind === 'prefix'
    const large = this.#large
    if (large !== undefined) return prefix ? large.prefix.slotFor(atom) : large.exact.get(key)
    const at = this.#find(key, prefix)
    return at < 0 ? undefined : (this.#cells[2 * at + 1] as T)
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
    if (at >= 0) this.#cells[2 * at + 1] = slot
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
    this.#heads.splice(at, 1)
    this.#cells.splice(2 * at, 2)
  }

  eachSlot(visit: (slot: T, kind: Atom['kind']) => void): void {
    const large = this.#large
    if (large !== undefined) {
      for (const slot of large.exact.values()) visit(slot, this.#exactKind)
      large.prefix.eachSlot((slot) => visit(slot, 'prefix'))
      return
    }
    const heads = this.#heads
    for (let i = 0; i < heads.length; i++) visit(this.#cells[2 * i + 1] as T, isPrefix(heads[i] as number) ? 'prefix' : this.#exactKind)
  }

  // Hot path: one pass over the entries; a key is read only when its length and signature fit.
  query(value: FieldValue, visit: (slot: T) => void): void {
    const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined
    if (text === undefined) return
    const large = this.#large
    if (large !== undefined) {
      const slot = large.exact.get(text)
      if (slot !== undefined) visit(slot)
      large.prefix.query(text, visit)
      return
    }
    const heads = this.#heads
    const cells = this.#cells
    const length = text.length
    // Heads from here on are of keys longer than the value.
    const end = (2 * length + 2) * HEAD_SCALE
    // Heads below `groupEnd` are of one length and kind: an entry fits the value when its head is
    // `expected` (-1 for exact keys of another length), computed once per group.
    let groupEnd = 0
    let expected = -1
    let prefix = false
    for (let i = 0; i < heads.length; i++) {
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

  settle(): void {
    this.#large?.prefix.settle()
  }

  get size(): number {
    const large = this.#large
    return large === undefined ? this.#heads.length : large.exact.size + large.prefix.size
  }

  /** The index of a key's flat entry, or -1. */
  #find(key: string, prefix: boolean): number {
    const heads = this.#heads
    const head = headOf(key, prefix)
    for (let i = 0; i < heads.length; i++) if (heads[i] === head && this.#cells[2 * i] === key) return i
    return -1
  }

  /** Moves the flat entries to a hash map and a radix tree. */
  #grow(): void {
    const large = { exact: new Map<string, T>(), prefix: new PackedRadixIndex<T>({ kind: 'prefix', field: this.field, casing: this.casing, text: '' }, false) }
    const heads = this.#heads
    const cells = this.#cells
    for (let i = 0; i < heads.length; i++) {
      const key = cells[2 * i] as string
      const slot = cells[2 * i + 1] as T
      if (isPrefix(heads[i] as number)) large.prefix.slot({ kind: 'prefix', field: this.field, casing: this.casing, text: key }, () => slot)
      else large.exact.set(key, slot)
    }
    this.#large = large
    this.#heads = []
    this.#cells = []
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
