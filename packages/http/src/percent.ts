import { appendUtf8 } from './bytes.ts'

/** Bytes that Kong's path normalisation leaves percent-encoded (kong `tools/uri.lua` RESERVED_CHARACTERS). */
const RESERVED = new Uint8Array(128)
for (const ch of "!*'();:@&=+$,/?%#[]") RESERVED[ch.charCodeAt(0)] = 1

/** The value of one hex digit's code unit, or -1. */
function hexValue(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30
  const lower = unit | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}

/**
 * Percent-decodes a request path the way Kong's `normalize` does, into a byte string: every `%HH`
 * (hex in either case) becomes its byte unless that byte is reserved, in which case the triplet is
 * kept with upper-cased hex (`%2f` → `%2F`). One pass: `%2525` stays `%2525`. A `%` not followed
 * by two hex digits is kept as is. Characters above U+007F become their UTF-8 bytes.
 */
export function decodePathPercent(text: string): string {
  const out: string[] = []
  let runStart = 0
  for (let i = 0; i < text.length; ) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80 && unit !== 0x25) {
      i++
      continue
    }
    if (runStart < i) out.push(text.slice(runStart, i))
    if (unit >= 0x80) {
      i += appendUtf8(out, text, i)
      runStart = i
      continue
    }
    const high = i + 2 < text.length ? hexValue(text.charCodeAt(i + 1)) : -1
    const low = high >= 0 ? hexValue(text.charCodeAt(i + 2)) : -1
    if (low < 0) {
      out.push('%')
      i++
    } else {
      const byte = high * 16 + low
      out.push(byte < 0x80 && RESERVED[byte] === 1 ? text.slice(i, i + 3).toUpperCase() : String.fromCharCode(byte))
      i += 3
    }
    runStart = i
  }
  if (runStart === 0) return text
  if (runStart < text.length) out.push(text.slice(runStart))
  return out.join('')
}

/**
 * Decodes one query-string key or value like OpenResty's `ngx.req.get_uri_args`
 * (lua-nginx-module ≥ 0.10.20 `ngx_http_lua_unescape_uri` with `NGX_UNESCAPE_URI_COMPONENT`, the
 * version in Kong 3.10's OpenResty) into a byte string: `%HH` becomes its byte and `+` a space; a
 * `%` not followed by two hex digits stays a `%` and what follows it is decoded as usual
 * (`%zz` → `%zz`, `%+` → `% `, `%%41` → `%A`, `%4%41` → `%4A`). Characters above U+007F become
 * their UTF-8 bytes.
 */
export function decodeQueryComponent(text: string, start = 0, end = text.length): string {
  let plain = true
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i)
    if (unit === 0x25 || unit === 0x2b || unit >= 0x80) {
      plain = false
      break
    }
  }
  if (plain) return text.slice(start, end)
  const out: string[] = []
  for (let i = start; i < end; ) {
    const unit = text.charCodeAt(i)
    if (unit === 0x2b) {
      out.push(' ')
      i++
    } else if (unit >= 0x80) {
      i += appendUtf8(out, text, i)
    } else if (unit !== 0x25) {
      out.push(text[i] as string)
      i++
    } else {
      const high = i + 2 < end ? hexValue(text.charCodeAt(i + 1)) : -1
      const low = high >= 0 ? hexValue(text.charCodeAt(i + 2)) : -1
      if (low < 0) {
        out.push('%')
        i++
      } else {
        out.push(String.fromCharCode(high * 16 + low))
        i += 3
      }
    }
  }
  return out.join('')
}
