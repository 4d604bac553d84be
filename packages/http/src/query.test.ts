import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToText } from './bytes.ts'
import { decodeQueryComponent } from './percent.ts'
import { createQueryLookup, MAX_QUERY_ARGS, queryOf } from './query.ts'

function collect(query: string, names: string[]): Record<string, string[]> {
  return Object.fromEntries(createQueryLookup(names).collect(query))
}

describe('query lookup', () => {
  it.each([
    ['a=1', { a: ['1'] }],
    ['a=', { a: [''] }],
    ['a', { a: [''] }],
    ['a=2&a=10', { a: ['2', '10'] }],
    ['a&a=1', { a: ['', '1'] }],
    ['A=1', {}],
    ['b=1&a=x=y', { a: ['x=y'] }],
    ['=1&a=2', { a: ['2'] }],
    ['&&a=3&', { a: ['3'] }],
    ['a=hello+world', { a: ['hello world'] }],
    ['a=%2B', { a: ['+'] }],
    ['%61=1', { a: ['1'] }],
    ['a+b=1', { 'a b': ['1'] }],
    ['a=%zz', { a: ['%zz'] }],
    ['a=%4', { a: ['%4'] }],
    ['a=%', { a: ['%'] }],
    // OpenResty keeps a '%' that starts no escape and decodes what follows it as usual
    // (Kong differential run: ngx_http_lua_unescape_uri since lua-nginx-module 0.10.20)
    ['a=%+', { a: ['% '] }],
    ['a=%%41', { a: ['%A'] }],
    ['a=%4%41', { a: ['%4A'] }],
    ['a=%4+', { a: ['%4 '] }],
    ['a=1%', { a: ['1%'] }],
    ['%%61=1', {}],
    ['%a=%%61', {}],
    ['a=%a%2B', { a: ['%a+'] }],
    ['a=%é', { a: ['%\u00c3\u00a9'] }],
    ['a=%C3%A9', { a: ['\u00c3\u00a9'] }],
    ['a=é', { a: ['\u00c3\u00a9'] }],
    ['é=1', { é: ['1'] }],
    ['', {}],
  ])('%j → %j (values as bytes)', (query, expected) => {
    expect(collect(query, ['a', 'a b', 'é'])).toEqual(expected)
  })

  it(`reads at most ${MAX_QUERY_ARGS} arguments with a non-empty key`, () => {
    const many = Array.from({ length: 120 }, (_, i) => `a=${i}`).join('&')
    expect(collect(many, ['a'])['a']).toHaveLength(MAX_QUERY_ARGS)
    // empty pieces and empty keys do not count (Kong differential run)
    expect(collect('&'.repeat(100) + 'a=1', ['a'])).toEqual({ a: ['1'] })
    expect(collect('=x&'.repeat(150) + 'a=1', ['a'])).toEqual({ a: ['1'] })
    expect(collect('b&'.repeat(99) + 'a=1&a=2', ['a'])).toEqual({ a: ['1'] })
    expect(collect('b&'.repeat(100) + 'a=1', ['a'])).toEqual({})
  })

  it('decodes to bytes that may not be UTF-8', () => {
    expect(bytesToText(collect('a=%ff', ['a'])['a']?.[0] ?? '')).toEqual({
      ok: false,
      error: 'invalid utf-8 sequence of 1 bytes from index 0',
    })
  })

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (query) => {
        createQueryLookup(['a']).collect(query)
        decodeQueryComponent(query)
      }),
    )
  })
})

describe('queryOf', () => {
  it.each([
    ['/foo?a=1', 'a=1'],
    ['/foo', undefined],
    ['/foo?', ''],
    ['/foo?a=1?b', 'a=1?b'],
    // nginx's $args end at a raw '#', and a '?' after one starts none (Kong differential run)
    ['/foo?a=1#frag', 'a=1'],
    ['/foo?#frag', ''],
    ['/foo#b?a=1', undefined],
    ['/foo?a=1#x?b=2', 'a=1'],
  ])('%j → %j', (target, query) => {
    expect(queryOf(target)).toBe(query)
  })
})
