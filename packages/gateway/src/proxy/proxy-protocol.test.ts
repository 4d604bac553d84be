// The PROXY protocol header parser (haproxy.org's proxy-protocol.txt, versions 1 and 2).
import { connect, createServer, type Socket } from 'node:net'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseProxyHeader, proxyHeaderOf, readProxyHeader, type ProxyHeader } from './proxy-protocol.ts'

const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]

/** A version 2 header: signature, version and command, family and transport, then the body. */
function v2(command: number, familyTransport: number, body: readonly number[]): Buffer {
  return Buffer.from([...SIGNATURE, 0x20 | command, familyTransport, body.length >> 8, body.length & 0xff, ...body])
}

const port = (p: number): number[] => [p >> 8, p & 0xff]

function done(bytes: Buffer): { length: number; header: ProxyHeader } {
  const parsed = parseProxyHeader(bytes)
  if (parsed.state !== 'done') throw new Error(`expected a header, got ${JSON.stringify(parsed)}`)
  return { length: parsed.length, header: parsed.header }
}

describe('PROXY protocol version 1', () => {
  it('reads TCP4, TCP6 and UNKNOWN headers and tells their length', () => {
    const text = 'PROXY TCP4 192.0.2.7 10.0.0.1 56324 443\r\n'
    expect(done(Buffer.from(`${text}GET / HTTP/1.1\r\n`))).toEqual({ length: text.length, header: { source: { ip: '192.0.2.7', port: 56324 }, destination: { ip: '10.0.0.1', port: 443 } } })
    // IPv6 as nginx prints it: lower case, zeros compressed.
    expect(done(Buffer.from('PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::1 1 65535\r\n')).header).toEqual({ source: { ip: '2001:db8::1', port: 1 }, destination: { ip: '::1', port: 65535 } })
    expect(done(Buffer.from('PROXY UNKNOWN ffff:f...f:ffff 65535 65535\r\n')).header).toEqual({})
    expect(done(Buffer.from('PROXY UNKNOWN\r\n'))).toEqual({ length: 15, header: {} })
  })

  it('waits for the rest of a header cut anywhere', () => {
    const text = 'PROXY TCP4 192.0.2.7 10.0.0.1 56324 443\r\n'
    for (let end = 0; end < text.length; end++) expect(parseProxyHeader(Buffer.from(text.slice(0, end))).state, text.slice(0, end)).toBe('incomplete')
  })

  it.each([
    ['GET / HTTP/1.1\r\n', 'not a PROXY protocol header'],
    ['PROXY TCP5 192.0.2.7 10.0.0.1 1 2\r\n', 'other than'],
    ['PROXY TCP4 192.0.2.7 10.0.0.1 1\r\n', 'other than'],
    ['PROXY TCP4  192.0.2.7 10.0.0.1 1 2\r\n', 'other than'],
    ['PROXY TCP4 ::1 10.0.0.1 1 2\r\n', 'not IPv4'],
    ['PROXY TCP6 192.0.2.7 ::1 1 2\r\n', 'not IPv6'],
    ['PROXY TCP4 192.0.2.7 10.0.0.1 65536 2\r\n', 'ports'],
    ['PROXY TCP4 192.0.2.7 10.0.0.1 01 2\r\n', 'ports'],
    ['PROXY TCP4 192.0.2.7 10.0.0.1 +1 2\r\n', 'ports'],
    [`PROXY UNKNOWN ${'x'.repeat(100)}\r\n`, 'longer than 107'],
    [`PROXY UNKNOWN ${'x'.repeat(100)}`, 'longer than 107'],
  ])('refuses %j', (text, reason) => {
    const parsed = parseProxyHeader(Buffer.from(text))
    expect(parsed.state).toBe('broken')
    expect(parsed.state === 'broken' && parsed.reason).toContain(reason)
  })
})

describe('PROXY protocol version 2', () => {
  it('reads PROXY over IPv4 and IPv6, skipping TLVs', () => {
    const tlv = [0x04, 0x00, 0x03, 0x61, 0x62, 0x63]
    const four = v2(1, 0x11, [192, 0, 2, 7, 10, 0, 0, 1, ...port(56324), ...port(443), ...tlv])
    expect(done(Buffer.concat([four, Buffer.from('GET /')]))).toEqual({ length: four.length, header: { source: { ip: '192.0.2.7', port: 56324 }, destination: { ip: '10.0.0.1', port: 443 } } })
    const address = (last: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), last]
    const six = v2(1, 0x21, [...address(1), ...address(2), ...port(1), ...port(2)])
    expect(done(six).header).toEqual({ source: { ip: '2001:db8::1', port: 1 }, destination: { ip: '2001:db8::2', port: 2 } })
    const mapped = [...Array<number>(10).fill(0), 0xff, 0xff, 192, 0, 2, 9]
    expect(done(v2(1, 0x21, [...mapped, ...mapped, 0, 1, 0, 2])).header.source).toEqual({ ip: '::ffff:192.0.2.9', port: 1 })
  })

  it('keeps the connection addresses for LOCAL, UNSPEC and UNIX headers', () => {
    expect(done(v2(0, 0x11, [192, 0, 2, 7, 10, 0, 0, 1, 0, 1, 0, 2]))).toEqual({ length: 28, header: {} })
    expect(done(v2(1, 0x00, []))).toEqual({ length: 16, header: {} })
    expect(done(v2(1, 0x31, Array<number>(216).fill(0x2f))).header).toEqual({})
  })

  it('waits for the rest of a header cut anywhere', () => {
    const header = v2(1, 0x11, [192, 0, 2, 7, 10, 0, 0, 1, 0, 1, 0, 2])
    for (let end = 0; end < header.length; end++) expect(parseProxyHeader(header.subarray(0, end)).state).toBe('incomplete')
  })

  it.each([
    ['another version', Buffer.from([...SIGNATURE, 0x11, 0x11, 0, 0])],
    ['an unknown command', Buffer.from([...SIGNATURE, 0x22, 0x11, 0, 0])],
    ['an IPv4 body too short', v2(1, 0x11, [192, 0, 2, 7])],
    ['an IPv6 body too short', v2(1, 0x21, Array<number>(20).fill(0))],
    ['a body over 4096 bytes', Buffer.from([...SIGNATURE, 0x21, 0x11, 0x10, 0x01])],
    ['a broken signature', Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0b])],
  ])('refuses %s', (_, bytes) => {
    expect(parseProxyHeader(bytes).state).toBe('broken')
  })
})

describe('PROXY protocol headers built from random addresses', () => {
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
  const portNumber = fc.nat(65535)

  it('read back what they carry, and wait at every cut before their end', () => {
    fc.assert(
      fc.property(ipv4, ipv4, portNumber, portNumber, fc.boolean(), fc.uint8Array({ maxLength: 40 }), (source, destination, sourcePort, destinationPort, binary, after) => {
        const header = binary
          ? v2(1, 0x11, [...source, ...destination, ...port(sourcePort), ...port(destinationPort)])
          : Buffer.from(`PROXY TCP4 ${source.join('.')} ${destination.join('.')} ${sourcePort} ${destinationPort}\r\n`)
        expect(done(Buffer.concat([header, after]))).toEqual({
          length: header.length,
          header: { source: { ip: source.join('.'), port: sourcePort }, destination: { ip: destination.join('.'), port: destinationPort } },
        })
        for (let end = 0; end < header.length; end++) expect(parseProxyHeader(header.subarray(0, end)).state).toBe('incomplete')
      }),
      { numRuns: 300 },
    )
  })
})

/** What `readProxyHeader` made of a connection on which a client wrote `parts` (then closed, with `close`). */
async function readFrom(parts: readonly string[], close: boolean, timeoutMs = 1000): Promise<{ header?: ProxyHeader; after?: string; refused?: string; closed: boolean }> {
  return new Promise((resolve) => {
    const server = createServer((socket: Socket) => {
      readProxyHeader(
        socket,
        (ready, header) => {
          expect(proxyHeaderOf(ready)).toBe(header)
          let after = ''
          ready.setEncoding('utf8')
          ready.on('data', (chunk: string) => (after += chunk))
          ready.on('end', () => {
            server.close()
            resolve({ header, after, closed: false })
          })
          ready.resume()
        },
        (refused) => {
          server.close()
          resolve({ refused, closed: socket.destroyed })
        },
        timeoutMs,
      )
      if (close && parts.length === 0) socket.once('close', () => setTimeout(() => (server.close(), resolve({ closed: true })), 50))
    })
    server.listen(0, '127.0.0.1', () => {
      const client = connect((server.address() as { port: number }).port, '127.0.0.1', async () => {
        for (const part of parts) {
          client.write(part)
          await new Promise((r) => setTimeout(r, 20))
        }
        if (close) client.end()
      })
      client.on('error', () => undefined)
    })
  })
}

describe('reading the header from a connection', () => {
  it('hands over the connection with the bytes after the header, however the header arrives', async () => {
    expect(await readFrom(['PROXY TCP4 192.0.2.7 10.0.0.1 1 2\r\nhello'], true)).toEqual({ header: { source: { ip: '192.0.2.7', port: 1 }, destination: { ip: '10.0.0.1', port: 2 } }, after: 'hello', closed: false })
    expect(await readFrom(['PROX', 'Y UNKNOWN\r', '\nhel', 'lo'], true)).toEqual({ header: {}, after: 'hello', closed: false })
  })

  it('closes a connection with a broken header, or none in time, and says why', async () => {
    expect(await readFrom(['GET / HTTP/1.1\r\n'], false)).toEqual({ refused: 'broken PROXY protocol header: not a PROXY protocol header', closed: true })
    expect(await readFrom(['PROXY TCP4'], false, 100)).toEqual({ refused: 'no PROXY protocol header within 100 ms', closed: true })
    expect(await readFrom(['PROXY TCP4'], true)).toEqual({ refused: 'the connection ended before its PROXY protocol header', closed: true })
  })

  it('says nothing of a connection closed before sending a byte (a health check)', async () => {
    expect(await readFrom([], true)).toEqual({ closed: true })
  })

  it('says nothing of a connection destroyed elsewhere while its header is read (the gateway stopping), and stops its timer', async () => {
    const said: string[] = []
    const server = createServer((socket: Socket) => {
      readProxyHeader(socket, () => said.push('accepted'), (reason) => said.push(reason), 100)
      socket.once('data', () => socket.destroy())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const client = connect((server.address() as { port: number }).port, '127.0.0.1', () => client.write('PROXY TCP4'))
    client.on('error', () => undefined)
    await new Promise((resolve) => setTimeout(resolve, 300))
    server.close()
    expect(said).toEqual([])
  })
})
