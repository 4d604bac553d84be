// Kong's stream (L4) listeners: TCP connections routed by stream routes (first protocol tcp or tls),
// their bytes passed both ways to the route's service; TLS ended here for `ssl` listeners, the
// client's SNI routed on as `tls.sni`.
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { connect as connectTls, createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, selfSignedCertificate, startInProcess, tempDir, type InProcessGateway } from '../testing/harness.ts'

let gw: InProcessGateway
let echo: Server
let tlsEcho: Server
let udpEcho: UdpSocket
let echoPort: number
let closedPort: number
let certs: { path: string; cleanup: () => void }
let ports: { routed: number; unrouted: number; down: number; tls: number; idle: number; udp: number }

function listenOn(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))
}

/** Sends `text`, then reads until the other side closes; resolves with what came back. */
function exchange(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      got += chunk
      // The echo answers as it reads: once all of it is back, close our side.
      if (got.length >= text.length) socket.end()
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(got))
    socket.write(text)
  })
}

function tcp(port: number): Socket {
  return connectTcp({ host: '127.0.0.1', port })
}

/** The access log's stream lines (the log is written out within a second). */
async function streamLines(): Promise<Record<string, unknown>[]> {
  await new Promise((resolve) => setTimeout(resolve, 1200))
  return readFileSync(join(gw.prefix, 'logs', 'access.log'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"stream"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket))
  echoPort = await listenOn(echo)
  const closed = createServer()
  closedPort = await listenOn(closed)
  await new Promise((resolve) => closed.close(resolve))
  certs = tempDir()
  const certificate = selfSignedCertificate(certs.path, 'gateway', 'a.test', ['a.test', 'b.test'])
  // An upstream that ends TLS itself, with a certificate of its own: a client passed through to it
  // handshakes with it, not with the gateway.
  const upstreamCertificate = selfSignedCertificate(certs.path, 'upstream', 'upstream.test')
  tlsEcho = createTlsServer({ cert: readFileSync(upstreamCertificate.cert), key: readFileSync(upstreamCertificate.key) }, (socket) => socket.pipe(socket))
  const tlsEchoPort = await listenOn(tlsEcho)
  gw = await startInProcess({
    stream_listen: '127.0.0.1:0, 127.0.0.1:0, 127.0.0.1:0, 127.0.0.1:0 ssl, 127.0.0.1:0, 127.0.0.1:0 udp',
    ssl_cert: certificate.cert,
    ssl_cert_key: certificate.key,
    proxy_access_log: 'logs/access.log',
  })
  const [routed, unrouted, down, tls, idle, udp] = gw.gateway.proxy.streamAddresses.map((a) => a.port) as [number, number, number, number, number, number]
  ports = { routed, unrouted, down, tls, idle, udp }
  udpEcho = createSocket('udp4')
  udpEcho.on('message', (datagram, from) => udpEcho.send(datagram, from.port, from.address))
  const udpEchoPort = await new Promise<number>((resolve) => udpEcho.bind(0, '127.0.0.1', () => resolve(udpEcho.address().port)))
  expect((await adminCall(gw.admin, 'POST', '/services', { name: 'udp-echo', protocol: 'udp', host: '127.0.0.1', port: udpEchoPort, read_timeout: 300 })).status).toBe(201)
  expect((await adminCall(gw.admin, 'POST', '/services/udp-echo/routes', { name: 'datagrams', protocols: ['udp'], expression: `net.dst.port == ${udp}` })).status).toBe(201)
  expect((await adminCall(gw.admin, 'POST', '/services', { name: 'echo', protocol: 'tcp', host: '127.0.0.1', port: echoPort })).status).toBe(201)
  expect((await adminCall(gw.admin, 'POST', '/services', { name: 'gone', protocol: 'tcp', host: '127.0.0.1', port: closedPort })).status).toBe(201)
  expect((await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'by-port', protocols: ['tcp'], expression: `net.dst.port == ${routed} && net.src.ip in 127.0.0.0/8` })).status).toBe(201)
  // (A traditional `tls` route with `snis` would also take TCP connections: Kong converts it to
  // `net.protocol != "tls" || tls.sni == …`.)
  expect((await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'by-sni', protocols: ['tls'], expression: 'tls.sni == "a.test"' })).status).toBe(201)
  expect((await adminCall(gw.admin, 'POST', '/services', { name: 'quiet', protocol: 'tcp', host: '127.0.0.1', port: echoPort, read_timeout: 300 })).status).toBe(201)
  expect((await adminCall(gw.admin, 'POST', '/services/quiet/routes', { name: 'idle', protocols: ['tcp'], expression: `net.dst.port == ${idle}` })).status).toBe(201)
  expect((await adminCall(gw.admin, 'POST', '/services', { name: 'tls-echo', protocol: 'tcp', host: '127.0.0.1', port: tlsEchoPort })).status).toBe(201)
  expect((await adminCall(gw.admin, 'POST', '/services/tls-echo/routes', { name: 'passthrough', protocols: ['tls_passthrough'], expression: 'tls.sni == "b.test"' })).status).toBe(201)
  // A traditional stream route, converted as Kong converts it.
  expect((await adminCall(gw.admin, 'POST', '/services/gone/routes', { name: 'to-nowhere', protocols: ['tcp'], destinations: [{ port: down }] })).status).toBe(201)
})

afterAll(async () => {
  await gw?.close()
  echo?.close()
  tlsEcho?.close()
  udpEcho?.close()
  certs?.cleanup()
})

describe('stream listeners', () => {
  it("passes a routed connection's bytes both ways to the route's service", async () => {
    const text = 'ping\n'.repeat(20_000)
    expect(await exchange(tcp(ports.routed), text)).toBe(text)
    const line = (await streamLines()).find((l) => l['route_name'] === 'by-port')
    expect(line).toMatchObject({ stream: 'tcp', status: 200, service_name: 'echo', client_ip: '127.0.0.1', bytes_received: text.length, bytes_sent: text.length })
    const metrics = await (await fetch(`${gw.admin}/metrics`)).text()
    expect(metrics).toContain('switchyard_stream_sessions_total{route="by-port",service="echo",status="200"} 1')
    expect(metrics).toContain(`switchyard_stream_bytes_total{route="by-port",service="echo",direction="received"} ${text.length}`)
  })

  it('closes a connection no stream route takes, with nothing sent', async () => {
    expect(await exchange(tcp(ports.unrouted), 'hello')).toBe('')
    expect((await streamLines()).some((l) => l['status'] === 500 && l['route'] === null)).toBe(true)
  })

  it('closes the connection when the service cannot be reached, and logs why', async () => {
    expect(await exchange(tcp(ports.down), 'hello')).toBe('')
    const line = (await streamLines()).find((l) => l['route_name'] === 'to-nowhere')
    expect(line).toMatchObject({ status: 502, service_name: 'gone', error: 'ECONNREFUSED' })
  })

  it("ends a session after the service's read_timeout without a byte either way (nginx's proxy_timeout)", async () => {
    const socket = tcp(ports.idle)
    const started = Date.now()
    socket.write('one')
    const got = await new Promise<string>((resolve) => {
      let text = ''
      socket.setEncoding('utf8')
      socket.on('data', (chunk: string) => (text += chunk))
      socket.on('close', () => resolve(text))
    })
    expect(got).toBe('one')
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect((await streamLines()).find((l) => l['route_name'] === 'idle')).toMatchObject({ status: 200, error: 'idle timeout' })
  })

  it('relays a UDP client\'s datagrams both ways through one session, which ends after read_timeout without any', async () => {
    const client = createSocket('udp4')
    const answers: string[] = []
    const answered = (count: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => void (answers.length >= count ? resolve() : setTimeout(check, 10))
        check()
      })
    client.on('message', (datagram) => answers.push(String(datagram)))
    client.send('ping', ports.udp, '127.0.0.1')
    await answered(1)
    client.send('pong!', ports.udp, '127.0.0.1')
    await answered(2)
    expect(answers).toEqual(['ping', 'pong!'])
    client.close()
    // The session ends 300 ms after its last datagram and is logged then.
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect((await streamLines()).find((l) => l['route_name'] === 'datagrams')).toMatchObject({ stream: 'udp', status: 200, service_name: 'udp-echo', bytes_received: 9, bytes_sent: 9 })
  })

  it('ends TLS on an ssl listener and routes on the SNI of the ClientHello', async () => {
    const socket = connectTls({ host: '127.0.0.1', port: ports.tls, servername: 'a.test', rejectUnauthorized: false })
    expect(await exchange(socket, 'over tls')).toBe('over tls')
    const other = connectTls({ host: '127.0.0.1', port: ports.tls, servername: 'c.test', rejectUnauthorized: false })
    expect(await exchange(other, 'over tls')).toBe('')
    const lines = await streamLines()
    expect(lines.find((l) => l['route_name'] === 'by-sni')).toMatchObject({ stream: 'tls', status: 200, client_ip: '127.0.0.1', bytes_received: 8, bytes_sent: 8 })
  })

  it('passes TLS through untouched to a tls_passthrough route, whose upstream ends it', async () => {
    const socket: TLSSocket = connectTls({ host: '127.0.0.1', port: ports.tls, servername: 'b.test', rejectUnauthorized: false })
    const secured = new Promise<string | undefined>((resolve) => socket.once('secureConnect', () => resolve(String(socket.getPeerCertificate().subject?.CN))))
    expect(await exchange(socket, 'passed through')).toBe('passed through')
    expect(await secured).toBe('upstream.test')
    expect((await streamLines()).find((l) => l['route_name'] === 'passthrough')).toMatchObject({ stream: 'tls_passthrough', status: 200, service_name: 'tls-echo', client_ip: '127.0.0.1' })
  })
})
