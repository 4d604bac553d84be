// The K-numbered behaviours of spec/language.md §10 that are about the language itself, one test each
// (the evaluation ones also run against both routers in router/router-contract.ts).
import { describe, expect, it } from 'vitest'
import { lineColumn } from './diagnostics/span.ts'
import { Schema } from './schema/schema.ts'
import { validate } from './check/validate.ts'
import { parse } from './syntax/parser.ts'

const schema = new Schema({ a: 'String', b: 'String', i: 'Int', ip: 'IpAddr', 'http.headers.foo': 'String', 'tcp.port': 'Int', 'http.path': 'String' })
const firstError = (source: string) => validate(source, schema).diagnostics.find((d) => d.severity === 'error')

describe('spec §10 known behaviours', () => {
  it('K3: `!` only before parentheses; the error is at 1:1', () => {
    for (const source of ['! a == "1"', '!!(a == "1")']) {
      const error = firstError(source)
      expect(error).toMatchObject({ kind: 'syntax' })
      expect(lineColumn(source, error?.span.start ?? -1)).toEqual({ line: 1, column: 1 })
    }
    expect(parse('! (a == "1")').ok).toBe(true)
  })

  it('K13: integer literal forms and their errors', () => {
    for (const source of ['i == 018', 'i == 0X1F', 'i == - 1', 'i == +1', 'i == 1.5', 'i == -9223372036854775808']) {
      expect(firstError(source)?.kind, source).toBe('syntax')
    }
  })

  it('K14: only five escapes, single quotes and r##"…"## are errors; raw strings keep quotes and backslashes', () => {
    for (const source of ['a == "\\q"', 'a == "\\x41"', "a == 'x'", 'a == r##"x"##']) expect(firstError(source)?.kind, source).toBe('syntax')
    const raw = parse('a == r#"a"b\\d"#')
    expect(raw.ok && raw.value.kind === 'Predicate' && raw.value.value.kind === 'String' && raw.value.value.value).toBe('a"b\\d')
  })

  it('K17: a bad regex is a syntax error at the regex; a type mismatch is a type error', () => {
    const source = 'http.headers.foo ~ "([."'
    const error = firstError(source)
    expect(error).toMatchObject({ kind: 'syntax' })
    expect(error?.message).toMatch(/unclosed character class/)
    expect(lineColumn(source, error?.span.start ?? -1).column).toBeGreaterThanOrEqual(20)
    expect(firstError('http.headers.foo == 123')).toMatchObject({ kind: 'type' })
    expect(validate('http.headers.foo ~ "/\\\\/*user$"', schema).ok).toBe(true)
  })

  it('K18: `in` takes an IpAddr field and a CIDR', () => {
    for (const source of ['tcp.port in 80', 'http.path in 80', 'http.path in "foo"']) expect(firstError(source)?.kind, source).toBe('type')
  })

  it('K20: host bits in a CIDR and leading zeros in an address are syntax errors', () => {
    expect(firstError('ip in 10.0.0.1/8')).toMatchObject({ kind: 'syntax', code: 'cidr-host-bits' })
    expect(firstError('ip == 010.0.0.1')).toMatchObject({ kind: 'syntax' })
  })

  it('K21: lower() needs a String field, any() does not, unknown transformations are syntax errors', () => {
    expect(firstError('i == 1 && lower(i) == 1')).toMatchObject({ kind: 'type', code: 'lower-needs-string' })
    expect(validate('any(i) == 1', schema).ok).toBe(true)
    expect(firstError('upper(a) == "x"')).toMatchObject({ kind: 'syntax', code: 'unknown-transformation' })
  })

  it('K33: `not  in` and `notin` (which crash Kong) are syntax errors', () => {
    expect(firstError('ip not  in 10.0.0.0/8')).toMatchObject({ kind: 'syntax', code: 'invalid-not-in' })
    expect(firstError('ip notin 10.0.0.0/8')).toMatchObject({ kind: 'syntax', code: 'invalid-not-in' })
  })
})
