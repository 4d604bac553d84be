import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { adminCall, startInProcess, startUpstream, tempDir } from '../testing/harness.ts'

const dir = tempDir()
afterAll(() => dir.cleanup())

it('writes one JSON line per request with route, service, status and both latencies', async () => {
  const upstream = await startUpstream('logged')
  const file = join(dir.path, 'access.log')
  const gw = await startInProcess({ proxy_access_log: file })
  try {
    await adminCall(gw.admin, 'POST', '/services', { name: 'logged-svc', url: `http://127.0.0.1:${upstream.port}` })
    await adminCall(gw.admin, 'POST', '/services/logged-svc/routes', { name: 'logged-route', expression: 'http.path == "/log"' })
    expect((await fetch(`${gw.proxy}/log`)).status).toBe(200)
    expect((await fetch(`${gw.proxy}/missing`)).status).toBe(404)
  } finally {
    await gw.close()
    await upstream.close()
  }
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  expect(lines).toHaveLength(2)
  expect(lines[0]).toMatchObject({ method: 'GET', path: '/log', status: 200, route_name: 'logged-route', service_name: 'logged-svc', client_ip: '127.0.0.1' })
  expect(lines[0]?.['latency_ms']).toEqual(expect.any(Number))
  expect(lines[0]?.['upstream_latency_ms']).toEqual(expect.any(Number))
  expect(lines[1]).toMatchObject({ path: '/missing', status: 404, route: null, upstream_latency_ms: null })
})
