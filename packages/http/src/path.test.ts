import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalizePath, normalizePathBytes, stripQuery } from './path.ts'

describe('normalizePath', () => {
  // Spec §7.2 examples, then the loop's corner cases.
  it.each([
    ['/a/./b/../c', '/a/c'],
    ['/foo//bar///baz//', '/foo/bar/baz/'],
    ['/%7Efoo', '/~foo'],
    ['/a%20b', '/a b'],
    ['/a%2fb', '/a%2Fb'],
    ['/a%2Fb', '/a%2Fb'],
    ['/a/%2e%2e/b', '/b'],
    ['/a/b/..', '/a/'],
    ['/..', '/'],
    ['/foo?x=1', '/foo'],
    ['/foo', '/foo'],
    ['/foo/', '/foo/'],
    ['', ''],
    ['/', '/'],
    ['/?a=1', '/'],
    ['?x', '?x'],
    ['/%2525', '/%2525'],
    ['/%25', '/%25'],
    ['/%3f%23%5b%5d', '/%3F%23%5B%5D'],
    ['/%21%2a%27%28%29%3b%3a%40%26%3d%2b%24%2c', '/%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C'],
    ['/%41%62%2D%5f', '/Ab-_'],
    ['/%zz/%4', '/%zz/%4'],
    ['/%', '/%'],
    ['/%%41', '/%A'],
    ['/h%65llo', '/hello'],
    ['/users/%6aohn%20doe/profile', '/users/john doe/profile'],
    ['/route%2E%2E/req', '/route../req'],
    ['/route%2e/req', '/route./req'],
    ['/anything/./a/../wor%6cd/a/../b', '/anything/world/b'],
    ['/endel%2Fst', '/endel%2Fst'],
    ['/a/.', '/a/'],
    ['/a/b/../../..', '/'],
    ['/../a', '/a'],
    ['/./a', '/a'],
    ['a/../b', '/b'],
    ['./a', 'a'],
    ['../a', 'a'],
    ['.', ''],
    ['..', ''],
    ['/.a/b.', '/.a/b.'],
    ['/a/..b', '/a/..b'],
    ['//', '/'],
    ['/a/.//b', '/a/b'],
    ['/%C3%A9t%C3%A9', '/été'],
    ['/été', '/été'],
    ['/%F0%9F%98%80', '/😀'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizePath(raw)).toEqual({ ok: true, text: expected })
  })

  it.each([
    ['/%ff', 'invalid utf-8 sequence of 1 bytes from index 1'],
    ['/a%C3', 'incomplete utf-8 byte sequence from index 2'],
    ['/%E2%82x', 'invalid utf-8 sequence of 2 bytes from index 1'],
    ['/%ED%A0%80', 'invalid utf-8 sequence of 1 bytes from index 1'],
    ['/\ud800', 'invalid utf-8 sequence of 1 bytes from index 1'],
  ])('%j is not UTF-8 after decoding: %s', (raw, error) => {
    expect(normalizePath(raw)).toEqual({ ok: false, error })
  })

  it('checks UTF-8 after dot-segment removal, as Kong reads the final bytes', () => {
    expect(normalizePath('/%ff/../a')).toEqual({ ok: true, text: '/a' })
  })

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (raw) => {
        const result = normalizePath(raw)
        expect(typeof result.ok).toBe('boolean')
      }),
    )
  })

  it('is idempotent on ASCII text without `%`', () => {
    // Kong's normalize is not idempotent in general: decoding is one pass (`%2541` → `%41` → `A`).
    const dense = fc.array(fc.constantFrom('/', '.', 'a', '?'), { maxLength: 14 }).map((parts) => parts.join(''))
    // ASCII only: the output is bytes, and non-ASCII input is read as text (its UTF-8 bytes).
    const any = fc.string({ unit: 'binary-ascii' }).map((text) => text.replaceAll('%', ''))
    fc.assert(
      fc.property(fc.oneof(dense, any), (raw) => {
        const once = normalizePathBytes(raw)
        expect(normalizePathBytes(once)).toBe(once)
      }),
      { numRuns: 2000 },
    )
  })

  it('is not idempotent across a second decoding pass', () => {
    expect(normalizePathBytes('/%2541')).toBe('/%2541')
    expect(normalizePathBytes('/%41')).toBe('/A')
  })
})

describe('stripQuery', () => {
  it.each([
    ['/foo?x=1', '/foo'],
    ['/foo', '/foo'],
    ['?a=1', '?a=1'],
    ['/?', '/'],
    ['/a?b?c', '/a'],
  ])('%j → %j', (raw, expected) => {
    expect(stripQuery(raw)).toBe(expected)
  })
})
