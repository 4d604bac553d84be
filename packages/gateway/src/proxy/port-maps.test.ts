// Kong's port_maps: a listener reached through a forwarded port (a container's `-p 80:8000`) routes
// and forwards as the port clients reached, not the one it listens on (Kong's ctx.host_port).
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, httpGet, startInProcess, startUpstream, type Echo, type InProcessGateway, type TestServer } from '../testing/harness.ts'

let gw: InProcessGateway
let upstream: TestServer
let listenerPort: number

/** A port no one listens on now, for a listener whose port the mapping must name before it starts. */
function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

beforeAll(async () => {
  upstream = await startUpstream('echo')
  listenerPort = await unusedPort()
  gw = await startInProcess({ proxy_listen: `127.0.0.1:${listenerPort}`, port_maps: `80:${listenerPort}` })
  await adminCall(gw.admin, 'POST', '/services', { name: 'echo', url: `http://127.0.0.1:${upstream.port}` })
  await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'mapped', expression: 'http.path ^= "/mapped" && net.dst.port == 80' })
  await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'listener', expression: `http.path ^= "/listener" && net.dst.port == ${listenerPort}` })
  await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'any-port', expression: 'http.path ^= "/any"' })
})

afterAll(async () => {
  await gw.close()
  await upstream.close()
})

describe('port_maps', () => {
  it('routes on the mapped port as net.dst.port when the Host header names none', async () => {
    expect((await httpGet(`${gw.proxy}/mapped`, { host: 'api.example.com' })).status).toBe(200)
    expect((await httpGet(`${gw.proxy}/listener`, { host: 'api.example.com' })).status).toBe(404)
  })

  it("keeps the Host header's port first, as without port_maps", async () => {
    expect((await httpGet(`${gw.proxy}/mapped`, { host: 'api.example.com:8080' })).status).toBe(404)
    expect((await httpGet(`${gw.proxy}/listener`, { host: `api.example.com:${listenerPort}` })).status).toBe(200)
  })

  it('forwards the mapped port as X-Forwarded-Port', async () => {
    const seen = JSON.parse((await httpGet(`${gw.proxy}/any`, { host: 'api.example.com' })).body) as Echo
    expect(seen.headers['x-forwarded-port']).toBe('80')
  })
})
