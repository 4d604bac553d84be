import { describe, expect, it } from 'vitest'
import { Schema } from '../schema/schema.ts'
import { validate } from './validate.ts'

const schema = new Schema({
  a: 'String',
  b: 'String',
  i: 'Int',
  ip: 'IpAddr',
  'http.path': 'String',
  'http.headers.*': 'String',
  'http.path.segments.*': 'String',
  'http.path.segments.len': 'Int',
  'net.dst.port': 'Int',
  'net.src.ip': 'IpAddr',
  'tcp.port': 'Int',
  net: 'IpCidr',
})

function errors(source: string): { code: string; kind: string; span: { start: number; end: number } }[] {
  return validate(source, schema, { lists: true }).diagnostics.filter((d) => d.severity === 'error').map(({ code, kind, span }) => ({ code, kind, span }))
}

describe('schema lookup (spec §4.1)', () => {
  it.each([
    ['http.headers.x_foo == "1"', true],
    ['http.headers.x.y == "1"', false],
    ['http.path.segments.len == 1', true],
    ['http.path.segments.len == "1"', false],
    ['http.path.segments. == "x"', true],
    ['http.path.segments.0 == "x"', true],
  ])('%s valid: %s', (source, valid) => {
    expect(validate(source, schema).ok).toBe(valid)
  })
})

describe('type rules (spec §4.2)', () => {
  it.each([
    ['http.path == 1', 'operator-type-mismatch', 'type', { start: 10, end: 12 }],
    ['foo.bar == "x"', 'unknown-field', 'unknown-field', { start: 0, end: 7 }],
    ['http.path > "a"', 'operator-type-mismatch', 'type', { start: 10, end: 11 }],
    ['net.dst.port ^= 80', 'operator-type-mismatch', 'type', { start: 13, end: 15 }],
    ['http.path in "x"', 'operator-type-mismatch', 'type', { start: 10, end: 12 }],
    ['tcp.port in 80', 'operator-type-mismatch', 'type', { start: 9, end: 11 }],
    ['net.src.ip == 10.0.0.0/8', 'operator-type-mismatch', 'type', { start: 11, end: 13 }],
    ['lower(net.dst.port) == 80', 'lower-needs-string', 'type', { start: 0, end: 19 }],
    ['lower(i) == 1', 'lower-needs-string', 'type', { start: 0, end: 8 }],
    ['net.src.ip ~ "x"', 'operator-type-mismatch', 'type', { start: 11, end: 12 }],
    ['net.src.ip in 10.0.1.0', 'operator-type-mismatch', 'type', { start: 11, end: 13 }],
    ['i contains "x"', 'operator-type-mismatch', 'type', { start: 2, end: 10 }],
    ['net in 10.0.0.0/8', 'operator-type-mismatch', 'type', { start: 4, end: 6 }],
    ['i in ["a"]', 'operator-type-mismatch', 'type', { start: 2, end: 4 }],
  ])('%s → %s', (source, code, kind, span) => {
    expect(errors(source)).toEqual([{ code, kind, span }])
  })

  it.each([
    'any(i) == 1',
    'ip != ::1',
    'ip != 10.0.0.1',
    'net == 10.0.0.0/8',
    'http.headers.foo ~ "/\\\\/*user$"',
    'a in ["x", "y"]',
    'i not in [80, 443]',
    'any(lower(a)) ^= "x"',
  ])('accepts %s', (source) => {
    expect(validate(source, schema, { lists: true })).toMatchObject({ ok: true })
  })

  it('reports every problem, not only the first', () => {
    expect(errors('foo == "x" && http.path == 1 && lower(i) == 2').map((d) => d.code)).toEqual([
      'unknown-field',
      'operator-type-mismatch',
      'lower-needs-string',
    ])
  })

  it('still checks the predicates that parsed when another part has a syntax error', () => {
    expect(validate('foo == "x" && http.path = "/" && lower(i) == 2', schema).diagnostics.map((d) => d.code)).toEqual([
      'unknown-field',
      'expected-operator',
      'lower-needs-string',
    ])
  })

  it('names the syntax error as the error when the expression does not parse, as atc-router does', () => {
    // atc-router type-checks only what parsed: a type error before the syntax error is not its verdict.
    for (const source of ['http.headers.foo == 123 && == 123', 'http.path == 1 || http.path = "/"', 'http.path == 1 && http.path ~ "(["']) {
      const result = validate(source, schema)
      expect(result.diagnostics[0]?.kind).toBe('type')
      expect(result.error?.kind).toBe('syntax')
    }
    expect(validate('foo == "x" && http.path == 1', schema).error?.code).toBe('unknown-field')
    expect(validate('http.path == "/"', schema).error).toBeUndefined()
  })

  it('lists the fields an expression reads', () => {
    expect(validate('http.headers.foo == "1" || (a == "x" && http.headers.foo == "2")', schema).fields).toEqual(['http.headers.foo', 'a'])
  })

  it('suggests a field for a typo', () => {
    expect(validate('http.pth == "/"', schema).diagnostics[0]?.hint).toBe('did you mean http.path?')
  })
})
