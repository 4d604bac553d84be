import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Atom } from './index-plan.ts'
import { TextArena } from './text-arena.ts'
import { TextIndex } from './text-index.ts'

const atom = (kind: 'exact' | 'prefix', text: string): Atom => ({ kind, field: 'http.path', casing: 'as-is', text })
const name = (kind: 'exact' | 'prefix', text: string): string => `${kind} ${text}`

function queried(index: TextIndex<string>, value: string): string[] {
  const found: string[] = []
  index.query(value, (slot) => found.push(slot))
  return found.sort()
}

type Step = { op: 'add' | 'drop'; kind: 'exact' | 'prefix'; key: string }
type Live = Map<string, { kind: 'exact' | 'prefix'; key: string }>

/** Applies a step to a table and to its model (slot name → key). */
function apply(index: TextIndex<string>, live: Live, s: Step, slot: string): void {
  if (s.op === 'add') {
    expect(index.slot(atom(s.kind, s.key), () => slot)).toBe(slot)
    live.set(slot, s)
  } else {
    index.drop(atom(s.kind, s.key))
    live.delete(slot)
  }
}

describe('text index', () => {
  it('finds exactly the exact keys equal to a value and the prefixes it starts with, flat and grown', () => {
    // Three letters: many keys share their length and signature (last and middle code unit), so
    // keys are told apart by their whole text; up to 80 keys cross the flat table's limit.
    const key = fc.string({ unit: fc.constantFrom('a', 'b', '/'), minLength: 0, maxLength: 7 })
    const step: fc.Arbitrary<Step> = fc.record({ op: fc.constantFrom('add', 'add', 'drop'), kind: fc.constantFrom('exact', 'prefix'), key })
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 160 }), fc.array(key, { minLength: 1, maxLength: 20 }), (steps, values) => {
        const index = new TextIndex<string>(atom('exact', ''))
        const live: Live = new Map()
        for (const s of steps) {
          // An empty prefix holds for every value: the index plan never files one, the table refuses it.
          if (s.kind !== 'prefix' || s.key !== '') apply(index, live, s, name(s.kind, s.key))
        }
        expect(index.size).toBe(live.size)
        for (const v of [...values, ...[...live.values()].map((e) => e.key), ...[...live.values()].map((e) => `${e.key}/`)]) {
          const expected = [...live].filter(([, e]) => (e.kind === 'exact' ? v === e.key : v.startsWith(e.key))).map(([slot]) => slot)
          expect(queried(index, v)).toEqual(expected.sort())
        }
        for (const [slot, e] of live) expect(index.slotFor(atom(e.kind, e.key))).toBe(slot)
        const kinds: string[] = []
        index.eachSlot((slot, kind) => kinds.push(`${slot} ${kind}`))
        expect(kinds.sort()).toEqual([...live].map(([slot, e]) => `${slot} ${e.kind}`).sort())
      }),
      { numRuns: 400 },
    )
  })

  it('keeps tables that share an arena apart while their blocks grow, move, empty and are reused', () => {
    const key = fc.string({ unit: fc.constantFrom('a', 'b', '/'), minLength: 1, maxLength: 5 })
    const step = fc.record({ table: fc.nat(3), op: fc.constantFrom('add', 'add', 'drop'), kind: fc.constantFrom<'exact' | 'prefix'>('exact', 'prefix'), key })
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 300 }), (steps) => {
        const arena = new TextArena()
        const tables = Array.from({ length: 4 }, () => new TextIndex<string>(atom('exact', ''), arena))
        const live = tables.map((): Live => new Map())
        for (const s of steps) apply(tables[s.table] as TextIndex<string>, live[s.table] as Live, s, `${s.table} ${name(s.kind, s.key)}`)
        tables.forEach((index, t) => {
          const model = live[t] as Live
          expect(index.size).toBe(model.size)
          for (const [slot, e] of model) {
            expect(index.slotFor(atom(e.kind, e.key))).toBe(slot)
            const expected = [...model].filter(([, o]) => (o.kind === 'exact' ? e.key === o.key : e.key.startsWith(o.key))).map(([s]) => s)
            expect(queried(index, e.key)).toEqual(expected.sort())
          }
        })
      }),
      { numRuns: 300 },
    )
  })

  it('holds exact and prefix atoms of its field and casing only', () => {
    const index = new TextIndex<string>(atom('prefix', '/a'))
    expect(index.holds(atom('exact', '/b'))).toBe(true)
    expect(index.holds(atom('prefix', '/b'))).toBe(true)
    expect(index.holds({ kind: 'suffix', field: 'http.path', casing: 'as-is', text: 'b' })).toBe(false)
    expect(index.holds({ kind: 'exact', field: 'http.host', casing: 'as-is', text: 'b' })).toBe(false)
    expect(index.holds({ kind: 'prefix', field: 'http.path', casing: 'lower', text: 'b' })).toBe(false)
  })

  it('looks Int values up by their decimal text, and reports their kind', () => {
    const index = new TextIndex<string>({ kind: 'int', field: 'n', casing: 'as-is', text: '42' })
    index.slot({ kind: 'int', field: 'n', casing: 'as-is', text: '42' }, () => 'forty-two')
    const found: string[] = []
    index.query(42, (slot) => found.push(slot))
    index.query(42n, (slot) => found.push(slot))
    index.query(4, (slot) => found.push(slot))
    expect(found).toEqual(['forty-two', 'forty-two'])
    index.eachSlot((_, kind) => expect(kind).toBe('int'))
  })

  it('gives slots replaced in place back to queries, flat and grown', () => {
    for (const keys of [3, 60]) {
      const index = new TextIndex<string>(atom('prefix', ''))
      for (let i = 0; i < keys; i++) index.slot(atom('prefix', `/k${i}`), () => `k${i}`)
      index.slot(atom('exact', '/k1/x'), () => 'exact')
      index.replace(atom('prefix', '/k1'), 'other')
      index.replace(atom('exact', '/k1/x'), 'exact 2')
      expect(queried(index, '/k1/x')).toEqual(['exact 2', 'other'])
    }
  })

  // Heads hold a key's length in a number with its signature: keys of a million code units and more
  // go to the hash map and tree, where the head would lose precision.
  it('finds keys too long for a flat head, with short keys beside them', () => {
    const long = '/'.padEnd(2 ** 20 + 3, 'a')
    const index = new TextIndex<string>(atom('prefix', ''))
    index.slot(atom('prefix', '/a'), () => 'short prefix')
    index.slot(atom('exact', long), () => 'long exact')
    index.slot(atom('prefix', long.slice(0, -1)), () => 'long prefix')
    expect(index.size).toBe(3)
    expect(queried(index, long)).toEqual(['long exact', 'long prefix', 'short prefix'])
    expect(queried(index, `${long.slice(0, -1)}b`)).toEqual(['long prefix', 'short prefix'])
    expect(queried(index, long.slice(0, -2))).toEqual(['short prefix'])
    expect(index.slotFor(atom('exact', long))).toBe('long exact')
  })
})
