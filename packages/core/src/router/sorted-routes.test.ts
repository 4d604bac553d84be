import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareRoutes } from './route.ts'
import { REMOVED, SortedRoutes } from './sorted-routes.ts'

interface Item {
  readonly id: string
  readonly priority: number
  seen: number
}

const item = (n: number, priority: number): Item => ({ id: `r${String(n).padStart(4, '0')}`, priority, seen: 0 })
const live = (list: SortedRoutes<Item>): Item[] => list.items.filter((r) => r.seen !== REMOVED)

describe('SortedRoutes', () => {
  // Long lazy lists (removal by stamp, compaction) and merges of a side list, against a plain
  // sorted array: after any sequence, the unstamped items are exactly the expected ones, in order.
  it('keeps evaluation order through inserts, lazy removals and merges', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), priority: fc.integer({ min: 0, max: 40 }), side: fc.boolean() }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('merge' as const) }),
    )
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 400 }), fc.array(op, { minLength: 100, maxLength: 300 }), (initial, ops) => {
        const main = new SortedRoutes<Item>(true)
        const side = new SortedRoutes<Item>(true)
        const expected: Item[] = []
        let next = 0
        for (let n = 0; n < initial; n++) {
          const r = item(next++, n % 37)
          main.insert(r)
          expected.push(r)
        }
        for (const o of ops) {
          if (o.kind === 'add') {
            const r = item(next++, o.priority)
            ;(o.side ? side : main).insert(r)
            expected.push(r)
          } else if (o.kind === 'remove' && expected.length > 0) {
            const [r] = expected.splice(o.pick % expected.length, 1) as [Item]
            expect(side.remove(r) || main.remove(r)).toBe(true)
          } else if (o.kind === 'merge') main.absorb(side)
        }
        main.absorb(side)
        expected.sort(compareRoutes)
        expect(live(main)).toEqual(expected)
        expect(main.size).toBe(expected.length)
        // Compaction bounds the stamped routes to an eighth of the list.
        expect(main.items.length - main.size).toBeLessThanOrEqual(main.items.length / 8)
        expect(side.size).toBe(0)
        for (const r of expected) expect(main.hasKey(r)).toBe(true)
      }),
      { numRuns: 150 },
    )
  })

  it('merges routes that arrive in evaluation order by appending them', () => {
    const main = new SortedRoutes<Item>(true)
    const side = new SortedRoutes<Item>(true)
    for (let n = 0; n < 300; n++) main.insert(item(n, 1000 - n))
    const kept = main.items
    for (let n = 300; n < 310; n++) side.insert(item(n, 1000 - n))
    main.absorb(side)
    // The same array, grown in place: nothing before the new routes was copied.
    expect(main.items).toBe(kept)
    expect(main.items.map((r) => r.priority)).toEqual(Array.from({ length: 310 }, (_, n) => 1000 - n))
  })

  it('removes eagerly from short lists and from lists that are not lazy', () => {
    const eager = new SortedRoutes<Item>()
    const routes = Array.from({ length: 300 }, (_, n) => item(n, n))
    for (const r of routes) eager.insert(r)
    eager.remove(routes[5] as Item)
    expect(eager.items).toHaveLength(299)
    expect((routes[5] as Item).seen).toBe(0)
  })

  // A lookup takes `single` instead of reading the array: when set it must be the one route held,
  // and once the list is sorted it must be set whenever exactly one route is held.
  it('names its one route as single through every change, and only then', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), priority: fc.integer({ min: 0, max: 5 }), defer: fc.boolean() }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('finish' as const) }),
      fc.record({ kind: fc.constant('absorb' as const), priority: fc.integer({ min: 0, max: 5 }) }),
    )
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const list = new SortedRoutes<Item>(true)
        const held: Item[] = []
        let next = 0
        let pending = false
        for (const o of ops) {
          if (o.kind === 'add') {
            const r = item(next++, o.priority)
            list.insert(r, o.defer)
            held.push(r)
            pending ||= o.defer
          } else if (o.kind === 'remove' && held.length > 0) {
            const [r] = held.splice(o.pick % held.length, 1) as [Item]
            expect(list.remove(r)).toBe(true)
            pending = false
          } else if (o.kind === 'finish') {
            list.finish()
            pending = false
          } else if (o.kind === 'absorb') {
            const other = new SortedRoutes<Item>(true)
            const r = item(next++, o.priority)
            other.insert(r)
            expect(other.single).toBe(r)
            list.absorb(other)
            held.push(r)
            expect(other.single).toBeUndefined()
            pending = false
          }
          if (list.single !== undefined) expect(held).toEqual([list.single])
          if (!pending) expect(list.single).toBe(held.length === 1 ? held[0] : undefined)
        }
      }),
      { numRuns: 300 },
    )
  })
})
