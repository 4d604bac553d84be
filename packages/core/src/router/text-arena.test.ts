import { describe, expect, it } from 'vitest'
import { blockSize, offset, TextArena } from './text-arena.ts'

describe('text arena', () => {
  it('hands out blocks that neither overlap nor span two chunks, and keeps their contents as it grows', () => {
    const arena = new TextArena()
    // 20,000 blocks of 4 to 64 entries: the first chunk doubles up to its full size, then chunks are added.
    const blocks = Array.from({ length: 20_000 }, (_, n) => {
      const capacity = 4 << n % 5
      const start = arena.allocate(capacity)
      arena.set(start, n, `key ${n}`, n)
      arena.set(start + capacity - 1, -n, undefined, undefined)
      return { start, capacity, n }
    })
    const sorted = [...blocks].sort((a, b) => a.start - b.start)
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1] as (typeof sorted)[number]
      expect((sorted[i] as (typeof sorted)[number]).start).toBeGreaterThanOrEqual(before.start + before.capacity)
    }
    for (const { start, capacity, n } of blocks) {
      expect(offset(start) + capacity).toBeLessThanOrEqual(arena.headsAt(start).length)
      expect(arena.headsAt(start + capacity - 1)).toBe(arena.headsAt(start))
      expect([arena.head(start), arena.key(start), arena.slot(start), arena.head(start + capacity - 1)]).toEqual([n, `key ${n}`, n, -n])
    }
  })

  it('sizes blocks in steps of 4 entries up to 64, then in powers of two, and refuses other sizes', () => {
    expect([1, 4, 5, 22, 64, 65, 129, 16_384].map(blockSize)).toEqual([4, 4, 8, 24, 64, 128, 256, 16_384])
    const arena = new TextArena()
    expect(() => arena.allocate(22)).toThrow('cannot hold 22 entries')
    expect(() => arena.allocate(32_768)).toThrow('cannot hold 32768 entries')
  })

  it('reuses a released block of the same size and drops what it held', () => {
    const arena = new TextArena()
    const first = arena.allocate(16)
    arena.set(first + 3, 1, 'key', { slot: 1 })
    arena.allocate(4)
    arena.release(first, 16)
    expect(arena.slot(first + 3)).toBeUndefined()
    expect(arena.key(first + 3)).toBeUndefined()
    expect(arena.allocate(8)).not.toBe(first)
    expect(arena.allocate(16)).toBe(first)
  })

  it('moves entries within a block, overlapping ranges included, and to a block in another chunk', () => {
    const arena = new TextArena()
    const start = arena.allocate(8)
    for (let i = 0; i < 5; i++) arena.set(start + i, i, `k${i}`, i)
    arena.move(start + 1, start + 2, 4)
    const heads = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => arena.head(from + i))
    expect(heads(start, 6)).toEqual([0, 1, 1, 2, 3, 4])
    expect(arena.key(start + 5)).toBe('k4')
    let other = arena.allocate(64)
    while (arena.headsAt(other) === arena.headsAt(start)) other = arena.allocate(64)
    arena.move(start, other, 6)
    expect(heads(other, 6)).toEqual([0, 1, 1, 2, 3, 4])
    expect([arena.key(other + 5), arena.slot(other + 5)]).toEqual(['k4', 4])
  })
})
