import { Schema, parseIpAddr } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { contextFromFields } from './fields-record.ts'
import { httpSchema } from './schemas.ts'

describe('contextFromFields', () => {
  it('converts JSON values by the schema type', () => {
    const result = contextFromFields(httpSchema, {
      'http.path': '/foo/bar',
      'http.headers.x_foo': ['a', 'b'],
      'net.dst.port': 8000,
      'net.src.ip': '10.0.0.1',
      'http.path.segments.len': 2,
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.context.values('http.path')).toEqual(['/foo/bar'])
    expect(result.context.values('http.headers.x_foo')).toEqual(['a', 'b'])
    expect(result.context.values('net.dst.port')).toEqual([8000])
    expect(result.context.values('net.src.ip')).toEqual([parseIpAddr('10.0.0.1')])
  })

  it('reads net.port as net.dst.port when the schema has only the latter', () => {
    const result = contextFromFields(httpSchema, { 'net.port': 8000 })
    expect(result.ok && result.context.values('net.dst.port')).toEqual([8000])
  })

  it('keeps net.port when an explicit schema declares it', () => {
    const result = contextFromFields(new Schema({ 'net.port': 'Int' }), { 'net.port': 8000 })
    expect(result.ok && result.context.values('net.port')).toEqual([8000])
  })

  it('skips null values and leaves empty lists absent', () => {
    const result = contextFromFields(httpSchema, { 'http.path': null, 'http.method': [] })
    expect(result.ok && [...result.context.fields()]).toEqual([])
  })

  it.each([
    [{ 'foo.bar': 'x' }, 'foo.bar'],
    [{ 'http.path': 1 }, 'http.path'],
    [{ 'net.dst.port': '80' }, 'net.dst.port'],
    [{ 'net.dst.port': 1.5 }, 'net.dst.port'],
    [{ 'net.src.ip': 'not-an-ip' }, 'net.src.ip'],
    [{ 'net.src.ip': 1 }, 'net.src.ip'],
    [{ 'http.headers.x': ['a', 1] }, 'http.headers.x'],
  ])('refuses %j', (record, field) => {
    const result = contextFromFields(httpSchema, record)
    expect(result).toMatchObject({ ok: false, field })
    if (!result.ok) expect(result.error).toContain(field)
  })

  it('accepts exact decimal text for Int values beyond 2^53', () => {
    const result = contextFromFields(new Schema({ i: 'Int' }), { i: '9223372036854775807' })
    expect(result.ok && result.context.values('i')).toEqual([9223372036854775807n])
  })
})
