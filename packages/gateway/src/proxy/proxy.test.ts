import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { request as httpRequest } from 'node:http'
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, httpGet, selfSignedCertificate, startInProcess, startUpstream, tempDir, type Echo, type InProcessGateway, type TestServer } from '../testing/harness.ts'

let gw: InProcessGateway
let alpha: TestServer
let beta: TestServer
let slow: TestServer
let flaky: TestServer
let stuck: TestServer
const flakyAttempts: string[] = []
let streaming: TestServer
let certs: { path: string; cleanup: () => void }
let secureUpstream: Server
const warnings: string[] = []
const call = (method: string, path: string, body?: unknown) => adminCall(gw.admin, method, path, body)

/** The body of one raw HTTP/1.1 answer, chunked or not. */
function rawBody(answer: string): string {
  const start = answer.indexOf('\r\n\r\n') + 4
  if (!/^transfer-encoding: chunked\r$/im.test(answer.slice(0, start))) return answer.slice(start)
  let body = ''
  for (let at = start, size = parseInt(answer.slice(at), 16); size > 0; size = parseInt(answer.slice(at), 16)) {
    const data = answer.indexOf('\r\n', at) + 2
    body += answer.slice(data, data + size)
    at = data + size + 2
  }
  return body
}
const proxyPort = (): number => Number(new URL(gw.proxy).port)
const WEBSOCKET = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'

/** Sends raw bytes on a new connection (TLS with `servername`) and returns everything the gateway answers. */
function raw(port: number, text: string, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = servername === undefined ? connect(port, '127.0.0.1') : tlsConnect({ port, host: '127.0.0.1', servername, rejectUnauthorized: false })
    let out = ''
    socket.on('data', (c: Buffer) => (out += c.toString('latin1')))
    socket.on('end', () => resolve(out))
    socket.on('error', reject)
    socket.write(text, 'latin1')
    setTimeout(() => socket.end(), 500)
  })
}

beforeAll(async () => {
  process.on('warning', (warning: Error & { code?: string }) => warnings.push(warning.code ?? warning.name))
  certs = tempDir()
  const certificate = selfSignedCertificate(certs.path, 'gateway', 'a.test', ['a.test', 'b.test'])
  gw = await startInProcess({ proxy_listen: '127.0.0.1:0, 127.0.0.1:0 ssl', ssl_cert: certificate.cert, ssl_cert_key: certificate.key })
  alpha = await startUpstream('alpha')
  beta = await startUpstream('beta')
  slow = await startUpstream('slow', () => {})
  // Takes the request head but never reads the body.
  stuck = await startUpstream('stuck', (request) => request.pause())
  // Hangs on every first attempt of a request, answers the retry.
  flaky = await startUpstream('flaky', (request, response) => {
    flakyAttempts.push(request.method ?? '')
    if (flakyAttempts.length % 2 === 1) return
    response.end(`answered attempt ${flakyAttempts.length}`)
  })
  streaming = await startUpstream('streaming', (request, response) => {
    // The response of Kong's mock upstream `/hop-by-hop`, with a trailer field after the chunked body.
    if (request.url === '/stream/hop-by-hop') {
      response.writeHead(200, { server: 'upstream-server', 'keep-alive': 'timeout=5, max=1000', proxy: 'Remove-Me', 'proxy-connection': 'close', 'proxy-authenticate': 'Basic', 'proxy-authorization': 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', te: 'trailers, deflate;q=0.5', trailer: 'Expires', upgrade: 'example/1, foo/2' })
      response.addTrailers({ expires: 'Wed, 21 Oct 2015 07:28:00 GMT' })
      return void response.end('hello')
    }
    if (request.url === '/stream/slow') return void setTimeout(() => response.end('late'), 60)
    if (request.url === '/body') {
      const hash = createHash('sha256')
      let size = 0
      request.on('data', (c: Buffer) => (hash.update(c), (size += c.length)))
      request.on('end', () => response.end(JSON.stringify({ size, sha: hash.digest('hex') })))
      return
    }
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'x-secret', 'x-secret': 'drop me', 'keep-alive': 'timeout=5' })
    response.write('first;')
    // The second chunk is sent only when the test has seen the first: proof of streaming.
    streaming.server.once('release', () => response.end('second'))
  })
  streaming.server.on('upgrade', (request, socket: Socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
    socket.write(`hello ${request.url ?? ''} ${request.headers.connection ?? ''} ${request.headers.upgrade ?? ''}`)
    socket.on('data', (c: Buffer) => socket.write(c))
  })
  // Answers with the SNI it received on `/…/sni` and on upgrades.
  const sniOf = (socket: TLSSocket): string => `sni ${typeof socket.servername === 'string' ? socket.servername : 'none'}`
  secureUpstream = createHttpsServer({ cert: readFileSync(certificate.cert), key: readFileSync(certificate.key) }, (request, response) =>
    response.end(request.url?.endsWith('/sni') === true ? sniOf(request.socket as TLSSocket) : `tls ${request.url ?? ''}`),
  )
  secureUpstream.on('upgrade', (_request, socket: TLSSocket) => socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n${sniOf(socket)}`))
  await new Promise<void>((resolve) => secureUpstream.listen(0, '127.0.0.1', resolve))
  await call('POST', '/services', { name: 'tls-upstream', url: `https://127.0.0.1:${(secureUpstream.address() as AddressInfo).port}/s` })
  await call('POST', '/services/tls-upstream/routes', { expression: 'http.path ^= "/to-tls"' })
  await call('POST', '/services/tls-upstream/routes', { expression: 'http.path ^= "/tls-preserved"', preserve_host: true })
  await call('POST', '/services', { name: 'alpha', url: `http://127.0.0.1:${alpha.port}/base` })
  await call('POST', '/services', { name: 'beta', url: `http://127.0.0.1:${beta.port}` })
  await call('POST', '/services', { name: 'down', url: 'http://127.0.0.1:1', retries: 0 })
  await call('POST', '/services', { name: 'slow', url: `http://127.0.0.1:${slow.port}`, read_timeout: 300, retries: 0 })
  await call('POST', '/services', { name: 'flaky', url: `http://127.0.0.1:${flaky.port}`, read_timeout: 200, retries: 1 })
  await call('POST', '/services/flaky/routes', { expression: 'http.path == "/flaky"' })
  await call('POST', '/services', { name: 'stuck', url: `http://127.0.0.1:${stuck.port}`, write_timeout: 300, retries: 0 })
  // Streamed: a buffered body would be read in full (up to 256 MB here) before the upstream stalls.
  await call('POST', '/services/stuck/routes', { expression: 'http.path == "/stuck"', request_buffering: false })
  await call('POST', '/services', { name: 'streaming', url: `http://127.0.0.1:${streaming.port}` })
  await call('POST', '/services/alpha/routes', { name: 'alpha-prefix', expression: 'http.path ^= "/alpha"' })
  await call('POST', '/services/beta/routes', { name: 'beta-trad', paths: ['/beta'], strip_path: false, preserve_host: true })
  await call('POST', '/services/beta/routes', { name: 'beta-header', expression: 'http.headers.x_pick == "beta"', priority: 10 })
  await call('POST', '/services/down/routes', { expression: 'http.path == "/down"' })
  await call('POST', '/services/slow/routes', { expression: 'http.path == "/slow"' })
  await call('POST', '/services/streaming/routes', { expression: 'http.path ^= "/stream" || http.path == "/body" || http.path == "/ws"', strip_path: false })
  await call('POST', '/services/alpha/routes', { expression: 'http.path == "/secure"', protocols: ['https'] })
  await call('POST', '/services/alpha/routes', { expression: 'http.path == "/secure-redirect"', protocols: ['https'], https_redirect_status_code: 301 })
  await call('POST', '/services/alpha/routes', { expression: 'http.path ^= "/grpc-only"', protocols: ['grpc'], strip_path: false })
  await call('POST', '/services/alpha/routes', { name: 'sni-a', expression: 'tls.sni == "a.test" && http.path == "/sni"' })
  await call('POST', '/services/beta/routes', { name: 'sni-b', expression: 'tls.sni == "b.test" && http.path == "/sni"' })
  await call('POST', '/routes', { expression: 'http.path == "/serviceless"' })
})

afterAll(async () => {
  await gw.close()
  await Promise.all([alpha, beta, slow, flaky, stuck, streaming].map((s) => s.close()))
  secureUpstream.closeAllConnections()
  secureUpstream.close()
  certs.cleanup()
})

async function echo(path: string, init?: RequestInit): Promise<{ status: number; echo: Echo; headers: Headers }> {
  const response = await fetch(gw.proxy + path, init)
  return { status: response.status, echo: (await response.json()) as Echo, headers: response.headers }
}

describe('routing and upstream requests', () => {
  it('strips the recorded prefix and joins the service path (expression route)', async () => {
    const { status, echo: seen, headers } = await echo('/alpha/x?q=1')
    expect(status).toBe(200)
    expect(seen).toMatchObject({ name: 'alpha', url: '/base/x?q=1' })
    expect(seen.headers['host']).toBe(`127.0.0.1:${alpha.port}`)
    expect(headers.get('via')).toMatch(/switchyard/)
    expect(headers.get('x-switchyard-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('keeps the path and the client Host with strip_path false and preserve_host (traditional route)', async () => {
    const seen = JSON.parse((await httpGet(`${gw.proxy}/beta/y`, { host: 'client.example:8000' })).body) as Echo
    expect(seen).toMatchObject({ name: 'beta', url: '/beta/y' })
    expect(seen.headers['host']).toBe('client.example:8000')
  })

  it('sets X-Forwarded-* and Via, and strips hop-by-hop headers both ways', async () => {
    const seen = JSON.parse((await httpGet(`${gw.proxy}/alpha`, { 'x-forwarded-for': '10.0.0.1', connection: 'x-drop', 'x-drop': 'gone', 'x-keep': 'kept' })).body) as Echo
    expect(seen.headers).toMatchObject({ 'x-forwarded-for': '10.0.0.1, 127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': '127.0.0.1', 'x-forwarded-path': '/alpha', 'x-forwarded-prefix': '/alpha', 'x-real-ip': '127.0.0.1', 'x-keep': 'kept' })
    expect(seen.headers['x-forwarded-port']).toBe(new URL(gw.proxy).port)
    expect(seen.headers['via']).toMatch(/^1\.1 switchyard\//)
    expect(seen.headers['x-drop']).toBeUndefined()
  })

  it("forwards nginx's $host and the listener port, not the port of the Host header (Kong: ctx.host_port or server_port)", async () => {
    const seen = JSON.parse((await httpGet(`${gw.proxy}/beta/y`, { host: 'Preserved.COM.:123' })).body) as Echo
    expect(seen.headers).toMatchObject({ host: 'Preserved.COM.:123', 'x-forwarded-host': 'preserved.com', 'x-forwarded-port': new URL(gw.proxy).port })
  })

  it('removes the hop-by-hop request fields and Proxy (httpoxy), and keeps `te: trailers` (Kong "are removed from request")', async () => {
    const seen = JSON.parse(
      (
        await httpGet(`${gw.proxy}/alpha`, {
          connection: 'X-Foo, X-Bar',
          'keep-alive': 'timeout=5, max=1000',
          proxy: 'Remove-Me',
          'proxy-connection': 'close',
          'proxy-authorization': 'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
          te: 'trailers, deflate;q=0.5',
          upgrade: 'example/1, foo/2',
          'x-foo': 'Remove-Me',
          'x-bar': 'Remove-Me',
          'x-foo-bar': 'Keep-Me',
          close: 'Keep-Me',
        })
      ).body,
    ) as Echo
    for (const name of ['keep-alive', 'proxy', 'proxy-connection', 'proxy-authorization', 'upgrade', 'x-foo', 'x-bar']) expect(seen.headers[name], name).toBeUndefined()
    expect(seen.headers).toMatchObject({ te: 'trailers', 'x-foo-bar': 'Keep-Me', close: 'Keep-Me' })
    const plain = JSON.parse((await httpGet(`${gw.proxy}/alpha`, { te: 'deflate' })).body) as Echo
    expect(plain.headers['te']).toBeUndefined()
  })

  it('passes the response fields Kong passes, Trailer only to a client that asked for trailers, and the upstream Server', async () => {
    const plain = await httpGet(`${gw.proxy}/stream/hop-by-hop`)
    expect(plain.status).toBe(200)
    expect(plain.body).toBe('hello')
    for (const name of ['proxy-authenticate', 'trailer', 'upgrade']) expect(plain.headers[name], name).toBeUndefined()
    expect(plain.headers['keep-alive']).not.toBe('timeout=5, max=1000')
    expect(plain.headers).toMatchObject({ proxy: 'Remove-Me', 'proxy-connection': 'close', 'proxy-authorization': 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', te: 'trailers, deflate;q=0.5', server: 'upstream-server', 'transfer-encoding': 'chunked' })
    const asked = await httpGet(`${gw.proxy}/stream/hop-by-hop`, { te: 'trailers' })
    expect(asked.headers['trailer']).toBe('Expires')
  })

  it("adds this gateway's Server header when the upstream sent none", async () => {
    expect((await fetch(`${gw.proxy}/alpha`)).headers.get('server')).toMatch(/^switchyard\/\d/)
  })

  it("sends Kong's latency headers in whole milliseconds: upstream and proxy latency when proxied, response latency otherwise", async () => {
    const number = /^\d+$/
    const proxied = await fetch(`${gw.proxy}/stream/slow`)
    expect(await proxied.text()).toBe('late')
    expect(Number(proxied.headers.get('x-switchyard-upstream-latency'))).toBeGreaterThanOrEqual(50)
    expect(proxied.headers.get('x-switchyard-proxy-latency')).toMatch(number)
    expect(proxied.headers.get('x-switchyard-response-latency')).toBeNull()
    for (const path of ['/nothing-here', '/secure', '/serviceless']) {
      const own = await fetch(gw.proxy + path)
      expect(own.headers.get('x-switchyard-response-latency'), path).toMatch(number)
      expect(own.headers.get('x-switchyard-upstream-latency'), path).toBeNull()
      expect(own.headers.get('x-switchyard-proxy-latency'), path).toBeNull()
    }
    // A failed upstream call still counts as proxied, as in Kong (502 with error_page).
    const failed = await fetch(`${gw.proxy}/down`)
    expect(failed.status).toBe(502)
    expect(failed.headers.get('x-switchyard-upstream-latency')).toMatch(number)
    expect(failed.headers.get('x-switchyard-proxy-latency')).toMatch(number)
    expect(failed.headers.get('x-switchyard-response-latency')).toBeNull()
  })

  it('routes an absolute-form request target on its path and forwards its host as $host', async () => {
    const answer = await raw(proxyPort(), 'GET http://Abs.Example.com:99/alpha/x?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    const seen = JSON.parse(rawBody(answer)) as Echo
    expect(seen).toMatchObject({ name: 'alpha', url: '/base/x?q=1' })
    expect(seen.headers).toMatchObject({ 'x-forwarded-host': 'abs.example.com', 'x-forwarded-path': '/alpha/x', 'x-forwarded-prefix': '/alpha' })
  })

  it('routes on a header with a higher-priority expression route', async () => {
    expect((await echo('/beta/z', { headers: { 'x-pick': 'beta' } })).echo.name).toBe('beta')
    expect((await echo('/alpha', { headers: { 'x-pick': 'beta' } })).echo.name).toBe('beta')
  })

  it('streams response bodies and strips the response hop-by-hop headers', async () => {
    const response = await fetch(`${gw.proxy}/stream`)
    expect(response.headers.get('x-secret')).toBeNull()
    expect(response.headers.get('keep-alive')).not.toBe('timeout=5')
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('first;')
    streaming.server.emit('release')
    let rest = ''
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value)
    expect(rest).toBe('second')
  })

  it('streams a large request body intact', async () => {
    const body = Buffer.alloc(8 * 1024 * 1024, 'abcdefgh')
    const response = await fetch(`${gw.proxy}/body`, { method: 'POST', body })
    expect(await response.json()).toEqual({ size: body.length, sha: createHash('sha256').update(body).digest('hex') })
  })

  it('passes WebSocket upgrades through', async () => {
    const port = Number(new URL(gw.proxy).port)
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      let out = ''
      socket.on('data', (c: Buffer) => {
        out += c.toString()
        if (out.includes('hello /ws') && !out.includes('ping')) socket.write('ping')
        if (out.includes('ping')) socket.end(), resolve(out)
      })
      socket.on('error', reject)
      socket.write(`GET /ws HTTP/1.1\r\nHost: x\r\n${WEBSOCKET.replace('websocket', 'WebSocket')}\r\n`)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 101/)
    // The gateway's headers on the handshake's answer, as Kong's header_filter adds them.
    const head = answer.slice(0, answer.indexOf('\r\n\r\n'))
    expect(head).toMatch(/\r\nvia: 1\.1 switchyard\/[^\r]+\r\n/i)
    expect(head).toMatch(/\r\nx-switchyard-request-id: [0-9a-f-]{36}(\r\n|$)/i)
    expect(head).toMatch(/\r\nx-switchyard-upstream-latency: \d+/i)
    expect(head).toMatch(/\r\nupgrade: websocket/i)
    // Kong's upstream Connection and Upgrade values.
    expect(answer).toContain('hello /ws keep-alive, Upgrade websocket')
    expect(answer).toContain('ping')
  })

  it.each([
    ['http', undefined],
    ['https', 'a.test'],
  ])('proxies an upgrade other than WebSocket (h2c) as an ordinary request, body included, over %s', async (_scheme, servername) => {
    const port = servername === undefined ? proxyPort() : (gw.gateway.proxy.addresses[1]?.port ?? 0)
    const h2c = 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n'
    const answer = await raw(port, `POST /alpha/h2c HTTP/1.1\r\nHost: x\r\n${h2c}Content-Length: 5\r\n\r\nhello`, servername)
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    const seen = JSON.parse(rawBody(answer)) as Echo
    expect(seen).toMatchObject({ url: '/base/h2c', body: 'hello' })
    expect(seen.headers['upgrade']).toBeUndefined()
    expect(seen.headers['http2-settings']).toBeUndefined()
  })

  it.each([
    ['/secure', /^HTTP\/1\.1 426 Upgrade Required\r\n/, ['Connection: Upgrade', 'Upgrade: TLS/1.2, HTTP/1.1', 'Please use HTTPS protocol']],
    ['/secure-redirect', /^HTTP\/1\.1 301 Moved Permanently\r\n/, ['Location: https://x/secure-redirect']],
    ['/nothing-here', /^HTTP\/1\.1 404 Not Found\r\n/, ['no Route matched with those values']],
    ['/down', /^HTTP\/1\.1 502 Bad Gateway\r\n/, ['An invalid response was received from the upstream server']],
  ])("answers a WebSocket request to %s as Kong answers any request, with the status's reason phrase", async (path, status, contents) => {
    const answer = await raw(proxyPort(), `GET ${path} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET}\r\n`)
    expect(answer).toMatch(status)
    for (const text of contents) expect(answer).toContain(text)
  })
})

describe('errors', () => {
  it('answers 404 with Kong body and a request id', async () => {
    const response = await fetch(`${gw.proxy}/nothing-here`)
    expect(response.status).toBe(404)
    const body = (await response.json()) as { message: string; request_id: string }
    expect(body.message).toBe('no Route matched with those values')
    expect(response.headers.get('x-switchyard-request-id')).toBe(body.request_id)
  })

  it('answers 502 when the upstream is down and 504 when it is too slow', async () => {
    const down = await fetch(`${gw.proxy}/down`)
    expect(down.status).toBe(502)
    expect(((await down.json()) as { message: string }).message).toBe('An invalid response was received from the upstream server')
    const started = Date.now()
    const timeout = await fetch(`${gw.proxy}/slow`)
    expect(timeout.status).toBe(504)
    expect(((await timeout.json()) as { message: string }).message).toBe('The upstream server is timing out')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('retries a timed-out GET on a new connection, never a timed-out POST', async () => {
    flakyAttempts.length = 0
    const get = await fetch(`${gw.proxy}/flaky`)
    expect(get.status).toBe(200)
    expect(await get.text()).toBe('answered attempt 2')
    expect(flakyAttempts).toEqual(['GET', 'GET'])
    flakyAttempts.length = 0
    const post = await fetch(`${gw.proxy}/flaky`, { method: 'POST' })
    expect(post.status).toBe(504)
    expect(flakyAttempts).toEqual(['POST'])
  })

  it('answers 504 when the upstream stops taking the request body for write_timeout', async () => {
    const started = Date.now()
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${gw.proxy}/stuck`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
        request.destroy()
      })
      request.on('error', (error) => (request.destroyed ? undefined : reject(error)))
      const chunk = Buffer.alloc(64 * 1024, 97)
      let sent = 0
      // Keeps sending until the gateway answers: far more than the socket buffers between it and the upstream hold.
      const pump = (): void => {
        while (!request.destroyed && sent < 256 * 1024 * 1024) {
          sent += chunk.length
          if (!request.write(chunk)) return void request.once('drain', pump)
        }
      }
      pump()
    })
    expect(status).toBe(504)
    expect(Date.now() - started).toBeLessThan(10_000)
    // The gateway keeps serving.
    expect((await echo('/alpha')).status).toBe(200)
  })

  it('answers 426 for an https-only route reached over http, and 503 without a service', async () => {
    const response = await fetch(`${gw.proxy}/secure`)
    expect(response.status).toBe(426)
    expect(((await response.json()) as { message: string }).message).toBe('Please use HTTPS protocol')
    expect((await fetch(`${gw.proxy}/serviceless`)).status).toBe(503)
    const redirect = await httpGet(`${gw.proxy}/secure-redirect`, { host: 'Example.COM:8000' })
    expect(redirect).toMatchObject({ status: 301, headers: { location: 'https://example.com/secure-redirect' } })
    // No body, and no Content-Type for it (Kong's proxy location sets no default type).
    expect(redirect.headers).not.toHaveProperty('content-type')
  })

  it('refuses a non-gRPC request on a gRPC route with 415, and gRPC over HTTP/1.1 with 426 (Kong)', async () => {
    const other = await httpGet(`${gw.proxy}/grpc-only`, { 'content-type': 'text/plain' })
    expect(other.status).toBe(415)
    expect(JSON.parse(other.body)).toMatchObject({ message: 'Non-gRPC request matched gRPC route' })
    expect((await httpGet(`${gw.proxy}/grpc-only`)).status).toBe(415)
    const http1 = await httpGet(`${gw.proxy}/grpc-only`, { 'content-type': 'application/grpc+proto' })
    expect(http1.status).toBe(426)
    expect(http1.headers['upgrade']).toBe('HTTP/2')
    expect(JSON.parse(http1.body)).toMatchObject({ message: 'Please use HTTP2 protocol' })
  })

  it.each([
    ['a bad percent-encoding', 'GET /alpha/%zz HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a malformed request line', 'THIS IS NOT HTTP\r\n\r\n'],
    ['a malformed header', 'GET /alpha HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n'],
  ])('answers 400 to %s and keeps serving', async (_name, text) => {
    const port = Number(new URL(gw.proxy).port)
    expect(await raw(port, text)).toMatch(/^HTTP\/1\.1 400/)
    expect((await echo('/alpha')).status).toBe(200)
  })
})

describe('robustness', () => {
  it('survives clients that abort mid-upload, routed or not', async () => {
    const port = Number(new URL(gw.proxy).port)
    for (const path of ['/nothing', '/body']) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${'a'.repeat(1000)}`)
          setTimeout(() => (socket.destroy(), resolve()), 100)
        })
        socket.on('error', () => {})
        socket.resume()
      })
    }
    expect((await echo('/alpha')).status).toBe(200)
  })
})

describe('https', () => {
  function get(servername: string, path: string): Promise<{ status: number; body: string }> {
    const port = gw.gateway.proxy.addresses[1]?.port
    return new Promise((resolve, reject) => {
      const request = httpsRequest({ host: '127.0.0.1', port, path, servername, rejectUnauthorized: false }, (response) => {
        let body = ''
        response.on('data', (c: Buffer) => (body += c.toString()))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      })
      request.on('error', reject)
      request.end()
    })
  }

  it('proxies to an https service (tls_verify off by default, as in Kong)', async () => {
    const response = await fetch(`${gw.proxy}/to-tls/x`)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('tls /s/x')
  })

  it('sends no SNI to a service addressed by IP, and the preserved Host as SNI with preserve_host (Kong proxy_ssl_name)', async () => {
    expect(await (await fetch(`${gw.proxy}/to-tls/sni`)).text()).toBe('sni none')
    expect((await httpGet(`${gw.proxy}/tls-preserved/sni`, { host: 'named.example:8443' })).body).toBe('sni named.example')
    expect(rawBody(await raw(proxyPort(), `GET /to-tls/ws HTTP/1.1\r\nHost: x\r\n${WEBSOCKET}\r\n`))).toBe('sni none')
    expect(rawBody(await raw(proxyPort(), `GET /tls-preserved/ws HTTP/1.1\r\nHost: named.example\r\n${WEBSOCKET}\r\n`))).toBe('sni named.example')
    // Node warns when a TLS server name is an IP address (RFC 6066).
    expect(warnings).not.toContain('DEP0123')
  })

  it('routes on the client SNI and serves https-only routes', async () => {
    expect((JSON.parse((await get('a.test', '/sni')).body) as Echo).name).toBe('alpha')
    expect((JSON.parse((await get('b.test', '/sni')).body) as Echo).name).toBe('beta')
    const secure = await get('a.test', '/secure')
    expect(secure.status).toBe(200)
    expect((JSON.parse(secure.body) as Echo).headers['x-forwarded-proto']).toBe('https')
  })
})
