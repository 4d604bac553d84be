import fc from 'fast-check'
import { FieldContext, parseIpAddr, type FieldValue } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { createFieldExtractor, extractFields, type ExtractorOptions, type RequestLike } from './request.ts'

/** Extracts and returns field → values, or the failure. */
function fields(request: RequestLike, names: string[], options?: ExtractorOptions): Record<string, readonly FieldValue[]> {
  const result = extractFields(request, names, undefined, options)
  if (!result.ok) throw new Error(`${result.field}: ${result.error}`)
  const out: Record<string, readonly FieldValue[]> = {}
  for (const name of result.context.fields()) out[name] = result.context.values(name) ?? []
  return out
}

describe('extractFields: http.path and segments', () => {
  it.each([
    ['/a/./b/../c', '/a/c'],
    ['/foo//bar///baz//', '/foo/bar/baz/'],
    ['/%7Efoo', '/~foo'],
    ['/a%2fb', '/a%2Fb'],
    ['/a/%2e%2e/b', '/b'],
    ['/foo?x=1', '/foo'],
    ['/foo/bar?a=1&b', '/foo/bar'],
  ])('path %j → http.path %j', (path, expected) => {
    expect(fields({ path }, ['http.path'])).toEqual({ 'http.path': [expected] })
  })

  it('K28: segments come from the normalised path', () => {
    const names = ['http.path.segments.0', 'http.path.segments.1', 'http.path.segments.2', 'http.path.segments.len']
    expect(fields({ path: '/foo//bar///baz//' }, names)).toEqual({
      'http.path.segments.0': ['foo'],
      'http.path.segments.1': ['bar'],
      'http.path.segments.2': ['baz'],
      'http.path.segments.len': [3],
    })
  })

  it.each([
    ['/foo', { 'http.path.segments.0': ['foo'], 'http.path.segments.len': [1] }],
    ['/foo/', { 'http.path.segments.0': ['foo'], 'http.path.segments.len': [1] }],
    ['/foo/xxx/yyy/', { 'http.path.segments.0': ['foo'], 'http.path.segments.1_2': ['xxx/yyy'], 'http.path.segments.0_1': ['foo/xxx'], 'http.path.segments.len': [3] }],
    ['/', { 'http.path.segments.len': [0] }],
    ['/a%2Fb/c', { 'http.path.segments.0': ['a%2Fb'], 'http.path.segments.0_1': ['a%2Fb/c'], 'http.path.segments.len': [2] }],
  ])('K27: segments of %j', (path, expected) => {
    const names = ['http.path.segments.0', 'http.path.segments.0_1', 'http.path.segments.1_2', 'http.path.segments.len', 'http.path.segments.4_1', 'http.path.segments.abc']
    expect(fields({ path }, names)).toEqual(expected)
  })

  it('fails on a path that is not UTF-8 after decoding, naming the field', () => {
    expect(extractFields({ path: '/%ff' }, ['http.path'])).toEqual({
      ok: false,
      field: 'http.path',
      error: 'invalid utf-8 sequence of 1 bytes from index 1',
    })
  })

  it('reads only the segments it is asked for, so a bad segment elsewhere does not fail', () => {
    expect(fields({ path: '/a/%ff' }, ['http.path.segments.0', 'http.path.segments.len'])).toEqual({
      'http.path.segments.0': ['a'],
      'http.path.segments.len': [2],
    })
    expect(extractFields({ path: '/a/%ff' }, ['http.path.segments.1'])).toMatchObject({ ok: false, field: 'http.path.segments.1' })
  })

  it('does not read the path when no path field is used', () => {
    expect(fields({ path: '/%ff', method: 'GET' }, ['http.method'])).toEqual({ 'http.method': ['GET'] })
  })
})

describe('extractFields: queries (K25)', () => {
  it.each([
    ['/foo/bar?a=1', ['1']],
    ['/foo/bar?a=', ['']],
    ['/foo/bar?a', ['']],
    ['/foo/bar?a=2&a=10', ['2', '10']],
    ['/foo/bar?a=x', ['x']],
    ['/foo/bar?a&a=1', ['', '1']],
    ['/foo/bar?b=1', undefined],
    ['/foo/bar', undefined],
    ['/foo/bar?a=%C3%A9+x', ['é x']],
  ])('%j → http.queries.a %j', (path, values) => {
    expect(fields({ path }, ['http.queries.a'])['http.queries.a']).toEqual(values)
  })

  it('fails when a used query value is not UTF-8, and ignores unused ones', () => {
    expect(extractFields({ path: '/?a=%ff' }, ['http.queries.a'])).toMatchObject({ ok: false, field: 'http.queries.a' })
    expect(extractFields({ path: '/?b=%ff' }, ['http.queries.a'])).toMatchObject({ ok: true })
  })
})

describe('extractFields: headers', () => {
  it.each([
    [{ 'Foo-Bar': 'x' }, 'http.headers.foo_bar', ['x']],
    [{ 'X-Foo': ['a', 'b'] }, 'http.headers.x_foo', ['a', 'b']],
    [{ test1: 'QuoTe' }, 'http.headers.test1', ['QuoTe']],
    [{ x_foo: '1', 'X-Foo': '2' }, 'http.headers.x_foo', ['1']],
    [{ Host: 'example.com' }, 'http.headers.host', ['example.com']],
    [{}, 'http.headers.x_foo', undefined],
  ])('%j → %s %j', (headers, field, values) => {
    expect(fields({ path: '/', headers }, [field])[field]).toEqual(values)
  })

  // `host` is the Host line's value: the header table holds it like any other line (§7.4, §7.6).
  it.each<[RequestLike, readonly FieldValue[] | undefined]>([
    [{ path: '/', host: 'Example.com:8000' }, ['Example.com:8000']],
    [{ path: '/', host: 'a.test', headers: { 'X-Foo': 'x' } }, ['a.test']],
    [{ path: '/', host: 'a.test', headers: { HOST: 'b.test' } }, ['b.test']],
    [{ path: '/' }, undefined],
  ])('%j → http.headers.host %j', (request, values) => {
    expect(fields(request, ['http.headers.host'])['http.headers.host']).toEqual(values)
  })

  it('counts the Host line given as `host` among the lines read', () => {
    const headers: Record<string, string> = {}
    for (let i = 1; i < 100; i++) headers[`x-h${i}`] = '1'
    headers['x-last'] = 'v'
    expect(fields({ path: '/', headers }, ['http.headers.x_last'])['http.headers.x_last']).toEqual(['v'])
    expect(fields({ path: '/', host: 'a.test', headers }, ['http.headers.x_last'])['http.headers.x_last']).toBeUndefined()
  })
})

describe('extractFields: host and ports (K29)', () => {
  const names = ['http.host', 'net.dst.port']
  it.each([
    [{ host: 'www.example.com:80', dst_port: 8000 }, { 'http.host': ['www.example.com'], 'net.dst.port': [80] }],
    [{ host: 'www.example.com:8000' }, { 'http.host': ['www.example.com'], 'net.dst.port': [8000] }],
    [{ host: 'www.example.com', dst_port: 8000 }, { 'http.host': ['www.example.com'], 'net.dst.port': [8000] }],
    [{ host: '[::1]:8000', dst_port: 443 }, { 'http.host': ['[::1]:8000'], 'net.dst.port': [443] }],
    [{ host: 'Example.COM:x' }, { 'http.host': ['Example.COM:x'] }],
    [{ headers: { HOST: 'from-header:81' } }, { 'http.host': ['from-header'], 'net.dst.port': [81] }],
    [{ headers: { host: ['first', 'second'] } }, { 'http.host': ['first'] }],
    [{ host: 'wins', headers: { host: 'loses' } }, { 'http.host': ['wins'] }],
    [{}, {}],
  ])('%j → %j', (request, expected) => {
    expect(fields({ path: '/', ...request }, names)).toEqual(expected)
  })

  it('answers the deprecated net.port with the destination port', () => {
    expect(fields({ path: '/', host: 'h:8000' }, ['net.port'])).toEqual({ 'net.port': [8000] })
  })

  it('ignores the Host port in the stream subsystem', () => {
    expect(fields({ path: '', host: 'h:8000', dst_port: 9000 }, ['net.dst.port'], { subsystem: 'stream' })).toEqual({
      'net.dst.port': [9000],
    })
  })
})

describe('extractFields: protocol, SNI, addresses', () => {
  it.each([
    [{}, undefined, ['http']],
    [{ scheme: 'https' }, undefined, ['https']],
    [{}, 'stream', ['tcp']],
    [{ scheme: 'tcp', sni: 'example.com' }, 'stream', ['tls']],
    [{ scheme: 'tls', sni: 'example.com' }, 'stream', ['tls']],
    [{ scheme: 'tls' }, 'stream', ['tcp']],
    [{ scheme: 'udp', sni: 'example.com' }, 'stream', ['udp']],
  ] as const)('%j (%s) → net.protocol %j', (request, subsystem, expected) => {
    const options: ExtractorOptions = subsystem === undefined ? {} : { subsystem }
    expect(fields({ path: '/', ...request }, ['net.protocol', 'tls.sni'], options)['net.protocol']).toEqual(expected)
  })

  it('reports tcp for a TLS stream when no route reads tls.sni, as Kong does not compute the SNI then', () => {
    expect(fields({ path: '', scheme: 'tls', sni: 'example.com' }, ['net.protocol'], { subsystem: 'stream' })).toEqual({
      'net.protocol': ['tcp'],
    })
  })

  it('parses addresses and keeps ports as Int numbers', () => {
    const request = { path: '/', src_ip: '10.0.0.1', src_port: 51000, dst_ip: '::ffff:10.0.0.2', dst_port: 8443, sni: 'x.test' }
    expect(fields(request, ['net.src.ip', 'net.src.port', 'net.dst.ip', 'net.dst.port', 'tls.sni'])).toEqual({
      'tls.sni': ['x.test'],
      'net.src.ip': [parseIpAddr('10.0.0.1')],
      'net.dst.ip': [parseIpAddr('::ffff:10.0.0.2')],
      'net.src.port': [51000],
      'net.dst.port': [8443],
    })
  })

  it('fails on an address that does not parse', () => {
    expect(extractFields({ path: '/', src_ip: 'nope' }, ['net.src.ip'])).toMatchObject({ ok: false, field: 'net.src.ip' })
  })

  it('ignores http fields in the stream subsystem', () => {
    expect(fields({ path: '/a', method: 'GET' }, ['http.path', 'http.method'], { subsystem: 'stream' })).toEqual({})
  })
})

describe('createFieldExtractor', () => {
  it('computes only the fields it was built for and fills a given context', () => {
    const extract = createFieldExtractor(['http.method'])
    const context = new FieldContext()
    const result = extract({ path: '/a', method: 'GET', host: 'h', headers: { a: 'b' } }, context)
    expect(result).toEqual({ ok: true, context })
    expect([...context.fields()]).toEqual(['http.method'])
  })

  it('never throws on arbitrary requests', () => {
    const all = [
      'http.method', 'http.host', 'http.path', 'http.path.segments.0', 'http.path.segments.0_1', 'http.path.segments.len',
      'http.headers.x_foo', 'http.queries.a', 'net.protocol', 'tls.sni', 'net.src.ip', 'net.dst.ip', 'net.src.port', 'net.dst.port',
    ]
    const extractHttp = createFieldExtractor(all)
    const extractStream = createFieldExtractor(all, { subsystem: 'stream' })
    const text = fc.string({ unit: 'binary' })
    const request = fc.record(
      {
        path: text,
        method: text,
        host: text,
        scheme: text,
        sni: text,
        src_ip: text,
        dst_ip: text,
        src_port: fc.integer(),
        dst_port: fc.double(),
        headers: fc.dictionary(text, fc.oneof(text, fc.array(text))),
      },
      { requiredKeys: ['path'] },
    )
    fc.assert(
      fc.property(request, (r) => {
        expect(typeof extractHttp(r).ok).toBe('boolean')
        expect(typeof extractStream(r).ok).toBe('boolean')
      }),
    )
  })
})
