import { describe, expect, it } from 'vitest'
import { decodeForm } from './body.ts'

describe('decodeForm (Kong form conventions)', () => {
  it.each([
    ['paths[]=/a&paths[]=/b', { paths: ['/a', '/b'] }],
    ['methods=GET&methods=POST', { methods: ['GET', 'POST'] }],
    ['headers.x-foo=bar&headers.x-foo=baz', { headers: { 'x-foo': ['bar', 'baz'] } }],
    ['service.id=abc', { service: { id: 'abc' } }],
    ['sources[1].ip=10.0.0.1&sources[1].port=80&sources[2].ip=10.0.0.2', { sources: [{ ip: '10.0.0.1', port: '80' }, { ip: '10.0.0.2' }] }],
    ['paths[2]=/b&paths[1]=/a', { paths: ['/a', '/b'] }],
    ['name=x', { name: 'x' }],
    // An empty value is null (arguments.lua infer_value), so it clears a field or unlinks a reference.
    ['methods=&hosts=', { methods: null, hosts: null }],
    ['service=', { service: null }],
    ['service.name=', { service: { name: null } }],
    ['paths[3]=/c&paths[1]=/a', { paths: ['/a', '/c'] }],
    ['paths[1]=/a&paths.x=/b', { paths: ['/a'] }],
  ])('%s', (text, expected) => {
    expect(decodeForm(new URLSearchParams(text))).toEqual(expected)
  })
})

describe('decodeForm: keys objects inherit', () => {
  // Regression: `__proto__.x=1` read Object.prototype as the container and wrote into it.
  it.each(['__proto__.polluted=1', 'a[__proto__]=1&a.__proto__.polluted=1', 'constructor.prototype.polluted=1'])('%s stays an entry of the body', (text) => {
    const decoded = decodeForm(new URLSearchParams(text))
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted')
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype)
    expect(Object.keys(decoded)).toEqual([text.split(/[.[]/)[0]])
  })
})

describe('decodeForm: huge array indices', () => {
  // Regression: `paths[1000000000]=/x` made a billion-long sparse array whose compaction walked its
  // length, stalling the process (proxy included) for about 20 seconds.
  // A walk over the largest array index (2^32 − 2) would not finish within the test's timeout.
  it('keeps the values in index order without walking the gaps', () => {
    expect(decodeForm(new URLSearchParams('paths[4294967295]=/y&paths[1000000000]=/x'))).toEqual({ paths: ['/x', '/y'] })
  })
})
