import { describe, expect, it } from 'vitest'
import { type CompiledRegex, RegexCache, compileRegex, compileRegexWith, literalPrefix } from './index.ts'
import { groupsOf } from './test-corpus.ts'

function compile(pattern: string, engine: 'auto' | 'regexp' | 'pike-vm' = 'auto'): CompiledRegex {
  const r = compileRegexWith(pattern, engine)
  if (!r.ok) throw new Error(`${pattern}: ${r.error.message}`)
  return r.regex
}

/** [pattern, input, expected groups or null]; every row runs on both engines. */
const MATCHES: readonly (readonly [string, string, (string | undefined)[] | null])[] = [
  // K9: unanchored, named group, non-participating group
  ['/(\\d+)/(?P<name>[a-z]+)(x)?', '/foo/123/abc/z', ['/123/abc', '123', 'abc', undefined]],
  // K16
  ['^/\\D+/test$', '/123/test', null],
  ['^/\\d+/test$', '/123/test', ['/123/test']],
  // K10 (the router lowercases first; the regex itself is case-sensitive)
  ['FOO', '/foo', null],
  ['^/foo/(.*)$', '/foo/bar', ['/foo/bar', 'bar']],
  // K12
  ['', 'xyz', ['']],
  // K17
  ['/\\/*user$', '/user', ['/user']],
  // unanchored search, leftmost-first
  ['/foo/\\d', '/some/thing/foo/1', ['/foo/1']],
  ['a|ab', 'ab', ['a']],
  ['ab|a', 'ab', ['ab']],
  ['(a+?)(b*)', 'aab', ['a', 'a', '']],
  ['(?U)a+', 'aaa', ['a']],
  ['(?U)a+?', 'aaa', ['aaa']],
  ['a{2,3}', 'aaaa', ['aaa']],
  ['a{2,3}?', 'aaaa', ['aa']],
  ['x{0}y', 'xy', ['y']],
  // Unicode-aware Perl classes
  ['^\\d+$', '٣٤', ['٣٤']],
  ['^\\w+$', 'éß日本', ['éß日本']],
  ['^\\s$', '\u00a0', ['\u00a0']],
  ['^\\s$', '\u2028', ['\u2028']],
  ['^\\s$', '\u180e', null], // not White_Space in Unicode 6.3+
  ['\\bfoo\\b', 'éfoo', null], // é is a word character for Rust's \b
  ['\\bfoo\\b', '-foo-', ['foo']],
  ['\\Bfoo', 'éfoo', ['foo']],
  ['(?-u:\\b)foo', 'éfoo', ['foo']],
  ['\\b{start}a', 'ba a', ['a']],
  ['a\\b{end}', 'ab a', ['a']],
  ['\\<x\\>', 'axa x', ['x']],
  ['\\b{start-half}x', 'ax x', ['x']],
  // dot and line anchors
  ['.', '\n', null],
  ['.', '\r', ['\r']],
  ['(?s).', '\n', ['\n']],
  ['(?R).', '\r', null],
  ['a$', 'a\n', null],
  ['$', 'a\n', ['']],
  ['(?m)a$', 'a\nb', ['a']],
  ['(?m)^b', 'a\nb', ['b']],
  ['(?m)a$', 'a\r\nb', null],
  ['(?mR)a$', 'a\r\nb', ['a']],
  ['(?mR)^b', 'a\r\nb', ['b']],
  ['(?mR)^$', '\r\n', ['']],
  ['\\Aa', 'ba', null],
  ['a\\z', 'ab', null],
  // case folding
  ['(?i)abc', 'xAbC', ['AbC']],
  ['(?i)k', '\u212a', ['\u212a']],
  ['(?i)ſ', 'S', ['S']],
  ['(?i)σ', 'ς', ['ς']],
  ['(?i)straße', 'STRASSE', null], // simple folding only
  // regex 1.11 folds with Unicode 16's CaseFolding.txt: its new pairs and new simple foldings...
  ['(?i)\\x{1C89}', '\u1C8A', ['\u1C8A']],
  ['(?i)\u0264', '\uA7CB', ['\uA7CB']],
  ['(?i)[\\x{10D70}-\\x{10D85}]+', '\u{10D50}\u{10D65}', ['\u{10D50}\u{10D65}']],
  ['(?i)\\x{1FD3}', '\u0390', ['\u0390']],
  ['(?i)\u03B0', '\u1FE3', ['\u1FE3']],
  ['(?i)\uFB05', '\uFB06', ['\uFB06']],
  // ...but not Unicode 17's, which the platform knows and Rust does not
  ['(?i)\\x{A7CE}', '\uA7CF', null],
  ['(?i)\uA7D3', '\uA7D2', null],
  ['(?i)\\x{16EA0}', '\u{16EBB}', null],
  ['(?i)[a-c]+', 'ABC', ['ABC']],
  ['(?i)[^a]', 'A', null],
  ['(?i)[a-z--k]+', 'abK', ['ab']],
  ['a(?i)b|c', 'C', ['C']], // flags persist into later branches
  ['(?i:a)b', 'AB', null],
  ['(?i:a)b', 'Ab', ['Ab']],
  ['(?i)a(?-i)b', 'AB', null],
  ['(?-u)(?i)é', 'É', null],
  // classes
  ['[a-z&&[^aeiou]]+', 'aeibcd', ['bcd']],
  ['[a-c~~b-d]+', 'bcad', ['ad']],
  ['[[:alpha:]]+', '12abc3', ['abc']],
  ['[[:^digit:]]+', '12abc3', ['abc']],
  ['[[:loower:]]+', 'lower:', ['lower:']],
  ['[]a]+', 'x]a]', [']a]']],
  ['[-a]+', 'x-a', ['-a']],
  ['\\p{Greek}+', 'abc αβγ', ['αβγ']],
  ['\\PN+', '12ab3', ['ab']],
  ['\\p{Lu}', 'abC', ['C']],
  ['\\p{sc=Latin}+', 'αab', ['ab']],
  ['[^\\x00-\\x{10FFFF}]', 'abc', null],
  ['[\\x00-\\x{10FFFF}]', '😀', ['😀']],
  // escapes
  ['\\x41\\u0042\\u{43}\\U00000044\\x{1F600}', 'ABCD😀', ['ABCD😀']],
  ['\\a\\f\\v', '\x07\x0c\x0b', ['\x07\x0c\x0b']],
  ['\\/\\-\\.', '/-.', ['/-.']],
  ['(?x) a \\  b # comment\n c', 'a bc', ['a bc']],
  // code points, not UTF-16 units
  ['^.$', '😀', ['😀']],
  ['^..$', '😀', null],
  ['😀+', 'x😀😀', ['😀😀']],
  // captures follow Rust (last iteration wins, values persist across iterations)
  ['(?:(a)|b)+', 'ab', ['ab', 'a']],
  ['(a)|b', 'b', ['b', undefined]],
  ['(a*)+', 'b', ['', '']],
  ['(a?)*', '', ['', '']], // Rust (like Perl) allows one empty iteration; JS would give undefined
  ['(?:(a)|(b))+', 'ab', ['ab', 'a', 'b']],
  ['(a|ab)(c|bcd)(d*)', 'abcd', ['abcd', 'a', 'bcd', '']],
  // x{0} is the empty regex in Rust: groups inside it vanish (later ones keep their numbers)
  ['(a){0}(b)', 'ab', ['b', undefined, 'b']],
  ['(b)(a){0}', 'ab', ['b', 'b']],
  // a repetition of something that only matches empty repeats at most once (regex-syntax)
  ['(\\b)*x', 'x', ['x', '']],
  // x* with x able to match empty is (x+)? in Rust's NFA: Perl's preference order
  ['(?:a*?)*', 'aa', ['']],
  ['(?:\\D??|é)*', 'ẞ-', ['']],
]

describe('matching', () => {
  for (const engine of ['auto', 'pike-vm', 'regexp'] as const) {
    describe(engine, () => {
      it.each(MATCHES)('%s on %j', (pattern, input, expected) => {
        if (engine === 'regexp' && !['auto-regexp'].includes('auto-' + compile(pattern).engine)) {
          // Forcing RegExp on a pattern the analysis rejected is not a supported configuration.
          return
        }
        const re = compile(pattern, engine)
        expect(groupsOf(re.exec(input))).toEqual(expected)
        expect(re.test(input)).toBe(expected !== null)
      })
    })
  }
})

describe('engine choice', () => {
  it('uses the translated RegExp for typical route regexes', () => {
    for (const p of [
      '^/base/users/\\d+/orders$',
      '(?i)^/api/v[0-9]+/items/(?P<id>[a-z0-9-]+)$',
      '^/users/(?P<id>\\d+)$',
      '^/static/.*$',
      '^/(foo|bar)/[^/]+$',
      '\\.(css|js|png)$',
      '^/api/v\\d+/',
      '/(\\d+)/(?P<name>[a-z]+)(x)?', // K9: what follows [a-z]+ overlaps it but cannot fail
      '^/(users|user)/\\d+$', // one ambiguous alternation outside loops
      '^/api/(.*)/items$', // one ambiguous loop, nothing loops after it
      '^/(a|)b$',
    ]) {
      expect([p, compile(p).engine]).toEqual([p, 'regexp'])
    }
  })

  it('uses the Pike VM for patterns a backtracker could blow up on', () => {
    for (const p of ['^(a+)+$', '(a|a)*b', '(a*)*b', '(x+x+)+y', 'a*a*a*a*a*a*b', '\\d+x', '^(.*),(.*),x$', '(a|ab)+c', '(?:(a)|b)+', '(a?)*', '^.*/[^?]+x$', '^(a|a)(a|a)(a|a)(a|a)(a|a)b', '/api/.*/x', '^a?a?a?aaa$']) {
      expect([p, compile(p).engine]).toEqual([p, 'pike-vm'])
    }
  })
})

describe('linear time on catastrophic patterns', () => {
  // Each input is large enough that a backtracking engine would not finish within the test timeout.
  const n = 20_000
  const rows: readonly (readonly [string, string, boolean])[] = [
    ['^(a+)+$', 'a'.repeat(30) + '!', false],
    ['^(a+)+$', 'a'.repeat(n) + '!', false],
    ['(a|a)*b', 'a'.repeat(n), false],
    ['(a*)*b', 'a'.repeat(n), false],
    ['(x+x+)+y', 'x'.repeat(n), false],
    ['a*a*a*a*a*a*b', 'a'.repeat(n), false],
    ['\\d+x', '1'.repeat(n), false],
    ['^(\\w+\\s?)*$', 'word '.repeat(n / 5) + '!', false],
    ['(a|aa)+$', 'a'.repeat(n) + 'b', false],
    ['(a|a)*b', 'a'.repeat(n) + 'b', true],
    ['^(.*),(.*),x$', ','.repeat(n), false],
    ['^.*/[^?]+x$', '/'.repeat(n), false],
    ['^/api/(.*)/items$', '/api/' + '/'.repeat(n), false],
    ['^(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)b', 'a'.repeat(30), false],
  ]
  it.each(rows)('%s', (pattern, input, expected) => {
    const re = compile(pattern)
    expect(re.test(input)).toBe(expected)
    expect(re.exec(input) !== null).toBe(expected)
  })
})

describe('lone surrogates (impossible in Rust strings)', () => {
  it.each(['^\\p{C}$', '^\\p{Assigned}$', '^\\PL$', '^\\W$', '^[^a]$', '^.$', '^(?s:.)$'])('%s never matches one, on either engine', (p) => {
    for (const engine of ['regexp', 'pike-vm'] as const) {
      const re = compile(p, engine)
      expect(re.test('\uD800')).toBe(false)
      expect(re.test('\uDC00')).toBe(false)
      expect(re.test('\u0001')).toBe(true)
    }
  })
})

describe('literalPrefix', () => {
  it.each([
    ['^/foo/bar', '/foo/bar'],
    ['^/api/v[0-9]+/items', '/api/v'],
    ['^/users/(?P<id>\\d+)$', '/users/'],
    ['\\A/x', '/x'],
    ['^(/users)/(\\d+)', '/users/'],
    ['^/a|^/ab', '/a'],
    ['^/x{3}y', '/xxxy'],
    ['^/fo+', '/fo'],
    ['^/foo?', '/fo'],
    ['(?i)^/api', '/'],
    ['^/(?i:a)b', '/'],
    ['^$', ''],
  ])('%s → %j', (pattern, prefix) => {
    expect(literalPrefix(pattern)).toBe(prefix)
    // The compiled form carries the same prefix, whichever engine runs it (the route index reads it there).
    for (const engine of ['auto', 'pike-vm'] as const) {
      const compiled = compileRegexWith(pattern, engine)
      expect(compiled.ok && compiled.regex.literalPrefix).toBe(prefix)
    }
    expect(new RegexCache().literalPrefix(pattern)).toBe(prefix)
  })

  it.each(['/foo', '(?m)^/foo', '^/a|/b', 'x^/a', '([', '\\b^/a'])('%s → undefined', (pattern) => {
    expect(literalPrefix(pattern)).toBeUndefined()
    expect(new RegexCache().literalPrefix(pattern)).toBeUndefined()
  })
})

describe('RegexCache', () => {
  it('compiles each pattern once and keeps errors', () => {
    const cache = new RegexCache()
    const a = cache.get('^/a$')
    expect(cache.get('^/a$')).toBe(a)
    expect(cache.get('(').ok).toBe(false)
    expect(cache.size).toBe(2)
  })

  it('drops the oldest entry beyond its bound', () => {
    const cache = new RegexCache(2)
    const a = cache.get('a')
    cache.get('b')
    cache.get('c')
    expect(cache.size).toBe(2)
    expect(cache.get('a')).not.toBe(a)
  })
})

describe('compileRegex', () => {
  it('keeps the source and exposes names', () => {
    const r = compileRegex('^/(?P<id>\\d+)$')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.regex.source).toBe('^/(?P<id>\\d+)$')
    expect(r.regex.groupNames).toEqual([undefined, 'id'])
  })
})
