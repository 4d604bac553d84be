/**
 * Reads the server name (SNI) a TLS client asks for from the first bytes of its connection, before
 * any TLS is ended, as nginx's `ssl_preread` does for Kong's stream listeners: routing on it then
 * decides whether the connection is passed through untouched (`tls_passthrough` routes) or ended here.
 */
export type Preread =
  /** Not a TLS handshake (the first byte is not a handshake record). */
  | { readonly kind: 'not-tls' }
  /** A ClientHello that is not whole yet: read more. */
  | { readonly kind: 'more' }
  /** A whole ClientHello, and the host name it asks for (undefined when it names none). */
  | { readonly kind: 'hello'; readonly serverName: string | undefined }

/** Bytes read at most before giving up on a ClientHello (nginx reads up to 16 KB too). */
export const PREREAD_MAX = 16 * 1024

const HANDSHAKE = 0x16
const CLIENT_HELLO = 0x01
const SERVER_NAME = 0x0000
const HOST_NAME = 0x00

/** What the first `bytes` of a connection say (see `Preread`). A malformed hello names no server. */
export function preread(bytes: Uint8Array): Preread {
  if (bytes.length === 0) return { kind: 'more' }
  if (bytes[0] !== HANDSHAKE) return { kind: 'not-tls' }
  if (bytes.length < 5) return { kind: 'more' }
  const recordLength = ((bytes[3] as number) << 8) | (bytes[4] as number)
  if (bytes.length < 5 + recordLength) return bytes.length >= PREREAD_MAX ? { kind: 'hello', serverName: undefined } : { kind: 'more' }
  return { kind: 'hello', serverName: serverNameOf(bytes.subarray(5, 5 + recordLength)) }
}

/** The host name of a ClientHello's server_name extension, from its handshake record's body. */
function serverNameOf(record: Uint8Array): string | undefined {
  const reader = new Reader(record)
  if (reader.u8() !== CLIENT_HELLO) return undefined
  reader.skip(3 + 2 + 32) // handshake length, client version, random
  reader.skip(reader.u8()) // session id
  reader.skip(reader.u16()) // cipher suites
  reader.skip(reader.u8()) // compression methods
  const extensionsEnd = reader.at + reader.u16()
  while (reader.ok && reader.at + 4 <= extensionsEnd) {
    const type = reader.u16()
    const end = reader.at + reader.u16()
    if (type === SERVER_NAME) {
      const listEnd = reader.at + reader.u16()
      while (reader.ok && reader.at + 3 <= listEnd) {
        const nameType = reader.u8()
        const name = reader.bytes(reader.u16())
        if (nameType === HOST_NAME && name !== undefined) return new TextDecoder().decode(name)
      }
      return undefined
    }
    reader.at = end
  }
  return undefined
}

/** Big-endian reads that turn `ok` false instead of reading past the end. */
class Reader {
  at = 0
  constructor(readonly data: Uint8Array) {}

  get ok(): boolean {
    return this.at <= this.data.length
  }

  u8(): number {
    const value = this.data[this.at] ?? 0
    this.at += 1
    return value
  }

  u16(): number {
    const value = ((this.data[this.at] ?? 0) << 8) | (this.data[this.at + 1] ?? 0)
    this.at += 2
    return value
  }

  skip(count: number): void {
    this.at += count
  }

  bytes(count: number): Uint8Array | undefined {
    const end = this.at + count
    const out = end <= this.data.length ? this.data.subarray(this.at, end) : undefined
    this.at = end
    return out
  }
}
