import { describe, expect, it } from 'vitest'
import { checkRegexPath } from './engine-check.ts'
import { pcreRefusal } from './pcre.ts'

describe('pcreRefusal', () => {
  it.each([
    ['/\\u0041', 1],
    ['/[\\u{41}]', 2],
    ['/\\U00000041', 1],
    ['/(?u)a', 3],
    ['/(?-u:a)', 3],
    ['/(?R)x', 3],
    ['/(?iu)x', 3],
  ])('refuses Rust-only syntax in %s', (pattern, offset) => {
    expect(pcreRefusal(pattern)?.offset).toBe(offset)
  })

  it.each(['/\\d+/(?P<id>\\w+)', '/(?<id>x)', '/(?i)abc', '/(?i-s:a.)', '/(?x) a b', '/(?U)a+', '/(?:x)', '/(?=a)', '/(?!a)', '/\\\\u', '/[a-z]{2,}$', '/(?-i)a', '/a\\(?u', '/[(?u)]', '/[]a(?u)]', '/[^]a(?R)]', '/[[:alpha:](?u)]x'])(
    'accepts %s, which PCRE compiles',
    (pattern) => {
      expect(pcreRefusal(pattern)).toBeUndefined()
    },
  )

  it('makes a regex path a validation error with the offset', () => {
    expect(checkRegexPath('~/\\u0041')).toBe("invalid regex: '/\\u0041' (PCRE returned: PCRE does not support \\L, \\l, \\N{name}, \\U, or \\u at offset 1)")
    expect(checkRegexPath('~/(?u)a')).toMatch(/unrecognized character after \(\? or \(\?-/)
    expect(checkRegexPath('~/users/(?<id>\\d+)')).toBeUndefined()
  })
})
