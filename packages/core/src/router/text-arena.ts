/** Log2 of a full chunk's entries: 16,384 heads (128 KB) and their cells (256 KB). */
const CHUNK_BITS = 14
const CHUNK = 1 << CHUNK_BITS
const OFFSET_MASK = CHUNK - 1
/** The first chunk starts this small and doubles up to CHUNK: a router of a few routes stays small. */
const FIRST_CHUNK = 64

/**
 * The flat tables of every `TextIndex` of one router (and its buckets' plans), side by side: each
 * table is a block of `heads` (numbers) and of `cells` (two per head: key and slot) in chunks the
 * router's tables share. At 100k routes a router has tens of thousands of small tables; as two
 * arrays of their own each, they sat wherever the garbage collector put them in a heap of 50-100 MB,
 * and a lookup paid for their pages (TLB and cache misses) on top of their lines. In the arena they
 * lie within a few megabytes, like the hash tables of the top-level dimensions.
 *
 * A block is addressed by its position: the chunk is `position >>> CHUNK_BITS`, the entry within it
 * `offset(position)`, and a block never spans two chunks. Chunks are never reallocated once full
 * (no doubling copies, whose garbage raised the peak resident size of a 100k-route build by 25 MB).
 * Block capacities are rounded (`blockSize`: to 4 entries, above 64 to a power of two); a released
 * block is kept on a free list of its size and handed out again, so a router under constant updates
 * does not grow its arena.
 */
export class TextArena {
  readonly #heads: Float64Array[] = [new Float64Array(FIRST_CHUNK)]
  readonly #cells: unknown[][] = [filledArray(2 * FIRST_CHUNK)]
  #top = 0
  /** Released blocks by capacity. */
  readonly #free = new Map<number, number[]>()

  /** The start of a free block of `capacity` heads (a `blockSize`, at most a chunk). */
  allocate(capacity: number): number {
    if (capacity !== blockSize(capacity) || capacity > CHUNK) throw new Error(`an arena block cannot hold ${capacity} entries`)
    const reused = this.#free.get(capacity)?.pop()
    if (reused !== undefined) return reused
    let start = this.#top
    const last = this.#heads.length - 1
    const room = (last << CHUNK_BITS) + (this.#heads[last] as Float64Array).length - start
    if (capacity > room) {
      if (last === 0 && start + capacity <= CHUNK) this.#growFirst(start + capacity)
      else {
        // The rest of the last chunk is left unused: at most a block's capacity in 16,384 entries.
        start = this.#heads.length << CHUNK_BITS
        this.#heads.push(new Float64Array(CHUNK))
        this.#cells.push(filledArray(2 * CHUNK))
      }
    }
    this.#top = start + capacity
    return start
  }

  /** Gives a block back; its cells are cleared so that the arena keeps no slot alive. */
  release(start: number, capacity: number): void {
    const at = offset(start)
    this.cellsAt(start).fill(undefined, 2 * at, 2 * (at + capacity))
    const free = this.#free.get(capacity)
    if (free === undefined) this.#free.set(capacity, [start])
    else free.push(start)
  }

  /** The heads of the chunk a position is in (index them with `offset`). */
  headsAt(position: number): Float64Array {
    return this.#heads[position >>> CHUNK_BITS] as Float64Array
  }

  /** The cells of the chunk a position is in: key at twice `offset`, slot one after. */
  cellsAt(position: number): unknown[] {
    return this.#cells[position >>> CHUNK_BITS] as unknown[]
  }

  head(position: number): number {
    return this.headsAt(position)[offset(position)] as number
  }

  key(position: number): unknown {
    return this.cellsAt(position)[2 * offset(position)]
  }

  slot(position: number): unknown {
    return this.cellsAt(position)[2 * offset(position) + 1]
  }

  /** Writes an entry: its head, key and slot (undefined key and slot clear it). */
  set(position: number, head: number, key: unknown, slot: unknown): void {
    const at = offset(position)
    this.headsAt(position)[at] = head
    const cells = this.cellsAt(position)
    cells[2 * at] = key
    cells[2 * at + 1] = slot
  }

  setSlot(position: number, slot: unknown): void {
    this.cellsAt(position)[2 * offset(position) + 1] = slot
  }

  /** Moves `count` entries from `from` to `to`: within a block (overlapping or not), or to another block. */
  // Element by element: blocks hold a few dozen entries, and `copyWithin` on a plain array takes
  // the generic path (a fifth of a 100k-route build's index time when it was used here).
  move(from: number, to: number, count: number): void {
    if (count <= 0 || from === to) return
    const source = offset(from)
    const target = offset(to)
    const sourceHeads = this.headsAt(from)
    const sourceCells = this.cellsAt(from)
    const targetHeads = this.headsAt(to)
    const targetCells = this.cellsAt(to)
    // Backwards when moving up within a chunk, so that no entry is overwritten before it is read.
    const backwards = sourceHeads === targetHeads && target > source
    for (let k = 0; k < count; k++) {
      const i = backwards ? count - 1 - k : k
      targetHeads[target + i] = sourceHeads[source + i] as number
      targetCells[2 * (target + i)] = sourceCells[2 * (source + i)]
      targetCells[2 * (target + i) + 1] = sourceCells[2 * (source + i) + 1]
    }
  }

  #growFirst(needed: number): void {
    const old = this.#heads[0] as Float64Array
    let length = old.length
    while (length < needed) length *= 2
    const heads = new Float64Array(length)
    heads.set(old)
    this.#heads[0] = heads
    const cells = this.#cells[0] as unknown[]
    for (let i = cells.length; i < 2 * length; i++) cells.push(undefined)
  }
}

/** The capacity of the block that holds `entries`: a multiple of 4, above 64 a power of two. */
export function blockSize(entries: number): number {
  if (entries <= 64) return Math.max(4, Math.ceil(entries / 4) * 4)
  let size = 128
  while (size < entries) size *= 2
  return size
}

/** A position's entry within its chunk. */
export function offset(position: number): number {
  return position & OFFSET_MASK
}

/** An array of `length` undefined values, packed (holes would make every read check for one). */
function filledArray(length: number): unknown[] {
  const array: unknown[] = []
  for (let i = 0; i < length; i++) array.push(undefined)
  return array
}
