import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Atom } from './index-plan.ts'
import { PackedRadixIndex } from './packed-radix-index.ts'

const atom = (text: string): Atom => ({ kind: 'prefix', field: 'http.path', casing: 'as-is', text })

/** The stored keys a value starts with, shortest first: what a query must visit. */
function prefixesOf(keys: Iterable<string>, value: string): string[] {
  return [...keys].filter((k) => value.startsWith(k)).sort((a, b) => a.length - b.length)
}

function queried(index: PackedRadixIndex<string>, value: string): string[] {
  const found: string[] = []
  index.query(value, (slot) => found.push(slot))
  return found
}

type Step = { op: 'add' | 'drop'; key: string } | { op: 'settle' }

describe('packed radix index', () => {
  it('answers like a list of prefixes through adds, drops and layouts in any order', () => {
    // Few letters and long keys: deep trees, edges split and cut, nodes moved to larger records, and
    // nodes with more children than a linear search takes (bisection).
    const key = fc.string({ unit: fc.constantFrom(...'ab/cdefghijklmnop'), minLength: 1, maxLength: 10 })
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant('add' as const), key }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('drop' as const), key }) },
      { weight: 1, arbitrary: fc.constant({ op: 'settle' as const }) },
    )
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 200 }), fc.array(key, { minLength: 1, maxLength: 20 }), (steps, values) => {
        const index = new PackedRadixIndex<string>(atom(''), false)
        const live = new Set<string>()
        for (const s of steps) {
          if (s.op === 'settle') index.settle()
          else if (s.op === 'add') {
            expect(index.slot(atom(s.key), () => s.key)).toBe(s.key)
            live.add(s.key)
          } else {
            index.drop(atom(s.key))
            live.delete(s.key)
          }
        }
        expect(index.size).toBe(live.size)
        for (const v of [...values, ...[...live].map((k) => `${k}x`)]) expect(queried(index, v)).toEqual(prefixesOf(live, v))
        for (const k of live) expect(index.slotFor(atom(k))).toBe(k)
        const all: string[] = []
        index.eachSlot((slot) => all.push(slot))
        expect(all.sort()).toEqual([...live].sort())
      }),
      { numRuns: 400 },
    )
  })

  it('gives slots replaced in place back to queries', () => {
    const index = new PackedRadixIndex<string>(atom(''), false)
    for (const k of ['/a', '/ab', '/abc']) index.slot(atom(k), () => k)
    index.settle()
    index.replace(atom('/ab'), 'other')
    expect(queried(index, '/abcd')).toEqual(['/a', 'other', '/abc'])
    expect(index.slotFor(atom('/ab'))).toBe('other')
  })

  it('does not grow under churn: removed records are reused, and a sparse tree is laid out again', () => {
    const index = new PackedRadixIndex<string>(atom(''), false)
    const live: string[] = []
    for (let i = 0; i < 200; i++) {
      const k = `/svc/${i}/v${i % 7}`
      index.slot(atom(k), () => k)
      live.push(k)
    }
    index.settle()
    const settled = index.integersInUse
    // Updates remove a route and add it back; a deployment also retires keys and brings new ones.
    for (let round = 0; round < 5000; round++) {
      const at = (round * 7919) % live.length
      const old = live[at] as string
      index.drop(atom(old))
      const fresh = round % 2 === 0 ? old : `/svc/${round}/new/${round % 13}`
      index.slot(atom(fresh), () => fresh)
      live[at] = fresh
    }
    expect(index.size).toBe(live.length)
    expect(index.integersInUse).toBeLessThan(3 * settled)
    for (const k of live) expect(queried(index, `${k}/tail`)).toContain(k)
  })

  it('refuses an empty key, which would hold for every value', () => {
    const index = new PackedRadixIndex<string>(atom(''), false)
    expect(() => index.slot(atom(''), () => 'x')).toThrow(/empty prefix/)
  })

  it('reads values from their end for suffixes', () => {
    const index = new PackedRadixIndex<string>({ kind: 'suffix', field: 'http.host', casing: 'as-is', text: '' }, true)
    for (const k of ['.com', 'example.com', '.example.com', 'le.com']) index.slot({ kind: 'suffix', field: 'http.host', casing: 'as-is', text: k }, () => k)
    index.settle()
    expect(queried(index, 'api.example.com')).toEqual(['.com', 'le.com', 'example.com', '.example.com'])
    expect(queried(index, 'apiexample.com')).toEqual(['.com', 'le.com', 'example.com'])
    expect(queried(index, 'example.com')).toEqual(['.com', 'le.com', 'example.com'])
  })
})
