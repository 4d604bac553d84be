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

interface RadixNode<T> {
  /** The edge text leading to this node (reversed in a suffix tree). */
  label: string
  slot: T | undefined
  /** Few children: the first code unit of each child's label, in the order of `kids`. */
  firsts: string
  kids: RadixNode<T>[] | undefined
  /** Many children: a Map by first code unit instead (then `firsts` and `kids` are unused). */
  wide: Map<number, RadixNode<T>> | undefined
}

/**
 * Up to this many children a node scans `firsts` (one short string), which touches less memory
 * than a Map's table; most nodes have one to three children. Above it, a Map.
 */
const WIDE = 12

function radixNode<T>(label: string, slot: T | undefined): RadixNode<T> {
  return { label, slot, firsts: '', kids: undefined, wide: undefined }
}

function childAt<T>(node: RadixNode<T>, code: number): RadixNode<T> | undefined {
  const wide = node.wide
  if (wide !== undefined) return wide.get(code)
  const firsts = node.firsts
  for (let i = 0; i < firsts.length; i++) if (firsts.charCodeAt(i) === code) return (node.kids as RadixNode<T>[])[i]
  return undefined
}

function hasChildren<T>(node: RadixNode<T>): boolean {
  return node.wide !== undefined ? node.wide.size > 0 : node.kids !== undefined
}

function childrenOf<T>(node: RadixNode<T>): Iterable<RadixNode<T>> {
  return node.wide?.values() ?? node.kids ?? []
}

/** Adds a child, or replaces the one whose label starts with the same code unit. */
function setChild<T>(node: RadixNode<T>, child: RadixNode<T>): void {
  const code = child.label.charCodeAt(0)
  if (node.wide !== undefined) {
    node.wide.set(code, child)
    return
  }
  const at = node.firsts.indexOf(String.fromCharCode(code))
  if (at >= 0) {
    ;(node.kids as RadixNode<T>[])[at] = child
    return
  }
  // Exact-size copies: these arrays live as long as the tree, and narrow nodes are small.
  const kids = node.kids === undefined ? [child] : [...node.kids, child]
  if (kids.length > WIDE) {
    node.wide = new Map(kids.map((k) => [k.label.charCodeAt(0), k]))
    node.kids = undefined
    node.firsts = ''
    return
  }
  node.kids = kids
  node.firsts += String.fromCharCode(code)
}

function deleteChild<T>(node: RadixNode<T>, code: number): void {
  if (node.wide !== undefined) {
    node.wide.delete(code)
    return
  }
  const at = node.firsts.indexOf(String.fromCharCode(code))
  if (at < 0) return
  node.firsts = node.firsts.slice(0, at) + node.firsts.slice(at + 1)
  const kids = (node.kids as RadixNode<T>[]).filter((_, i) => i !== at)
  node.kids = kids.length === 0 ? undefined : kids
}

/**
 * A radix tree for prefixes (or, reading values from the end, suffixes). A query walks the value once
 * and visits every stored prefix of it, shortest first.
 */
class RadixIndex<T> extends Dimensioned implements DimensionIndex<T> {
  readonly #root: RadixNode<T> = radixNode<T>('', undefined)
  readonly #reverse: boolean
  #size = 0

  constructor(atom: Atom, reverse: boolean) {
    super(atom)
    this.#reverse = reverse
  }

  slot(atom: Atom, create: () => T): T {
    const node = this.#insert(this.#key(atomText(atom)))
    if (node.slot === undefined) {
      node.slot = create()
      this.#size++
    }
    return node.slot
  }

  slotFor(atom: Atom): T | undefined {
    return this.#find(this.#key(atomText(atom)))?.slot
  }

  eachSlot(visit: (slot: T) => void): void {
    const stack = [this.#root]
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (node.slot !== undefined) visit(node.slot)
      for (const child of childrenOf(node)) stack.push(child)
    }
  }

  #find(key: string): RadixNode<T> | undefined {
    let node = this.#root
    let offset = 0
    while (offset < key.length) {
      const child = childAt(node, key.charCodeAt(offset))
      if (child === undefined || !key.startsWith(child.label, offset)) return undefined
      offset += child.label.length
      node = child
    }
    return node
  }

  drop(atom: Atom): void {
    const key = this.#key(atomText(atom))
    const path: RadixNode<T>[] = [this.#root]
    let node = this.#root
    let offset = 0
    while (offset < key.length) {
      const child = childAt(node, key.charCodeAt(offset))
      if (child === undefined || !key.startsWith(child.label, offset)) return
      offset += child.label.length
      node = child
      path.push(node)
    }
    if (node.slot === undefined) return
    node.slot = undefined
    this.#size--
    // Drop leaves that hold nothing, so churn on distinct keys does not grow the tree.
    for (let i = path.length - 1; i > 0; i--) {
      const current = path[i] as RadixNode<T>
      if (current.slot !== undefined || hasChildren(current)) break
      deleteChild(path[i - 1] as RadixNode<T>, current.label.charCodeAt(0))
    }
  }

  // Hot path: one pass over the value, comparing edge labels in place without slicing.
  query(value: FieldValue, visit: (slot: T) => void): void {
    if (typeof value !== 'string') return
    const length = value.length
    const reverse = this.#reverse
    let node = this.#root
    let offset = 0
    for (;;) {
      if (offset >= length) return
      const child = childAt(node, value.charCodeAt(reverse ? length - 1 - offset : offset))
      if (child === undefined) return
      const label = child.label
      if (offset + label.length > length) return
      if (reverse) {
        for (let i = 1; i < label.length; i++) if (value.charCodeAt(length - 1 - offset - i) !== label.charCodeAt(i)) return
      } else if (!value.startsWith(label, offset)) return
      offset += label.length
      node = child
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
      const child = childAt(node, key.charCodeAt(offset))
      if (child === undefined) {
        const leaf = radixNode<T>(ownString(key.slice(offset)), undefined)
        setChild(node, leaf)
        return leaf
      }
      const label = child.label
      let common = 0
      while (common < label.length && offset + common < key.length && label.charCodeAt(common) === key.charCodeAt(offset + common)) common++
      if (common < label.length) {
        // Split the edge: the shared part becomes a new inner node.
        const inner = radixNode<T>(ownString(label.slice(0, common)), undefined)
        child.label = ownString(label.slice(common))
        setChild(inner, child)
        setChild(node, inner)
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
