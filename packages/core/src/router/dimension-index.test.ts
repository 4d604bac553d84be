import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createDimensionIndex } from './dimension-index.ts'
import type { Atom } from './index-plan.ts'

const atom = (kind: 'prefix' | 'suffix', text: string): Atom => ({ kind, field: 'http.path', casing: 'as-is', text })

/** What a prefix (or suffix) index must return for a value: the keys it starts (or ends) with, shortest first. */
function expected(kind: 'prefix' | 'suffix', keys: Iterable<string>, value: string): string[] {
  return [...keys].filter((k) => (kind === 'prefix' ? value.startsWith(k) : value.endsWith(k))).sort((a, b) => a.length - b.length)
}

// Both radix trees: packed (top-level dimensions) and of objects (buckets' sub-dimensions).
const RADIX_CASES = [
  ['prefix', true],
  ['suffix', true],
  ['prefix', false],
  ['suffix', false],
] as const

describe.each(RADIX_CASES)('radix index (%s, top level: %s)', (kind, large) => {
  it('finds every stored key of a value through narrow and wide nodes, across deletes', () => {
    // Keys over a wide alphabet so that nodes cross the narrow/wide boundary in both directions.
    const key = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz/0123456789é'), minLength: 1, maxLength: 6 })
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 20, maxLength: 80 }), fc.array(fc.nat(), { maxLength: 40 }), fc.array(key, { minLength: 1, maxLength: 20 }), (keys, deletions, values) => {
        const index = createDimensionIndex<string>(atom(kind, ''), large)
        for (const k of keys) expect(index.slot(atom(kind, k), () => k)).toBe(k)
        const live = new Set(keys)
        for (const d of deletions) {
          const k = keys[d % Math.max(keys.length, 1)]
          if (k === undefined) continue
          index.drop(atom(kind, k))
          live.delete(k)
        }
        expect(index.size).toBe(live.size)
        for (const k of keys) expect(index.slotFor(atom(kind, k))).toBe(live.has(k) ? k : undefined)
        for (const v of [...values, ...keys.map((k) => `${k}${k}`)]) {
          const found: string[] = []
          index.query(v, (slot) => found.push(slot))
          expect(found).toEqual(expected(kind, live, v))
        }
        const all: string[] = []
        index.eachSlot((slot) => all.push(slot))
        expect(all.sort()).toEqual([...live].sort())
      }),
      { numRuns: 300 },
    )
  })

  it('tells keys apart that share their first code units and differ deeper, after edges are split and pruned', () => {
    // Two letters: every child is chosen by a code unit that many keys share, so the walk meets
    // nodes whose edge differs from the value after its first unit, at every depth.
    const key = fc.string({ unit: fc.constantFrom('a', 'b', '/'), minLength: 1, maxLength: 9 })
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 30 }), fc.array(key, { minLength: 1, maxLength: 30 }), (keys, deletions, values) => {
        const index = createDimensionIndex<string>(atom(kind, ''), large)
        const live = new Set<string>()
        for (const k of keys) {
          index.slot(atom(kind, k), () => k)
          live.add(k)
        }
        for (const d of deletions) {
          const k = keys[d % keys.length] as string
          index.drop(atom(kind, k))
          live.delete(k)
        }
        // Re-added keys land in a tree whose edges were split for others.
        for (const d of deletions.slice(0, 5)) {
          const k = keys[(d * 7) % keys.length] as string
          index.slot(atom(kind, k), () => k)
          live.add(k)
        }
        for (const v of [...values, ...keys]) {
          const found: string[] = []
          index.query(v, (slot) => found.push(slot))
          expect(found).toEqual(expected(kind, live, v))
        }
      }),
      { numRuns: 500 },
    )
  })

  it('answers a query made while visiting the slots of another one', () => {
    // Written as prefixes; a suffix index gets every text reversed.
    const text = (t: string): string => (kind === 'prefix' ? t : [...t].reverse().join(''))
    const outer = createDimensionIndex<string>(atom(kind, ''), large)
    const inner = createDimensionIndex<string>(atom(kind, ''), large)
    for (const k of ['a', 'ab', 'abc']) outer.slot(atom(kind, text(k)), () => `outer ${k}`)
    for (const k of ['a', 'aa', 'b']) inner.slot(atom(kind, text(k)), () => `inner ${k}`)
    const seen: string[] = []
    outer.query(text('abcd'), (slot) => {
      seen.push(slot)
      inner.query(text('aab'), (s) => seen.push(s))
    })
    expect(seen).toEqual(['outer a', 'inner a', 'inner aa', 'outer ab', 'inner a', 'inner aa', 'outer abc', 'inner a', 'inner aa'])
  })
})
