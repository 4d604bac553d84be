import { describe, expect, it } from 'vitest'
import { luaToNumber } from './lua-number.ts'

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
  ])('%j → %s', (text, value) => expect(luaToNumber(text)).toBe(value))
})
