import { describe, expect, it } from 'vitest'
import { createHeaderLookup, MAX_HEADERS, type HeaderRecord } from './headers.ts'

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
