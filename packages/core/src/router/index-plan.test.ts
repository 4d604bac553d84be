import { describe, expect, it } from 'vitest'
import { and, anyOf, not, predicate, stringLiteral } from '../syntax/build.ts'
import { RegexCache } from '../values/regex/index.ts'
import { asciiFold, foldedLiteralPrefix, planIndex } from './index-plan.ts'

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

describe('planning long chains', () => {
  // A converted traditional route with thousands of hosts is one left-deep `||` chain; planning walks
  // its spine in a loop, so the length of the chain is not a depth of recursion.
  it('plans a chain of 50,000 alternatives without recursing through it, with one plain reason', () => {
    const hosts = Array.from({ length: 50_000 }, (_, i) => predicate('http.host', 'equals', stringLiteral(`h${i}.example`)))
    const chain = and(anyOf(hosts), predicate('http.path', 'prefix', stringLiteral('/api')))
    const plan = planIndex(chain, new RegexCache())
    expect(plan.placements?.map((p) => p.map((a) => `${a.kind}:${a.field}:${'text' in a ? a.text : ''}`))).toEqual([['prefix:http.path:/api']])
    const alone = planIndex(anyOf(hosts), new RegexCache())
    expect(alone.placements).toBeUndefined()
    expect(alone.reason).toMatch(/^more than \d+ alternatives$/)
  })

  it('reports an unindexable branch deep in a chain once, not once per level', () => {
    const branches = Array.from({ length: 3_000 }, (_, i) => predicate('http.host', 'equals', stringLiteral(`h${i}.example`)))
    const chain = anyOf([not(predicate('http.path', 'prefix', stringLiteral('/x'))), ...branches])
    expect(planIndex(chain, new RegexCache()).reason).toBe('an `||` branch cannot be indexed (a `!(...)` group gives no condition that every match must meet)')
  })
})
