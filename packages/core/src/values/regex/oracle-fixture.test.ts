import { describe, expect, it } from 'vitest'
import { compileRegexWith } from './index.ts'
import fixture from './oracle-fixture.json'

/**
 * `oracle-fixture.json` holds the Rust regex crate's own answers (`is_match`, and `captures()` as
 * substrings) for typical route regexes and for each feature of the dialect, plus patterns it
 * rejects: `[pattern, input, isMatch, groups]`, with a null input for a rejected pattern. It was
 * produced by `oracle/build-fixture.mjs` from regex 1.7.1, leaving out the rows where 1.7 and 1.11
 * are known to differ (see README-regex.md).
 */
type Row = [string, string | null, boolean, (string | null)[] | null]
const rows = fixture as Row[]

describe('agreement with the regex crate (oracle-fixture.json)', () => {
  it('has searches and rejected patterns', () => {
    expect(rows.filter((r) => r[1] !== null).length).toBeGreaterThan(500)
    expect(rows.filter((r) => r[1] === null).length).toBeGreaterThan(40)
  })

  it('rejects exactly the patterns Rust rejects', () => {
    const wrong = rows.filter(([pattern, input]) => compileRegexWith(pattern, 'auto').ok !== (input !== null)).map((r) => r[0])
    expect(wrong).toEqual([])
  })

  for (const engine of ['auto', 'pike-vm'] as const) {
    it(`finds what Rust finds, with the same groups (${engine})`, () => {
      const mismatches: string[] = []
      for (const [pattern, input, isMatch, groups] of rows) {
        if (input === null) continue
        const r = compileRegexWith(pattern, engine)
        if (!r.ok) {
          mismatches.push(`${pattern}: ${r.error.message}`)
          continue
        }
        const found = r.regex.exec(input)
        const ours = [r.regex.test(input), found === null ? null : found.map((g) => g ?? null)]
        if (JSON.stringify(ours) !== JSON.stringify([isMatch, groups])) {
          mismatches.push(`${pattern} on ${JSON.stringify(input)}: ${JSON.stringify(ours)}, Rust ${JSON.stringify([isMatch, groups])}`)
        }
      }
      expect(mismatches).toEqual([])
    })
  }
})
