// Kong's trusted_ips: a trusted client's X-Forwarded-Proto/Host/Port/Path/Prefix are passed on and
// believed for https-only routes; anyone else's are replaced (proxy.test.ts covers that default).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, httpGet, startInProcess, startUpstream, type Echo, type InProcessGateway, type TestServer } from '../testing/harness.ts'

const FORWARDED = { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com', 'x-forwarded-port': '443', 'x-forwarded-path': '/v1/orig', 'x-forwarded-prefix': '/v1' }
let trusting: InProcessGateway
let other: InProcessGateway
let upstream: TestServer

async function configure(gw: InProcessGateway): Promise<void> {
  await adminCall(gw.admin, 'POST', '/services', { name: 'echo', url: `http://127.0.0.1:${upstream.port}` })
  await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'open', expression: 'http.path ^= "/open"' })
  await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'https-only', expression: 'http.path ^= "/secure"', protocols: ['https'] })
}

beforeAll(async () => {
  upstream = await startUpstream('echo')
  // The tests connect from 127.0.0.1: trusted by the first gateway, not by the second.
  trusting = await startInProcess({ trusted_ips: '127.0.0.0/8' })
  other = await startInProcess({ trusted_ips: '10.0.0.0/8' })
  await configure(trusting)
  await configure(other)
})

afterAll(async () => {
  await trusting.close()
  await other.close()
  await upstream.close()
})

describe('trusted_ips', () => {
  it('passes a trusted client’s X-Forwarded-* on, and appends it to X-Forwarded-For', async () => {
    const seen = JSON.parse((await httpGet(`${trusting.proxy}/open`, FORWARDED)).body) as Echo
    expect(seen.headers).toMatchObject({ ...FORWARDED, 'x-forwarded-for': '203.0.113.7, 127.0.0.1', 'x-real-ip': '127.0.0.1' })
  })

  it('replaces the X-Forwarded-* of a client outside trusted_ips', async () => {
    const seen = JSON.parse((await httpGet(`${other.proxy}/open`, FORWARDED)).body) as Echo
    expect(seen.headers).toMatchObject({ 'x-forwarded-proto': 'http', 'x-forwarded-host': '127.0.0.1', 'x-forwarded-path': '/open', 'x-forwarded-for': '203.0.113.7, 127.0.0.1' })
    expect(seen.headers['x-forwarded-port']).toBe(new URL(other.proxy).port)
    // The route strips its prefix, so the gateway's own X-Forwarded-Prefix replaces the client's.
    expect(seen.headers['x-forwarded-prefix']).toBe('/open')
  })

  it('believes a trusted X-Forwarded-Proto for https-only routes (TLS ended at the load balancer), nobody else’s', async () => {
    expect((await httpGet(`${trusting.proxy}/secure`, { 'x-forwarded-proto': 'https' })).status).toBe(200)
    expect((await httpGet(`${trusting.proxy}/secure`)).status).toBe(426)
    expect((await httpGet(`${other.proxy}/secure`, { 'x-forwarded-proto': 'https' })).status).toBe(426)
  })

  // Kong's get_header (kong/tools/http.lua) takes the first header line whole, commas included.
  it('takes a trusted header line whole, commas included', async () => {
    const seen = JSON.parse((await httpGet(`${trusting.proxy}/open`, { 'x-forwarded-path': '/items/1,2' })).body) as Echo
    expect(seen.headers['x-forwarded-path']).toBe('/items/1,2')
    expect((await httpGet(`${trusting.proxy}/secure`, { 'x-forwarded-proto': 'https, http' })).status).toBe(426)
  })
})
