import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FieldContext } from '../context/context.ts'
import { MatchRecord } from '../context/match.ts'
import type { Expr } from '../syntax/ast.ts'
import { parse } from '../syntax/parser.ts'
import { parseIpAddr } from '../values/ip.ts'
import { RegexCache } from '../values/regex/index.ts'
import { compileRoute } from './compiler.ts'
import { MatcherCache, partKey } from './matcher-cache.ts'
import { runMatcher } from './predicate.ts'

const regexes = new RegexCache()

function tree(source: string): Expr {
  const parsed = parse(source, { regexes })
  if (!parsed.ok) throw new Error(`${source}: ${parsed.diagnostics.map((d) => d.message).join('; ')}`)
  return parsed.value
}

describe('partKey', () => {
  it('is the same for parts that test the same thing, however spelled', () => {
    expect(partKey(tree('http.path == "/a"'))).toBe(partKey(tree('http.path == r#"/a"#')))
    expect(partKey(tree('a == 0x10'))).toBe(partKey(tree('a == 16')))
    expect(partKey(tree('(a == 1) && (a == 2)'))).toBe(partKey(tree('a == 1 && a == 2')))
    expect(partKey(tree('net.src.ip in 10.0.0.0/8'))).toBe(partKey(tree('net.src.ip in 10.0.0.0/8')))
  })

  it('differs wherever the parts differ: field, transformation, operator, literal type and value, structure', () => {
    const keys = [
      'http.path == "/a"',
      'http.host == "/a"',
      'lower(http.path) == "/a"',
      'any(http.path) == "/a"',
      'http.path ^= "/a"',
      'http.path == "/b"',
      'a == 1',
      'a != 1',
      'a == 2',
      '!(a == 1)',
      '(a == 1 || a == 2) && a == 3',
      'a == 1 || (a == 2 && a == 3)',
      'a == 1 && a == 2 && a == 3',
      'net.src.ip == 10.0.0.1',
      'net.src.ip in 10.0.0.0/8',
      'http.path ~ "/a"',
    ].map((source) => partKey(tree(source)))
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys).not.toContain(undefined)
  })

  it('gives up past its budget, without copying a long literal', () => {
    expect(partKey(tree(`http.path == "${'x'.repeat(600)}"`))).toBeUndefined()
    expect(partKey(tree(Array.from({ length: 60 }, (_, i) => `a == ${i}`).join(' || ')))).toBeUndefined()
    expect(partKey(tree('a == 1'), 3)).toBeUndefined()
  })
})

describe('MatcherCache', () => {
  const matcher = (): boolean => true

  it('keeps a part from its second sighting on', () => {
    const cache = new MatcherCache()
    cache.offer('k', matcher)
    expect(cache.get('k')).toBeUndefined()
    cache.offer('k', matcher)
    expect(cache.get('k')).toBe(matcher)
    expect(cache.size).toBe(1)
  })

  it('forgets the oldest part past maxEntries, and starts its sightings again past maxSeen', () => {
    const cache = new MatcherCache(2, 3)
    for (const key of ['a', 'b', 'a', 'b']) cache.offer(key, matcher)
    expect([cache.get('a'), cache.get('b')]).toEqual([matcher, matcher])
    cache.offer('c', matcher) // the third key seen: sightings start again
    cache.offer('d', matcher)
    cache.offer('d', matcher)
    expect([cache.get('a'), cache.get('b'), cache.get('d'), cache.size]).toEqual([undefined, matcher, matcher, 2])
  })
})

const INT = fc.integer({ min: 0, max: 3 }).map((n) => `a == ${n}`)
const STRING = fc.tuple(fc.constantFrom('http.path', 'lower(http.path)', 'any(http.path)', 'http.host'), fc.constantFrom('==', '!=', '^=', '=^', 'contains', '~'), fc.constantFrom('/a', '/A', '/ab', 'b', '')).map(([f, o, v]) => `${f} ${o} ${JSON.stringify(v)}`)
const IP = fc.tuple(fc.constantFrom('==', '!=', 'in', 'not in'), fc.constantFrom('10.0.0.1', '10.0.0.0/8', '192.168.0.0/16')).map(([o, v]) => (o.includes('in') === v.includes('/') ? `net.src.ip ${o} ${v}` : `net.src.ip == 10.0.0.1`))
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    INT,
    STRING,
    IP,
    fc.tuple(tie('e'), fc.constantFrom('&&', '||'), tie('e')).map(([l, o, r]) => `(${l}) ${o} (${r})`),
    tie('e').map((e) => `!(${e})`),
  ),
})).e
const context = fc.record(
  { a: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }), 'http.path': fc.array(fc.constantFrom('/a', '/A', '/ab', '/b'), { minLength: 1, maxLength: 2 }), 'http.host': fc.constantFrom('b', 'ab'), 'net.src.ip': fc.constantFrom('10.0.0.1', '192.168.1.1') },
  { requiredKeys: [] },
)

describe('shared parts', () => {
  it('give every route the results and recordings its own compilation gives', () => {
    fc.assert(
      fc.property(fc.array(expression, { minLength: 1, maxLength: 12 }), fc.array(context, { minLength: 1, maxLength: 4 }), (sources, contexts) => {
        const cache = new MatcherCache()
        // Twice over, so that the second round finds every part the first one offered.
        const trees = [...sources, ...sources].map(tree)
        const shared = trees.map((expr) => compileRoute(expr, { regexes, matchers: cache }).matcher)
        const own = trees.map((expr) => compileRoute(expr, { regexes }).matcher)
        for (const values of contexts) {
          const ctx = new FieldContext()
          for (const [field, raw] of Object.entries(values)) {
            for (const value of Array.isArray(raw) ? raw : [raw]) ctx.add(field, field === 'net.src.ip' ? (parseIpAddr(value as string) as NonNullable<ReturnType<typeof parseIpAddr>>) : (value as string | number))
          }
          shared.forEach((matcher, i) => {
            const a = new MatchRecord()
            const b = new MatchRecord()
            expect(runMatcher(matcher, ctx, a)).toBe(runMatcher(own[i] as typeof matcher, ctx, b))
            expect(a.toMatch('r', 0n)).toEqual(b.toMatch('r', 0n))
          })
        }
      }),
      { numRuns: 3000 },
    )
  })
})
