import { describe, expect, it } from 'vitest'
import { httpSchema, schemaForProtocols, streamSchema } from './schemas.ts'

describe('built-in schemas', () => {
  it.each([
    ['net.protocol', 'String', 'String'],
    ['tls.sni', 'String', 'String'],
    ['http.method', 'String', undefined],
    ['http.host', 'String', undefined],
    ['http.path', 'String', undefined],
    ['http.path.segments.0', 'String', undefined],
    ['http.path.segments.1_2', 'String', undefined],
    ['http.path.segments.len', 'Int', undefined],
    ['http.headers.x_foo', 'String', undefined],
    ['http.headers.x.y', undefined, undefined],
    ['http.queries.a', 'String', undefined],
    ['net.src.ip', 'IpAddr', 'IpAddr'],
    ['net.dst.ip', 'IpAddr', 'IpAddr'],
    ['net.src.port', 'Int', 'Int'],
    ['net.dst.port', 'Int', 'Int'],
    ['net.port', undefined, undefined],
  ])('%s: http %s, stream %s', (field, http, stream) => {
    expect(httpSchema.typeOf(field)).toBe(http)
    expect(streamSchema.typeOf(field)).toBe(stream)
  })

  it.each([
    [['http'], httpSchema],
    [['https', 'tcp'], httpSchema],
    [['grpc'], httpSchema],
    [['grpcs'], httpSchema],
    [[], httpSchema],
    [['tcp'], streamSchema],
    [['tls', 'http'], streamSchema],
    [['udp'], streamSchema],
    [['tls_passthrough'], streamSchema],
  ])('protocols %j use the first protocol\'s schema', (protocols, schema) => {
    expect(schemaForProtocols(protocols)).toBe(schema)
  })
})
