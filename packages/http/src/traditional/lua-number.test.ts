import { describe, expect, it } from 'vitest'
import { luaNumberText, luaToNumber } from './lua-number.ts'

describe('luaToNumber', () => {
  it.each([
    ['80', 80],
    [' 80 ', 80],
    ['0x50', 80],
    ['8e1', 80],
    ['80.0', 80],
    ['', undefined],
    ['80a', undefined],
    ['1]:80', undefined],
    // What LuaJIT's tonumber also reads (checked against LuaJIT 2.1): a signed hex number, hex
    // fractions and binary exponents, binary numbers up to 64 digits, inf / infinity / nan.
    ['+0x50', 80],
    ['-0x50', -80],
    ['0x1p4', 16],
    ['0X1P-2', 0.25],
    ['0x.8', 0.5],
    ['0x8.', 8],
    ['0x1.8p1', 3],
    ['0xep1', 28],
    ['0b1010000', 80],
    ['-0b1', -1],
    ['0b' + '0'.repeat(70) + '1', 1],
    ['0b' + '1'.repeat(65), undefined],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    [' INF ', Infinity],
    ['0x', undefined],
    ['0x.', undefined],
    ['0x1p', undefined],
    ['0b2', undefined],
    ['infinityx', undefined],
    ['- 80', undefined],
    ['0o17', undefined],
  ])('%j → %s', (text, value) => expect(luaToNumber(text)).toBe(value))

  it.each(['nan', 'NaN', '-nan', '+nan'])('%j → NaN', (text) => expect(luaToNumber(text)).toBeNaN())
})

describe('luaNumberText', () => {
  it.each([
    [80, '80'],
    [0.1, '0.1'],
    [1.5, '1.5'],
    [1e14, '1e+14'],
    [99999999999999, '99999999999999'],
    [1e15, '1e+15'],
    [123456789012345, '1.2345678901235e+14'],
    [1e21, '1e+21'],
    [1e-4, '0.0001'],
    [1e-5, '1e-05'],
    [2 ** 53, '9.007199254741e+15'],
    [-1e100, '-1e+100'],
    [-0, '-0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ])('%s → %s', (value, text) => expect(luaNumberText(value)).toBe(text))
})
