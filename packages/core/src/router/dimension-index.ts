import { ipv4Mask, ipv6Mask } from '../values/ip.ts'
import type { FieldValue } from '../values/types.ts'
import { atomText, Dimensioned, type DimensionIndex } from './dimension.ts'
import { sameDimension, type Atom, type Casing } from './index-plan.ts'
import { PackedRadixIndex } from './packed-radix-index.ts'
import { RadixIndex } from './radix-index.ts'
import type { TextArena } from './text-arena.ts'
import { TextIndex } from './text-index.ts'

export type { DimensionIndex } from './dimension.ts'

/**
 * Creates the index for an atom's dimension. `large`: a top-level dimension, which may hold most of a
 * configuration's keys (exact keys in a hash map, prefixes and suffixes in a `PackedRadixIndex`);
 * otherwise a bucket's sub-dimension, one of thousands of small ones (exact and prefix keys of a
 * field together in a `TextIndex`, suffixes in a `RadixIndex`). `arena`: where the small ones keep
 * their tables (one arena per router; a table of their own when absent).
 */
export function createDimensionIndex<T>(atom: Atom, large: boolean, arena?: TextArena): DimensionIndex<T> {
  switch (atom.kind) {
    case 'exact':
    case 'int':
      return large ? new ExactIndex<T>(atom) : new TextIndex<T>(atom, arena)
    case 'prefix':
      return large ? new PackedRadixIndex<T>(atom, false) : new TextIndex<T>(atom, arena)
    case 'suffix':
      return large ? new PackedRadixIndex<T>(atom, true) : new RadixIndex<T>(atom, true)
    case 'ip':
      return new IpIndex<T>(atom)
    case 'cidr':
      return new CidrIndex<T>(atom)
  }
}

/**
 * Exact String and Int values (Ints keyed by their decimal text, so number and bigint agree). The
 * index is itself the Map: a lookup goes from the dimension straight to the hash table.
 */
class ExactIndex<T> extends Map<string, T> implements DimensionIndex<T> {
  readonly kind: Atom['kind']
  readonly field: string
  readonly casing: Casing

  constructor(atom: Atom) {
    super()
    this.kind = atom.kind
    this.field = atom.field
    this.casing = atom.casing
  }

  slot(atom: Atom, create: () => T): T {
    const key = atomText(atom)
    let slot = this.get(key)
    if (slot === undefined) this.set(key, (slot = create()))
    return slot
  }

  slotFor(atom: Atom): T | undefined {
    return this.get(atomText(atom))
  }

  replace(atom: Atom, slot: T): void {
    this.set(atomText(atom), slot)
  }

  drop(atom: Atom): void {
    this.delete(atomText(atom))
  }

  holds(atom: Atom): boolean {
    return sameDimension(atom, this)
  }

  eachSlot(visit: (slot: T, kind: Atom['kind']) => void): void {
    for (const slot of this.values()) visit(slot, this.kind)
  }

  settle(): void {}

  query(value: FieldValue, visit: (slot: T) => void): void {
    const key = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined
    if (key === undefined) return
    const slot = this.get(key)
    if (slot !== undefined) visit(slot)
  }
}

/** Exact IP addresses, IPv4 keyed by number and IPv6 by bigint. */
class IpIndex<T> extends Dimensioned implements DimensionIndex<T> {
  readonly #v4 = new Map<number, T>()
  readonly #v6 = new Map<bigint, T>()

  slot(atom: Atom, create: () => T): T {
    if (atom.kind !== 'ip') throw new Error('IpIndex holds ip atoms only')
    const ip = atom.ip
    if (ip.family === 4) {
      let slot = this.#v4.get(ip.value)
      if (slot === undefined) this.#v4.set(ip.value, (slot = create()))
      return slot
    }
    let slot = this.#v6.get(ip.value)
    if (slot === undefined) this.#v6.set(ip.value, (slot = create()))
    return slot
  }

  slotFor(atom: Atom): T | undefined {
    if (atom.kind !== 'ip') return undefined
    return atom.ip.family === 4 ? this.#v4.get(atom.ip.value) : this.#v6.get(atom.ip.value)
  }

  replace(atom: Atom, slot: T): void {
    if (atom.kind !== 'ip') return
    if (atom.ip.family === 4) this.#v4.set(atom.ip.value, slot)
    else this.#v6.set(atom.ip.value, slot)
  }

  eachSlot(visit: (slot: T, kind: Atom['kind']) => void): void {
    for (const slot of this.#v4.values()) visit(slot, this.kind)
    for (const slot of this.#v6.values()) visit(slot, this.kind)
  }

  drop(atom: Atom): void {
    if (atom.kind !== 'ip') return
    if (atom.ip.family === 4) this.#v4.delete(atom.ip.value)
    else this.#v6.delete(atom.ip.value)
  }

  query(value: FieldValue, visit: (slot: T) => void): void {
    if (typeof value !== 'object' || !('value' in value)) return
    const slot = value.family === 4 ? this.#v4.get(value.value) : this.#v6.get(value.value)
    if (slot !== undefined) visit(slot)
  }

  get size(): number {
    return this.#v4.size + this.#v6.size
  }
}

/** Networks grouped by family and prefix length: a query masks the address once per length present. */
class CidrIndex<T> extends Dimensioned implements DimensionIndex<T> {
  readonly #v4 = new Map<number, Map<number, T>>()
  readonly #v6 = new Map<number, Map<bigint, T>>()
  #size = 0

  slot(atom: Atom, create: () => T): T {
    if (atom.kind !== 'cidr') throw new Error('CidrIndex holds cidr atoms only')
    const { cidr } = atom
    if (cidr.family === 4) {
      let byNetwork = this.#v4.get(cidr.prefix)
      if (byNetwork === undefined) this.#v4.set(cidr.prefix, (byNetwork = new Map()))
      let slot = byNetwork.get(cidr.network)
      if (slot === undefined) {
        byNetwork.set(cidr.network, (slot = create()))
        this.#size++
      }
      return slot
    }
    let byNetwork = this.#v6.get(cidr.prefix)
    if (byNetwork === undefined) this.#v6.set(cidr.prefix, (byNetwork = new Map()))
    let slot = byNetwork.get(cidr.network)
    if (slot === undefined) {
      byNetwork.set(cidr.network, (slot = create()))
      this.#size++
    }
    return slot
  }

  slotFor(atom: Atom): T | undefined {
    if (atom.kind !== 'cidr') return undefined
    const { cidr } = atom
    return cidr.family === 4 ? this.#v4.get(cidr.prefix)?.get(cidr.network) : this.#v6.get(cidr.prefix)?.get(cidr.network)
  }

  replace(atom: Atom, slot: T): void {
    if (atom.kind !== 'cidr') return
    const { cidr } = atom
    if (cidr.family === 4) this.#v4.get(cidr.prefix)?.set(cidr.network, slot)
    else this.#v6.get(cidr.prefix)?.set(cidr.network, slot)
  }

  eachSlot(visit: (slot: T, kind: Atom['kind']) => void): void {
    for (const byNetwork of this.#v4.values()) for (const slot of byNetwork.values()) visit(slot, this.kind)
    for (const byNetwork of this.#v6.values()) for (const slot of byNetwork.values()) visit(slot, this.kind)
  }

  drop(atom: Atom): void {
    if (atom.kind !== 'cidr') return
    const { cidr } = atom
    const byNetwork = cidr.family === 4 ? this.#v4.get(cidr.prefix) : this.#v6.get(cidr.prefix)
    if (byNetwork === undefined) return
    if ((byNetwork as Map<number | bigint, T>).delete(cidr.network)) this.#size--
    if (byNetwork.size === 0) (cidr.family === 4 ? this.#v4 : this.#v6).delete(cidr.prefix)
  }

  query(value: FieldValue, visit: (slot: T) => void): void {
    if (typeof value !== 'object' || !('value' in value)) return
    if (value.family === 4) {
      for (const [prefix, byNetwork] of this.#v4) {
        const slot = byNetwork.get((value.value & ipv4Mask(prefix)) >>> 0)
        if (slot !== undefined) visit(slot)
      }
      return
    }
    for (const [prefix, byNetwork] of this.#v6) {
      const slot = byNetwork.get(value.value & ipv6Mask(prefix))
      if (slot !== undefined) visit(slot)
    }
  }

  get size(): number {
    return this.#size
  }
}
