import type { FieldValue } from '../values/types.ts'
import { atomText, Dimensioned, reversedKey, type DimensionIndex } from './dimension.ts'
import type { Atom } from './index-plan.ts'

// A node is a record of consecutive integers in one Int32Array:
//   [LABEL] edge label length, [SLOT] slot number or NO_SLOT, [COUNT] children, [CAPACITY] room for
//   children, then the label's code units, then CAPACITY pairs (first code unit, child's offset).
// The first COUNT pairs are the children, sorted by code unit: searched one by one up to
// LINEAR_MAX, by bisection above. (Hash tables on the code unit were measured too: wide nodes'
// records grew by their free pairs, and the walks of path-prefix 100k took 20% longer.)
const LABEL = 0
const SLOT = 1
const COUNT = 2
const CAPACITY = 3
const UNITS = 4
const NO_SLOT = -1
// The walk of the last `#find` (shared: finds do not nest): each node's offset, and where its
// parent's record points to it (-1 for the root).
const walkNodes: number[] = []
const walkLinks: number[] = []
const LINEAR_MAX = 8
const MIN_LENGTH = 64
/** Trees built one insert at a time are laid out when their records reach this many integers, then at every doubling. */
const FIRST_LAYOUT = 1024

/**
 * A radix tree for prefixes (or, reading values from the end, suffixes), laid out in one Int32Array:
 * the top-level trees, which hold up to all of a configuration's keys (inside buckets, prefixes are
 * in `TextIndex` tables and suffixes in `RadixIndex` trees of node objects). A query walks the value once and visits every stored prefix of it, shortest first.
 *
 * Why not one object per node: at 100k routes a walk is cold in the caches, and each node object and
 * its key string sat anywhere in the heap, two misses per level. Here a node's label and children are
 * one record, and after a bulk load (`settle`) the records are laid out depth first, so the deeper
 * levels of a walk share cache lines and pages, and a tree built one insert at a time is laid out at
 * each doubling. Measured against object nodes (routers built route by route, processes alternating):
 * path-prefix 100k `hi` -21%, regex-heavy 100k -10 to -13%, 1k within ±7%; misses pay a few ns more.
 * Updates work in place: a node that needs room for another child moves to the end of the array, and
 * records that fall free are reused by size; the tree is laid out again when it has doubled, when
 * free space exceeds the live records (churn on new keys), or at the next `settle`. Each layout copies
 * the tree once (100k prefixes: 6-10 ms), amortised over the inserts that doubled it.
 */
export class PackedRadixIndex<T> extends Dimensioned implements DimensionIndex<T> {
  readonly #reverse: boolean
  #nodes = new Int32Array(MIN_LENGTH)
  /** Integers in use: the next record goes here. */
  #used = 0
  /** Integers in records no walk reaches (moved, pruned, or cut off a split edge). */
  #free = 0
  /** Offsets of free records, by record length, for reuse (made at the first one: most trees never free any). */
  #freeBySize: Map<number, number[]> | undefined
  #root: number
  readonly #slots: (T | undefined)[] = []
  readonly #freeSlots: number[] = []
  #size = 0
  /** Records were added since the last layout. */
  #unsettled = false
  /** The integers in use at which inserts lay the tree out again (twice the last layout's). */
  #layOutAt = FIRST_LAYOUT

  constructor(atom: Atom, reverse: boolean) {
    super(atom)
    this.#reverse = reverse
    this.#root = this.#newNode('', 0, 0, 2)
  }

  slot(atom: Atom, create: () => T): T {
    const key = this.#key(atomText(atom))
    // The root holds no slot (a query never visits it): an empty prefix or suffix holds for every
    // value, and the index plan never files a route under one.
    if (key === '') throw new Error(`an empty ${this.kind} cannot be indexed`)
    this.#layOutWhenDue()
    const node = this.#insert(key)
    const at = this.#nodes[node + SLOT] as number
    if (at !== NO_SLOT) return this.#slots[at] as T
    const slot = create()
    const free = this.#freeSlots.pop()
    if (free === undefined) {
      this.#nodes[node + SLOT] = this.#slots.length
      this.#slots.push(slot)
    } else {
      this.#nodes[node + SLOT] = free
      this.#slots[free] = slot
    }
    this.#size++
    return slot
  }

  slotFor(atom: Atom): T | undefined {
    const node = this.#find(this.#key(atomText(atom)))
    const at = node < 0 ? NO_SLOT : (this.#nodes[node + SLOT] as number)
    return at === NO_SLOT ? undefined : this.#slots[at]
  }

  replace(atom: Atom, slot: T): void {
    const node = this.#find(this.#key(atomText(atom)))
    const at = node < 0 ? NO_SLOT : (this.#nodes[node + SLOT] as number)
    if (at !== NO_SLOT) this.#slots[at] = slot
  }

  eachSlot(visit: (slot: T, kind: Atom['kind']) => void): void {
    for (const slot of this.#slots) if (slot !== undefined) visit(slot, this.kind)
  }

  drop(atom: Atom): void {
    const node = this.#find(this.#key(atomText(atom)))
    if (node < 0) return
    const nodes = this.#nodes
    const at = nodes[node + SLOT] as number
    if (at === NO_SLOT) return
    nodes[node + SLOT] = NO_SLOT
    this.#slots[at] = undefined
    this.#freeSlots.push(at)
    this.#size--
    // Drop leaves that hold nothing, so churn on distinct keys does not grow the tree.
    for (let i = walkNodes.length - 1; i > 0; i--) {
      const current = walkNodes[i] as number
      if (nodes[current + SLOT] !== NO_SLOT || nodes[current + COUNT] !== 0) break
      this.#removeChild(walkNodes[i - 1] as number, walkLinks[i] as number)
      this.#release(current)
    }
    this.#layOutWhenDue()
  }

  /**
   * Lays the tree out again when it has doubled since the last layout (a tree built one insert at a
   * time is then mostly in depth-first order too, at amortised constant cost per insert), or when
   * free records outweigh live ones (churn on new keys cannot grow the array).
   */
  #layOutWhenDue(): void {
    const used = this.#used
    if (used >= this.#layOutAt || (this.#free > used - this.#free && used > MIN_LENGTH)) this.#layOut()
  }

  override settle(): void {
    if (this.#unsettled || this.#free > 0) this.#layOut()
  }

  // Hot path: one pass down the tree, comparing each edge in place; nothing is allocated.
  query(value: FieldValue, visit: (slot: T) => void): void {
    if (typeof value !== 'string') return
    const nodes = this.#nodes
    const length = value.length
    const reverse = this.#reverse
    let node = this.#root
    let offset = 0
    while (offset < length) {
      const pair = pairOf(nodes, node, value.charCodeAt(reverse ? length - 1 - offset : offset))
      if (pair < 0) return
      node = nodes[pair + 1] as number
      const label = nodes[node + LABEL] as number
      if (offset + label > length) return
      // Two loops rather than one with a direction: the walk's inner loop stays a plain comparison.
      const units = node + UNITS - offset
      if (reverse) {
        for (let i = offset + 1, end = offset + label; i < end; i++) if (nodes[units + i] !== value.charCodeAt(length - 1 - i)) return
      } else {
        for (let i = offset + 1, end = offset + label; i < end; i++) if (nodes[units + i] !== value.charCodeAt(i)) return
      }
      offset += label
      const at = nodes[node + SLOT] as number
      if (at !== NO_SLOT) visit(this.#slots[at] as T)
    }
  }

  get size(): number {
    return this.#size
  }

  /** Integers the records take, free ones included (the array's length may be larger): for tests. */
  get integersInUse(): number {
    return this.#used
  }

  /** The node of a key, or -1; the walk is left in `walkNodes` and `walkLinks`. */
  #find(key: string): number {
    walkNodes.length = 0
    walkLinks.length = 0
    let node = this.#root
    walkNodes.push(node)
    walkLinks.push(-1)
    let offset = 0
    while (offset < key.length) {
      const nodes = this.#nodes
      const pair = pairOf(nodes, node, key.charCodeAt(offset))
      if (pair < 0) return -1
      const child = nodes[pair + 1] as number
      const label = nodes[child + LABEL] as number
      if (offset + label > key.length) return -1
      for (let i = 1; i < label; i++) if (nodes[child + UNITS + i] !== key.charCodeAt(offset + i)) return -1
      offset += label
      node = child
      walkNodes.push(node)
      walkLinks.push(pair + 1)
    }
    return node
  }

  /** The node of a key, made (splitting an edge where the key leaves it) when missing. */
  #insert(key: string): number {
    let node = this.#root
    let link = -1
    let offset = 0
    while (offset < key.length) {
      const code = key.charCodeAt(offset)
      const pair = pairOf(this.#nodes, node, code)
      if (pair < 0) {
        const leaf = this.#newNode(key, offset, key.length, 0)
        this.#addChild(node, link, code, leaf)
        return leaf
      }
      const child = this.#nodes[pair + 1] as number
      const label = this.#nodes[child + LABEL] as number
      let common = 1
      while (common < label && offset + common < key.length && this.#nodes[child + UNITS + common] === key.charCodeAt(offset + common)) common++
      if (common < label) {
        // Split the edge: the shared part becomes a new inner node with the child under it.
        const inner = this.#newNode(key, offset, offset + common, 2)
        const nodes = this.#nodes
        this.#cutLabel(child, common)
        nodes[inner + UNITS + common] = nodes[child + UNITS] as number
        nodes[inner + UNITS + common + 1] = child
        nodes[inner + COUNT] = 1
        nodes[pair + 1] = inner
        node = inner
      } else node = child
      link = pair + 1
      offset += common
    }
    return node
  }

  /** A new node labelled `key[from, to)` with room for `capacity` children. */
  #newNode(key: string, from: number, to: number, capacity: number): number {
    const label = to - from
    const node = this.#allocate(UNITS + label + 2 * capacity)
    const nodes = this.#nodes
    nodes[node + LABEL] = label
    nodes[node + SLOT] = NO_SLOT
    nodes[node + COUNT] = 0
    nodes[node + CAPACITY] = capacity
    for (let i = 0; i < label; i++) nodes[node + UNITS + i] = key.charCodeAt(from + i)
    this.#unsettled = true
    return node
  }

  /** Room for a record: a free one of that length, or the end of the array (grown when full). */
  #allocate(length: number): number {
    const reused = this.#freeBySize?.get(length)?.pop()
    if (reused !== undefined) {
      this.#free -= length
      return reused
    }
    const at = this.#used
    if (at + length > this.#nodes.length) {
      const grown = new Int32Array(Math.max(MIN_LENGTH, at + length, this.#nodes.length * 2))
      grown.set(this.#nodes.subarray(0, at))
      this.#nodes = grown
    }
    this.#used = at + length
    return at
  }

  /** Marks a record free for reuse. */
  #release(node: number): void {
    const length = recordLength(this.#nodes, node)
    const free = (this.#freeBySize ??= new Map())
    let list = free.get(length)
    if (list === undefined) free.set(length, (list = []))
    list.push(node)
    this.#free += length
  }

  /** Drops the first `cut` units of a node's label (its edge now starts below a new inner node). */
  #cutLabel(node: number, cut: number): void {
    const nodes = this.#nodes
    const end = node + recordLength(nodes, node)
    nodes.copyWithin(node + UNITS, node + UNITS + cut, end)
    nodes[node + LABEL] = (nodes[node + LABEL] as number) - cut
    // The record's last `cut` integers are no longer part of it; too short a piece to reuse.
    this.#free += cut
  }

  /** Adds a child, moving the node to a larger record when it is full. */
  #addChild(node: number, link: number, code: number, child: number): void {
    let nodes = this.#nodes
    const count = nodes[node + COUNT] as number
    const capacity = nodes[node + CAPACITY] as number
    if (count === capacity) {
      const label = nodes[node + LABEL] as number
      const larger = Math.max(2, 2 * capacity)
      const moved = this.#allocate(UNITS + label + 2 * larger)
      nodes = this.#nodes
      startRecord(nodes, moved, node, larger)
      eachChild(nodes, node, (unit, under) => placeChild(nodes, moved, unit, under))
      this.#release(node)
      if (link < 0) this.#root = moved
      else nodes[link] = moved
      node = moved
    }
    placeChild(nodes, node, code, child)
  }

  /** Removes the child pair at `link - 1` from a node. */
  #removeChild(node: number, link: number): void {
    const nodes = this.#nodes
    const count = nodes[node + COUNT] as number
    nodes.copyWithin(link - 1, link + 1, node + UNITS + (nodes[node + LABEL] as number) + 2 * count)
    nodes[node + COUNT] = count - 1
  }

  /**
   * Copies the live records into a new array, depth first (a node, then each child's subtree in
   * code unit order), each with room for exactly its children: the walks of a request then read
   * neighbouring records, and free space is gone.
   */
  #layOut(): void {
    const old = this.#nodes
    // Depth first, a node before its children's subtrees and the first child's first; a node's new
    // offset is the length of the records before it. Every record takes UNITS integers at least.
    const moved = new Int32Array(this.#used)
    const order = new Int32Array(Math.ceil(this.#used / UNITS))
    const stack = new Int32Array(order.length)
    let count = 0
    let top = 0
    let used = 0
    stack[top++] = this.#root
    while (top > 0) {
      const node = stack[--top] as number
      order[count++] = node
      moved[node] = used
      const label = old[node + LABEL] as number
      const children = old[node + COUNT] as number
      used += UNITS + label + 2 * children
      const pairs = node + UNITS + label
      for (let i = children - 1; i >= 0; i--) stack[top++] = old[pairs + 2 * i + 1] as number
    }
    // Room to grow by an eighth before the next copy: updates after a load do not copy at once.
    const nodes = new Int32Array(Math.max(MIN_LENGTH, used + (used >> 3)))
    for (let k = 0; k < count; k++) {
      const node = order[k] as number
      const to = moved[node] as number
      const label = old[node + LABEL] as number
      const children = old[node + COUNT] as number
      nodes[to + LABEL] = label
      nodes[to + SLOT] = old[node + SLOT] as number
      nodes[to + COUNT] = children
      nodes[to + CAPACITY] = children
      for (let i = 0; i < label; i++) nodes[to + UNITS + i] = old[node + UNITS + i] as number
      const from = node + UNITS + label
      const into = to + UNITS + label
      for (let i = 0; i < children; i++) {
        nodes[into + 2 * i] = old[from + 2 * i] as number
        nodes[into + 2 * i + 1] = moved[old[from + 2 * i + 1] as number] as number
      }
    }
    this.#nodes = nodes
    this.#used = used
    this.#root = moved[this.#root] as number
    this.#free = 0
    this.#freeBySize = undefined
    this.#unsettled = false
    this.#layOutAt = Math.max(FIRST_LAYOUT, 2 * used)
  }

  #key(text: string): string {
    return this.#reverse ? reversedKey(text) : text
  }
}

/** Where in a node's record the pair for a first code unit is, or -1. */
function pairOf(nodes: Int32Array, node: number, code: number): number {
  const pairs = node + UNITS + (nodes[node + LABEL] as number)
  const count = nodes[node + COUNT] as number
  if (count <= LINEAR_MAX) {
    for (let p = pairs, end = pairs + 2 * count; p < end; p += 2) if (nodes[p] === code) return p
    return -1
  }
  // Sorted: a code unit outside the first and last children's is rejected without a search
  // (requests that miss often leave the tree there, e.g. a path under no configured prefix).
  if (code < (nodes[pairs] as number) || code > (nodes[pairs + 2 * count - 2] as number)) return -1
  let low = 0
  let high = count - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const unit = nodes[pairs + 2 * middle] as number
    if (unit === code) return pairs + 2 * middle
    if (unit < code) low = middle + 1
    else high = middle - 1
  }
  return -1
}

/** Writes a record's header and label copied from the record at `from`, with no children yet. */
function startRecord(nodes: Int32Array, node: number, from: number, capacity: number): void {
  nodes.copyWithin(node, from, from + UNITS + (nodes[from + LABEL] as number))
  nodes[node + COUNT] = 0
  nodes[node + CAPACITY] = capacity
}

/** Adds a child pair, in code unit order, to a record that has room for it. */
function placeChild(nodes: Int32Array, node: number, code: number, child: number): void {
  const count = nodes[node + COUNT] as number
  const pairs = node + UNITS + (nodes[node + LABEL] as number)
  let i = count
  for (; i > 0 && (nodes[pairs + 2 * (i - 1)] as number) > code; i--) {
    nodes[pairs + 2 * i] = nodes[pairs + 2 * (i - 1)] as number
    nodes[pairs + 2 * i + 1] = nodes[pairs + 2 * i - 1] as number
  }
  nodes[pairs + 2 * i] = code
  nodes[pairs + 2 * i + 1] = child
  nodes[node + COUNT] = count + 1
}

/** Calls `visit` with each child's first code unit and offset, in code unit order. */
function eachChild(nodes: Int32Array, node: number, visit: (unit: number, child: number) => void): void {
  const pairs = node + UNITS + (nodes[node + LABEL] as number)
  for (let p = pairs, end = pairs + 2 * (nodes[node + COUNT] as number); p < end; p += 2) visit(nodes[p] as number, nodes[p + 1] as number)
}

/** The integers a node's record takes. */
function recordLength(nodes: Int32Array, node: number): number {
  return UNITS + (nodes[node + LABEL] as number) + 2 * (nodes[node + CAPACITY] as number)
}
