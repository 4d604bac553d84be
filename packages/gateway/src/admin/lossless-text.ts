/**
 * Text of Admin API requests decoded without losing bytes. Kong reads bodies and form values as
 * bytes and refuses a name or tag that is not valid UTF-8 (`invalid utf-8 character sequence
 * detected at position N`); decoding with U+FFFD in place of bad bytes would store a name the client
 * never sent. Here each byte that is not part of a valid UTF-8 sequence becomes the lone surrogate
 * U+DC00 + byte, U+DC80–U+DCFF (as Python's `surrogateescape`), which no valid text contains, so the checks that
 * care (`utf8Error` in @switchyard/http) find it and say where it was.
 */

const STRICT = new TextDecoder('utf-8', { fatal: true })

/** Bytes as text, each byte of an invalid sequence kept as a lone surrogate. */
export function decodeLossless(bytes: Uint8Array): string {
  try {
    return STRICT.decode(bytes)
  } catch {
    return decodeSlowly(bytes)
  }
}

function decodeSlowly(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i)
    if (length === 0) {
      out += String.fromCharCode(0xdc00 + (bytes[i] as number))
      i++
    } else {
      out += STRICT.decode(bytes.subarray(i, i + length))
      i += length
    }
  }
  return out
}

/** The length of the valid UTF-8 sequence starting at `i` (RFC 3629 ranges), or 0. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number
  if (b0 < 0x80) return 1
  const cont = (k: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[i + k]
    return b !== undefined && b >= low && b <= high
  }
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0
  return 0
}

/**
 * Percent-decodes text as a form or path component does (`%XX` escapes; with `plus`, `+` is a
 * space), the bytes then decoded losslessly; an escape that is not `%` and two hex digits stays as
 * written, as in URLSearchParams.
 */
export function percentDecodeLossless(text: string, plus: boolean): string {
  if (!text.includes('%') && !(plus && text.includes('+'))) return text
  const bytes: number[] = []
  const encoder = new TextEncoder()
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else if (c === '+' && plus) bytes.push(0x20)
    else {
      // A whole code point at a time, so that a surrogate pair stays one character; a byte kept as
      // a lone surrogate by `decodeLossless` is that byte again.
      const point = text.codePointAt(i) as number
      if (point >= 0xdc80 && point <= 0xdcff) {
        bytes.push(point - 0xdc00)
        continue
      }
      const char = String.fromCodePoint(point)
      for (const byte of encoder.encode(char)) bytes.push(byte)
      i += char.length - 1
    }
  }
  return decodeLossless(Uint8Array.from(bytes))
}

/** The pairs of an `application/x-www-form-urlencoded` text, as URLSearchParams reads them but lossless. */
export function formPairsLossless(text: string): [string, string][] {
  const pairs: [string, string][] = []
  for (const piece of text.split('&')) {
    if (piece === '') continue
    const at = piece.indexOf('=')
    const name = at < 0 ? piece : piece.slice(0, at)
    const value = at < 0 ? '' : piece.slice(at + 1)
    pairs.push([percentDecodeLossless(name, true), percentDecodeLossless(value, true)])
  }
  return pairs
}
