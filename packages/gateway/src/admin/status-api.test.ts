import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { createRouteChecker } from '../engine.ts'
import { MemoryStore } from '../store/memory-store.ts'
import { adminCall, startInProcess, type InProcessGateway } from '../testing/harness.ts'
import { AdminApi } from './server.ts'

// Kong's Status API (`status_listen`; kong/status/init.lua, kong/status/ready.lua of Kong 3.10):
// `/status`, `/status/ready` and `/metrics`, read-only, without the Admin API's token.

const TOKEN = 'status-test-token'

/** The Status API's base URL of an in-process gateway. */
function statusUrl(gw: InProcessGateway): string {
  const port = gw.gateway.statusAddresses[0]?.port
  if (port === undefined) throw new Error('no status listener')
  return `http://127.0.0.1:${port}`
}

describe('Status API, with a database', () => {
  let gw: InProcessGateway
  let status: string

  beforeAll(async () => {
    gw = await startInProcess({ status_listen: '127.0.0.1:0', admin_token: TOKEN })
    status = statusUrl(gw)
  })
  afterAll(async () => {
    await gw.close()
  })

  it('answers /status/ready with 200 once the router is built, without the admin token', async () => {
    expect(await adminCall(status, 'GET', '/status/ready')).toEqual({ status: 200, body: { message: 'ready' } })
  })

  it('serves /status as the Admin API does, and /metrics', async () => {
    const answer = await adminCall(status, 'GET', '/status')
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ database: { reachable: true }, router: { size: 0 } })
    expect(answer.body.server).toBeDefined()
    const metrics = await fetch(`${status}/metrics`)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain('switchyard_router_routes')
  })

  it('shows no entity and changes nothing: other paths 404, other methods 405', async () => {
    for (const path of ['/', '/services', '/routes', '/config', '/tags', '/status/other']) {
      expect((await adminCall(status, 'GET', path)).status, path).toBe(404)
    }
    expect((await adminCall(status, 'POST', '/status/ready', {})).status).toBe(405)
    expect((await adminCall(status, 'DELETE', '/status')).status).toBe(405)
    const head = await fetch(`${status}/status/ready`, { method: 'HEAD' })
    expect(head.status).toBe(200)
  })

  it('leaves the Admin API behind its token, whose GET / names the Status API listener', async () => {
    expect((await adminCall(gw.admin, 'GET', '/status')).status).toBe(401)
    const root = await fetch(`${gw.admin}/`, { headers: { authorization: `Bearer ${TOKEN}` } })
    const configuration = ((await root.json()) as { configuration: Record<string, unknown> }).configuration
    expect(configuration['status_listen']).toEqual([`127.0.0.1:0`])
  })
})

describe('Status API, DB-less', () => {
  let gw: InProcessGateway
  let status: string
  const ready = () => adminCall(status, 'GET', '/status/ready')

  beforeAll(async () => {
    gw = await startInProcess({ status_listen: '127.0.0.1:0', database: 'off' })
    status = statusUrl(gw)
  })
  afterAll(async () => {
    await gw.close()
  })

  it('is not ready with no configuration, ready with one, and not ready again with an empty one (Kong 3.10 texts)', async () => {
    expect(await ready()).toEqual({ status: 503, body: { message: 'empty configuration hash' } })
    const config = { _format_version: '3.0', services: [{ name: 's', host: 's.example', routes: [{ name: 'r', paths: ['/r'] }] }] }
    expect((await adminCall(gw.admin, 'POST', '/config', config)).status).toBe(201)
    expect(await ready()).toEqual({ status: 200, body: { message: 'ready' } })
    expect((await adminCall(gw.admin, 'GET', '/status')).body.configuration_hash).not.toBe('00000000000000000000000000000000')
    expect((await adminCall(gw.admin, 'POST', '/config', { _format_version: '3.0' })).status).toBe(201)
    expect(await ready()).toEqual({ status: 503, body: { message: 'empty configuration hash' } })
    // Kong gives a configuration without entities the empty hash.
    expect((await adminCall(gw.admin, 'GET', '/status')).body.configuration_hash).toBe('00000000000000000000000000000000')
  })
})

describe('Status API readiness with proxy workers', () => {
  it.each([
    ['sqlite', 0, 2, 503, 'router builds not yet complete'],
    ['sqlite', 1, 2, 200, 'ready'],
    ['off', 1, 2, 503, 'router builds not yet complete, router ready on 1 of 2 workers'],
    ['off', 2, 2, 200, 'ready'],
  ] as const)('database %s, %i of %i workers serving: %i %s', async (database, ready, total, code, message) => {
    const loaded = loadConfig({ env: {}, flags: { database, workers: String(total) } })
    if (!loaded.ok) throw new Error(loaded.errors.join('; '))
    const store = new MemoryStore({ services: [{ id: '6f1d1c1e-7e43-4a0f-9d37-3a1c2b3d4e5f', name: 's', host: 's.example', port: 80, protocol: 'http', path: null } as never], routes: [] })
    const api = new AdminApi({
      config: loaded.config,
      store,
      flavor: 'expressions',
      checkRoute: createRouteChecker('expressions'),
      surface: 'status',
      status: { routerSize: () => 0, routerUpdatedAt: () => 0, metrics: async () => '', server: async () => ({ accepted: 0, handled: 0, active: 0, reading: 0, writing: 0, waiting: 0, totalRequests: 0 }), routers: () => ({ ready, total }) },
    })
    // DB-less readiness also wants a loaded configuration with entities.
    if (database === 'off') store.replaceAll(store.snapshot(), 'loaded-config-hash')
    const server = createServer(api.handle)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const answer = await adminCall(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'GET', '/status/ready')
      expect(answer).toEqual({ status: code, body: { message } })
    } finally {
      server.close()
    }
  })
})

describe('status_listen setting', () => {
  it('is off by default', () => {
    const loaded = loadConfig({ env: {}, flags: {} })
    expect(loaded.ok && loaded.config.statusListen).toEqual([])
  })

  it.each([
    ['admin_listen', 'admin_'],
    ['admin_gui_listen', 'admin_gui_'],
    ['status_listen', 'status_'],
  ])('refuses `ssl` on %s without a certificate of its own or ssl_cert, and a half pair', (setting, prefix) => {
    const loaded = loadConfig({ env: {}, flags: { [setting]: '127.0.0.1:8444 ssl' } })
    expect(loaded.ok).toBe(false)
    if (!loaded.ok) expect(loaded.errors).toContain(`${setting}: an \`ssl\` listener needs ${prefix}ssl_cert and ${prefix}ssl_cert_key (or ssl_cert and ssl_cert_key)`)
    expect(loadConfig({ env: {}, flags: { [setting]: '127.0.0.1:8444 ssl', ssl_cert: 'c.pem', ssl_cert_key: 'k.pem' } }).ok).toBe(true)
    expect(loadConfig({ env: {}, flags: { [setting]: '127.0.0.1:8444 ssl', [`${prefix}ssl_cert`]: 'c.pem', [`${prefix}ssl_cert_key`]: 'k.pem' } }).ok).toBe(true)
    expect(loadConfig({ env: {}, flags: { [`${prefix}ssl_cert`]: 'c.pem' } })).toMatchObject({ ok: false, errors: [`${prefix}ssl_cert, ${prefix}ssl_cert_key: set both or neither`] })
  })
})
