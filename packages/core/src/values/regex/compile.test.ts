import { describe, expect, it } from 'vitest'
import { setFromRanges, setOf } from './charset.ts'
import fixture from './compile-fixture.json'
import { compileRegex } from './index.ts'
import { fingerprint, routeCorpus } from './test-corpus.ts'
import { caseFoldSimple, simpleOrbitOf } from './unicode.ts'

/**
 * The compile-time work (memoised sets, merge-based set algebra, short translated sources, the
 * ASCII case-fold table) must not change what any pattern does. `compile-fixture.json` holds, for
 * each pattern of the corpus, the engine, group count, group names and a fingerprint of `test` and
 * `exec` on its inputs, as computed by the implementation before that work (commit 5ae4fa9).
 */
describe('compile equivalence with the pre-optimisation implementation', () => {
  const seen = new Set<string>()
  const cases = [...routeCorpus(1500, 1, false, seen), ...routeCorpus(500, 2, true, seen)]

  it('the corpus has 2,000 distinct patterns', () => {
    expect(new Set(cases.map((c) => c.pattern)).size).toBe(2000)
    expect(fixture.length).toBe(2000)
  })

  it('every pattern keeps its engine, groups, names and results', () => {
    const mismatches: string[] = []
    cases.forEach((c, i) => {
      const r = compileRegex(c.pattern)
      let row: string
      if (!r.ok) row = `error ${fingerprint(JSON.stringify(r.error))}`
      else {
        const x = r.regex
        const results = c.inputs.map((input) => [x.test(input), x.exec(input)])
        row = `${x.engine} ${x.groupCount} ${x.groupNames.map((n) => n ?? '').join(',')} ${fingerprint(JSON.stringify(results))}`
      }
      if (row !== fixture[i]) mismatches.push(`${c.pattern}: ${row} (was ${fixture[i]})`)
    })
    expect(mismatches).toEqual([])
  })
})

describe('ASCII case folding without the orbit table', () => {
  it('folds every ASCII code point exactly as the platform-derived orbits do', () => {
    for (let c = 0; c < 0x80; c++) {
      const orbit = simpleOrbitOf(c) ?? [c]
      const expected = setFromRanges(orbit.flatMap((o) => [o, o]))
      expect(caseFoldSimple(setOf(c)).ranges, `U+${c.toString(16)}`).toEqual(expected.ranges)
    }
  })

  it('folds an ASCII range as the union of its members', () => {
    const folded = caseFoldSimple(setFromRanges([0x61, 0x7a, 0x30, 0x39, 0x2d, 0x2d]))
    expect(folded.ranges).toEqual([0x2d, 0x2d, 0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a, 0x17f, 0x17f, 0x212a, 0x212a])
  })
})
