import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpGet, tempDir } from '../testing/harness.ts'
import { createGuiHandler } from './server.ts'

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

/** Sends one request exactly as written (no client-side URL normalisation) and returns the status code. */
function rawStatus(base: string, requestLine: string, headers: Record<string, string> = {}): Promise<number> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const lines = Object.entries({ host: 'localhost', connection: 'close', ...headers }).map(([name, value]) => `${name}: ${value}\r\n`)
      socket.write(`${requestLine}\r\n${lines.join('')}\r\n`)
    })
    let text = ''
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)))
    socket.on('error', reject)
  })
}

/** A request with any method and headers; resolves to status, headers and body. */
function send(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers }, (response) => {
      let text = ''
      response.on('data', (c: Buffer) => (text += c.toString('utf8')))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
    })
    request.on('error', reject)
    request.end(body)
  })
}

describe('GUI listener', () => {
  const dir = tempDir()
  const outside = tempDir()
  let admin: Server
  let elsewhere: Server
  let elsewhereHits = 0
  let elsewhereUrl: string
  let gui: Server
  let base: string

  beforeAll(async () => {
    mkdirSync(join(dir.path, 'assets'))
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>gui</title>')
    writeFileSync(join(dir.path, 'assets', 'index-abc.js'), 'export {}')
    writeFileSync(join(dir.path, 'assets', 'index-abc.css'), 'body{}')
    writeFileSync(join(outside.path, 'secret.txt'), 'secret')
    symlinkSync(join(outside.path, 'secret.txt'), join(dir.path, 'leak.txt'))
    symlinkSync(outside.path, join(dir.path, 'out'))
    elsewhere = createServer((_request, response) => {
      elsewhereHits++
      response.end('elsewhere')
    })
    elsewhereUrl = await listen(elsewhere)
    admin = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: request.method, url: request.url, token: request.headers.authorization ?? null }))
    })
    const adminUrl = await listen(admin)
    gui = createServer(createGuiHandler({ root: dir.path, adminUrl }))
    base = await listen(gui)
  })

  afterAll(async () => {
    await new Promise((resolve) => gui.close(resolve))
    await new Promise((resolve) => admin.close(resolve))
    await new Promise((resolve) => elsewhere.close(resolve))
    dir.cleanup()
    outside.cleanup()
  })

  it.each([
    ['/', 'text/html; charset=utf-8', 'no-cache'],
    ['/index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/assets/index-abc.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/assets/index-abc.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
  ])('serves %s as %s', async (path, type, cache) => {
    const answer = await httpGet(base + path)
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe(type)
    expect(answer.headers['cache-control']).toBe(cache)
  })

  it('answers 404 for missing files and paths that leave the folder', async () => {
    expect((await httpGet(`${base}/nope.js`)).status).toBe(404)
    expect((await httpGet(`${base}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404)
  })

  it('forwards /api/* to the Admin API with method, path, query and credentials', async () => {
    const answer = await httpGet(`${base}/api/routes?size=10`, { authorization: 'Bearer t' })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({ method: 'GET', url: '/routes?size=10', token: 'Bearer t' })
    expect(JSON.parse((await httpGet(`${base}/api`)).body)).toMatchObject({ url: '/' })
  })

  it.each([
    ['GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1', 404],
    ['GET /../../../etc/passwd HTTP/1.1', 404],
    ['GET /..%2f..%2f..%2fetc%2fpasswd HTTP/1.1', 404],
    ['GET /..\\..\\..\\etc\\passwd HTTP/1.1', 404],
    ['GET /%2fetc%2fpasswd HTTP/1.1', 404],
    ['GET /assets/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1', 404],
    ['GET /index.html%00.js HTTP/1.1', 400],
    ['GET /%E0%A4%A HTTP/1.1', 400],
    ['GET /leak.txt HTTP/1.1', 404],
    ['GET /out/secret.txt HTTP/1.1', 404],
    ['GET /assets/ HTTP/1.1', 404],
    ['GET /assets HTTP/1.1', 404],
    ['GET // HTTP/1.1', 200],
    ['GET //etc/passwd HTTP/1.1', 404],
    ['GET http://elsewhere.example/etc/passwd HTTP/1.1', 400],
    ['OPTIONS * HTTP/1.1', 400],
    ['POST /index.html HTTP/1.1', 405],
    ['DELETE / HTTP/1.1', 405],
  ])('answers %s with %i and keeps running', async (line, status) => {
    expect(await rawStatus(base, line)).toBe(status)
    expect((await httpGet(`${base}/`)).status).toBe(200)
  })

  it('answers 431 to a URL past the header size limit', async () => {
    expect(await rawStatus(base, `GET /${'a'.repeat(20_000)} HTTP/1.1`)).toBe(431)
  })

  it('marks only hashed assets immutable, wherever the URL went on the way', async () => {
    const answer = await rawStatus(base, 'GET /assets/..%2findex.html HTTP/1.1')
    expect(answer).toBe(200)
    const page = await httpGet(`${base}/assets/..%2findex.html`)
    expect(page.headers['cache-control']).toBe('no-cache')
  })

  it('sends no body for HEAD, and frame and sniffing protection with every file', async () => {
    const head = await send(`${base}/index.html`, 'HEAD')
    expect(head.body).toBe('')
    expect(head.headers['content-length']).toBe(String('<!doctype html><title>gui</title>'.length))
    expect(head.headers['x-frame-options']).toBe('DENY')
    expect(head.headers['content-security-policy']).toBe("frame-ancestors 'none'")
    expect(head.headers['x-content-type-options']).toBe('nosniff')
  })

  // `/api//host:port/x` used to resolve as a protocol-relative URL and send the browser's
  // Authorization header to that host.
  it('forwards /api only to the Admin API, never to a host written in the path', async () => {
    const { host } = new URL(elsewhereUrl)
    const answer = await httpGet(`${base}/api//${host}/steal`, { authorization: 'Bearer t' })
    expect(elsewhereHits).toBe(0)
    expect(JSON.parse(answer.body)).toEqual({ method: 'GET', url: `/${host}/steal`, token: 'Bearer t' })
  })

  it('does not forward cookies or headers named in Connection', async () => {
    const seen = await new Promise<Record<string, unknown>>((resolve) => {
      const probe = createServer((request, response) => {
        resolve(request.headers)
        response.end('{}')
      })
      void listen(probe).then(async (url) => {
        const handler = createGuiHandler({ root: dir.path, adminUrl: url })
        const server = createServer(handler)
        const guiUrl = await listen(server)
        await send(`${guiUrl}/api/x`, 'GET', { cookie: 'session=1', connection: 'x-private', 'x-private': '1', 'kong-admin-token': 'k' })
        server.close()
        probe.close()
      })
    })
    expect(seen).toMatchObject({ 'kong-admin-token': 'k' })
    expect(seen).not.toHaveProperty('cookie')
    expect(seen).not.toHaveProperty('x-private')
  })

  it.each([
    ['an HTML form on another site', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }],
    ['a sibling site', { 'sec-fetch-site': 'same-site' }],
    ['an Origin other than the GUI', { origin: 'http://evil.example' }],
    ['an opaque Origin', { origin: 'null' }],
    ['a DNS-rebound host name', { host: 'evil.example:8002', origin: 'http://evil.example:8002' }],
    ['a DNS-rebound host name without Origin', { host: 'evil.example' }],
  ])('refuses /api from %s with 403', async (_name, headers) => {
    const answer = await send(`${base}/api/services`, 'POST', headers as Record<string, string>, 'name=x&url=http://127.0.0.1:9')
    expect(answer.status).toBe(403)
    expect(JSON.parse(answer.body)).toHaveProperty('message')
  })

  it.each([
    ['same-origin fetch', { 'sec-fetch-site': 'same-origin', host: 'localhost:8002', origin: 'http://localhost:8002' }],
    ['address-bar navigation', { 'sec-fetch-site': 'none', host: '127.0.0.1:8002' }],
    ['an IPv6 literal', { host: '[::1]:8002', origin: 'http://[::1]:8002' }],
    ['a non-browser client', {}],
  ])('forwards /api for %s', async (_name, headers) => {
    expect((await send(`${base}/api/services`, 'POST', headers as Record<string, string>, '{}')).status).toBe(200)
  })

  it('lets any Host name through when the Admin API requires a token (a rebound page has no token)', async () => {
    const adminUrl = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`
    const server = createServer(createGuiHandler({ root: dir.path, adminUrl, adminTokenRequired: true }))
    const guiUrl = await listen(server)
    try {
      expect((await send(`${guiUrl}/api/services`, 'GET', { host: 'gui.example.com' })).status).toBe(200)
      expect((await send(`${guiUrl}/api/services`, 'POST', { host: 'gui.example.com', origin: 'https://evil.example' })).status).toBe(403)
    } finally {
      server.close()
    }
  })

  it('answers 502 in JSON when the Admin API is down', async () => {
    const server = createServer(createGuiHandler({ root: dir.path, adminUrl: 'http://127.0.0.1:9' }))
    const guiUrl = await listen(server)
    try {
      const answer = await httpGet(`${guiUrl}/api/status`)
      expect(answer.status).toBe(502)
      expect(answer.headers['content-type']).toMatch(/application\/json/)
    } finally {
      server.close()
    }
  })
})

