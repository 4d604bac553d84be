import { describe, expect, it } from 'vitest'
import { asciiFold, foldedLiteralPrefix } from './index-plan.ts'

describe('case-insensitive literal prefixes', () => {
  it.each([
    ['(?i)^/Users/\\d+', '/users/'],
    ['(?i)^/api/v[0-9]+', '/api/v'],
    ['(?i)^/us?ers', '/u'],
    ['(?i)^/a\\-b/c', '/a-b/c'],
    ['(?i)^/a|/b', undefined],
    ['(?i)^/a(b|c)', '/a'],
    ['(?i)^[a]/x', undefined],
    ['(?i)/a', undefined],
    ['(?im)^/a', undefined],
    ['^/a', undefined],
    ['(?i)^/caf\u00e9', '/caf'],
  ])('%s → %s', (pattern, prefix) => {
    expect(foldedLiteralPrefix(pattern)).toBe(prefix)
  })

  it('folds the way Rust (?i) matches ASCII letters, including the Kelvin sign and the long s', () => {
    expect(asciiFold('/USERS/\u212Aey/\u017Fx')).toBe('/users/key/sx')
    expect(asciiFold('/already')).toBe('/already')
    expect(asciiFold('/É')).toBe('/É')
  })
})
