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
    ['(?i)^/k', ['/K', '/k', '/\u212A']],
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
    // u, e, r fold to 2 spellings, s to 3 (`ſ`): `/use` has 12, `/user` would have 24.
    const many = literalPrefixes('(?i)^/users')
    expect(many).toHaveLength(12)
    for (const text of many ?? []) expect(text.toLowerCase().replace('ſ', 's')).toBe('/use')
    // 17 branches: the common prefix, as literalPrefix gives.
    const branches = Array.from({ length: 17 }, (_, i) => `b${String(i).padStart(2, '0')}`).join('|')
    expect(literalPrefixes(`^/x/(${branches})`)).toEqual(['/x/b'])
    expect(literalPrefix(`^/x/(${branches})`)).toBe('/x/b')
  })
})
