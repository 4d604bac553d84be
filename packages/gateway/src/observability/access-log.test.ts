import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { afterAll, expect, it } from 'vitest'
import { adminCall, startInProcess, startUpstream, tempDir, type InProcessGateway } from '../testing/harness.ts'

const dir = tempDir()
afterAll(() => dir.cleanup())

/** Runs `use` against a gateway logging to `file`, with service `name` routed at `path`; stops both after. */
async function withLoggingGateway(file: string, name: string, path: string, use: (gw: InProcessGateway) => Promise<void>): Promise<void> {
  const upstream = await startUpstream(name)
  const gw = await startInProcess({ proxy_access_log: file })
  try {
    await adminCall(gw.admin, 'POST', '/services', { name: `${name}-svc`, url: `http://127.0.0.1:${upstream.port}` })
    await adminCall(gw.admin, 'POST', `/services/${name}-svc/routes`, { name: `${name}-route`, expression: `http.path == "${path}"` })
    await use(gw)
  } finally {
    await gw.close()
    await upstream.close()
  }
}

it('writes one JSON line per request with route, service, status and both latencies', async () => {
  const file = join(dir.path, 'access.log')
  await withLoggingGateway(file, 'logged', '/log', async (gw) => {
    expect((await fetch(`${gw.proxy}/log`)).status).toBe(200)
    expect((await fetch(`${gw.proxy}/missing`)).status).toBe(404)
  })
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  expect(lines).toHaveLength(2)
  expect(lines[0]).toMatchObject({ method: 'GET', path: '/log', status: 200, route_name: 'logged-route', service_name: 'logged-svc', client_ip: '127.0.0.1' })
  expect(lines[0]?.['latency_ms']).toEqual(expect.any(Number))
  expect(lines[0]?.['upstream_latency_ms']).toEqual(expect.any(Number))
  expect(lines[1]).toMatchObject({ path: '/missing', status: 404, route: null, upstream_latency_ms: null })
  expect(lines[0]).not.toHaveProperty('error')
})

it("says why the upstream failed when the gateway answered 502 itself", async () => {
  const file = join(dir.path, 'refused.log')
  const gw = await startInProcess({ proxy_access_log: file })
  try {
    await adminCall(gw.admin, 'POST', '/services', { name: 'down', url: 'http://127.0.0.1:1', retries: 0 })
    await adminCall(gw.admin, 'POST', '/services/down/routes', { expression: 'http.path == "/down"' })
    expect((await fetch(`${gw.proxy}/down`)).status).toBe(502)
  } finally {
    await gw.close()
  }
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  expect(lines.at(-1)).toMatchObject({ path: '/down', status: 502, error: 'ECONNREFUSED' })
})

it("writes a quiet gateway's lines out within about a second, without waiting for more traffic", async () => {
  const file = join(dir.path, 'quiet.log')
  await withLoggingGateway(file, 'quiet', '/quiet', async (gw) => {
    expect((await fetch(`${gw.proxy}/quiet`)).status).toBe(200)
    // One line is far below the 4 KB batch; it must still reach the file while the gateway runs.
    const deadline = Date.now() + 3000
    let text = ''
    while (Date.now() < deadline && !text.includes('/quiet')) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      text = readFileSync(file, 'utf8')
    }
    expect(text).toContain('"path":"/quiet"')
  })
})

it('logs a WebSocket request once its tunnel closes, with the upstream status, or the answer the gateway gave', async () => {
  const file = join(dir.path, 'websocket.log')
  const upstream = createServer()
  upstream.on('upgrade', (_request: IncomingMessage, socket: Duplex) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
    socket.on('data', (chunk: Buffer) => socket.write(chunk))
    socket.on('end', () => socket.end())
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const gw = await startInProcess({ proxy_access_log: file })
  const handshake = (path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = connect(Number(new URL(gw.proxy).port), '127.0.0.1', () =>
        socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`),
      )
      let received = ''
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1')
        if (received.includes('\r\n\r\n')) socket.end()
      })
      socket.on('close', () => resolve(received))
      socket.on('error', reject)
    })
  try {
    await adminCall(gw.admin, 'POST', '/services', { name: 'ws-svc', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` })
    await adminCall(gw.admin, 'POST', '/services/ws-svc/routes', { name: 'ws-route', expression: 'http.path == "/ws"' })
    await adminCall(gw.admin, 'POST', '/services', { name: 'ws-down', url: 'http://127.0.0.1:1', retries: 0 })
    await adminCall(gw.admin, 'POST', '/services/ws-down/routes', { expression: 'http.path == "/ws-down"' })
    expect(await handshake('/ws')).toMatch(/^HTTP\/1\.1 101 /)
    expect(await handshake('/ws-down')).toMatch(/^HTTP\/1\.1 502 /)
  } finally {
    await gw.close()
    await new Promise((resolve) => upstream.close(resolve))
  }
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  expect(lines.find((l) => l['path'] === '/ws')).toMatchObject({ method: 'GET', status: 101, route_name: 'ws-route', service_name: 'ws-svc', upstream_latency_ms: expect.any(Number) })
  expect(lines.find((l) => l['path'] === '/ws-down')).toMatchObject({ status: 502, error: 'ECONNREFUSED', upstream_latency_ms: null })
})
