import { describe, expect, it } from 'vitest'
import { createHeaderLookup, isNginxHeaderName, MAX_HEADERS, type HeaderRecord } from './headers.ts'

function collect(headers: HeaderRecord, names: string[]): Record<string, string[]> {
  return Object.fromEntries(createHeaderLookup(names).collect(headers))
}

describe('header lookup', () => {
  it.each([
    [{ 'Foo-Bar': 'x' }, { foo_bar: ['x'] }],
    [{ 'fOo-BAr': 'x' }, { foo_bar: ['x'] }],
    [{ foo_bar: 'x' }, { foo_bar: ['x'] }],
    [{ 'X-Foo': ['a', 'b'] }, { x_foo: ['a', 'b'] }],
    [{ 'X-Foo': 'a, b' }, { x_foo: ['a, b'] }],
    [{ x_foo: 'exact', 'X-Foo': 'dashed' }, { x_foo: ['exact'] }],
    [{ 'X-Foo': 'dashed', X_FOO: 'exact' }, { x_foo: ['exact'] }],
    [{ Version: 'v3' }, { version: ['v3'] }],
    [{ other: 'x' }, {}],
    [{ 'x.foo': 'x' }, {}],
  ])('%j → %j', (headers, expected) => {
    expect(collect(headers, ['foo_bar', 'x_foo', 'version'])).toEqual(expected)
  })

  it('maps upper-case field names through the dashed form only', () => {
    expect(collect({ 'x-foo': '1', x_foo: '2' }, ['X_Foo'])).toEqual({ X_Foo: ['1'] })
  })

  it(`reads only the first ${MAX_HEADERS} header lines, in arrival order`, () => {
    const headers: Record<string, string | string[]> = {}
    for (let i = 0; i < 99; i++) headers[`h${i}`] = 'x'
    headers['x-a'] = ['1', '2', '3']
    headers['x-b'] = '4'
    expect(collect(headers, ['x_a', 'x_b'])).toEqual({ x_a: ['1'] })
  })
})

describe('header lines nginx takes', () => {
  it.each([
    ['X-Foo', true, true],
    ['x-foo-2', true, true],
    ['X_Foo', false, true],
    ['X.Foo', false, false],
    ['X@Foo', false, false],
    ['X Foo', false, false],
    ['Ünicode', false, false],
    ['', false, false],
  ] as const)('%s: taken %s, with underscores %s', (name, plain, underscores) => {
    expect(isNginxHeaderName(name, false)).toBe(plain)
    expect(isNginxHeaderName(name, true)).toBe(underscores)
  })

  it('reads every line by default, and only what nginx takes when told', () => {
    const headers = { X_Foo: 'under', 'X.Foo': 'dot', 'X-Foo': 'dash' }
    expect(createHeaderLookup(['x_foo']).collect(headers)).toEqual(new Map([['x_foo', ['under']]]))
    expect(createHeaderLookup(['x_foo'], 'nginx').collect(headers)).toEqual(new Map([['x_foo', ['dash']]]))
    expect(createHeaderLookup(['x_foo'], 'nginx-underscores').collect(headers)).toEqual(new Map([['x_foo', ['under']]]))
  })

  it('does not count the lines it skips among the first ' + String(MAX_HEADERS), () => {
    const headers: Record<string, string> = {}
    for (let i = 0; i < MAX_HEADERS; i++) headers[`x_pad${i}`] = 'p'
    headers['x-foo'] = 'late'
    expect(createHeaderLookup(['x_foo'], 'nginx').collect(headers).get('x_foo')).toEqual(['late'])
    expect(createHeaderLookup(['x_foo'], 'nginx-underscores').collect(headers).get('x_foo')).toBeUndefined()
  })
})
