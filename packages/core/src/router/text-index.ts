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
/** Fields of a flat entry: its length and kind, a signature of two code units, the key, the slot. */
const STRIDE = 4

/**
 * The exact and prefix keys of one field (exact Int keys by their decimal text), in a bucket's
 * sub-dimension: a host's paths, say, of which a configuration of 100k routes has thousands, each
 * with a few keys. Small, they sit in one array of entries sorted by length, each with a signature
 * of two of its code units; a query reads the array in order and compares a key only when its length
 * and signature fit the value. A lookup then reads this object, its array and the keys that nearly
 * match, where a hash map and a radix tree per host and field read two to three objects each, and a
 * node and a key string per level, all cold in the caches at 100k routes. Beyond FLAT_MAX keys (a
 * single host with many paths) the keys move to a hash map and a packed radix tree for good.
 * Measured against a map and a tree per field (routers built route by route, processes alternating,
 * medians of five pairs): gateway-mix 100k -8 to -11%, regex-heavy 100k -14 to -16%, both +2 to +6%
 * at 1k routes; gateway-mix 100k heap 679 -> 594 bytes per route.
 */
export class TextIndex<T> implements DimensionIndex<T> {
  readonly field: string
  readonly casing: Casing
  /** What the exact keys are: String texts, or Int values' decimal text. */
  #exactKind: 'exact' | 'int' = 'exact'
  /** Flat entries, STRIDE fields each, by length (then exact before prefix): see `lengthAndKind`. */
  #entries: (number | string | T)[] = []
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
    if (at >= 0) return this.#entries[at + 3] as T
    const slot = create()
    if (this.#entries.length / STRIDE >= FLAT_MAX) {
      this.#grow()
      return this.slot(atom, () => slot)
    }
    const entries = this.#entries
    const order = lengthAndKind(key, prefix)
    let i = entries.length
    while (i > 0 && (entries[i - STRIDE] as number) > order) i -= STRIDE
    entries.splice(i, 0, order, signature(key, key.length), key, slot)
    return slot
  }

  slotFor(atom: Atom): T | undefined {
    const key = atomText(atom)
    const prefix = atom.kind === 'prefix'
    const large = this.#large
    if (large !== undefined) return prefix ? large.prefix.slotFor(atom) : large.exact.get(key)
    const at = this.#find(key, prefix)
    return at < 0 ? undefined : (this.#entries[at + 3] as T)
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
    if (at >= 0) this.#entries[at + 3] = slot
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
    if (at >= 0) this.#entries.splice(at, STRIDE)
  }

  eachSlot(visit: (slot: T, kind: Atom['kind']) => void): void {
    const large = this.#large
    if (large !== undefined) {
      for (const slot of large.exact.values()) visit(slot, this.#exactKind)
      large.prefix.eachSlot((slot) => visit(slot, 'prefix'))
      return
    }
    const entries = this.#entries
    for (let i = 0; i < entries.length; i += STRIDE) visit(entries[i + 3] as T, ((entries[i] as number) & 1) === 1 ? 'prefix' : this.#exactKind)
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
    const entries = this.#entries
    const length = text.length
    // Entries of one length share the value's signature: computed when the length changes.
    let signed = -1
    let valueSignature = 0
    for (let i = 0; i < entries.length; i += STRIDE) {
      const order = entries[i] as number
      const keyLength = order >> 1
      if (keyLength > length) return
      const prefix = (order & 1) === 1
      if (!prefix && keyLength !== length) continue
      if (keyLength !== signed) {
        valueSignature = signature(text, keyLength)
        signed = keyLength
      }
      if (entries[i + 1] !== valueSignature) continue
      const key = entries[i + 2] as string
      if (prefix ? text.startsWith(key) : text === key) visit(entries[i + 3] as T)
    }
  }

  settle(): void {
    this.#large?.prefix.settle()
  }

  get size(): number {
    const large = this.#large
    return large === undefined ? this.#entries.length / STRIDE : large.exact.size + large.prefix.size
  }

  /** The offset of a key's flat entry, or -1. */
  #find(key: string, prefix: boolean): number {
    const entries = this.#entries
    const order = lengthAndKind(key, prefix)
    for (let i = 0; i < entries.length; i += STRIDE) if (entries[i] === order && entries[i + 2] === key) return i
    return -1
  }

  /** Moves the flat entries to a hash map and a radix tree. */
  #grow(): void {
    const large = { exact: new Map<string, T>(), prefix: new PackedRadixIndex<T>({ kind: 'prefix', field: this.field, casing: this.casing, text: '' }, false) }
    const entries = this.#entries
    for (let i = 0; i < entries.length; i += STRIDE) {
      const key = entries[i + 2] as string
      const slot = entries[i + 3] as T
      if (((entries[i] as number) & 1) === 1) large.prefix.slot({ kind: 'prefix', field: this.field, casing: this.casing, text: key }, () => slot)
      else large.exact.set(key, slot)
    }
    this.#large = large
    this.#entries = []
  }
}

/** A flat entry's sort key: its length, then exact (0) before prefix (1). */
function lengthAndKind(key: string, prefix: boolean): number {
  return key.length * 2 + (prefix ? 1 : 0)
}

/**
 * Two code units of a text's first `length`, the last and the middle one, in 30 bits (a small
 * integer, kept in the entries' array without a box). Equal for a key and any value it matches.
 */
function signature(text: string, length: number): number {
  if (length === 0) return 0
  return ((text.charCodeAt(length - 1) & 0x7fff) << 15) | (text.charCodeAt(length >> 1) & 0x7fff)
}
