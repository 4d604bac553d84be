import { ipv4Mask, ipv6Mask } from '../values/ip.ts'
import type { FieldValue } from '../values/types.ts'
import type { Atom, Casing } from './index-plan.ts'
import { ownString } from '../syntax/intern.ts'

/**
 * A lookup structure over one dimension (one kind of atom on one field): maps atoms to slots, and
 * finds every slot whose atom holds for a request value.
 */
export interface DimensionIndex<T> {
  /** The dimension: which atoms it holds, on which field, cased how. */
  readonly kind: Atom['kind']
  readonly field: string
  readonly casing: Casing
  /** The slot of an atom, created with `create` when missing. */
  slot(atom: Atom, create: () => T): T
  /** The slot of an atom, or undefined. */
  slotFor(atom: Atom): T | undefined
  /** Puts another slot in place of an atom's slot (the atom has one). */
  replace(atom: Atom, slot: T): void
  /** Forgets an atom's slot. */
  drop(atom: Atom): void
  /** Visits every slot. */
  eachSlot(visit: (slot: T) => void): void
  /** Calls `visit` for every slot whose atom holds for `value` (the value is already lower-cased when the dimension is). */
  query(value: FieldValue, visit: (slot: T) => void): void
  /** Number of slots. */
  readonly size: number
}

/** Creates the index for an atom's dimension. */
export function createDimensionIndex<T>(atom: Atom): DimensionIndex<T> {
  switch (atom.kind) {
    case 'exact':
    case 'int':
      return new ExactIndex<T>(atom)
    case 'prefix':
      return new RadixIndex<T>(atom, false)
    case 'suffix':
      return new RadixIndex<T>(atom, true)
    case 'ip':
      return new IpIndex<T>(atom)
    case 'cidr':
      return new CidrIndex<T>(atom)
  }
}

function atomText(atom: Atom): string {
  return 'text' in atom ? atom.text : ''
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

  eachSlot(visit: (slot: T) => void): void {
    for (const slot of this.values()) visit(slot)
  }

  query(value: FieldValue, visit: (slot: T) => void): void {
    const key = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined
    if (key === undefined) return
    const slot = this.get(key)
    if (slot !== undefined) visit(slot)
  }
}

/** The dimension fields of the indexes that are not themselves a Map. */
abstract class Dimensioned {
  readonly kind: Atom['kind']
  readonly field: string
  readonly casing: Casing

  constructor(atom: Atom) {
    this.kind = atom.kind
    this.field = atom.field
    this.casing = atom.casing
  }
}

/**
 * A radix tree node. A request's walk reads two objects per level, this node and its key string:
 * the first code units of up to three children sit in the node itself (most nodes have one to
 * three), and the edge is a range of the key, compared in place. At 100k routes the walk is cold in
 * the caches, and each object it no longer reads (a string of first code units, a child array and
 * its store, a label string per child) was a miss. (Skipping the edge comparison on the way down
 * and checking only the deepest slot's key was measured too: misses then walked deeper, and slower.)
 */
interface RadixNode<T> {
  /** A key through this node: its edge label is `key[start, end)`, the path from the root `key[0, end)`. */
  key: string
  start: number
  end: number
  slot: T | undefined
  c0: number
  k0: RadixNode<T> | undefined
  c1: number
  k1: RadixNode<T> | undefined
  c2: number
  k2: RadixNode<T> | undefined
  /** Children beyond three, by first code unit. */
  more: Map<number, RadixNode<T>> | undefined
}

const NONE = -1

function radixNode<T>(key: string, start: number, end: number): RadixNode<T> {
  return { key, start, end, slot: undefined, c0: NONE, k0: undefined, c1: NONE, k1: undefined, c2: NONE, k2: undefined, more: undefined }
}

function childAt<T>(node: RadixNode<T>, code: number): RadixNode<T> | undefined {
  if (node.c0 === code) return node.k0
  if (node.c1 === code) return node.k1
  if (node.c2 === code) return node.k2
  return node.more?.get(code)
}

function hasChildren<T>(node: RadixNode<T>): boolean {
  return node.k0 !== undefined || node.k1 !== undefined || node.k2 !== undefined || (node.more !== undefined && node.more.size > 0)
}

function childrenOf<T>(node: RadixNode<T>): RadixNode<T>[] {
  const out: RadixNode<T>[] = []
  if (node.k0 !== undefined) out.push(node.k0)
  if (node.k1 !== undefined) out.push(node.k1)
  if (node.k2 !== undefined) out.push(node.k2)
  if (node.more !== undefined) out.push(...node.more.values())
  return out
}

/** Which inline child (0 to 2) has this first code unit (NONE: a free one), or -1. */
function inlineAt<T>(node: RadixNode<T>, code: number): number {
  return node.c0 === code ? 0 : node.c1 === code ? 1 : node.c2 === code ? 2 : -1
}

function setInline<T>(node: RadixNode<T>, at: number, code: number, child: RadixNode<T> | undefined): void {
  if (at === 0) {
    node.c0 = code
    node.k0 = child
  } else if (at === 1) {
    node.c1 = code
    node.k1 = child
  } else {
    node.c2 = code
    node.k2 = child
  }
}

/** Sets the child under a first code unit, replacing the one there. */
function setChild<T>(node: RadixNode<T>, code: number, child: RadixNode<T>): void {
  const at = inlineAt(node, code)
  if (at >= 0) setInline(node, at, code, child)
  else if (node.more?.has(code)) node.more.set(code, child)
  else {
    const free = inlineAt(node, NONE)
    if (free >= 0) setInline(node, free, code, child)
    else (node.more ??= new Map()).set(code, child)
  }
}

function deleteChild<T>(node: RadixNode<T>, code: number): void {
  const at = inlineAt(node, code)
  if (at >= 0) setInline(node, at, NONE, undefined)
  else if (node.more !== undefined) {
    node.more.delete(code)
    if (node.more.size === 0) node.more = undefined
  }
}

/**
 * A radix tree for prefixes (or, reading values from the end, suffixes). A query walks the value once
 * and visits every stored prefix of it, shortest first.
 */
class RadixIndex<T> extends Dimensioned implements DimensionIndex<T> {
  readonly #root: RadixNode<T> = radixNode<T>('', 0, 0)
  readonly #reverse: boolean
  #size = 0

  constructor(atom: Atom, reverse: boolean) {
    super(atom)
    this.#reverse = reverse
  }

  slot(atom: Atom, create: () => T): T {
    const key = this.#key(atomText(atom))
    const node = this.#insert(key)
    if (node.slot === undefined) {
      node.slot = create()
      this.#size++
    }
    return node.slot
  }

  slotFor(atom: Atom): T | undefined {
    return this.#find(this.#key(atomText(atom)))?.slot
  }

  replace(atom: Atom, slot: T): void {
    const node = this.#find(this.#key(atomText(atom)))
    if (node?.slot !== undefined) node.slot = slot
  }

  eachSlot(visit: (slot: T) => void): void {
    const stack = [this.#root]
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (node.slot !== undefined) visit(node.slot)
      stack.push(...childrenOf(node))
    }
  }

  /** The nodes from the root to the key's node, or undefined when the key has no node. */
  #path(key: string): RadixNode<T>[] | undefined {
    let node = this.#root
    const path = [node]
    let offset = 0
    while (offset < key.length) {
      const child = childAt(node, key.charCodeAt(offset))
      if (child === undefined || child.end > key.length) return undefined
      for (let i = child.start; i < child.end; i++) if (child.key.charCodeAt(i) !== key.charCodeAt(i)) return undefined
      offset = child.end
      node = child
      path.push(node)
    }
    return path
  }

  #find(key: string): RadixNode<T> | undefined {
    return this.#path(key)?.at(-1)
  }

  drop(atom: Atom): void {
    const path = this.#path(this.#key(atomText(atom)))
    const node = path?.at(-1)
    if (path === undefined || node === undefined || node.slot === undefined) return
    node.slot = undefined
    this.#size--
    // Drop leaves that hold nothing, so churn on distinct keys does not grow the tree.
    for (let i = path.length - 1; i > 0; i--) {
      const current = path[i] as RadixNode<T>
      if (current.slot !== undefined || hasChildren(current)) break
      deleteChild(path[i - 1] as RadixNode<T>, current.key.charCodeAt(current.start))
    }
  }

  // Hot path: one pass down the tree, comparing each edge in place; nothing is allocated.
  query(value: FieldValue, visit: (slot: T) => void): void {
    if (typeof value !== 'string') return
    const length = value.length
    const reverse = this.#reverse
    let node = this.#root
    let offset = 0
    while (offset < length) {
      const child = childAt(node, value.charCodeAt(reverse ? length - 1 - offset : offset))
      if (child === undefined) return
      const end = child.end
      if (end > length) return
      const key = child.key
      if (reverse) {
        for (let i = child.start + 1; i < end; i++) if (value.charCodeAt(length - 1 - i) !== key.charCodeAt(i)) return
      } else {
        for (let i = child.start + 1; i < end; i++) if (value.charCodeAt(i) !== key.charCodeAt(i)) return
      }
      node = child
      offset = end
      if (node.slot !== undefined) visit(node.slot)
    }
  }

  get size(): number {
    return this.#size
  }

  // Removing a route looks its key up several times in a row (find, then prune): the last
  // reversal is kept rather than redone.
  #lastText = ''
  #lastKey = ''

  #key(text: string): string {
    if (!this.#reverse) return text
    if (text !== this.#lastText) {
      this.#lastKey = reverseUnits(text)
      this.#lastText = text
    }
    return this.#lastKey
  }

  #insert(key: string): RadixNode<T> {
    let node = this.#root
    let offset = 0
    while (offset < key.length) {
      const code = key.charCodeAt(offset)
      const child = childAt(node, code)
      if (child === undefined) {
        const leaf = radixNode<T>(ownString(key), offset, key.length)
        setChild(node, code, leaf)
        return leaf
      }
      let common = 0
      const label = child.end - child.start
      while (common < label && offset + common < key.length && child.key.charCodeAt(child.start + common) === key.charCodeAt(offset + common)) common++
      if (common < label) {
        // Split the edge: the shared part becomes a new inner node, on the same key text.
        const inner = radixNode<T>(child.key, child.start, child.start + common)
        child.start += common
        setChild(inner, child.key.charCodeAt(child.start), child)
        setChild(node, code, inner)
        node = inner
      } else node = child
      offset += common
    }
    return node
  }
}

/** Reverses UTF-16 code units, matching how suffix queries read values from the end. */
function reverseUnits(text: string): string {
  // Joined from an array, the result is one flat string; concatenating characters would build a
  // rope that every later comparison walks through.
  const units: string[] = new Array<string>(text.length)
  for (let i = 0; i < text.length; i++) units[text.length - 1 - i] = text[i] as string
  return units.join('')
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

  eachSlot(visit: (slot: T) => void): void {
    for (const slot of this.#v4.values()) visit(slot)
    for (const slot of this.#v6.values()) visit(slot)
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

  eachSlot(visit: (slot: T) => void): void {
    for (const byNetwork of this.#v4.values()) for (const slot of byNetwork.values()) visit(slot)
    for (const byNetwork of this.#v6.values()) for (const slot of byNetwork.values()) visit(slot)
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
