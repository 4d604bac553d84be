// nginx's header-name rules in front of the router (ignore_invalid_headers on, underscores_in_headers
// off unless `nginx_http_underscores_in_headers = on`): a line nginx ignores is neither routed on nor
// sent upstream, over real sockets.
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startInProcess, startUpstream, type Echo, type InProcessGateway, type TestServer } from '../testing/harness.ts'

/** Sends GET `path` with raw header lines (fetch would refuse or rewrite some names). */
function get(base: string, path: string, lines: readonly [string, string][]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const head = [['Host', 'names.example'], ...lines].flat()
    const request = httpRequest(`${base}${path}`, { method: 'GET', headers: head as unknown as Record<string, string> }, (response) => {
      let body = ''
      response.on('data', (c: Buffer) => (body += c.toString('utf8')))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

// The route taken shows in which upstream answers: `tenant` for the header route, `any` for the rest.
let tenant: TestServer
let any: TestServer
beforeAll(async () => {
  tenant = await startUpstream('tenant')
  any = await startUpstream('any')
})
afterAll(async () => {
  await Promise.all([tenant.close(), any.close()])
})

/** Which upstream answered, and the headers it got. */
async function proxied(base: string, lines: readonly [string, string][]): Promise<Echo> {
  const answer = await get(base, '/', lines)
  expect(answer.status).toBe(200)
  return JSON.parse(answer.body) as Echo
}

describe.each([
  { setting: 'off', underscores: false },
  { setting: 'on', underscores: true },
])('nginx_http_underscores_in_headers = $setting', ({ setting, underscores }) => {
  let gw: InProcessGateway

  beforeAll(async () => {
    gw = await startInProcess({ nginx_http_underscores_in_headers: setting })
    await adminCall(gw.admin, 'POST', '/services', { name: 'tenant', url: `http://127.0.0.1:${tenant.port}` })
    await adminCall(gw.admin, 'POST', '/services', { name: 'any', url: `http://127.0.0.1:${any.port}` })
    await adminCall(gw.admin, 'POST', '/services/tenant/routes', { name: 'tenant', expression: 'http.headers.x_tenant == "a"', priority: 2 })
    await adminCall(gw.admin, 'POST', '/services/any/routes', { name: 'any', expression: 'http.path ^= "/"', priority: 1 })
  })
  afterAll(async () => {
    await gw.close()
  })

  it(`${underscores ? 'routes on' : 'ignores'} a header line whose name holds '_', and ${underscores ? 'sends' : 'does not send'} it upstream`, async () => {
    const echo = await proxied(gw.proxy, [['X_Tenant', 'a'], ['X-Other', 'kept']])
    expect(echo.name).toBe(underscores ? 'tenant' : 'any')
    expect(echo.headers['x-other']).toBe('kept')
    expect(echo.headers['x_tenant']).toBe(underscores ? 'a' : undefined)
    expect((await proxied(gw.proxy, [['X-Tenant', 'a']])).name).toBe('tenant')
  })

  it('always ignores a line whose name nginx never takes', async () => {
    const echo = await proxied(gw.proxy, [['X.Tenant', 'a'], ['X-Other', 'kept']])
    expect(echo.headers['x.tenant']).toBeUndefined()
    expect(echo.headers['x-other']).toBe('kept')
  })

  it('does not count an ignored line among the 100 lines routing reads', async () => {
    const lines: [string, string][] = Array.from({ length: 120 }, (_, i) => [`X_Pad${i}`, 'p'])
    lines.push(['X-Tenant', 'a'])
    // Taken, the padding fills the 100 lines and X-Tenant comes too late to route on; ignored, it does not.
    expect((await proxied(gw.proxy, lines)).name).toBe(underscores ? 'any' : 'tenant')
  })
})
