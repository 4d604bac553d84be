import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileRegex, literalPrefix, literalPrefixes, RegexCache } from './index.ts'

describe('literalPrefixes: literals one of which every match starts with', () => {
  it.each([
    ['^/users/\\d+$', ['/users/']],
    ['^/reports/(devices|bookmarks)/search$', ['/reports/bookmarks/search', '/reports/devices/search']],
    ['^/v[12]/items', ['/v1/items', '/v2/items']],
    ['^/(a|ab)/x', ['/a/x', '/ab/x']],
    ['^/(a|a/b)', ['/a']],
    ['^/a(b|)c', ['/abc', '/ac']],
    ['^/a(b)?c', ['/a']],
    ['(^/a|^/b)c', ['/a', '/b']],
    ['^/(a|b)|^/c', ['/a', '/b', '/c']],
    ['^/(?P<id>x|y)z', ['/xz', '/yz']],
    ['^/[\\-_]x', ['/-x', '/_x']],
    ['^/k', ['/k']],
    // The case spellings of a letter are not spelled out: the index folds such prefixes instead.
    ['(?i)^/k', ['/']],
    ['(?i)^/[k-l]x', ['/']],
    ['^/\u{1F600}(a|b)', ['/\u{1F600}a', '/\u{1F600}b']],
  ])('%s → %j', (pattern, prefixes) => {
    expect(literalPrefixes(pattern)).toEqual(prefixes)
    const compiled = compileRegex(pattern)
    expect(compiled.ok && compiled.regex.literalPrefixes).toEqual(prefixes)
    expect(new RegexCache().literalPrefixes(pattern)).toEqual(prefixes)
  })

  it.each([
    '/users', // not anchored
    '^\\d+', // no literal
    '^(/a|\\d)', // a branch without a literal
    '^/a|/b', // a branch not anchored
    '(?m)^/a', // anchored at a line, not the text
    '^(', // invalid
  ])('%s → undefined', (pattern) => {
    expect(literalPrefixes(pattern)).toBeUndefined()
  })

  it('stays within 16 texts: longer sets stop growing and keep what every match starts with', () => {
    // [ab][cd][ef][gh] makes 16 texts, a fifth class would make 32.
    const many = literalPrefixes('^/[ab][cd][ef][gh][ij]x')
    expect(many).toHaveLength(16)
    for (const text of many ?? []) expect(text).toMatch(/^\/[ab][cd][ef][gh]$/)
    // 17 branches: the common prefix, as literalPrefix gives.
    const branches = Array.from({ length: 17 }, (_, i) => `b${String(i).padStart(2, '0')}`).join('|')
    expect(literalPrefixes(`^/x/(${branches})`)).toEqual(['/x/b'])
    expect(literalPrefix(`^/x/(${branches})`)).toBe('/x/b')
  })
})

describe('literalPrefixes, as a property', () => {
  const atom: fc.Arbitrary<string> = fc.letrec<{ atom: string; seq: string }>((tie) => ({
    atom: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('a', 'b', '/', '1', 'A', 'k', '\\d', '[ab]', '[12]', '[a/]', '[^a]', '.', '(?i:k)', '(?i:a)'),
      fc.tuple(tie('seq'), tie('seq')).map(([x, y]) => `(${x}|${y})`),
      fc.tuple(tie('seq'), tie('seq'), tie('seq')).map(([x, y, z]) => `(?:${x}|${y}|${z})`),
      fc.tuple(tie('atom'), fc.constantFrom('?', '*', '+', '{2}', '{1,2}')).map(([a, q]) => `(?:${a})${q}`),
    ),
    seq: fc.array(tie('atom'), { minLength: 0, maxLength: 4 }).map((xs) => xs.join('')),
  })).seq
  const anchored = fc.oneof(atom.map((a) => `^${a}`), fc.tuple(atom, atom).map(([x, y]) => `^${x}|^${y}`), fc.tuple(atom, atom).map(([x, y]) => `(?i)^${x}${y}`))
  const input = fc.array(fc.constantFrom('a', 'b', '/', '1', '2', 'A', 'K', 'k', '\u212A', 'x'), { maxLength: 8 }).map((xs) => xs.join(''))

  it('every match starts with one of the texts, and no text begins another', () => {
    fc.assert(
      fc.property(anchored, fc.array(input, { minLength: 1, maxLength: 12 }), (pattern, inputs) => {
        const compiled = compileRegex(pattern)
        if (!compiled.ok) return
        const prefixes = literalPrefixes(pattern)
        expect(compiled.regex.literalPrefixes).toEqual(prefixes)
        if (prefixes === undefined) return
        expect(prefixes.length).toBeLessThanOrEqual(16)
        for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(a)).toBe(false)
        for (const text of inputs) if (compiled.regex.test(text)) expect(prefixes.some((p) => text.startsWith(p))).toBe(true)
      }),
      { numRuns: 3000 },
    )
  })
})
