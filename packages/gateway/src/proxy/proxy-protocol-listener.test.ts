// Listeners with Kong's `proxy_protocol` flag, on loopback with real upstreams: every connection
// starts with a PROXY protocol header (as a load balancer in front sends it), and with
// `real_ip_header = proxy_protocol` a trusted peer's header names the client that routes see as
// net.src.ip, that the upstream gets in X-Real-IP and X-Forwarded-For, and that the access log names.
import { readFileSync } from 'node:fs'
import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { connect as connectTls } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, selfSignedCertificate, startInProcess, startUpstream, tempDir, type Echo, type InProcessGateway, type TestServer } from '../testing/harness.ts'

let gw: InProcessGateway
let untrusting: InProcessGateway
let upstream: TestServer
let echo: Server
let certs: { path: string; cleanup: () => void }
let ports: { http: number; https: number; stream: number; untrusted: number }

const V1 = 'PROXY TCP4 192.0.2.7 10.0.0.1 56324 443\r\n'
const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]
/** A version 2 header for 2001:db8::7 port 40000 to 2001:db8::1 port 443. */
const V2 = Buffer.from([...SIGNATURE, 0x21, 0x21, 0, 36, ...ipv6(7), ...ipv6(1), 0x9c, 0x40, 0x01, 0xbb])

function ipv6(last: number): number[] {
  return [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), last]
}

function request(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n`
}

/**
 * Writes each part in turn (a pause between them), then reads until the gateway closes; a `null`
 * part ends the writing side (a stream session lasts until one side ends).
 */
function converse(socket: Socket, ...parts: (string | Buffer | null)[]): Promise<string> {
  return new Promise((resolve) => {
    let got = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (got += chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => resolve(got))
    const next = (i: number): void => {
      if (i >= parts.length) return
      const part = parts[i] as string | Buffer | null
      if (part === null) socket.end()
      else socket.write(part)
      setTimeout(() => next(i + 1), 30)
    }
    if (socket.connecting) socket.once('connect', () => next(0))
    else next(0)
  })
}

function tcp(port: number): Socket {
  return connectTcp({ host: '127.0.0.1', port })
}

/** The upstream's JSON echo in a raw HTTP/1.1 answer (its body may come in chunks). */
function echoed(answer: string): Echo {
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4)
  return JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1)) as Echo
}

function accessLines(g: InProcessGateway): Record<string, unknown>[] {
  return readFileSync(join(g.prefix, 'logs', 'access.log'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

beforeAll(async () => {
  upstream = await startUpstream('echo')
  echo = createServer((socket) => socket.pipe(socket))
  const echoPort = await new Promise<number>((resolve) => echo.listen(0, '127.0.0.1', () => resolve((echo.address() as { port: number }).port)))
  certs = tempDir()
  const certificate = selfSignedCertificate(certs.path, 'gateway', 'api.example.com')
  gw = await startInProcess({
    proxy_listen: '127.0.0.1:0 proxy_protocol, 127.0.0.1:0 ssl proxy_protocol',
    stream_listen: '127.0.0.1:0 proxy_protocol',
    ssl_cert: certificate.cert,
    ssl_cert_key: certificate.key,
    trusted_ips: '127.0.0.1',
    real_ip_header: 'proxy_protocol',
    proxy_access_log: 'logs/access.log',
  })
  // The same listener with no peer trusted: the header is read, the client stays the peer.
  untrusting = await startInProcess({ proxy_listen: '127.0.0.1:0 proxy_protocol', real_ip_header: 'proxy_protocol' })
  const [http, https] = gw.gateway.proxy.addresses.map((a) => a.port) as [number, number]
  ports = { http, https, stream: gw.gateway.proxy.streamAddresses[0]?.port ?? 0, untrusted: untrusting.gateway.proxy.addresses[0]?.port ?? 0 }
  for (const g of [gw, untrusting]) {
    expect((await adminCall(g.admin, 'POST', '/services', { name: 'echo', url: `http://127.0.0.1:${upstream.port}` })).status).toBe(201)
    expect((await adminCall(g.admin, 'POST', '/services/echo/routes', { name: 'documentation', expression: 'http.path ^= "/" && net.src.ip in 192.0.2.0/24' })).status).toBe(201)
    expect((await adminCall(g.admin, 'POST', '/services/echo/routes', { name: 'v6', expression: 'http.path ^= "/" && net.src.ip in 2001:db8::/32' })).status).toBe(201)
  }
  expect((await adminCall(gw.admin, 'POST', '/services', { name: 'bytes', protocol: 'tcp', host: '127.0.0.1', port: echoPort })).status).toBe(201)
  expect((await adminCall(gw.admin, 'POST', '/services/bytes/routes', { name: 'stream-documentation', protocols: ['tcp'], expression: 'net.src.ip in 192.0.2.0/24 && net.src.port == 56324' })).status).toBe(201)
})

afterAll(async () => {
  await gw?.close()
  await untrusting?.close()
  await upstream?.close()
  echo?.close()
  certs?.cleanup()
})

describe('proxy_listen with proxy_protocol', () => {
  it('routes and forwards on the client a version 1 header names, sent with the request or before it', async () => {
    for (const parts of [[V1 + request('/together')], [V1, request('/apart')]]) {
      const answer = await converse(tcp(ports.http), ...parts)
      expect(answer).toMatch(/^HTTP\/1\.1 200 /)
      const seen = echoed(answer)
      expect(seen.headers['x-real-ip']).toBe('192.0.2.7')
      expect(seen.headers['x-forwarded-for']).toBe('192.0.2.7')
    }
  })

  it('reads version 2 headers (IPv6 here) and serves several requests on the connection', async () => {
    const keepAlive = 'GET /first HTTP/1.1\r\nHost: api.example.com\r\n\r\n'
    const answer = await converse(tcp(ports.http), Buffer.concat([V2, Buffer.from(keepAlive + request('/second'))]))
    expect(answer.match(/HTTP\/1\.1 200 /g)).toHaveLength(2)
    expect(answer).toContain('"url":"/first"')
    expect(answer).toContain('"url":"/second"')
    expect(answer).toContain('"x-real-ip":"2001:db8::7"')
  })

  it('reads the header before TLS on an ssl listener', async () => {
    const raw = tcp(ports.https)
    await new Promise((resolve) => raw.once('connect', resolve))
    raw.write(V1)
    const secure = connectTls({ socket: raw, servername: 'api.example.com', rejectUnauthorized: false })
    await new Promise((resolve) => secure.once('secureConnect', resolve))
    const answer = await converse(secure, request('/secure'))
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    expect(echoed(answer).headers['x-forwarded-proto']).toBe('https')
    expect(echoed(answer).headers['x-real-ip']).toBe('192.0.2.7')
  })

  it('closes a connection without a header, or with a broken one, sending nothing', async () => {
    expect(await converse(tcp(ports.http), request('/no-header'))).toBe('')
    expect(await converse(tcp(ports.http), 'PROXY TCP4 192.0.2.7 nowhere 1 2\r\n' + request('/broken'))).toBe('')
  })

  it('logs the client the header names', async () => {
    await converse(tcp(ports.http), V1 + request('/logged'))
    await new Promise((resolve) => setTimeout(resolve, 1200))
    const line = accessLines(gw).find((l) => l['path'] === '/logged')
    expect(line).toMatchObject({ client_ip: '192.0.2.7', status: 200, route_name: 'documentation' })
  })

  it('keeps the peer as the client when the peer is not trusted', async () => {
    const answer = await converse(tcp(ports.untrusted), V1 + request('/untrusted'))
    expect(answer).toMatch(/^HTTP\/1\.1 404 /)
  })
})

describe('stream_listen with proxy_protocol', () => {
  it('routes a connection on the client and port the header names, and relays the bytes after it', async () => {
    const answer = await converse(tcp(ports.stream), V1 + 'hello\n', 'again\n', null)
    expect(answer).toBe('hello\nagain\n')
  })

  it('closes a connection without a header', async () => {
    expect(await converse(tcp(ports.stream), 'hello\n', null)).toBe('')
  })
})
