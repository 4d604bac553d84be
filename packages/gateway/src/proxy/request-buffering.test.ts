import { readdirSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
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
