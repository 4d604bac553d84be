/**
 * Byte strings: JS strings whose every code unit is one byte (0–255). Kong works on raw request
 * bytes and checks UTF-8 only when a value reaches the router, so path normalisation and query
 * decoding run on byte strings and convert to text at the last moment.
 */

// The package compiles with lib ES2022 and no ambient types (no DOM, no Node), so declare the part of
// the WHATWG TextDecoder used here; browsers, Node, Deno and edge workers all provide it.
interface Utf8Decoder {
  decode(input: Uint8Array): string
}
declare const TextDecoder: new (label: 'utf-8', options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder

// Stateless when used without `stream: true`, so one shared instance is safe.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Appends the UTF-8 bytes of the code point at `text[index]` to `out` and returns how many code
 * units it consumed (1 or 2). A lone surrogate is written as its 3-byte WTF-8 form, which is invalid
 * UTF-8, so it is rejected when the value is finally read as text (unless normalisation removed it).
 */
export function appendUtf8(out: string[], text: string, index: number): number {
  const unit = text.charCodeAt(index)
  if (unit < 0x80) {
    out.push(text[index] as string)
    return 1
  }
  if (unit < 0x800) {
    out.push(String.fromCharCode(0xc0 | (unit >> 6), 0x80 | (unit & 0x3f)))
    return 1
  }
  if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
    const low = text.charCodeAt(index + 1)
    if (low >= 0xdc00 && low <= 0xdfff) {
      const point = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
      out.push(
        String.fromCharCode(
          0xf0 | (point >> 18),
          0x80 | ((point >> 12) & 0x3f),
          0x80 | ((point >> 6) & 0x3f),
          0x80 | (point & 0x3f),
        ),
      )
      return 2
    }
  }
  out.push(String.fromCharCode(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)))
  return 1
}

/** Encodes text as a byte string of its UTF-8 bytes (lone surrogates as invalid WTF-8 bytes). */
export function textToBytes(text: string): string {
  let ascii = true
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false
      break
    }
  }
  if (ascii) return text
  const out: string[] = []
  for (let i = 0; i < text.length; ) i += appendUtf8(out, text, i)
  return out.join('')
}

/** The outcome of reading bytes as UTF-8: the text, or Rust's `Utf8Error` message (what atc-router reports). */
export type Utf8Result = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string }

/**
 * Reads a byte string as UTF-8. Pure ASCII is returned as is; anything else goes through a fatal
 * `TextDecoder`. On failure the error reads like atc-router's (Rust `Utf8Error`), e.g.
 * "invalid utf-8 sequence of 1 bytes from index 0".
 */
export function bytesToText(bytes: string): Utf8Result {
  let ascii = true
  for (let i = 0; i < bytes.length; i++) {
    if (bytes.charCodeAt(i) >= 0x80) {
      ascii = false
      break
    }
  }
  if (ascii) return { ok: true, text: bytes }
  const buffer = new Uint8Array(bytes.length)
  for (let i = 0; i < bytes.length; i++) buffer[i] = bytes.charCodeAt(i)
  try {
    return { ok: true, text: UTF8.decode(buffer) }
  } catch {
    return { ok: false, error: utf8ErrorMessage(buffer) }
  }
}

/**
 * Describes the first invalid sequence in `bytes` as Rust's `Utf8Error` displays it (`valid_up_to`
 * and `error_len` of `core::str::from_utf8`). Call it only for bytes a decoder refused; for valid
 * bytes it returns a generic "invalid utf-8".
 */
export function utf8ErrorMessage(bytes: Uint8Array): string {
  const length = bytes.length
  let index = 0
  while (index < length) {
    const start = index
    const first = bytes[index] as number
    // The byte after `index`, or -1 at the end (an incomplete sequence).
    const next = (): number => {
      index++
      return index < length ? (bytes[index] as number) : -1
    }
    const invalid = (size: number): string => `invalid utf-8 sequence of ${size} bytes from index ${start}`
    const incomplete = `incomplete utf-8 byte sequence from index ${start}`
    const isContinuation = (byte: number): boolean => byte >= 0x80 && byte <= 0xbf
    if (first < 0x80) {
      index++
      continue
    }
    if (first >= 0xc2 && first <= 0xdf) {
      const b1 = next()
      if (b1 < 0) return incomplete
      if (!isContinuation(b1)) return invalid(1)
    } else if (first >= 0xe0 && first <= 0xef) {
      const b1 = next()
      if (b1 < 0) return incomplete
      const low = first === 0xe0 ? 0xa0 : 0x80
      const high = first === 0xed ? 0x9f : 0xbf
      if (b1 < low || b1 > high) return invalid(1)
      const b2 = next()
      if (b2 < 0) return incomplete
      if (!isContinuation(b2)) return invalid(2)
    } else if (first >= 0xf0 && first <= 0xf4) {
      const b1 = next()
      if (b1 < 0) return incomplete
      const low = first === 0xf0 ? 0x90 : 0x80
      const high = first === 0xf4 ? 0x8f : 0xbf
      if (b1 < low || b1 > high) return invalid(1)
      const b2 = next()
      if (b2 < 0) return incomplete
      if (!isContinuation(b2)) return invalid(2)
      const b3 = next()
      if (b3 < 0) return incomplete
      if (!isContinuation(b3)) return invalid(3)
    } else {
      return invalid(1)
    }
    index++
  }
  return 'invalid utf-8'
}

/**
 * Checks text for lone surrogates, the only way a JS string can fail to be UTF-8. Returns the same
 * result shape as `bytesToText` so callers treat every string value alike.
 */
export function checkText(text: string): Utf8Result {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0xd800 || unit > 0xdfff) continue
    if (unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        i++
        continue
      }
    }
    return bytesToText(textToBytes(text))
  }
  return { ok: true, text }
}
