import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MatchRecord } from './match.ts'

/** What the record must hold: every name set, the last value set for it, in JS's own key order. */
function reference(steps: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of steps) out[name] = value
  return out
}

describe('match record', () => {
  it('copies captures as set one by one would: same keys, values and key order', () => {
    const name = fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', 'id', 'rest', '10')
    const step = fc.tuple(name, fc.string({ maxLength: 3 }))
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const record = new MatchRecord()
        record.setCapture('stale', 'x')
        record.clear()
        for (const [n, v] of steps) record.setCapture(n, v)
        const { captures } = record.toMatch('r', 0n)
        expect(Object.entries(captures)).toEqual(Object.entries(reference(steps)))
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps a regex route’s usual records: groups by number, then by name', () => {
    const record = new MatchRecord()
    for (const [n, v] of [['0', '/a/b'], ['1', 'a'], ['id', 'a'], ['2', 'b']] as const) record.setCapture(n, v)
    record.setMatch('http.path', '/a/b')
    const match = record.toMatch('r', 1n)
    expect(Object.entries(match.captures)).toEqual([['0', '/a/b'], ['1', 'a'], ['2', 'b'], ['id', 'a']])
    expect(match.matches).toEqual({ 'http.path': '/a/b' })
    record.clear()
    expect(record.toMatch('r', 1n).captures).toEqual({})
  })
})
