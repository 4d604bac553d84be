import { createServer, type AddressInfo } from 'node:net'
import { connect } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { PREREAD_MAX, preread } from './client-hello.ts'

/** The first bytes Node's TLS client sends (its ClientHello), captured by a plain TCP server. */
function clientHello(servername: string | undefined): Promise<Buffer> {
  return new Promise((resolve) => {
    const server = createServer((socket) =>
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk)
        socket.destroy()
        server.close()
      }),
    )
    server.listen(0, '127.0.0.1', () => {
      const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ...(servername === undefined ? {} : { servername }), rejectUnauthorized: false })
      client.on('error', () => {})
    })
  })
}

describe('preread', () => {
  it('reads the server name of a real ClientHello', async () => {
    expect(preread(await clientHello('api.example.com'))).toEqual({ kind: 'hello', serverName: 'api.example.com' })
  })

  it('reads a ClientHello without a server name as naming none', async () => {
    // Node sends no SNI for an IP address.
    expect(preread(await clientHello(undefined))).toEqual({ kind: 'hello', serverName: undefined })
  })

  it('asks for more while the ClientHello is not whole, and gives up on a record past PREREAD_MAX', async () => {
    const hello = await clientHello('api.example.com')
    for (const cut of [0, 1, 4, 5, 40, hello.length - 1]) expect(preread(hello.subarray(0, cut))).toEqual({ kind: 'more' })
    const huge = Buffer.alloc(PREREAD_MAX)
    huge.set([0x16, 0x03, 0x01, 0xff, 0xff])
    expect(preread(huge)).toEqual({ kind: 'hello', serverName: undefined })
  })

  it('tells a connection that is not TLS at its first byte', () => {
    expect(preread(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual({ kind: 'not-tls' })
  })

  it('names no server for a malformed hello instead of reading past it', () => {
    expect(preread(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0xff]))).toEqual({ kind: 'hello', serverName: undefined })
  })
})
