import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonSyntaxError } from './json-syntax.ts'

describe('jsonSyntaxError', () => {
  it.each([
    ['{"a": 1,}', 7, /trailing comma/],
    ['[1, 2,]', 5, /trailing comma/],
    ['{\n "a": 1\n "b": 2}', 11, /expected ',' or '}' after a property value, found "b"/],
    ['[1 2]', 3, /expected ',' or ']' after an array item/],
    ['{"a": [1, 2', 11, /ends too early: the '\[' on line 1 is not closed/],
    ['{"a":', 5, /ends where a value was expected: the '\{' on line 1/],
    ['', 0, /empty/],
    ['{"a": tru}', 6, /found 'tru'/],
    ['{a: 1}', 1, /property name in double quotes, found 'a'/],
    ['{"a" 1}', 5, /expected ':'/],
    ['[01]', 1, /cannot start with 0/],
    ['[1.]', 1, /not a valid number/],
    ['["a\nb"]', 1, /not closed on its line/],
    ['["a\tb"]', 3, /control character/],
    ['["\\q"]', 2, /'\\q' is not a JSON escape/],
    ['["\\u12"]', 2, /four hexadecimal digits/],
    ['{} x', 3, /after the end of the JSON value/],
    ['// c\n{}', 0, /expected a value/],
  ])('%j → offset %i', (text, offset, message) => {
    const found = jsonSyntaxError(text)
    expect(found?.offset).toBe(offset)
    expect(found?.message).toMatch(message)
  })

  it('accepts what JSON.parse accepts and refuses what it refuses', () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.json().chain((text) => fc.tuple(fc.nat(text.length), fc.constantFrom(',', '}', ']', '"', ':', ' ', '0', '\\', '')).map(([at, insert]) => text.slice(0, at) + insert + text.slice(at + 1))),
    )
    fc.assert(
      fc.property(jsonish, (text) => {
        let valid = true
        try {
          JSON.parse(text)
        } catch {
          valid = false
        }
        expect(jsonSyntaxError(text) === undefined).toBe(valid)
      }),
      { numRuns: 2000 },
    )
  })

  it('reads deep nesting without overflowing the stack', () => {
    expect(jsonSyntaxError('['.repeat(200_000) + ']'.repeat(200_000))).toBeUndefined()
    expect(jsonSyntaxError('['.repeat(200_000))?.message).toMatch(/not closed/)
  })
})
