import { ownString } from '../syntax/intern.ts'
import type { FieldValue } from '../values/types.ts'
import { atomText, Dimensioned, reversedKey, type DimensionIndex } from './dimension.ts'
import type { Atom } from './index-plan.ts'

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
 * A radix tree for prefixes (or, reading values from the end, suffixes) with a JavaScript object per
 * node: the small trees of buckets' sub-dimensions (a host's paths, say), thousands of them at 100k
 * routes, where a `PackedRadixIndex`'s array per tree cost more memory (gateway-mix 100k: +9 MB) and
 * time than its layout saved. A query walks the value once and visits every stored prefix of it,
 * shortest first.
 */
export class RadixIndex<T> extends Dimensioned implements DimensionIndex<T> {
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

  eachSlot(visit: (slot: T, kind: Atom['kind']) => void): void {
    const stack = [this.#root]
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (node.slot !== undefined) visit(node.slot, this.kind)
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

  #key(text: string): string {
    return this.#reverse ? reversedKey(text) : text
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

