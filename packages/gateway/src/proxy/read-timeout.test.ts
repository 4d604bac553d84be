// read_timeout and connect_timeout against real upstreams on loopback: kept to the millisecond
// range (not undici's half-second ticks), for the response head and between body chunks, not
// charged to the upstream while the client holds the body back, for a TLS handshake that never
// completes, and for a WebSocket handshake the upstream never answers.
import type { IncomingMessage } from 'node:http'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startInProcess, startUpstream, type InProcessGateway, type TestServer } from '../testing/harness.ts'

const READ_TIMEOUT = 250
const BIG = 8 * 1024 * 1024
let gw: InProcessGateway
let upstream: TestServer
// Accepts TCP connections and never answers: a TLS handshake to it never completes.
let silent: Server
const silentSockets = new Set<Socket>()
const WEBSOCKET = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'

beforeAll(async () => {
  gw = await startInProcess()
  upstream = await startUpstream('stalling', (request, response) => {
    if (request.url === '/head') return // never answers
    if (request.url === '/gap') {
      response.writeHead(200, { 'content-type': 'text/plain' })
      return void response.write('first')
    }
    response.writeHead(200, { 'content-length': String(BIG) })
    response.end(Buffer.alloc(BIG, 120))
  })
  // Switches protocols, then sends nothing on `/ws-quiet`, and 8 MB at once on `/ws-big`; reads what it gets.
  upstream.server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
    if (request.url === '/ws-big') socket.write(Buffer.alloc(BIG, 120))
    socket.resume()
  })
  await adminCall(gw.admin, 'POST', '/services', { name: 'stalling', url: `http://127.0.0.1:${upstream.port}`, read_timeout: READ_TIMEOUT, retries: 0 })
  await adminCall(gw.admin, 'POST', '/services/stalling/routes', { expression: 'http.path ^= "/"', strip_path: false })
  silent = createServer((socket) => void silentSockets.add(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  await adminCall(gw.admin, 'POST', '/services', { name: 'silent', url: `https://127.0.0.1:${(silent.address() as AddressInfo).port}`, connect_timeout: READ_TIMEOUT, retries: 0 })
  await adminCall(gw.admin, 'POST', '/services/silent/routes', { expression: 'http.path == "/silent"', priority: 10 })
  await adminCall(gw.admin, 'POST', '/services', { name: 'silent-ws', url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, read_timeout: READ_TIMEOUT, retries: 0 })
  await adminCall(gw.admin, 'POST', '/services/silent-ws/routes', { expression: 'http.path == "/silent-ws"', priority: 10 })
})

afterAll(async () => {
  await gw.close()
  await upstream.close()
  for (const socket of silentSockets) socket.destroy()
  await new Promise((resolve) => silent.close(resolve))
})

/** A 504 for `path` after the service's timeout, give or take the checks' resolution. */
async function expect504AfterTimeout(path: string): Promise<void> {
  const started = performance.now()
  const response = await fetch(`${gw.proxy}${path}`)
  const elapsed = performance.now() - started
  expect(response.status).toBe(504)
  expect(elapsed).toBeGreaterThanOrEqual(READ_TIMEOUT - 5)
  // undici's own timeouts answered after about a second here.
  expect(elapsed).toBeLessThan(READ_TIMEOUT + 450)
}

describe('read_timeout', () => {
  it('answers 504 once the upstream sent no head for read_timeout, not a second later', async () => {
    await expect504AfterTimeout('/head')
  })

  it('ends the response once the upstream sent nothing more of the body for read_timeout', async () => {
    const response = await fetch(`${gw.proxy}/gap`)
    expect(response.status).toBe(200)
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    expect(Buffer.from(first.value ?? []).toString()).toBe('first')
    const started = performance.now()
    await expect(reader.read()).rejects.toThrow()
    expect(performance.now() - started).toBeLessThan(READ_TIMEOUT + 450)
  })

  it('answers 504 once connecting (TLS handshake included) took connect_timeout, not a second later', async () => {
    await expect504AfterTimeout('/silent')
  })

  it('does not cut a body the client is slow to take', async () => {
    const port = Number(new URL(gw.proxy).port)
    const received = await new Promise<number>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      let bytes = 0
      socket.pause()
      socket.write('GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      // Reads nothing for three read_timeouts: the gateway's buffers fill and it stops reading too.
      setTimeout(() => socket.resume(), 3 * READ_TIMEOUT)
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length))
      socket.on('end', () => resolve(bytes))
      socket.on('error', reject)
    })
    expect(received).toBeGreaterThan(BIG)
  })
})

/** Sends `text` on a new connection; resolves with all that came back and when the gateway closed it, timed from the send. */
function rawTimed(text: string): Promise<{ answer: string; elapsed: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(gw.proxy).port), '127.0.0.1')
    const started = performance.now()
    let answer = ''
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')))
    socket.on('close', () => resolve({ answer, elapsed: performance.now() - started }))
    socket.on('error', reject)
    socket.write(text, 'latin1')
  })
}

describe('WebSocket handshake', () => {
  // It waited forever: the upstream socket's timeout was off once connected.
  it('answers 504 when the upstream does not answer the upgrade within read_timeout, and closes both connections', async () => {
    const before = silentSockets.size
    // Read, so that the end of the connection is seen.
    const closed = new Promise<void>((resolve) => silent.once('connection', (socket: Socket) => socket.resume().once('close', () => resolve())))
    const { answer, elapsed } = await rawTimed(`GET /silent-ws HTTP/1.1\r\nHost: x\r\n${WEBSOCKET}\r\n`)
    expect(answer).toMatch(/^HTTP\/1\.1 504 Gateway Timeout\r\n/)
    expect(elapsed).toBeGreaterThanOrEqual(READ_TIMEOUT - 5)
    expect(elapsed).toBeLessThan(READ_TIMEOUT + 450)
    expect(silentSockets.size).toBe(before + 1)
    await closed
  })
})

/** A WebSocket tunnel through the gateway to `path`, once the 101 is in. */
function openTunnel(path: string): Promise<{ socket: Socket; closed: Promise<number>; received: () => number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(gw.proxy).port), '127.0.0.1')
    let bytes = 0
    let switched = false
    const closed = new Promise<number>((resolveClosed) => socket.once('close', () => resolveClosed(performance.now())))
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (switched) return
      switched = true
      expect(chunk.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /)
      resolve({ socket, closed, received: () => bytes })
    })
    socket.on('error', reject)
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET}\r\n`)
  })
}

describe('WebSocket tunnel', () => {
  // Each stayed open for good: nothing timed an established tunnel.
  it('closes a tunnel nothing crossed for read_timeout', async () => {
    const { closed } = await openTunnel('/ws-quiet')
    const opened = performance.now()
    const elapsed = (await closed) - opened
    expect(elapsed).toBeGreaterThanOrEqual(READ_TIMEOUT - 5)
    expect(elapsed).toBeLessThan(READ_TIMEOUT + 450)
  })

  it('keeps it open while the client sends (nginx re-arms the wait on either side), and closes it read_timeout after', async () => {
    const { socket, closed } = await openTunnel('/ws-quiet')
    let open = true
    void closed.then(() => (open = false))
    for (let i = 0; i < 8; i++) {
      socket.write('ping')
      await new Promise((resolve) => setTimeout(resolve, READ_TIMEOUT / 2))
    }
    expect(open).toBe(true)
    const stopped = performance.now()
    expect((await closed) - stopped).toBeLessThan(READ_TIMEOUT + 450)
  })

  it('does not close it while the client is slow to take what the upstream sent', async () => {
    const { socket, closed, received } = await openTunnel('/ws-big')
    socket.pause()
    await new Promise((resolve) => setTimeout(resolve, 3 * READ_TIMEOUT))
    socket.resume()
    await closed
    expect(received()).toBeGreaterThan(BIG)
  })
})
