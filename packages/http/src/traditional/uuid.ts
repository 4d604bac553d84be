/**
 * Name-based UUIDs (RFC 4122 §4.3, version 5) for the matchers Kong derives when it splits a route
 * by path. Written by hand because this package must run without Node built-ins or Web Crypto's
 * asynchronous API: the router is built synchronously.
 */

/** Kong's namespace for split-route ids (`kong/router/transform.lua`). */
export const SPLIT_ROUTE_NAMESPACE = '7f145bf9-0dce-4f91-98eb-debbce4b9f6b'

/** Encodes a string as UTF-8 bytes (lone surrogates become U+FFFD, as `TextEncoder` does). */
export function utf8Bytes(text: string): number[] {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
        i++
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd
    if (code < 0x80) bytes.push(code)
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63))
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63))
    else
      bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63))
  }
  return bytes
}

/** The number of bytes of `text` in UTF-8 (Kong measures path lengths in bytes). */
export function utf8Length(text: string): number {
  return utf8Bytes(text).length
}

/** SHA-1 (FIPS 180-4) of a byte array; returns the 20-byte digest. */
export function sha1(message: readonly number[]): number[] {
  const bitLength = message.length * 8
  const padded = [...message, 0x80]
  while (padded.length % 64 !== 56) padded.push(0)
  // The length is appended as a 64-bit big-endian integer; messages here are far below 2^32 bits.
  const high = Math.floor(bitLength / 0x100000000)
  padded.push((high >>> 24) & 255, (high >>> 16) & 255, (high >>> 8) & 255, high & 255)
  padded.push((bitLength >>> 24) & 255, (bitLength >>> 16) & 255, (bitLength >>> 8) & 255, bitLength & 255)

  let h0 = 0x67452301
  let h1 = 0xefcdab89
  let h2 = 0x98badcfe
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0
  const w = new Array<number>(80)
  for (let chunk = 0; chunk < padded.length; chunk += 64) {
    for (let i = 0; i < 16; i++) {
      const at = chunk + i * 4
      w[i] = ((padded[at]! << 24) | (padded[at + 1]! << 16) | (padded[at + 2]! << 8) | padded[at + 3]!) | 0
    }
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1)
    let a = h0
    let b = h1
    let c = h2
    let d = h3
    let e = h4
    for (let i = 0; i < 80; i++) {
      let f: number
      let k: number
      if (i < 20) {
        f = (b & c) | (~b & d)
        k = 0x5a827999
      } else if (i < 40) {
        f = b ^ c ^ d
        k = 0x6ed9eba1
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d)
        k = 0x8f1bbcdc
      } else {
        f = b ^ c ^ d
        k = 0xca62c1d6
      }
      const t = (rotl(a, 5) + f + e + k + w[i]!) | 0
      e = d
      d = c
      c = rotl(b, 30)
      b = a
      a = t
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
  }
  const digest: number[] = []
  for (const h of [h0, h1, h2, h3, h4]) digest.push((h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255)
  return digest
}

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n))
}

/** Parses a hyphenated UUID into its 16 bytes, or `undefined` when it is not one. */
export function uuidBytes(uuid: string): number[] | undefined {
  const hex = uuid.replace(/-/g, '')
  if (!/^[0-9a-fA-F]{32}$/.test(hex) || uuid.length !== 36) return undefined
  const bytes: number[] = []
  for (let i = 0; i < 32; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16))
  return bytes
}

/** True when `text` is a hyphenated UUID (any version, any case). */
export function isUuid(text: string): boolean {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text)
}

/**
 * The version-5 UUID of `name` in `namespace`, lowercase and hyphenated. Throws when the namespace
 * is not a UUID (a caller contract, never user input).
 */
export function uuidV5(namespace: string, name: string): string {
  const ns = uuidBytes(namespace)
  if (ns === undefined) throw new Error(`not a UUID namespace: ${namespace}`)
  const bytes = sha1([...ns, ...utf8Bytes(name)]).slice(0, 16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x50
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
