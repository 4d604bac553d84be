import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { contains, difference, intersect, overlaps, setFromRanges, setOf, union } from './charset.ts'
import fixture from './compile-fixture.json'
import { compileRegex, compileRegexWith, regexErrorKind, type RegexError } from './index.ts'
import { fingerprint, routeCorpus } from './test-corpus.ts'
import { caseFoldSimple, perlWord, propertySet, simpleOrbitOf } from './unicode.ts'

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

describe('the short translation of Unicode \\w (ID_Continue patched by ranges)', () => {
  const translated = (pattern: string) => {
    const r = compileRegexWith(pattern, 'regexp')
    if (!r.ok || r.regex.engine !== 'regexp') throw new Error(pattern)
    return r.regex
  }

  it('matches exactly the \\w set, for every code point', () => {
    const word = perlWord()
    const re = translated('^\\w$')
    const notWord = translated('^\\W$')
    const wrong: number[] = []
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const s = String.fromCodePoint(cp)
      const inWord = contains(word, cp)
      if (re.test(s) !== inWord || notWord.test(s) === inWord) wrong.push(cp)
    }
    expect(wrong).toEqual([])
  })

  it('is exact inside look-behinds and look-aheads (\\b) at every range edge of \\w and ID_Continue', () => {
    const edges = new Set<number>()
    for (const set of [perlWord(), propertySet('\\p{ID_Continue}')]) {
      const r = set.ranges
      for (let i = 0; i < r.length; i++) for (const d of [-1, 0, 1]) edges.add((r[i] as number) + d)
    }
    const after = translated('x\\b')
    const before = translated('\\bx')
    const vmAfter = compileRegexWith('x\\b', 'pike-vm')
    const vmBefore = compileRegexWith('\\bx', 'pike-vm')
    if (!vmAfter.ok || !vmBefore.ok) throw new Error('vm')
    const wrong: number[] = []
    for (const cp of edges) {
      if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) continue
      const c = String.fromCodePoint(cp)
      if (after.exec(`x${c}`)?.[0] !== vmAfter.regex.exec(`x${c}`)?.[0]) wrong.push(cp)
      if (before.exec(`${c}x`)?.[0] !== vmBefore.regex.exec(`${c}x`)?.[0]) wrong.push(cp)
    }
    expect(wrong).toEqual([])
  })
})

describe('set algebra fast paths', () => {
  // Random normalised sets, small and large, over a narrow alphabet so that they touch often.
  const set = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 6 })), { maxLength: 40 })
    .map((xs) => setFromRanges(xs.flatMap(([lo, len]) => [lo, lo + len])))
  const slow = (pairs: readonly number[]) => {
    const items: [number, number][] = []
    for (let i = 0; i < pairs.length; i += 2) items.push([pairs[i] as number, pairs[i + 1] as number])
    items.sort((a, b) => a[0] - b[0])
    const out: number[] = []
    for (const [lo, hi] of items) {
      const n = out.length
      if (n > 0 && lo <= (out[n - 1] as number) + 1) out[n - 1] = Math.max(out[n - 1] as number, hi)
      else out.push(lo, hi)
    }
    return out
  }

  it('union (merge and small-into-large paths) equals sorting all ranges', () => {
    fc.assert(
      fc.property(set, set, (a, b) => {
        expect(union(a, b).ranges).toEqual(slow([...a.ranges, ...b.ranges]))
      }),
      { numRuns: 3000 },
    )
  })

  it('union of a large set and a few ranges (the bulk-copy path) equals sorting all ranges', () => {
    const big = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 6 })), { minLength: 60, maxLength: 120 })
      .map((xs) => setFromRanges(xs.flatMap(([lo, len]) => [lo, lo + len])))
      .filter((set) => set.ranges.length >= 64)
    const few = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3010 }), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 4 })
      .map((xs) => setFromRanges(xs.flatMap(([lo, len]) => [lo, lo + len])))
    fc.assert(
      fc.property(big, few, (a, b) => {
        expect(union(a, b).ranges).toEqual(slow([...a.ranges, ...b.ranges]))
        expect(union(b, a).ranges).toEqual(slow([...a.ranges, ...b.ranges]))
        expect(overlaps(a, b)).toBe(intersect(a, b).ranges.length > 0)
      }),
      { numRuns: 2000 },
    )
  })

  it('overlaps agrees with a non-empty intersection, and difference with its definition', () => {
    fc.assert(
      fc.property(set, set, (a, b) => {
        expect(overlaps(a, b)).toBe(intersect(a, b).ranges.length > 0)
        const d = difference(a, b)
        const wrong: number[] = []
        for (let c = 0; c <= 310; c++) if (contains(d, c) !== (contains(a, c) && !contains(b, c))) wrong.push(c)
        expect(wrong).toEqual([])
      }),
      { numRuns: 1000 },
    )
  })
})

describe('error kinds', () => {
  const errorOf = (pattern: string): RegexError => {
    const compiled = compileRegex(pattern)
    if (compiled.ok) throw new Error(`${pattern} compiled`)
    return compiled.error
  }

  it.each([
    ['(a', 'groupUnclosed'],
    ['[a', 'classUnclosed'],
    ['a)', 'groupUnopened'],
    ['*a', 'repetitionMissing'],
    ['[z-a]', 'classRangeInvalid'],
    ['a\\', 'escapeUnexpectedEof'],
    ['a{3,1}', 'repetitionCountInvalid'],
    ['(?=a)', 'lookAround'],
  ])('names the kind of %s: %s', (pattern, kind) => {
    expect(regexErrorKind(errorOf(pattern))).toBe(kind)
  })
})
