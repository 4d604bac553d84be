import { readFileSync } from 'node:fs'
import { join } from 'node:path'
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
