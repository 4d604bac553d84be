import { describe, expect, it } from 'vitest'
import { checkRegexPath } from './engine-check.ts'
import { pcreRefusal } from './pcre.ts'

describe('pcreRefusal', () => {
  // Offsets as PCRE2 10.42's pcre2test gives them for the pattern without its leading `/`, plus one.
  it.each([
    ['/\\u0041', 3],
    ['/[\\u{41}]', 4],
    ['/\\U00000041', 3],
    ['/(?u)a', 3],
    ['/(?-u:a)', 4],
    ['/(?Ri)x', 4],
    ['/(?iu)x', 4],
  ])('refuses Rust-only syntax in %s', (pattern, offset) => {
    expect(pcreRefusal(pattern)?.offset).toBe(offset)
  })

  // Each checked with PCRE2 10.42's pcre2test (texts, and offsets plus one for the leading `/`);
  // Rust's regex accepts them all.
  it.each([
    ['/a**', 'quantifier does not follow a repeatable item', 3],
    ['/a+*', 'quantifier does not follow a repeatable item', 3],
    ['/a{2}{3}', 'quantifier does not follow a repeatable item', 7],
    ['/(a)**', 'quantifier does not follow a repeatable item', 5],
    ['/a*?*', 'quantifier does not follow a repeatable item', 4],
    ['/[a--b]', 'range out of order in character class', 4],
    ['/[z-a]', 'range out of order in character class', 4],
    ['/[[:alpha:]-z]', 'invalid range in character class', 11],
    ['/[a-\\d]', 'invalid range in character class', 6],
    ['/(?<a.b>x)', 'syntax error in subpattern name (missing terminator?)', 5],
    ['/(?P<a[1]>x)', 'syntax error in subpattern name (missing terminator?)', 6],
    [`/(?<${'n'.repeat(33)}>x)`, 'subpattern name is too long (maximum 32 code units)', 37],
    ['/a{65536}', 'number too big in {} quantifier', 8],
    ['/a{1,65536}', 'number too big in {} quantifier', 10],
    // Rust reads an unknown `[:foo:]` as a nested class of its characters.
    ['/[[:foo:]]', 'unknown POSIX class name', 4],
    ['/[a[:^bar:]]', 'unknown POSIX class name', 6],
    ['/(?i', 'missing closing parenthesis', 4],
    ['/a\\L', 'PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u', 4],
    ['/[\\l]', 'PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u', 4],
    ['/[[:a b:]]', 'unknown POSIX class name', 4],
    ['/[[.a.]]', 'POSIX collating elements are not supported', 2],
    ['/[=a=]', 'POSIX collating elements are not supported', 1],
    ['/[:alpha:]', 'POSIX named classes are supported only within a class', 1],
    // Without UTF mode a code point is one byte (PCRE2 10.42, offsets after the `}`).
    ['/\\x{100}', 'character code point value in \\x{} or \\o{} is too large', 8],
    ['/a\\x{0100}b', 'character code point value in \\x{} or \\o{} is too large', 10],
    ['/[\\x{100}]', 'character code point value in \\x{} or \\o{} is too large', 9],
    ['/[a-\\x{100}]', 'character code point value in \\x{} or \\o{} is too large', 11],
    ['/[\\x{100}-\\x{200}]', 'character code point value in \\x{} or \\o{} is too large', 9],
    ['/\\o{400}', 'character code point value in \\x{} or \\o{} is too large', 8],
    ['/\\x{D800}', 'character code point value in \\x{} or \\o{} is too large', 9],
  ])('refuses %s as PCRE does: %s', (pattern, message, offset) => {
    expect(pcreRefusal(pattern)).toEqual({ message, offset })
  })

  it.each(['/\\d+/(?P<id>\\w+)', '/(?<id>x)', '/(?i)abc', '/(?i-s:a.)', '/(?x) a b', '/(?U)a+', '/(?:x)', '/(?=a)', '/(?!a)', '/\\\\u', '/[a-z]{2,}$', '/(?-i)a', '/a\\(?u', '/[(?u)]', '/[]a(?u)]', '/[^]a(?R)]', '/[[:alpha:](?u)]x', '/(?R)x', '/(?J)a', '/(?n)a', '/[[:a]', '/[a:b:]', '/[[:^alpha:]]', '/a*?', '/a+?b', '/a??', '/a*+', '/a{2}?', '/a{2,3}+', '/a{65535}', '/[a-]', '/[-a]', '/[\\d-]', '/[a\\-z]', '/[\\x41-\\x{5A}]', '/[ü-é]', '/(?<id_2>x)', `/(?<${'n'.repeat(32)}>x)`, '/(?<=a)b', '/(?<!a)b', '/a{,2}', '/x{y}', '/\\x{41}{2}', '/(a|b)+', '/[a[b]+', '/\\x{ff}', '/\\x{000000ff}', '/[\\x{0}-\\x{ff}]', '/\\\\x{100}'])(
    'accepts %s, which PCRE compiles',
    (pattern) => {
      expect(pcreRefusal(pattern)).toBeUndefined()
    },
  )

  it('makes a regex path a validation error with the rest of the pattern from the offset, as nginx writes it', () => {
    expect(checkRegexPath('~/\\u0041')).toBe('invalid regex: \'/\\u0041\' (PCRE returned: pcre2_compile() failed: PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u in "/\\u0041" at "0041")')
    expect(checkRegexPath('~/a**')).toBe('invalid regex: \'/a**\' (PCRE returned: pcre2_compile() failed: quantifier does not follow a repeatable item in "/a**" at "*")')
    expect(checkRegexPath('~/(?u)a')).toMatch(/unrecognized character after \(\? or \(\?-/)
    expect(checkRegexPath('~/users/(?<id>\\d+)')).toBeUndefined()
  })
})
