import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { connect, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { createRouteChecker } from '../engine.ts'
import { MemoryStore } from '../store/memory-store.ts'
import { adminCall, rawExchange, startInProcess, tempDir, type InProcessGateway } from '../testing/harness.ts'
import { AdminApi, type ServerCounts } from './server.ts'

// GET / and GET /status checked against Kong Gateway 3.x (kong/api/routes/kong.lua and health.lua,
// kong/pdk/node.lua, spec/02-integration/04-admin_api/02-kong_routes_spec.lua).

let gw: InProcessGateway
const call = (method: string, path: string, body?: unknown) => adminCall(gw.admin, method, path, body)

beforeAll(async () => {
  gw = await startInProcess()
})
afterAll(async () => {
  await gw.close()
})

/** The parts of a `/status` body these tests read. */
interface StatusBody {
  readonly server: Record<string, unknown>
  readonly database: Record<string, unknown>
  readonly memory: {
    readonly lua_shared_dicts: unknown
    readonly workers_lua_vms: readonly { readonly http_allocated_gc: unknown; readonly pid: number }[]
    readonly process: Record<string, unknown>
  }
}

/** GET /status{search} on an Admin API. */
async function getStatus(base: string, search = ''): Promise<{ status: number; body: StatusBody }> {
  const { status, body } = await adminCall(base, 'GET', `/status${search}`)
  return { status, body: body as unknown as StatusBody }
}

/** Sends raw bytes to the Admin API and returns the status line. */
async function rawStatusLine(base: string, text: string): Promise<string> {
  return (await rawExchange(base, text)).split('\r\n')[0] ?? ''
}

describe('GET /', () => {
  it('has every key Kong asserts, with its type', async () => {
    const { status, body } = await call('GET', '/')
    expect(status).toBe(200)
    expect(body).toMatchObject({
      tagline: 'Welcome to switchyard',
      version: expect.any(String),
      node_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      hostname: expect.any(String),
      timers: { running: 0, pending: expect.any(Number) },
      plugins: { available_on_server: {}, enabled_in_cluster: [] },
      pids: { master: process.pid, workers: [process.pid] },
      configuration: expect.any(Object),
    })
    expect(body).not.toHaveProperty('prng_seeds')
    expect(body).not.toHaveProperty('lua_version')
  })

  it('writes enabled_in_cluster as a JSON array', async () => {
    expect(await (await fetch(`${gw.admin}/`)).text()).toContain('"enabled_in_cluster":[]')
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await fetch(`${gw.admin}/`)
    const head = await fetch(`${gw.admin}/`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'))
  })

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405', async (method) => {
    expect(await call(method, '/', {})).toEqual({ status: 405, body: { message: 'Method not allowed' } })
  })

  it.each([
    ['PUT', '/config'],
    ['DELETE', '/config'],
    ['POST', '/status'],
    ['DELETE', '/metrics'],
  ])('answers %s %s, a method the endpoint lacks, with 405 (a path it lacks stays 404)', async (method, path) => {
    expect(await call(method, path, {})).toEqual({ status: 405, body: { message: 'Method not allowed' } })
    expect((await call(method, `${path}/x`, {})).status).toBe(404)
  })

  // Deliberate difference: Kong answers an unknown method token (GEEEET) with 405; Node's HTTP parser
  // refuses it with 400 before any handler runs.
  it('leaves an unknown method token to Node, which answers 400', async () => {
    expect(await rawStatusLine(gw.admin, 'GEEEET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request')
  })
})

describe('GET /status', () => {
  it("has Kong's server counters, measured on the proxy's connections", async () => {
    const { status, body } = await getStatus(gw.admin)
    expect(status).toBe(200)
    expect(body.server).toEqual({
      connections_accepted: expect.any(Number),
      connections_active: expect.any(Number),
      connections_handled: expect.any(Number),
      connections_reading: expect.any(Number),
      connections_writing: expect.any(Number),
      connections_waiting: expect.any(Number),
      total_requests: expect.any(Number),
      admin_requests: expect.any(Number),
    })
    expect(body.database).toMatchObject({ reachable: true })
  })

  it('counts a keep-alive proxy connection as waiting between requests, and not once it closes', async () => {
    const server = async () => (await getStatus(gw.admin)).body.server as Record<string, number>
    const before = await server()
    const socket = connect(Number(new URL(gw.proxy).port), '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    const answered = new Promise((resolve) => socket.once('data', resolve))
    socket.write('GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n')
    await answered
    const idle = await server()
    expect(idle['connections_accepted']).toBe((before['connections_accepted'] ?? 0) + 1)
    expect(idle['connections_handled']).toBe(idle['connections_accepted'])
    expect(idle['connections_waiting']).toBe((before['connections_waiting'] ?? 0) + 1)
    expect(idle['connections_active']).toBe((idle['connections_reading'] ?? 0) + (idle['connections_writing'] ?? 0) + (idle['connections_waiting'] ?? 0))
    socket.destroy()
    await expect.poll(async () => (await server())['connections_active'], { timeout: 2000 }).toBe(before['connections_active'])
  })

  it('counts proxied requests in total_requests', async () => {
    const before = Number((await getStatus(gw.admin)).body.server['total_requests'])
    await (await fetch(`${gw.proxy}/no-route-here`)).text()
    expect((await getStatus(gw.admin)).body.server['total_requests']).toBe(before + 1)
  })

  it('reports memory in MiB with two digits by default', async () => {
    const { body } = await getStatus(gw.admin)
    expect(body.memory.lua_shared_dicts).toEqual({})
    expect(body.memory.workers_lua_vms).toEqual([{ http_allocated_gc: expect.stringMatching(/^\d+\.\d{2} MiB$/), pid: process.pid }])
    expect(body.memory.process).toMatchObject({ pid: process.pid, rss: expect.stringMatching(/^\d+\.\d{2} MiB$/), heap_used: expect.stringMatching(/^\d+\.\d{2} MiB$/) })
  })

  it.each([
    ['?unit=k', /^\d+\.\d{2} KiB$/],
    ['?unit=K', /^\d+\.\d{2} KiB$/],
    ['?unit=M', /^\d+\.\d{2} MiB$/],
    ['?unit=g', /^\d+\.\d{2} GiB$/],
    ['?scale=3', /^\d+\.\d{3} MiB$/],
    ['?unit=k&scale=0', /^\d+ KiB$/],
    ['?scale=2.7', /^\d+\.\d{2} MiB$/],
    ['?scale=x', /^\d+\.\d{2} MiB$/],
    ['?unit=', /^\d+$/],
  ])('/status%s formats memory as %s', async (search, pattern) => {
    const { status, body } = await getStatus(gw.admin, search)
    expect(status).toBe(200)
    expect(body.memory.workers_lua_vms[0]?.http_allocated_gc).toMatch(pattern)
    expect(body.memory.process['rss']).toMatch(pattern)
  })

  it('gives whole bytes as numbers for unit b, whatever the scale', async () => {
    const { status, body } = await getStatus(gw.admin, '?unit=B&scale=-1')
    expect(status).toBe(200)
    const gc = body.memory.workers_lua_vms[0]?.http_allocated_gc
    expect(Number.isInteger(gc)).toBe(true)
  })

  it.each([
    ['?unit=V', "invalid unit 'V' (expected 'k/K', 'm/M', or 'g/G')"],
    ['?unit=kb', "invalid unit 'kb' (expected 'k/K', 'm/M', or 'g/G')"],
    ['?unit=k&scale=-1', 'scale must be equal or greater than 0'],
    ['?unit=V&scale=-1', 'scale must be equal or greater than 0'],
    ['?scale=101', 'scale must be at most 100'],
  ])('/status%s → 400', async (search, message) => {
    expect(await call('GET', `/status${search}`)).toEqual({ status: 400, body: { message } })
  })
})

describe('configuration_hash of GET /status (kong/api/routes/health.lua)', () => {
  const md5 = (text: string) => createHash('md5').update(text).digest('hex')
  const CONFIG = '_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  routes:\n  - name: r\n    paths: [/]\n'
  const hashOf = async (base: string) => (await adminCall(base, 'GET', '/status')).body.configuration_hash

  it('is left out when a database is in use', async () => {
    expect((await adminCall(gw.admin, 'GET', '/status')).body).not.toHaveProperty('configuration_hash')
  })

  it("is DB-less mode's running config hash: Kong's empty hash, then the hash check_hash compares", async () => {
    const dbless = await startInProcess({ database: 'off' })
    try {
      expect(await hashOf(dbless.admin)).toBe('00000000000000000000000000000000')
      const post = (path: string) => fetch(dbless.admin + path, { method: 'POST', body: CONFIG, headers: { 'content-type': 'application/x-yaml' } })
      expect((await post('/config')).status).toBe(201)
      expect(await hashOf(dbless.admin)).toBe(md5(CONFIG))
      expect((await post('/config?check_hash=1')).status).toBe(304)
    } finally {
      await dbless.close()
    }
  })

  it('is the hash of the declarative file loaded at start', async () => {
    const dir = tempDir()
    const file = join(dir.path, 'kong.yml')
    writeFileSync(file, CONFIG)
    const dbless = await startInProcess({ database: 'off', declarative_config: file })
    try {
      expect(await hashOf(dbless.admin)).toBe(md5(CONFIG))
    } finally {
      await dbless.close()
      dir.cleanup()
    }
  })
})

describe('GET /status with connection counts', () => {
  let server: Server
  let base: string
  const dir = tempDir()
  const counts: ServerCounts = { accepted: 12, handled: 11, active: 6, reading: 1, writing: 2, waiting: 3, totalRequests: 40 }

  beforeAll(async () => {
    const loaded = loadConfig({ env: {}, flags: { prefix: dir.path, workers: '4', log_level: 'silent' } })
    if (!loaded.ok) throw new Error(loaded.errors.join('; '))
    const admin = new AdminApi({
      config: loaded.config,
      store: new MemoryStore(),
      flavor: loaded.config.routerFlavor,
      checkRoute: createRouteChecker(loaded.config.routerFlavor),
      status: { routerSize: () => 0, routerUpdatedAt: () => 0, metrics: async () => '', server: async () => counts, workerPids: () => [4001, 4002] },
    })
    server = createServer(admin.handle)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    dir.cleanup()
  })

  it('reports the counts it is given', async () => {
    const { body } = await getStatus(base)
    expect(body.server).toMatchObject({ connections_accepted: 12, connections_handled: 11, connections_reading: 1, connections_writing: 2, connections_waiting: 3, connections_active: 6, total_requests: 40 })
  })

  it('leaves out worker heaps a multi-process primary cannot see, and lists the pids of the workers it forked', async () => {
    expect((await getStatus(base)).body.memory.workers_lua_vms).toEqual([])
    expect((await adminCall(base, 'GET', '/')).body.pids).toEqual({ master: process.pid, workers: [4001, 4002] })
  })
})
