// Kong's `headers` and `headers_upstream` settings: which of its own headers the gateway adds, on
// loopback with a real upstream (one that sends no Server header of its own).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { adminCall, httpGet, rawExchange, startInProcess, startUpstream, type Echo, type InProcessGateway, type TestServer } from '../testing/harness.ts'
import { InjectedHeaders, parseHeadersSetting } from './injected-headers.ts'

const GATEWAY_HEADERS = ['server', 'via', 'x-switchyard-request-id', 'x-switchyard-proxy-latency', 'x-switchyard-upstream-latency', 'x-switchyard-response-latency', 'x-switchyard-upstream-status']

function ownHeaders(headers: Record<string, unknown>): string[] {
  return GATEWAY_HEADERS.filter((name) => headers[name] !== undefined)
}

describe('the headers setting', () => {
  it("reads Kong's groups and names, and the gateway's own names, in any case", () => {
    expect(parseHeadersSetting('headers', 'server_tokens, latency_tokens, X-Kong-Request-Id', []).slice().sort()).toEqual(
      ['server', 'via', 'x-switchyard-admin-latency', 'x-switchyard-proxy-latency', 'x-switchyard-request-id', 'x-switchyard-response-latency', 'x-switchyard-upstream-latency'].sort(),
    )
    expect(parseHeadersSetting('headers', 'off', [])).toEqual([])
    expect(parseHeadersSetting('headers', 'SERVER, x-kong-upstream-status, X-Switchyard-Proxy-Latency', [])).toEqual(['server', 'x-switchyard-upstream-status', 'x-switchyard-proxy-latency'])
  })

  it('refuses unknown entries and `off` beside others, naming them', () => {
    const result = loadConfig({ file: 'headers = Server, X-Powered-By, off\nheaders_upstream = X-Request-Id' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual([
      expect.stringMatching(/^headers: unknown entry "X-Powered-By" \(expected server_tokens, latency_tokens, Server, Via, /),
      'headers: `off` cannot be listed with other entries; use it alone',
      'headers_upstream: expected X-Kong-Request-Id or off, got "X-Request-Id"',
    ])
  })

  it('keeps names it does not own', () => {
    const injected = new InjectedHeaders(['server'])
    expect(injected.pick(['Server', 'switchyard', 'Via', '1.1 switchyard', 'Location', '/x', 'x-switchyard-request-id', 'id'])).toEqual(['Server', 'switchyard', 'Location', '/x'])
  })
})

describe('a gateway with headers and headers_upstream', () => {
  let upstream: TestServer
  let off: InProcessGateway
  let some: InProcessGateway

  beforeAll(async () => {
    upstream = await startUpstream('echo')
    off = await startInProcess({ headers: 'off', headers_upstream: 'off' })
    some = await startInProcess({ headers: 'Server, X-Kong-Upstream-Status' })
    for (const g of [off, some]) {
      await adminCall(g.admin, 'POST', '/services', { name: 'echo', url: `http://127.0.0.1:${upstream.port}` })
      await adminCall(g.admin, 'POST', '/services/echo/routes', { name: 'echo', paths: ['/echo'] })
    }
  })

  afterAll(async () => {
    await off?.close()
    await some?.close()
    await upstream?.close()
  })

  it('off: no header of its own on proxied answers, on its own answers, upstream, or from the Admin API', async () => {
    const proxied = await httpGet(`${off.proxy}/echo`)
    expect(proxied.status).toBe(200)
    expect(ownHeaders(proxied.headers)).toEqual([])
    expect((JSON.parse(proxied.body) as Echo).headers['x-switchyard-request-id']).toBeUndefined()
    const own = await httpGet(`${off.proxy}/nowhere`)
    expect(own.status).toBe(404)
    expect(ownHeaders(own.headers)).toEqual([])
    expect(await rawExchange(off.proxy, 'CONNECT a:1 HTTP/1.1\r\nHost: a\r\n\r\n')).not.toMatch(/^(server|x-switchyard-request-id):/im)
    const admin = await fetch(`${off.admin}/`)
    expect(admin.headers.get('server')).toBeNull()
    expect(admin.headers.get('x-switchyard-admin-latency')).toBeNull()
  })

  it('a list: exactly the headers it names, the upstream status among them', async () => {
    const proxied = await httpGet(`${some.proxy}/echo`)
    expect(ownHeaders(proxied.headers)).toEqual(['server', 'x-switchyard-upstream-status'])
    expect(proxied.headers['x-switchyard-upstream-status']).toBe('200')
    expect((JSON.parse(proxied.body) as Echo).headers['x-switchyard-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const own = await httpGet(`${some.proxy}/nowhere`)
    expect(ownHeaders(own.headers)).toEqual(['server'])
  })
})
