import { readdirSync } from 'node:fs'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../testing/harness.ts'
import { readRequestBody, type BodyLimits, type BodyOutcome, type BufferedBody } from './request-body.ts'

// readRequestBody against real requests on loopback: each test sends a body to a server whose
// handler reads it with the limits under test and reports the outcome.

let server: Server
let port = 0
let limits: BodyLimits
const dir = tempDir()
let outcomes: ((outcome: BodyOutcome) => void)[] = []

beforeAll(async () => {
  server = createServer((request, response) => {
    readRequestBody(request, limits, (outcome) => {
      outcomes.shift()?.(outcome)
      // As the proxy does: the rest of a refused body is not waited for, the connection closes.
      if (outcome.kind !== 'read') response.shouldKeepAlive = false
      response.end(outcome.kind)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterEach(() => {
  outcomes = []
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  dir.cleanup()
})

/** The outcome of reading the next request the server gets. */
function nextOutcome(): Promise<BodyOutcome> {
  return new Promise((resolve) => outcomes.push((outcome) => resolve(outcome)))
}

/** Sends `parts` as the body (chunked unless `length` is given), `gapMs` apart; resolves with the answer's text. */
function send(parts: readonly Buffer[], options: { length?: number; gapMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers = options.length === undefined ? {} : { 'content-length': String(options.length) }
    const request = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/', headers }, (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => (text += chunk.toString()))
      response.on('end', () => resolve(text))
    })
    request.on('error', reject)
    let at = 0
    const next = (): void => {
      if (at === parts.length) return void request.end()
      request.write(parts[at++])
      setTimeout(next, options.gapMs ?? 0)
    }
    next()
  })
}

async function readAll(body: BufferedBody): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body.chunks()) chunks.push(chunk)
  return Buffer.concat(chunks)
}

function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

describe('readRequestBody', () => {
  it('keeps a body up to client_body_buffer_size in memory, and replays it for every attempt', async () => {
    limits = { maxSize: 0, bufferSize: 1024, tempDir: `${dir.path}/a`, timeoutMs: 5000 }
    const outcome = nextOutcome()
    const body = bytes(1000, 1)
    await send([body.subarray(0, 300), body.subarray(300)])
    const read = await outcome
    if (read.kind !== 'read') throw new Error(`read failed: ${read.kind}`)
    expect(read.body.length).toBe(1000)
    expect(await readAll(read.body)).toEqual(body)
    expect(await readAll(read.body)).toEqual(body)
    read.body.release()
    // Nothing went to disk: the folder was never made.
    expect(() => readdirSync(`${dir.path}/a`)).toThrow()
  })

  it('moves a longer body to a temporary file that leaves nothing on disk, read from its start each time', async () => {
    limits = { maxSize: 0, bufferSize: 1024, tempDir: `${dir.path}/b`, timeoutMs: 5000 }
    const outcome = nextOutcome()
    const body = bytes(300_000, 2)
    const parts = [body.subarray(0, 500), body.subarray(500, 1500), body.subarray(1500, 200_000), body.subarray(200_000)]
    await send(parts, { length: body.length })
    const read = await outcome
    if (read.kind !== 'read') throw new Error(`read failed: ${read.kind}`)
    expect(read.body.length).toBe(300_000)
    expect(readdirSync(`${dir.path}/b`)).toEqual([])
    const [first, second] = await Promise.all([readAll(read.body), readAll(read.body)])
    expect(first.equals(body)).toBe(true)
    expect(second.equals(body)).toBe(true)
    read.body.release()
    await expect(readAll(read.body)).rejects.toThrow('released')
  })

  it('refuses with 413 a declared Content-Length over client_max_body_size before reading, and a chunked body once it grows past it', async () => {
    limits = { maxSize: 2000, bufferSize: 1024, tempDir: `${dir.path}/c`, timeoutMs: 5000 }
    const declared = nextOutcome()
    const answer = await send([bytes(10, 2)], { length: 2001 }).catch((error: Error) => error.message)
    expect(await declared).toMatchObject({ kind: 'refused', error: { code: 'payload-too-large', status: 413 } })
    expect(answer).toBe('refused')
    const chunked = nextOutcome()
    await send([bytes(1500, 3), bytes(1500, 4)])
    expect(await chunked).toMatchObject({ kind: 'refused', error: { code: 'payload-too-large' } })
    const exact = nextOutcome()
    await send([bytes(1000, 5), bytes(1000, 6)])
    const read = await exact
    expect(read.kind).toBe('read')
    if (read.kind === 'read') read.body.release()
  })

  it('answers 408 when the client sends nothing more within client_body_timeout', async () => {
    limits = { maxSize: 0, bufferSize: 1024, tempDir: `${dir.path}/d`, timeoutMs: 150 }
    const outcome = nextOutcome()
    const answer = send([bytes(10, 7), bytes(10, 8)], { gapMs: 600 })
    expect(await outcome).toMatchObject({ kind: 'refused', error: { code: 'request-timeout', status: 408 } })
    await answer.catch(() => undefined)
  })

  it('ends at once when the client closes right after a body that goes to a temporary file', async () => {
    limits = { maxSize: 0, bufferSize: 100, tempDir: `${dir.path}/f`, timeoutMs: 5000 }
    const outcome = nextOutcome()
    const request = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-length': '300000' } })
    request.on('error', () => {})
    request.end(bytes(300_000, 10), () => request.destroy())
    const started = performance.now()
    const read = await outcome
    // Either the whole body was read before the close or the client is gone; never the 5 s timeout.
    expect(['read', 'client-gone']).toContain(read.kind)
    expect(performance.now() - started).toBeLessThan(4000)
    if (read.kind === 'read') read.body.release()
  })

  it('ends without an answer when the client leaves mid-body, closing a temporary file it had opened', async () => {
    limits = { maxSize: 0, bufferSize: 100, tempDir: `${dir.path}/e`, timeoutMs: 5000 }
    const outcome = nextOutcome()
    const request = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-length': '100000' } })
    request.on('error', () => {})
    request.write(bytes(5000, 9))
    setTimeout(() => request.destroy(), 100)
    expect(await outcome).toEqual({ kind: 'client-gone' })
    expect(readdirSync(`${dir.path}/e`)).toEqual([])
  })
})
