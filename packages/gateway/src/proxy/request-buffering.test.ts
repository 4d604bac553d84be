import { readdirSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startInProcess, startUpstream, type Echo, type InProcessGateway, type TestServer } from '../testing/harness.ts'

// Routes' request_buffering through a running gateway and real upstreams on loopback: what the
// upstream receives, the size limit, and retries that send a buffered body again.

let gw: InProcessGateway
let echo: TestServer
let resetting: TestServer
/** Requests the echo upstream received. */
let echoed = 0
/** What the resetting upstream received, one entry per attempt. */
const attempts: { method: string; body: string }[] = []

beforeAll(async () => {
  gw = await startInProcess({ nginx_http_client_body_buffer_size: '1k', nginx_http_client_max_body_size: '64k' })
  echo = await startUpstream('echo')
  echo.server.on('request', () => echoed++)
  // Resets the connection of every first attempt once it has read the body; answers the retry.
  resetting = await startUpstream('resetting', (request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      attempts.push({ method: request.method ?? '', body: Buffer.concat(chunks).toString() })
      if (attempts.length % 2 === 1) return void request.socket.destroy()
      response.end(`attempt ${attempts.length}`)
    })
  })
  const call = (path: string, body: unknown) => adminCall(gw.admin, 'POST', path, body)
  await call('/services', { name: 'echo', url: `http://127.0.0.1:${echo.port}` })
  await call('/services/echo/routes', { expression: 'http.path ^= "/buffered"', strip_path: false })
  await call('/services/echo/routes', { expression: 'http.path ^= "/streamed"', strip_path: false, request_buffering: false })
  await call('/services', { name: 'resetting', url: `http://127.0.0.1:${resetting.port}`, retries: 1 })
  await call('/services/resetting/routes', { expression: 'http.path == "/reset/buffered"' })
  await call('/services/resetting/routes', { expression: 'http.path == "/reset/streamed"', request_buffering: false })
})

afterAll(async () => {
  await gw.close()
  await Promise.all([echo.close(), resetting.close()])
})

/** Sends a request whose body goes out in `parts` (chunked unless a Content-Length is given). */
function send(method: string, path: string, parts: readonly string[], headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${gw.proxy}${path}`, { method, headers }, (response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk.toString()))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('error', reject)
    for (const part of parts) request.write(part)
    request.end()
  })
}

/**
 * Writes `request` on a raw connection, and `body` right after it; then, if `afterContinue` is
 * given, that once a 100 Continue came; resolves with everything the gateway sent until it closed
 * the connection or went quiet for a second.
 */
function raw(request: string, options: { afterContinue?: string; body?: Buffer } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(gw.proxy).port), '127.0.0.1')
    let received = ''
    let quiet: NodeJS.Timeout | undefined
    const done = (): void => {
      clearTimeout(quiet)
      socket.destroy()
      resolve(received)
    }
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      if (options.afterContinue !== undefined && received.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !received.includes('\r\n\r\nHTTP')) socket.write(options.afterContinue)
      clearTimeout(quiet)
      quiet = setTimeout(done, 1000)
    })
    socket.on('close', done)
    socket.on('error', (error) => (received === '' ? reject(error) : done()))
    socket.write(request)
    if (options.body !== undefined) socket.write(options.body)
  })
}

const text = (length: number, seed: number): string => Array.from({ length }, (_, i) => String.fromCharCode(97 + ((i * 7 + seed) % 26))).join('')

describe('request_buffering', () => {
  it('sends a buffered chunked upload with a Content-Length, in memory or through a temporary file', async () => {
    for (const length of [300, 40_000]) {
      const body = text(length, length)
      const { status, body: answer } = await send('POST', '/buffered', [body.slice(0, 100), body.slice(100)])
      expect(status).toBe(200)
      const seen = JSON.parse(answer) as Echo
      expect(seen.body).toBe(body)
      expect(seen.headers['content-length']).toBe(String(length))
      expect(seen.headers['transfer-encoding']).toBeUndefined()
    }
    // Temporary files are unlinked as soon as they are open.
    expect(readdirSync(join(gw.prefix, 'client_body_temp'))).toEqual([])
  })

  it('passes a Content-Length body on as it came, and an empty chunked body with Content-Length 0', async () => {
    const seen = JSON.parse((await send('PUT', '/buffered', ['{"a":1}'], { 'content-length': '7' })).body) as Echo
    expect([seen.body, seen.headers['content-length']]).toEqual(['{"a":1}', '7'])
    const empty = JSON.parse((await send('POST', '/buffered', [])).body) as Echo
    expect([empty.body, empty.headers['content-length'], empty.headers['transfer-encoding']]).toEqual(['', '0', undefined])
  })

  it('streams a route without request_buffering: a chunked upload stays chunked', async () => {
    const body = text(5000, 3)
    const seen = JSON.parse((await send('POST', '/streamed', [body.slice(0, 10), body.slice(10)])).body) as Echo
    expect(seen.body).toBe(body)
    expect(seen.headers['transfer-encoding']).toBe('chunked')
    expect(seen.headers['content-length']).toBeUndefined()
  })

  it('answers 413 to a body over client_max_body_size, before the upstream sees it when it can', async () => {
    const before = echoed
    for (const path of ['/buffered', '/streamed']) {
      const declared = await send('POST', path, [text(100, 1)], { 'content-length': String(64 * 1024 + 1), accept: 'application/json' })
      expect(declared.status).toBe(413)
      expect(JSON.parse(declared.body)).toMatchObject({ message: 'Payload too large' })
    }
    const chunked = await send('POST', '/buffered', [text(40_000, 1), text(40_000, 2)], { accept: 'application/json' })
    expect(chunked.status).toBe(413)
    expect(echoed).toBe(before)
    // A streamed chunked upload is cut once it grows past the limit.
    expect((await send('POST', '/streamed', [text(40_000, 1), text(40_000, 2)])).status).toBe(413)
    // The limit is inclusive, and the gateway keeps serving.
    const exact = await send('POST', '/buffered', [text(64 * 1024, 4)])
    expect(exact.status).toBe(200)
    expect((JSON.parse(exact.body) as Echo).body.length).toBe(64 * 1024)
  })

  it('sends 100 Continue only when it reads the body, never before a 413 or an answer of its own', async () => {
    const accepted = await raw(`POST /buffered HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`, { afterContinue: 'hello' })
    expect(accepted).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /)
    for (const path of ['/buffered', '/streamed', '/nowhere']) {
      const refused = await raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${64 * 1024 + 1}\r\nExpect: 100-continue\r\n\r\n`)
      expect(refused).toMatch(/^HTTP\/1\.1 413 /)
    }
    const unrouted = await raw(`POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`)
    expect(unrouted).toMatch(/^HTTP\/1\.1 404 /)
    // That connection is closed: the client may or may not send the body it announced.
    expect(unrouted).toMatch(/\r\nconnection: close\r\n/i)
  })

  it('delivers the 413 to a client that sends its whole large body before reading, and closes after it', async () => {
    // A connection closed with the rest of the body unread is reset, and the reset throws away the
    // answer the client has not read yet: the gateway reads and drops the rest first.
    const body = Buffer.alloc(8 * 1024 * 1024, 98)
    for (const path of ['/buffered', '/streamed']) {
      for (let i = 0; i < 5; i++) {
        const answer = await raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`, { body })
        expect(answer.slice(0, 13)).toBe('HTTP/1.1 413 ')
      }
    }
  })

  it('sends a buffered body again when a retry is allowed, and never retries a streamed one that was read', async () => {
    attempts.length = 0
    const body = text(20_000, 5)
    const retried = await send('PUT', '/reset/buffered', [body.slice(0, 5000), body.slice(5000)])
    expect(retried).toEqual({ status: 200, body: 'attempt 2' })
    expect(attempts.map((a) => [a.method, a.body === body])).toEqual([
      ['PUT', true],
      ['PUT', true],
    ])
    attempts.length = 0
    const streamed = await send('PUT', '/reset/streamed', [body])
    expect(streamed.status).toBe(502)
    expect(attempts.length).toBe(1)
  })
})
