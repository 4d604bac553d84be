import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startInProcess, startUpstream, type InProcessGateway, type TestServer } from '../testing/harness.ts'

let gw: InProcessGateway
let upstream: TestServer
const call = (method: string, path: string, body?: unknown) => adminCall(gw.admin, method, path, body)

beforeAll(async () => {
  gw = await startInProcess()
  upstream = await startUpstream()
})
afterAll(async () => {
  await gw.close()
  await upstream.close()
})

describe('services', () => {
  it('creates, reads by id and name, patches, upserts and deletes', async () => {
    const created = await call('POST', '/services', { name: 'svc-a', url: 'http://127.0.0.1:9/base', tags: ['t1'] })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'svc-a', protocol: 'http', host: '127.0.0.1', port: 9, path: '/base', retries: 5, connect_timeout: 60000, enabled: true })
    expect(String(created.body.id)).toMatch(/^[0-9a-f-]{36}$/)
    expect(created.body.created_at).toBe(created.body.updated_at)
    const id = String(created.body.id)
    expect((await call('GET', `/services/${id}`)).body.name).toBe('svc-a')
    expect((await call('GET', '/services/svc-a')).body.id).toBe(id)
    const patched = await call('PATCH', '/services/svc-a', { port: 8080 })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ port: 8080, path: '/base', host: '127.0.0.1', created_at: created.body.created_at })
    const put = await call('PUT', '/services/svc-put', { host: 'example.com' })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ name: 'svc-put', host: 'example.com', port: 80 })
    const replaced = await call('PUT', `/services/${String(put.body.id)}`, { name: 'svc-put', host: 'other.example' })
    expect(replaced.body).toMatchObject({ id: put.body.id, host: 'other.example' })
    expect((await call('DELETE', '/services/svc-put')).status).toBe(204)
    expect((await call('GET', '/services/svc-put')).status).toBe(404)
    expect((await call('DELETE', '/services/svc-put')).status).toBe(204)
  })

  it('answers Kong error bodies: schema violation, unique violation, not found', async () => {
    const bad = await call('POST', '/services', { name: 'bad', port: 70000 })
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual({
      code: 2,
      name: 'schema violation',
      message: '2 schema violations (host: required field missing; port: value should be between 0 and 65535)',
      fields: { host: 'required field missing', port: 'value should be between 0 and 65535' },
    })
    await call('POST', '/services', { name: 'dup', host: 'a.example' })
    const dup = await call('POST', '/services', { name: 'dup', host: 'b.example' })
    expect(dup.status).toBe(409)
    expect(dup.body).toEqual({ code: 5, name: 'unique constraint violation', message: `UNIQUE violation detected on '{name="dup"}'`, fields: { name: 'dup' } })
    const missing = await call('GET', '/services/nope')
    expect(missing).toEqual({ status: 404, body: { message: 'Not found' } })
    expect((await call('POST', '/services', { host: 'x', unknown_field: 1 })).body.fields).toEqual({ unknown_field: 'unknown field' })
  })

  it('paginates with size and offset and filters by tags', async () => {
    for (let i = 0; i < 5; i++) await call('POST', '/services', { name: `page-${i}`, host: 'p.example', tags: i % 2 === 0 ? ['even', 'paged'] : ['odd', 'paged'] })
    const seen: string[] = []
    let next: string | null = '/services?size=2&tags=paged'
    while (next !== null) {
      const page = await call('GET', next)
      expect(page.status).toBe(200)
      const data = page.body.data as unknown as { name: string }[]
      expect(data.length).toBeLessThanOrEqual(2)
      seen.push(...data.map((s) => s.name))
      next = page.body.next as unknown as string | null
    }
    expect(seen.sort()).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4'])
    const even = await call('GET', '/services?tags=even,paged')
    expect((even.body.data as unknown as unknown[]).length).toBe(3)
    const any = await call('GET', '/services?tags=even/odd')
    expect((any.body.data as unknown as unknown[]).length).toBe(5)
    expect((await call('GET', '/services?size=0')).status).toBe(400)
  })

  it('refuses to delete a service that routes use', async () => {
    await call('POST', '/services', { name: 'in-use', host: 'u.example' })
    await call('POST', '/services/in-use/routes', { paths: ['/in-use'] })
    const refused = await call('DELETE', '/services/in-use')
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ code: 4, name: 'foreign key violation' })
  })
})

describe('routes', () => {
  it('accepts urlencoded bodies with Kong array and map conventions', async () => {
    await call('POST', '/services', { name: 'form-svc', host: 'f.example' })
    const body = 'name=form-route&paths[]=/a&paths[]=/b&methods=GET&methods=POST&headers.x-foo=bar&strip_path=false&service.name=form-svc'
    const response = await fetch(`${gw.admin}/routes`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    const route = (await response.json()) as Record<string, unknown>
    expect(response.status).toBe(201)
    expect(route).toMatchObject({ name: 'form-route', paths: ['/a', '/b'], methods: ['GET', 'POST'], headers: { 'x-foo': ['bar'] }, strip_path: false })
  })

  it('accepts multipart bodies and expression routes with priority', async () => {
    const service = await call('POST', '/services', { name: 'mp-svc', url: `http://127.0.0.1:${upstream.port}` })
    const form = new FormData()
    form.set('expression', 'http.path == "/mp" && http.method == "GET"')
    form.set('priority', '7')
    form.set('name', 'mp-route')
    const response = await fetch(`${gw.admin}/services/mp-svc/routes`, { method: 'POST', body: form })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ name: 'mp-route', priority: 7, service: { id: service.body.id } })
    const listed = await call('GET', '/services/mp-svc/routes')
    expect((listed.body.data as unknown as { name: string }[]).map((r) => r.name)).toEqual(['mp-route'])
  })

  it('returns diagnostics with spans, line and column for a bad expression, and changes nothing', async () => {
    const before = await call('GET', '/routes?size=1000')
    const bad = await call('POST', '/routes', { expression: 'http.path == 1' })
    expect(bad.status).toBe(400)
    // Kong's message (atc-router's text) in `message` and `fields`; the details in `diagnostics`.
    expect(bad.body).toMatchObject({
      code: 2,
      name: 'schema violation',
      message: 'schema violation (Router Expression failed validation: Type mismatch between the LHS and RHS values of predicate)',
      fields: { '@entity': ['Router Expression failed validation: Type mismatch between the LHS and RHS values of predicate'] },
    })
    const unknown = await call('POST', '/routes', { expression: 'http.foo == "x" && http.path == 1' })
    expect(unknown.body.fields).toEqual({ '@entity': ['Router Expression failed validation: Unknown LHS field'] })
    const syntax = await call('POST', '/routes', { expression: 'http.path = "/v"' })
    expect((syntax.body.fields as unknown as Record<string, string[]>)['@entity']).toEqual(['Router Expression failed validation:  --> 1:11\n  |\n1 | http.path = "/v"\n  |           ^---\n  |\n  = expected binary_operator'])
    expect(bad.body.diagnostics).toMatchObject([{ code: 'operator-type-mismatch', span: { start: 10, end: 12 }, line: 1, column: 11 }])
    const after = await call('GET', '/routes?size=1000')
    expect(after.body.data).toEqual(before.body.data)
  })

  it('applies Kong entity checks', async () => {
    const both = await call('POST', '/routes', { expression: 'http.path == "/x"', paths: ['/x'] })
    expect(both.status).toBe(400)
    expect(JSON.stringify(both.body.fields)).toContain("cannot set 'expression' with")
    const none = await call('POST', '/routes', { name: 'no-matching-fields' })
    expect(none.status).toBe(400)
    const unknownService = await call('POST', '/routes', { paths: ['/fk'], service: { id: '9d535b20-d1d6-4931-a7a2-6d0bbd8a5a84' } })
    expect(unknownService.status).toBe(400)
    expect(unknownService.body).toMatchObject({ code: 4, name: 'foreign key violation' })
    const tooHigh = await call('POST', '/routes', { expression: 'http.path == "/p"', priority: 2 ** 46 })
    expect(tooHigh.status).toBe(400)
  })

  it('patches, upserts and deletes routes, and scopes nested paths to their service', async () => {
    const created = await call('POST', '/services/mp-svc/routes', { name: 'nested', paths: ['/nested'] })
    expect(created.status).toBe(201)
    expect((await call('PATCH', '/routes/nested', { paths: ['/nested2'] })).body.paths).toEqual(['/nested2'])
    expect((await call('GET', '/services/form-svc/routes/nested')).status).toBe(404)
    expect((await call('GET', '/services/mp-svc/routes/nested')).status).toBe(200)
    expect((await call('GET', '/routes/nested/service')).body.name).toBe('mp-svc')
    const put = await call('PUT', '/routes/put-route', { paths: ['/put'] })
    expect(put.status).toBe(200)
    expect(put.body.name).toBe('put-route')
    const dup = await call('POST', '/routes', { name: 'put-route', paths: ['/other'] })
    expect(dup.status).toBe(409)
    expect((await call('DELETE', '/routes/put-route')).status).toBe(204)
    expect((await call('GET', '/routes/put-route')).status).toBe(404)
  })
})

describe('other endpoints', () => {
  it('validates a route without storing it', async () => {
    expect(await call('POST', '/schemas/routes/validate', { expression: 'http.path ^= "/ok"' })).toEqual({ status: 200, body: { message: 'schema validation successful' } })
    const bad = await call('POST', '/schemas/routes/validate', { expression: 'http.nope == "x"' })
    expect(bad.status).toBe(400)
    expect(bad.body.diagnostics).toMatchObject([{ code: 'unknown-field', span: { start: 0, end: 9 } }])
  })

  it('serves GET /, /status and /metrics', async () => {
    const root = await call('GET', '/')
    expect(root.body).toMatchObject({ version: expect.any(String), configuration: { database: 'sqlite', router_flavor: 'expressions' } })
    const status = await call('GET', '/status')
    expect(status.body).toMatchObject({ database: { reachable: true }, router: { size: expect.any(Number) } })
    const proxied = await fetch(`${gw.proxy}/mp`)
    expect(proxied.status).toBe(200)
    const metrics = await (await fetch(`${gw.admin}/metrics`)).text()
    expect(metrics).toContain('switchyard_http_requests_total{route="mp-route",service="mp-svc",status_class="2xx"} 1')
    expect(metrics).toContain('switchyard_request_latency_ms_bucket')
    expect(metrics).toMatch(/switchyard_router_routes \d+/)
    expect(metrics).toContain('switchyard_router_last_update_seconds')
  })

  it('refuses POST /config when a database is in use', async () => {
    expect((await call('POST', '/config', { _format_version: '3.0' })).status).toBe(400)
  })
})

describe('hostile input: a clear 4xx, nothing stored, nothing thrown', () => {
  const send = async (method: string, path: string, body: string, type: string) => {
    const response = await fetch(gw.admin + path, { method, body, headers: { 'content-type': type } })
    return { status: response.status, body: (await response.json()) as { message?: string; fields?: Record<string, unknown> } }
  }

  // Regression: decodeURIComponent threw on these, and the Admin API answered 500.
  it.each(['/services/%zz', '/routes/%E0%A4%A/service', '/services/x/routes/%'])('answers 400 to the malformed percent-encoding of %s', async (path) => {
    const response = await call('GET', path)
    expect(response.status).toBe(400)
    expect(String(response.body.message)).toMatch(/^invalid percent-encoding in path segment/)
  })

  // Regression: Node's own 431 had no body.
  it('answers a URL past the header limit with 431 and a JSON message', async () => {
    const response = await fetch(`${gw.admin}/services?tags=${'t,'.repeat(10_000)}t`)
    expect(response.status).toBe(431)
    expect(response.headers.get('server')).toMatch(/^switchyard\//)
    expect(((await response.json()) as { message: string }).message).toMatch(/too large/)
  })

  // Regression: `?tags=a,b,…` with more than about a thousand tags exceeded SQLite's expression depth
  // (500). Kong's limit of 5 tags now refuses such a filter first; sqlite-store.test.ts keeps the store's side.
  it('refuses thousands of tags at once with a 400', async () => {
    const tags = Array.from({ length: 1500 }, (_, i) => `t${i}`)
    const response = await call('GET', `/routes?tags=${tags.join(',')}`)
    expect(response.status).toBe(400)
    expect(response.body.message).toBe('invalid option (tags: cannot query more than 5 tags)')
  })

  // Regression: form keys walked into Object.prototype (`__proto__.polluted=1` set it for the whole process).
  it.each([
    ['application/x-www-form-urlencoded', 'host=p.example&__proto__.polluted=1'],
    ['application/json', '{"host":"p.example","__proto__":{"polluted":1}}'],
    ['application/json', '{"host":"p.example","toString":1}'],
  ])('refuses an inherited name as an unknown field (%s %s)', async (type, body) => {
    const before = (await call('GET', '/services?size=1000')).body
    const response = await send('POST', '/services', body, type)
    expect(response.status).toBe(400)
    expect(Object.keys(response.body.fields ?? {})).toEqual([body.includes('toString') ? 'toString' : '__proto__'])
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted')
    expect((await call('GET', '/services?size=1000')).body).toEqual(before)
  })

  it('keeps a header named __proto__ as a header', async () => {
    const response = await send('POST', '/routes', '{"paths":["/proto-header"],"headers":{"__proto__":["a"]}}', 'application/json')
    expect(response.status).toBe(201)
    expect(JSON.stringify((response.body as { headers?: unknown }).headers)).toBe('{"__proto__":["a"]}')
    await call('DELETE', `/routes/${String((response.body as { id?: string }).id)}`)
  })

  // Regression: rendering one error per item spread 200 000 arguments into Math.max (stack overflow, 500).
  it('reports an error for each of 200 000 bad items', async () => {
    const response = await call('POST', '/services', { host: 'x.example', tags: Array.from({ length: 200_000 }, () => 1) })
    expect(response.status).toBe(400)
    expect(String(response.body.message)).toMatch(/^200000 schema violations/)
  })

  // Regression: a deep form key or JSON body overflowed the call stack while decoding or copying (500).
  it.each([
    ['application/x-www-form-urlencoded', `a${'.b'.repeat(50_000)}=1`, /^form key 'a\.b\.b.*' nests deeper than 64 levels$/],
    ['application/json', `{"host":"x","tags":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /^request body nests deeper than 64 levels/],
  ])('refuses a body nested past the limit (%s)', async (type, body, message) => {
    const response = await send('POST', '/services', body, type)
    expect(response.status).toBe(400)
    expect(response.body.message).toMatch(message)
  })
})

describe('browsers without an admin token', () => {
  /** A raw request, so that Host and the Sec-Fetch headers are exactly what a browser would send. */
  function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
    const url = new URL(base)
    return new Promise((resolve, reject) => {
      const request = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      request.on('error', reject)
      request.end(body)
    })
  }

  it('refuses what a page of another site sends, and a Host DNS rebinding could produce', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    expect(await raw(gw.admin, 'POST', '/services', { ...form, 'sec-fetch-site': 'cross-site' }, 'name=csrf&url=http://evil.example')).toBe(403)
    expect(await raw(gw.admin, 'POST', '/services', { ...form, 'sec-fetch-site': 'same-site' }, 'name=csrf&url=http://evil.example')).toBe(403)
    expect(await raw(gw.admin, 'GET', '/services', { host: 'evil.example:8001' })).toBe(403)
    // A browser that sends no Sec-Fetch-Site still sends Origin with a form POST from another page.
    expect(await raw(gw.admin, 'POST', '/services', { ...form, origin: 'https://evil.example' }, 'name=csrf&url=http://evil.example')).toBe(403)
    expect(await raw(gw.admin, 'POST', '/services', { ...form, origin: 'null' }, 'name=csrf&url=http://evil.example')).toBe(403)
    // Same host, other scheme: another origin.
    const own = new URL(gw.admin).host
    expect(await raw(gw.admin, 'POST', '/services', { ...form, host: own, origin: `https://${own}` }, 'name=csrf&url=http://evil.example')).toBe(403)
    expect((await call('GET', '/services/csrf')).status).toBe(404)
    expect(await raw(gw.admin, 'GET', '/services', { host: own, origin: `http://${own}` })).toBe(200)
    // Clients that are no browser, the GUI's own pages (same-origin) and loopback names are served.
    expect(await raw(gw.admin, 'GET', '/services', { 'sec-fetch-site': 'same-origin' })).toBe(200)
    expect(await raw(gw.admin, 'GET', '/services', { host: 'localhost:8001' })).toBe(200)
    expect(await raw(gw.admin, 'GET', '/services', { host: 'admin.localhost' })).toBe(200)
    expect(await raw(gw.admin, 'GET', '/services', { host: '[::1]:8001' })).toBe(200)
  })

  it('leave the decision to the token when one is set', async () => {
    const guarded = await startInProcess({ admin_token: 'secret-token' })
    try {
      expect(await raw(guarded.admin, 'GET', '/services', { host: 'admin.example', authorization: 'Bearer secret-token' })).toBe(200)
      expect(await raw(guarded.admin, 'GET', '/services', { host: 'admin.example' })).toBe(401)
      // The refusal says what to send, and how, without the token.
      const refused = await fetch(`${guarded.admin}/services`, { headers: { 'kong-admin-token': 'wrong' } })
      const body = (await refused.json()) as { message: string }
      expect(body.message).toMatch(/^Unauthorized: .*admin_token.*Authorization: Bearer <token>.*Kong-Admin-Token: <token>/)
      expect(body.message).not.toContain('secret-token')
    } finally {
      await guarded.close()
    }
  })
})
