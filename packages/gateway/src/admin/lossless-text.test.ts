import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeLossless, formPairsLossless, percentDecodeLossless } from './lossless-text.ts'

/** The bytes a lossless text stands for: its lone surrogates U+DC80–U+DCFF are the bytes they kept. */
function bytesOf(text: string): number[] {
  const out: number[] = []
  for (const char of text) {
    const point = char.codePointAt(0) as number
    if (point >= 0xdc80 && point <= 0xdcff) out.push(point - 0xdc00)
    else out.push(...new TextEncoder().encode(char))
  }
  return out
}

describe('decodeLossless', () => {
  it('decodes valid UTF-8 as TextDecoder does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(decodeLossless(new TextEncoder().encode(text))).toBe(text)
      }),
    )
  })

  it('keeps every byte of any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(bytesOf(decodeLossless(bytes))).toEqual([...bytes])
      }),
    )
  })

  it.each([
    [[0x61, 0xff, 0x62], 'a\udcffb'],
    [[0xc3], '\udcc3'],
    [[0xed, 0xa0, 0x80], '\udced\udca0\udc80'],
    [[0xe2, 0x82, 0xac, 0xc0, 0xaf], '€\udcc0\udcaf'],
  ])('keeps the bytes of %j as lone surrogates', (bytes, text) => {
    expect(decodeLossless(Uint8Array.from(bytes))).toBe(text)
  })
})

describe('percentDecodeLossless and formPairsLossless', () => {
  it('read valid UTF-8 forms as URLSearchParams does', () => {
    const text = fc.string({ unit: 'grapheme' })
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { maxLength: 5 }), (pairs) => {
        const encoded = new URLSearchParams(pairs).toString()
        expect(formPairsLossless(encoded)).toEqual([...new URLSearchParams(encoded)])
      }),
    )
  })

  it('leaves an escape that is not one as written', () => {
    expect(percentDecodeLossless('a%zz%4', false)).toBe('a%zz%4')
    expect(percentDecodeLossless('a+b%20c', true)).toBe('a b c')
    expect(percentDecodeLossless('a+b', false)).toBe('a+b')
  })

  it('keeps escaped bytes that are not UTF-8', () => {
    expect(percentDecodeLossless('bad%FFname', true)).toBe('bad\udcffname')
    expect(formPairsLossless('name=%ED%A0%80&x')).toEqual([['name', '\udced\udca0\udc80'], ['x', '']])
  })
})
