import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, rawExchange, startInProcess, type InProcessGateway, type JsonTree } from '../testing/harness.ts'

// Admin API answers checked against Kong Gateway 3.x (kong/api/endpoints.lua, kong/db/errors.lua,
// kong/db/schema/typedefs.lua, entities/services.lua and routes.lua, spec/02-integration/04-admin_api).

let gw: InProcessGateway
const call = (method: string, path: string, body?: unknown) => adminCall(gw.admin, method, path, body)

/** Sends a urlencoded body, as `curl --data` does. */
async function form(method: string, path: string, body: string): Promise<{ status: number; body: JsonTree }> {
  const response = await fetch(gw.admin + path, { method, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  return { status: response.status, body: (await response.json()) as JsonTree }
}

const ROUTE_PROTOCOLS = 'grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp'

beforeAll(async () => {
  gw = await startInProcess()
  await call('POST', '/services', { name: 'parity', host: 'parity.example' })
})
afterAll(async () => {
  await gw.close()
})

// An empty or null url, as Kong 3.x reads it. kong/api/arguments.lua turns a form's empty value into
// null for schema fields only, so `url=` stays "" and the shorthand's string check refuses it;
// Schema:process_auto_fields lets a JSON null through the shorthand's validation (not required) and
// services.lua then parses tostring(null), LuaJIT's "userdata: NULL": scheme `userdata`, path ` NULL`.
describe('an empty or null url', () => {
  const EMPTY = { status: 400, body: { code: 2, name: 'schema violation', message: 'schema violation (url: length must be at least 1)', fields: { url: 'length must be at least 1' } } }
  const NULL = {
    status: 400,
    body: {
      code: 2,
      name: 'schema violation',
      message: `3 schema violations (host: required field missing; path: should start with: /; protocol: expected one of: ${ROUTE_PROTOCOLS})`,
      fields: { host: 'required field missing', path: 'should start with: /', protocol: `expected one of: ${ROUTE_PROTOCOLS}` },
    },
  }

  it('POST /services refuses url= and {"url": null} with schema violations, and stores nothing', async () => {
    const before = (await call('GET', '/services')).body
    expect(await form('POST', '/services', 'name=empty-url&url=')).toEqual(EMPTY)
    expect(await call('POST', '/services', { name: 'null-url', url: null })).toEqual(NULL)
    // The fields the url would have filled do not make up for it: the shorthand overrides them.
    expect(await call('POST', '/services', { name: 'null-url', url: null, host: 'h.example', path: '/p' })).toEqual(NULL)
    expect((await call('GET', '/services')).body).toEqual(before)
  })

  it('PATCH (and PUT) /services/{id} refuses them as well, and leaves the service as it was', async () => {
    const created = await call('POST', '/services', { name: 'patched-url', url: 'https://a.example:8443/base' })
    expect(created.status).toBe(201)
    const id = String(created.body.id)
    expect(await call('PATCH', `/services/${id}`, { url: null })).toEqual(NULL)
    expect(await form('PATCH', `/services/${id}`, 'url=')).toEqual(EMPTY)
    expect(await call('PATCH', '/services/patched-url', { url: null })).toEqual(NULL)
    expect(await call('PUT', `/services/${id}`, { name: 'patched-url', url: null })).toEqual(NULL)
    expect(await call('GET', `/services/${id}`)).toEqual({ status: 200, body: created.body })
  })

  it('POST /schemas/services/validate gives the same answers', async () => {
    expect(await call('POST', '/schemas/services/validate', { url: null })).toEqual(NULL)
    expect(await form('POST', '/schemas/services/validate', 'url=')).toEqual(EMPTY)
  })
})

describe('ids in bodies', () => {
  it.each([
    ['/services', { host: 'x.example' }],
    ['/routes', { paths: ['/id'] }],
  ])('POST %s with an invalid id is a schema violation', async (path, fields) => {
    const response = await call('POST', path, { id: 'not-a-uuid', ...fields })
    expect(response).toEqual({ status: 400, body: { code: 2, name: 'schema violation', message: 'schema violation (id: expected a valid UUID)', fields: { id: 'expected a valid UUID' } } })
  })

  it('PUT by name checks the body id of a new entity', async () => {
    const response = await call('PUT', '/services/put-bad-id', { id: 'not-a-uuid', host: 'x.example' })
    expect(response.status).toBe(400)
    expect(response.body.fields).toEqual({ id: 'expected a valid UUID' })
  })

  it("keeps a valid body id, and refuses one already taken with Kong's primary key violation", async () => {
    const id = '7b5c3a1e-2f4d-4c6b-9a8e-1d2c3b4a5f60'
    expect((await call('POST', '/services', { id, host: 'x.example' })).body.id).toBe(id)
    const taken = { status: 400, body: { code: 3, name: 'primary key violation', message: `primary key violation on key '{id="${id}"}'`, fields: { id } } }
    expect(await call('POST', '/services', { id, host: 'x.example' })).toEqual(taken)
  })

  it('refuses a route id already taken, nested or not, before looking for its service', async () => {
    const id = '5d1f0c2b-8e3a-4b7c-9d6e-2f1a0b3c4d5e'
    expect((await call('POST', '/routes', { id, paths: ['/pk'] })).status).toBe(201)
    const taken = { status: 400, body: { code: 3, name: 'primary key violation', message: `primary key violation on key '{id="${id}"}'`, fields: { id } } }
    expect(await call('POST', '/routes', { id, paths: ['/pk2'] })).toEqual(taken)
    expect(await call('POST', '/services/parity/routes', { id, paths: ['/pk3'] })).toEqual(taken)
    // Postgres checks the primary key on insert, the foreign key at the end of the statement.
    expect(await call('POST', '/routes', { id, paths: ['/pk4'], service: { id: '9d535b20-d1d6-4931-a7a2-6d0bbd8a5a84' } })).toEqual(taken)
    expect((await call('GET', `/routes/${id}`)).body.paths).toEqual(['/pk'])
  })
})

describe('routes without a matching field', () => {
  it.each([
    [{}, "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis', 'expression' when 'protocols' is 'https'"],
    [{ protocols: ['http'] }, "must set one of 'methods', 'hosts', 'headers', 'paths', 'expression' when 'protocols' is 'http'"],
    [{ protocols: ['grpc', 'grpcs'] }, "must set one of 'hosts', 'headers', 'paths', 'snis', 'expression' when 'protocols' is 'grpcs'"],
    [{ protocols: ['tcp'] }, "must set one of 'sources', 'destinations', 'snis', 'expression' when 'protocols' is 'tcp', 'tls' or 'udp'"],
  ])("%j is refused with Kong's wording", async (body, message) => {
    const response = await call('POST', '/routes', body)
    expect(response.status).toBe(400)
    expect(response.body.fields).toMatchObject({ '@entity': [message] })
  })
})

// kong/db/schema/init.lua run_entity_check: an entity check runs beside the field errors unless one
// of its own fields failed (`run_with_invalid_fields` checks, the subschema's `must set one of`, run
// anyway and count a failed field as set); routes.lua's router check reads id, protocols, the
// matching fields, expression, regex_priority and priority.
describe('entity checks beside field errors', () => {
  const EXPRESSION_WITH = "Router Expression failed validation: cannot set 'expression' with 'methods', 'hosts', 'paths', 'headers', 'snis', 'sources' or 'destinations' simultaneously"
  const SNIS = "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"
  const NO_MATCHER = (when: string, snis: string) => `must set one of 'methods', 'hosts', 'headers', 'paths', ${snis}'expression' when 'protocols' is '${when}'`
  const refused = (entity: string[], fields: Record<string, unknown>) => ({ '@entity': entity, ...fields })

  it.each([
    [{ expression: 'http.path == "/a"', paths: ['/a'], preserve_host: 1 }, refused([EXPRESSION_WITH], { preserve_host: 'expected a boolean' })],
    [{ strip_path: 'x' }, refused([NO_MATCHER('https', "'snis', ")], { strip_path: 'expected a boolean' })],
    [
      { protocols: ['http'], snis: ['a.example'], strip_path: 'x' },
      refused([SNIS, NO_MATCHER('http', '')], { snis: 'length must be 0', strip_path: 'expected a boolean' }),
    ],
    // The router check reads a failed field: left out; the snis rule still applies.
    [{ protocols: ['http'], snis: ['a.example'], paths: ['/a'], regex_priority: 'x' }, refused([SNIS], { snis: 'length must be 0', regex_priority: 'expected an integer' })],
    [{ expression: 'http.path == "/a"', paths: ['/a'], priority: -1 }, { priority: 'value should be between 0 and 70368744177663' }],
    // A failed path is a failed field: no router check, so no "cannot set 'expression'".
    [{ expression: 'http.path == "/a"', paths: ['/a', 'b'] }, { paths: [null, 'should start with: / (fixed path) or ~/ (regex path)'] }],
    // A failed field that is not empty counts as set for `must set one of`.
    [{ methods: ['get'], strip_path: 'x' }, { methods: ['invalid value: get'], strip_path: 'expected a boolean' }],
    [{ expression: 123, strip_path: 'x' }, { expression: 'expected a string', strip_path: 'expected a boolean' }],
    // A failed protocols set fails every condition on it.
    [{ protocols: ['https', 'tls'], strip_path: 'x' }, { protocols: "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')", strip_path: 'expected a boolean' }],
  ])('%j', async (body, fields) => {
    const before = (await call('GET', '/routes')).body
    const response = await call('POST', '/routes', body)
    expect(response.status).toBe(400)
    expect(response.body.fields).toEqual(fields)
    expect((await call('GET', '/routes')).body).toEqual(before)
  })

  it("runs the engine's check of the expression beside a field error, with its diagnostics", async () => {
    const response = await call('POST', '/routes', { expression: 'http.path = "/a"', strip_path: 'x' })
    expect(response.status).toBe(400)
    const message = String(response.body.message)
    expect(message.startsWith('2 schema violations (Router Expression failed validation: ')).toBe(true)
    expect(message.endsWith('; strip_path: expected a boolean)')).toBe(true)
    expect(response.body.fields).toMatchObject({ strip_path: 'expected a boolean' })
    expect(response.body.diagnostics).toMatchObject([{ code: 'expected-operator', line: 1, column: 11 }])
  })
})

describe('https_redirect_status_code', () => {
  it("takes Kong's five codes only", async () => {
    expect((await call('POST', '/routes', { paths: ['/redirect-307'], https_redirect_status_code: 307 })).status).toBe(201)
    const refused = await call('POST', '/routes', { paths: ['/redirect-303'], https_redirect_status_code: 303 })
    expect(refused.status).toBe(400)
    expect(refused.body.fields).toEqual({ https_redirect_status_code: 'expected one of: 426, 301, 302, 307, 308' })
  })
})

describe('the url shorthand', () => {
  it.each([
    ['http://a.example', 'http', 80],
    ['https://a.example', 'https', 443],
    ['grpc://a.example', 'grpc', 80],
    ['grpcs://a.example', 'grpcs', 80],
    ['grpcs://a.example:8443', 'grpcs', 8443],
  ])('%s gives protocol %s and port %d (only https infers 443, as in Kong)', async (url, protocol, port) => {
    expect((await call('POST', '/services', { url })).body).toMatchObject({ protocol, host: 'a.example', port })
  })

  // LuaSocket's url.parse keeps the host as written, so a configuration read back (decK) shows no drift.
  it.each([
    ['http://A.Example:8080/p', 'A.Example', 8080],
    ['http://user:pw@Mixed.Case.example/', 'Mixed.Case.example', 80],
    ['http://[::1]:8080/', '::1', 8080],
    ['https://[2001:db8::1]/', '2001:db8::1', 443],
  ])('%s keeps the host as written: %s', async (url, host, port) => {
    expect((await call('POST', '/services', { url })).body).toMatchObject({ host, port })
  })

  // 10-services_routes_spec "handles invalid url": LuaSocket's parser reads `invalid url` as a path
  // alone, and the fields' checks speak (json, form and multipart alike).
  it('leaves what a url lacks to the fields it fills', async () => {
    const expected = {
      status: 400,
      body: { code: 2, name: 'schema violation', message: '2 schema violations (host: required field missing; path: should start with: /)', fields: { host: 'required field missing', path: 'should start with: /' } },
    }
    expect(await call('POST', '/services', { url: 'invalid url' })).toEqual(expected)
    expect(await form('POST', '/services', 'url=invalid+url')).toEqual(expected)
    const multipart = new FormData()
    multipart.set('url', 'invalid url')
    const response = await fetch(gw.admin + '/services', { method: 'POST', body: multipart })
    expect({ status: response.status, body: await response.json() }).toEqual(expected)
    expect((await call('POST', '/services', { url: '' })).body.fields).toEqual({ url: 'length must be at least 1' })
    // The port as Lua's tonumber reads it; without a scheme, 443 names https.
    expect((await call('POST', '/services', { url: 'http://h.example:x/' })).body.fields).toEqual({ port: 'expected an integer' })
    expect((await call('POST', '/services', { url: 'http://h.example:/' })).body.fields).toEqual({ port: 'expected an integer' })
    expect((await call('POST', '/services', { url: 'http://h.example:0x50/' })).body).toMatchObject({ protocol: 'http', port: 80 })
    expect((await call('POST', '/services', { url: '//h.example:443/x' })).body).toMatchObject({ protocol: 'https', host: 'h.example', port: 443, path: '/x' })
    expect((await call('POST', '/services', { url: 'http://h.example/a;p?q=1#f' })).body).toMatchObject({ host: 'h.example', path: '/a', port: 80 })
  })
})

describe('gRPC routes', () => {
  it('default to strip_path false and refuse true (Kong grpc subschema)', async () => {
    const created = await call('POST', '/routes', { protocols: ['grpc', 'grpcs'], hosts: ['grpc.example'] })
    expect(created.status).toBe(201)
    expect(created.body.strip_path).toBe(false)
    const refused = await call('POST', '/routes', { protocols: ['grpc'], hosts: ['grpc.example'], strip_path: true })
    expect(refused.status).toBe(400)
    expect(refused.body.fields).toMatchObject({ strip_path: "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'" })
    // A PATCH that keeps the protocols keeps the stored value.
    const patched = await call('PATCH', `/routes/${String(created.body.id)}`, { hosts: ['grpc2.example'] })
    expect(patched.body.strip_path).toBe(false)
  })

  // routes_subschemas.lua's `no_*` fields are `eq = null`, checked before the field's type
  // (06-routes_spec "errors if methods attribute is set on grpc/grpcs").
  it.each<[object, Record<string, string>]>([
    [{ protocols: ['grpc'], methods: 'GET', paths: ['/foo'] }, { methods: "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'" }],
    [{ protocols: ['grpc'], methods: [], paths: ['/foo'] }, { methods: "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'" }],
    [{ protocols: ['tcp'], sources: [{ ip: '127.0.0.1' }], paths: '/' }, { paths: "cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'" }],
    [{ protocols: ['tcp'], sources: [{ ip: '127.0.0.1' }], hosts: [], name: 7 }, { hosts: "cannot set 'hosts' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'", name: 'expected a string' }],
    // 06-routes_spec "key must be a string": a list's integer keys fail the header name's type.
    [{ protocols: ['http'], headers: [false] }, { headers: 'expected a string' }],
  ])('refuse %j with Kong\'s field error alone, whatever the value', async (body, fields) => {
    const refused = await call('POST', '/routes', body)
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ code: 2, name: 'schema violation' })
    expect(refused.body.fields).toEqual(fields)
  })
})

describe('route protocols', () => {
  // Kong's routes schema: `protocols` is a set with len_min = 1 in every flavor; an expression
  // route with an empty list was accepted and then served every protocol.
  it.each([
    ['an expression route', { expression: 'http.path == "/e"', protocols: [] }],
    ['a traditional route', { paths: ['/t'], protocols: [] }],
  ])('refuses an empty list on %s, and stores nothing', async (_name, body) => {
    const before = (await call('GET', '/routes')).body
    const refused = await call('POST', '/routes', body)
    expect(refused.status).toBe(400)
    expect(refused.body.fields).toMatchObject({ protocols: 'length must be at least 1' })
    expect((await call('GET', '/routes')).body).toEqual(before)
  })
})

describe('field errors', () => {
  // Kong lists every field's error at once; the engine's field checks (paths, sources, …) were
  // skipped when the schema had found an error elsewhere, or hidden by an entity error.
  it.each([
    [{ paths: ['x'], methods: ['get'] }, ['methods', 'paths']],
    [{ paths: ['x'], priority: 'abc' }, ['paths', 'priority']],
    [{ paths: ['x'], bogus: 1 }, ['bogus', 'paths']],
    [{ sources: [{ ip: '10.0.0.0/33' }] }, ['@entity', 'sources']],
  ])('%j reports %j', async (body, fields) => {
    const refused = await call('POST', '/routes', body)
    expect(refused.status).toBe(400)
    expect(Object.keys(refused.body.fields as object).sort()).toEqual(fields)
  })
})

describe('nested routes', () => {
  it('PATCH of a missing entity is 404 with the DAO\'s not-found error, by id or by name; nested under a service, a bare Not found', async () => {
    const id = '5e1f7a0c-3d2b-4c1a-9f8e-0123456789ab'
    expect(await call('PATCH', `/routes/${id}`, { paths: ['/x'] })).toEqual({
      status: 404,
      body: { code: 6, name: 'not found', message: `could not find the entity with primary key '{id="${id}"}'`, fields: { id } },
    })
    expect(await call('PATCH', '/services/no-such-service', { port: 81 })).toEqual({
      status: 404,
      body: { code: 6, name: 'not found', message: `could not find the entity with '{name="no-such-service"}'`, fields: { name: 'no-such-service' } },
    })
    expect(await call('PATCH', '/services/parity/routes/no-such-route', { paths: ['/x'] })).toEqual({ status: 404, body: { message: 'Not found' } })
  })

  it('DELETE /services/{s}/routes/{r} is 404 for a missing route or one of another service', async () => {
    await call('POST', '/services', { name: 'other', host: 'other.example' })
    await call('POST', '/services/other/routes', { name: 'elsewhere', paths: ['/elsewhere'] })
    expect(await call('DELETE', '/services/parity/routes/elsewhere')).toEqual({ status: 404, body: { message: 'Not found' } })
    expect((await call('GET', '/routes/elsewhere')).status).toBe(200)
    expect((await call('DELETE', '/services/parity/routes/no-such-route')).status).toBe(404)
    expect((await call('DELETE', '/services/other/routes/elsewhere')).status).toBe(204)
    expect((await call('GET', '/routes/elsewhere')).status).toBe(404)
  })
})

describe('/routes/{route}/service', () => {
  it('PATCH updates the route service, and is 404 when the route has none', async () => {
    await call('POST', '/services', { name: 'rs-patch', host: 'a.example' })
    await call('POST', '/services/rs-patch/routes', { name: 'rs-patch-route', paths: ['/rs-patch'] })
    const patched = await call('PATCH', '/routes/rs-patch-route/service', { host: 'b.example' })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ name: 'rs-patch', host: 'b.example' })
    expect((await call('GET', '/services/rs-patch')).body.host).toBe('b.example')
    await call('POST', '/routes', { name: 'rs-lonely', paths: ['/rs-lonely'] })
    expect(await call('PATCH', '/routes/rs-lonely/service', { host: 'c.example' })).toEqual({ status: 404, body: { message: 'Not found' } })
    expect((await call('PATCH', '/routes/no-such-route/service', { host: 'c.example' })).status).toBe(404)
  })

  it('PUT creates and links a service when the route has none, and replaces it otherwise', async () => {
    await call('POST', '/routes', { name: 'rs-put', paths: ['/rs-put'] })
    const created = await call('PUT', '/routes/rs-put/service', { name: 'rs-put-svc', host: 'put.example' })
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({ name: 'rs-put-svc', host: 'put.example' })
    expect((await call('GET', '/routes/rs-put')).body.service).toEqual({ id: created.body.id })
    const replaced = await call('PUT', '/routes/rs-put/service', { host: 'put2.example' })
    expect(replaced.body).toMatchObject({ id: created.body.id, name: null, host: 'put2.example' })
  })

  it('PUT answers Kong schema violations, sorted, and links nothing', async () => {
    await call('POST', '/routes', { name: 'rs-put-bad', paths: ['/rs-put-bad'] })
    const bad = await call('PUT', '/routes/rs-put-bad/service', { connect_timeout: 'x' })
    expect(bad).toEqual({
      status: 400,
      body: {
        code: 2,
        name: 'schema violation',
        message: '2 schema violations (connect_timeout: expected an integer; host: required field missing)',
        fields: { connect_timeout: 'expected an integer', host: 'required field missing' },
      },
    })
    expect((await call('GET', '/routes/rs-put-bad')).body.service).toBeNull()
  })

  it('DELETE is 405, or 404 when there is no service', async () => {
    expect(await call('DELETE', '/routes/rs-put/service')).toEqual({ status: 405, body: { message: 'Method not allowed' } })
    expect((await call('DELETE', '/routes/rs-lonely/service')).status).toBe(404)
  })
})

describe('pagination and tag filters', () => {
  it.each([
    ['/services?size=x', { code: 9, name: 'invalid size', message: 'size must be a number' }],
    ['/services?size=', { code: 9, name: 'invalid size', message: 'size must be a number' }],
    ['/routes?size=0', { code: 9, name: 'invalid size', message: 'size must be an integer between 1 and 1000' }],
    ['/routes?size=1001', { code: 9, name: 'invalid size', message: 'size must be an integer between 1 and 1000' }],
    ['/routes?size=1.5', { code: 9, name: 'invalid size', message: 'size must be an integer between 1 and 1000' }],
    ['/services?offset=x', { code: 7, name: 'invalid offset', message: "'x' is not a valid offset: bad base64 encoding" }],
    ['/services/parity/routes?size=x', { code: 9, name: 'invalid size', message: 'size must be a number' }],
  ])('%s → 400', async (path, body) => {
    expect(await call('GET', path)).toEqual({ status: 400, body })
  })

  it.each(['a,b/c', 'a/b,c', 'a%FFb', 'a,,b', 'a%09b'])('?tags=%s is invalid filter syntax', async (tags) => {
    const invalid = { code: 11, name: 'invalid options', message: 'invalid option (tags: invalid filter syntax)', options: { tags: 'invalid filter syntax' } }
    expect(await call('GET', `/services?tags=${tags}`)).toEqual({ status: 400, body: invalid })
  })

  // 14-tags_spec.lua "filter by empty tag": an empty value is Kong's null.
  it('?tags= (empty) is a null option, on nested lists too', async () => {
    const invalid = { code: 11, name: 'invalid options', message: 'invalid option (tags: cannot be null)', options: { tags: 'cannot be null' } }
    expect(await call('GET', '/services?tags=')).toEqual({ status: 400, body: invalid })
    expect(await call('GET', '/services/parity/routes?tags=')).toEqual({ status: 400, body: invalid })
  })

  // Kong 3.x's tag typedef and filter both take a space (14-tags_spec.lua: "corp_ a", "consumer_ 1").
  it('keeps and filters tags with spaces', async () => {
    expect((await call('POST', '/services', { name: 'spaced-tags', host: 't.example', tags: ['corp_ a', 'consumer_ 1'] })).status).toBe(201)
    const one = await call('GET', '/services?tags=corp_%20a')
    expect((one.body.data as unknown as { name: string }[]).map((s) => s.name)).toEqual(['spaced-tags'])
    const both = await call('GET', '/services?tags=corp_%20a,consumer_%201')
    expect((both.body.data as unknown as { name: string }[]).map((s) => s.name)).toEqual(['spaced-tags'])
    expect((await call('POST', '/services', { name: 'spaced-tags-2', host: 't.example', tags: ['corp_ a'] })).status).toBe(201)
    const page = await call('GET', '/services?tags=corp_%20a&size=1')
    expect(String(page.body.next)).toContain('tags=corp_%20a')
  })

  it('follows offsets it produced', async () => {
    for (let i = 0; i < 3; i++) await call('POST', '/services', { name: `offset-${i}`, host: 'o.example', tags: ['offset'] })
    const first = await call('GET', '/services?size=2&tags=offset')
    const second = await call('GET', `/services?size=2&tags=offset&offset=${String(first.body.offset)}`)
    expect(second.status).toBe(200)
    expect((second.body.data as unknown as unknown[]).length).toBe(1)
  })

  it.each(['a,b,c,d,e,f', 'a/b/c/d/e/f'])('?tags=%s names more than 5 tags: 400, nested lists included', async (tags) => {
    const refused = { code: 11, name: 'invalid options', message: 'invalid option (tags: cannot query more than 5 tags)', options: { tags: 'cannot query more than 5 tags' } }
    expect(await call('GET', `/services?tags=${tags}`)).toEqual({ status: 400, body: refused })
    expect(await call('GET', `/services/parity/routes?tags=${tags}`)).toEqual({ status: 400, body: refused })
    expect((await call('GET', `/routes?tags=${tags.slice(0, -2)}`)).status).toBe(200)
    // A trailing separator names no tag (Kong's split drops it): `a,b,c,d,e,` is 5 tags.
    expect((await call('GET', `/routes?tags=${tags.slice(0, -1)}`)).status).toBe(200)
  })

  it('ignores tags on a nested list (Kong #6779)', async () => {
    await call('POST', '/services', { name: 'tagged', host: 't.example' })
    await call('POST', '/services/tagged/routes', { name: 'tagged-a', paths: ['/tagged-a'], tags: ['a'] })
    const listed = await call('GET', '/services/tagged/routes?tags=b')
    expect((listed.body.data as unknown as { name: string }[]).map((r) => r.name)).toEqual(['tagged-a'])
  })
})

describe('form bodies', () => {
  it('an empty value is null: PATCH methods=&hosts= clears them, service= unlinks', async () => {
    await call('POST', '/services/parity/routes', { name: 'form-clear', methods: ['GET'], hosts: ['h.example'], paths: ['/form-clear'] })
    const cleared = await form('PATCH', '/routes/form-clear', 'methods=&hosts=')
    expect(cleared.status).toBe(200)
    expect(cleared.body).toMatchObject({ methods: null, hosts: null, paths: ['/form-clear'] })
    const unlinked = await form('PATCH', '/routes/form-clear', 'service=')
    expect(unlinked.status).toBe(200)
    expect(unlinked.body.service).toBeNull()
  })

  it('multipart bodies follow the same rule', async () => {
    await call('POST', '/services/parity/routes', { name: 'multipart-clear', hosts: ['m.example'], paths: ['/multipart-clear'] })
    const body = new FormData()
    body.set('hosts', '')
    const response = await fetch(`${gw.admin}/routes/multipart-clear`, { method: 'PATCH', body })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ hosts: null })
  })
})

describe('schema checks', () => {
  it.each([
    ['x.com:80', 'must not have a port'],
    ['1.2.3.4:80', 'must not have a port'],
    ['[::1]:80', 'must not have a port'],
    ['bad host', 'invalid value: bad host'],
  ])('service host %s → %s', async (host, message) => {
    const response = await call('POST', '/services', { host })
    expect(response.body).toMatchObject({ code: 2, message: `schema violation (host: ${message})`, fields: { host: message } })
  })

  it.each(['[::1]', '::1', '10.0.0.1', 'example.com'])('service host %s is valid', async (host) => {
    expect((await call('POST', '/services', { host })).status).toBe(201)
  })

  it('refuses tags outside the tag typedef, item by item', async () => {
    const text = (tag: string) => `invalid tag '${tag}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`
    const response = await call('POST', '/services', { host: 'x.example', tags: ['ok', 'a,b', 'c/d'] })
    expect(response.body).toEqual({
      code: 2,
      name: 'schema violation',
      message: `2 schema violations (tags.2: ${text('a,b')}; tags.3: ${text('c/d')})`,
      fields: { tags: [null, text('a,b'), text('c/d')] },
    })
    expect((await call('POST', '/routes', { paths: ['/t'], tags: ['a\tb'] })).body.fields).toEqual({ tags: [text('a\tb')] })
    expect((await call('POST', '/services', { host: 'x.example', tags: ['🦍', 'é-1'] })).status).toBe(201)
  })

  it.each([
    ['tcp', { path: '/p' }, 'path'],
    ['grpc', { path: '/p' }, 'path'],
    ['http', { tls_verify: true }, 'tls_verify'],
    ['grpcs', { tls_verify_depth: 2 }, 'tls_verify_depth'],
    ['http', { ca_certificates: ['7b5c3a1e-2f4d-4c6b-9a8e-1d2c3b4a5f60'] }, 'ca_certificates'],
    ['tcp', { client_certificate: { id: '7b5c3a1e-2f4d-4c6b-9a8e-1d2c3b4a5f60' } }, 'client_certificate'],
  ])('a %s service refuses %j', async (protocol, fields, field) => {
    const response = await call('POST', '/services', { protocol, host: 'x.example', ...fields })
    expect(response).toEqual({
      status: 400,
      body: {
        code: 2,
        name: 'schema violation',
        message: `2 schema violations (failed conditional validation given value of field 'protocol'; ${field}: value must be null)`,
        fields: { '@entity': ["failed conditional validation given value of field 'protocol'"], [field]: 'value must be null' },
      },
    })
  })

  it('accepts TLS fields on https and tls services, and a path on udp (Kong only lists tcp, tls, udp, grpc, grpcs for path)', async () => {
    expect((await call('POST', '/services', { protocol: 'https', host: 'x.example', tls_verify: true, tls_verify_depth: 2 })).status).toBe(201)
    expect((await call('POST', '/services', { protocol: 'tls', host: 'x.example', tls_verify: false })).status).toBe(201)
    expect((await call('POST', '/services', { protocol: 'udp', host: 'x.example', path: '/p' })).status).toBe(400)
    expect((await call('POST', '/services', { protocol: 'tls_passthrough', host: 'x.example', path: '/p' })).status).toBe(201)
  })
})

describe('error details', () => {
  it('lists protocols sorted, without ws and wss, and reports the failing item by position', async () => {
    const message = `expected one of: ${ROUTE_PROTOCOLS}`
    const response = await call('POST', '/routes', { protocols: ['http', 'ws'], paths: ['/ws'] })
    expect(response.body).toEqual({ code: 2, name: 'schema violation', message: `schema violation (protocols.2: ${message})`, fields: { protocols: [null, message] } })
    const service = await call('POST', '/services', { protocol: 'wss', host: 'x.example' })
    expect(service.body.fields).toEqual({ protocol: `expected one of: ${ROUTE_PROTOCOLS}` })
  })

  it('puts @entity first, then fields in sorted order', async () => {
    const response = await call('POST', '/services', { protocol: 'tcp', path: '/p', port: 'x', connect_timeout: 'y' })
    expect(response.body.message).toBe(
      "5 schema violations (failed conditional validation given value of field 'protocol'; connect_timeout: expected an integer; host: required field missing; path: value must be null; port: expected an integer)",
    )
  })

  it('reports engine errors on array items as arrays too', async () => {
    const response = await call('POST', '/routes', { paths: ['/ok', '/a//b'] })
    expect(response.status).toBe(400)
    expect(response.body.fields).toEqual({ paths: [null, expect.any(String)] })
    expect(response.body.message).toMatch(/^schema violation \(paths\.2: /)
  })
})

describe('foreign keys', () => {
  it('an unknown service.id is a foreign key violation with the key under fields', async () => {
    const id = '9d535b20-d1d6-4931-a7a2-6d0bbd8a5a84'
    expect(await call('POST', '/routes', { paths: ['/fk'], service: { id } })).toEqual({
      status: 400,
      body: { code: 4, name: 'foreign key violation', message: `the foreign key '{id="${id}"}' does not reference an existing 'services' entity.`, fields: { service: { id } } },
    })
  })

  it('an unknown service.name is unresolved', async () => {
    const text = `the foreign key cannot be resolved with '{name="non-existing"}' for an existing 'services' entity`
    expect(await call('POST', '/routes', { paths: ['/fk'], service: { name: 'non-existing' } })).toEqual({
      status: 400,
      body: { code: 13, name: 'foreign keys unresolved', message: `foreign key unresolved (service.name: ${text})`, fields: { service: { name: text } } },
    })
  })

  it('resolves service.name to the id', async () => {
    const response = await call('POST', '/routes', { paths: ['/fk-name'], service: { name: 'parity' } })
    expect(response.status).toBe(201)
    expect(response.body.service).toEqual({ id: (await call('GET', '/services/parity')).body.id })
  })

  it.each([
    ['JSON name null', () => call('POST', '/routes', { paths: ['/fk'], service: { name: null } })],
    ['JSON without a key', () => call('POST', '/routes', { paths: ['/fk'], service: { protocol: 'http' } })],
    ['form service.name=', () => form('POST', '/routes', 'paths[]=/fk&service.name=')],
  ])('a reference without a key (%s) misses its primary key', async (_name, send) => {
    expect(await send()).toEqual({
      status: 400,
      body: { code: 2, name: 'schema violation', message: 'schema violation (service.id: missing primary key)', fields: { service: { id: 'missing primary key' } } },
    })
  })

  // 09-routes_routes_spec "handles invalid input" (Invalid foreign entity): a reference without a
  // valid key is checked as a partial service, and its errors stand in for the key's.
  it('a reference without a key reports the fields it gives wrong, beside the route\'s own errors', async () => {
    const protocols = 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp'
    expect(await call('POST', '/routes', { methods: ['GET'], protocols: ['foo', 'http'], service: { protocol: 'foo' } })).toEqual({
      status: 400,
      body: {
        code: 2,
        name: 'schema violation',
        message: `2 schema violations (protocols.1: ${protocols}; service.protocol: ${protocols})`,
        fields: { protocols: [protocols], service: { protocol: protocols } },
      },
    })
  })

  it('a required service field given null is missing, and a name stands in for an invalid id', async () => {
    expect((await call('POST', '/routes', { paths: ['/fk-null'], service: { host: null } })).body.fields).toEqual({ service: { host: 'required field missing' } })
    const resolved = await call('POST', '/routes', { paths: ['/fk-bad-id'], service: { id: 'nope', name: 'parity' } })
    expect(resolved.status).toBe(201)
    expect(resolved.body.service).toEqual({ id: (await call('GET', '/services/parity')).body.id })
  })

  it('an invalid service.name is a schema violation, never looked up', async () => {
    const text = "invalid value '\\o/': the only accepted ascii characters are alphanumerics or ., -, _, and ~"
    expect(await call('POST', '/routes', { methods: ['GET'], service: { name: '\\o/' } })).toEqual({
      status: 400,
      body: { code: 2, name: 'schema violation', message: `schema violation (service.name: ${text})`, fields: { service: { name: text } } },
    })
  })
})

describe('/schemas', () => {
  it('validates a service without storing it', async () => {
    expect(await call('POST', '/schemas/services/validate', { name: 'validated-only', host: 'v.example' })).toEqual({ status: 200, body: { message: 'schema validation successful' } })
    expect((await call('GET', '/services/validated-only')).status).toBe(404)
    const bad = await call('POST', '/schemas/services/validate', { connect_timeout: 'x' })
    expect(bad.body.message).toBe('2 schema violations (connect_timeout: expected an integer; host: required field missing)')
  })

  it('describes routes and services as Kong lists fields', async () => {
    const services = await call('GET', '/schemas/services')
    expect(services.status).toBe(200)
    const fields = services.body.fields as unknown as Record<string, Record<string, unknown>>[]
    expect(fields).toContainEqual({ id: { type: 'string', uuid: true, auto: true } })
    expect(fields).toContainEqual({ port: { type: 'integer', required: true, default: 80, between: [0, 65535] } })
    expect(fields).toContainEqual({ client_certificate: { type: 'foreign', reference: 'certificates' } })
    const routes = await call('GET', '/schemas/routes')
    const routeFields = routes.body.fields as unknown as Record<string, Record<string, unknown>>[]
    expect(routeFields).toContainEqual({ protocols: { type: 'set', required: true, default: ['http', 'https'], elements: { type: 'string', one_of: ROUTE_PROTOCOLS.split(', ') } } })
    expect(routeFields).toContainEqual({ strip_path: { type: 'boolean', required: true, default: true } })
    expect(routeFields).toContainEqual({ service: { type: 'foreign', reference: 'services' } })
  })

  it('is 404 for an unknown entity', async () => {
    expect(await call('GET', '/schemas/not-present')).toEqual({ status: 404, body: { message: "No entity named 'not-present'" } })
    expect((await call('POST', '/schemas/not-present/validate', {})).status).toBe(404)
  })
})

describe('next links', () => {
  beforeAll(async () => {
    await call('POST', '/services', { name: 'next-parent', host: 'n.example' })
    for (let i = 0; i < 3; i++) {
      await call('POST', '/services', { name: `next-${i}`, host: 'n.example', tags: ['next-a', 'next-b'] })
      await call('POST', '/services/next-parent/routes', { name: `next-route-${i}`, paths: [`/next-${i}`] })
    }
  })

  it('keeps offset, tags and size in that order and drops other arguments, as Kong', async () => {
    const page = await call('GET', '/services?size=2&extra=1&tags=next-a,next-b&foo=bar')
    expect(page.body.next).toBe(`/services?offset=${encodeURIComponent(String(page.body.offset))}&tags=next-a%2Cnext-b&size=2`)
  })

  it('gives only the offset when the request had neither tags nor size', async () => {
    const page = await call('GET', '/routes?size=1')
    expect(page.body.next).toBe(`/routes?offset=${encodeURIComponent(String(page.body.offset))}&size=1`)
    const second = await call('GET', String(page.body.next))
    expect(second.status).toBe(200)
    expect((second.body.data as unknown as unknown[]).length).toBe(1)
  })

  it('gives a nested list the parent as requested and the offset alone', async () => {
    const page = await call('GET', '/services/next-parent/routes?size=1&tags=x')
    expect(page.body.next).toBe(`/services/next-parent/routes?offset=${encodeURIComponent(String(page.body.offset))}`)
    const rest = await call('GET', String(page.body.next))
    expect((rest.body.data as unknown as { name: string }[]).length).toBe(2)
  })
})

describe('/config with a database', () => {
  it('refuses POST as Kong does (kong/api/routes/config.lua) and exports the entities on GET', async () => {
    const only = { status: 400, body: { message: 'this endpoint is only available when switchyard is configured to not use a database' } }
    expect(await call('POST', '/config', { _format_version: '3.0' })).toEqual(only)
    const exported = await call('GET', '/config')
    expect(exported.status).toBe(200)
    expect(JSON.stringify(exported.body)).toContain('_format_version')
  })
})

/** Sends a request with exactly these headers; status, headers and body text. */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(base + path, { method, headers }, (response) => {
      let body = ''
      response.on('data', (c: Buffer) => (body += c.toString('utf8')))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

describe('OPTIONS, HEAD and CORS (spec/02-integration/04-admin_api/24-cors_spec.lua)', () => {
  it.each([
    ['/', 'GET, HEAD, OPTIONS'],
    ['/routes', 'GET, HEAD, OPTIONS, POST'],
    ['/routes/test', 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT'],
    ['/routes/test/service', 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT'],
    ['/services/no-such-service/routes', 'GET, HEAD, OPTIONS, POST'],
    ['/services/no-such-service/routes/r', 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT'],
    ['/schemas/routes/validate', 'OPTIONS, POST'],
    ['/config', 'GET, HEAD, OPTIONS, POST'],
    ['/status', 'GET, HEAD, OPTIONS'],
  ])('OPTIONS %s is 204 with Allow and Access-Control-Allow-Methods %s', async (path, allow) => {
    const answer = await raw(gw.admin, 'OPTIONS', path)
    expect(answer).toMatchObject({ status: 204, body: '' })
    expect(answer.headers).toMatchObject({ allow, 'access-control-allow-methods': allow, 'access-control-allow-headers': 'Content-Type', 'access-control-allow-origin': '*' })
    expect(answer.headers).not.toHaveProperty('content-length')
  })

  // Kong's admin_header_filter (02-kong_routes_spec "response has the correct Server header",
  // 09-routes_routes_spec OPTIONS: an admin latency header), under Switchyard's names.
  it('names the server and the time taken on every answer, without Via', async () => {
    for (const [method, path] of [['GET', '/'], ['OPTIONS', '/routes'], ['GET', '/no-such-thing'], ['POST', '/routes']]) {
      const answer = await raw(gw.admin, method as string, path as string)
      expect(answer.headers['server']).toMatch(/^switchyard\/\d+\.\d+\.\d+$/)
      expect(answer.headers['x-switchyard-admin-latency']).toMatch(/^\d+$/)
      expect(answer.headers).not.toHaveProperty('via')
    }
  })

  it('answers OPTIONS of an unknown path 404, and echoes the headers a preflight asks for', async () => {
    expect((await raw(gw.admin, 'OPTIONS', '/plugins')).status).toBe(404)
    expect((await raw(gw.admin, 'OPTIONS', '/routes/r/service/x')).status).toBe(404)
    const asked = await raw(gw.admin, 'OPTIONS', '/', { 'access-control-request-headers': 'X-Header-1,X-Header-2' })
    expect(asked.headers['access-control-allow-headers']).toBe('X-Header-1,X-Header-2')
  })

  it('answers HEAD as GET, without the body', async () => {
    for (const path of ['/services', '/services/parity', '/routes?size=1', '/services/no-such-service', '/status?unit=b']) {
      const get = await raw(gw.admin, 'GET', path)
      const head = await raw(gw.admin, 'HEAD', path)
      expect(head.status, path).toBe(get.status)
      expect(head.body, path).toBe('')
      expect(head.headers['content-type'], path).toBe(get.headers['content-type'])
    }
    const get = await raw(gw.admin, 'GET', '/services/parity')
    expect((await raw(gw.admin, 'HEAD', '/services/parity')).headers['content-length']).toBe(get.headers['content-length'])
  })

  it('gives every answer Access-Control-Allow-Origin: *, or the Origin of a page of its own with Vary: Origin', async () => {
    for (const path of ['/services', '/no-such-path']) {
      expect((await raw(gw.admin, 'GET', path)).headers).toMatchObject({ 'access-control-allow-origin': '*', vary: 'Origin' })
      const own = await raw(gw.admin, 'GET', path, { origin: gw.admin })
      expect(own.headers).toMatchObject({ 'access-control-allow-origin': gw.admin, vary: 'Origin' })
      // Only preflights get the method and header lists.
      expect(own.headers).not.toHaveProperty('access-control-allow-methods')
    }
  })

  it('without admin_token grants no other origin: its preflight fails and its answers stay unreadable', async () => {
    const page = { origin: 'http://evil.example', 'access-control-request-method': 'DELETE' }
    for (const headers of [page, { ...page, 'sec-fetch-site': 'cross-site' }]) {
      const preflight = await raw(gw.admin, 'OPTIONS', '/services/parity', headers)
      expect(preflight.status).toBe(204)
      expect(preflight.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, PUT')
      expect(preflight.headers).not.toHaveProperty('access-control-allow-origin')
      expect(preflight.headers).not.toHaveProperty('access-control-allow-methods')
    }
    // A browser without Sec-Fetch-Site is refused for its foreign Origin, and gets no grant either.
    const read = await raw(gw.admin, 'GET', '/services', { origin: 'http://evil.example' })
    expect(read.status).toBe(403)
    expect(read.headers).not.toHaveProperty('access-control-allow-origin')
    expect(read.headers.vary).toBe('Origin')
    const opaque = await raw(gw.admin, 'GET', '/services', { origin: 'null' })
    expect(opaque.status).toBe(403)
    expect(opaque.headers).not.toHaveProperty('access-control-allow-origin')
  })

  it('with admin_token answers any origin, a preflight without the token, and every other request only with it', async () => {
    const guarded = await startInProcess({ admin_token: 'secret-token' })
    try {
      const origin = 'http://manager.example'
      const preflight = await raw(guarded.admin, 'OPTIONS', '/services/anything', { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'kong-admin-token,content-type' })
      expect(preflight).toMatchObject({ status: 204, body: '' })
      expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': origin, 'access-control-allow-methods': 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT', 'access-control-allow-headers': 'kong-admin-token,content-type', vary: 'Origin' })
      for (const method of ['GET', 'HEAD', 'DELETE']) {
        const refused = await raw(guarded.admin, method, '/services', { origin })
        expect(refused.status, method).toBe(401)
        expect(refused.headers['access-control-allow-origin'], method).toBe(origin)
      }
      const served = await raw(guarded.admin, 'GET', '/services', { origin, 'kong-admin-token': 'secret-token' })
      expect(served.status).toBe(200)
      expect(served.headers['access-control-allow-origin']).toBe(origin)
    } finally {
      await guarded.close()
    }
  })
})

describe('DB-less writes (kong/db/strategies/off/init.lua, kong/db/dao/init.lua)', () => {
  const S = '3f0c8a9e-1b2d-4c5e-8f7a-6b5c4d3e2f10'
  const R = '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d'
  const OTHER = 'c0ffee00-1111-4222-8333-444455556666'
  let dbless: InProcessGateway
  const send = (method: string, path: string, body?: unknown) => adminCall(dbless.admin, method, path, body)
  const unsupported = (message: string) => ({ status: 405, body: { code: 12, name: 'operation unsupported', message: `${message} when not using a database` } })

  beforeAll(async () => {
    dbless = await startInProcess({ database: 'off' })
    const config = { _format_version: '3.0', services: [{ id: S, name: 'dbl', host: 'dbl.example', routes: [{ id: R, name: 'dbl-r', paths: ['/dbl'] }] }] }
    expect((await send('POST', '/config', config)).status).toBe(201)
  })
  afterAll(async () => {
    await dbless.close()
  })

  it.each([
    ['POST', '/services', { name: 'new', host: 'new.example' }, "cannot create 'services' entities"],
    ['POST', '/services', { id: S, host: 'new.example' }, "cannot create 'services' entities"],
    ['POST', '/routes', { paths: ['/new'], service: { name: 'dbl' } }, "cannot create 'routes' entities"],
    ['POST', '/routes', { paths: ['/new'], service: { id: OTHER } }, "cannot create 'routes' entities"],
    ['POST', '/services/dbl/routes', { paths: ['/new'] }, "cannot create 'routes' entities"],
    ['PATCH', '/services/dbl', { port: 81 }, "cannot update 'services' entities by 'name'"],
    ['PATCH', `/services/${S}`, { port: 81 }, "cannot update 'services' entities"],
    ['PUT', '/services/dbl', { host: 'put.example' }, "cannot create or update 'services' entities by 'name'"],
    ['PUT', '/services/new-name', { host: 'put.example' }, "cannot create or update 'services' entities by 'name'"],
    ['PUT', `/services/${OTHER}`, { host: 'put.example' }, "cannot create or update 'services' entities"],
    ['DELETE', '/services/dbl', undefined, "cannot remove 'services' entities by 'name'"],
    ['DELETE', `/services/${S}`, undefined, "cannot remove 'services' entities"],
    ['PATCH', '/routes/dbl-r', { paths: ['/z'] }, "cannot update 'routes' entities by 'name'"],
    ['PUT', `/routes/${R}`, { paths: ['/z'] }, "cannot create or update 'routes' entities"],
    ['DELETE', '/routes/dbl-r', undefined, "cannot remove 'routes' entities by 'name'"],
    ['DELETE', `/routes/${R}`, undefined, "cannot remove 'routes' entities"],
    ['PATCH', '/services/dbl/routes/dbl-r', { paths: ['/z'] }, "cannot update 'routes' entities by 'name'"],
    ['PUT', `/services/dbl/routes/${R}`, { paths: ['/z'] }, "cannot create or update 'routes' entities"],
    ['DELETE', '/services/dbl/routes/dbl-r', undefined, "cannot remove 'routes' entities by 'name'"],
    ['PATCH', '/routes/dbl-r/service', { port: 81 }, "cannot update 'services' entities"],
    ['PUT', '/routes/dbl-r/service', { host: 'put.example' }, "cannot create or update 'services' entities"],
  ])('%s %s is 405: %s …', async (method, path, body, message) => {
    const before = (await send('GET', '/config')).body
    expect(await send(method, path, body)).toEqual(unsupported(message))
    expect((await send('GET', '/config')).body).toEqual(before)
  })

  it("checks a write as Kong's DAO does before refusing it", async () => {
    // Schema violations and unresolved references first.
    expect((await send('POST', '/services', { port: 'x' })).body).toMatchObject({ code: 2, fields: { host: 'required field missing', port: 'expected an integer' } })
    expect((await send('PATCH', '/services/dbl', { port: 'x' })).body).toMatchObject({ code: 2, fields: { port: 'expected an integer' } })
    expect((await send('PUT', '/services/new-name', {})).body).toMatchObject({ code: 2, fields: { host: 'required field missing' } })
    expect((await send('PATCH', '/routes/dbl-r/service', { port: 'x' })).body).toMatchObject({ code: 2 })
    expect((await send('POST', '/routes', { paths: ['/n'], service: { name: 'missing' } })).body).toMatchObject({ code: 13, name: 'foreign keys unresolved' })
    // What does not exist: 404 for updates and nested paths, 204 for a delete.
    expect(await send('PATCH', '/services/missing', { port: 81 })).toEqual({
      status: 404,
      body: { code: 6, name: 'not found', message: `could not find the entity with '{name="missing"}'`, fields: { name: 'missing' } },
    })
    expect((await send('PATCH', '/routes/missing', { paths: ['/z'] })).status).toBe(404)
    expect((await send('POST', '/services/missing/routes', { paths: ['/z'] })).status).toBe(404)
    expect((await send('DELETE', '/services/dbl/routes/missing')).status).toBe(404)
    expect((await send('PATCH', '/routes/missing/service', { port: 81 })).status).toBe(404)
    expect((await send('DELETE', '/services/missing')).status).toBe(204)
    expect((await send('DELETE', `/routes/${OTHER}`)).status).toBe(204)
    // A route's service is never deleted through the route, database or not.
    expect(await send('DELETE', '/routes/dbl-r/service')).toEqual({ status: 405, body: { message: 'Method not allowed' } })
    expect((await send('GET', '/services/dbl')).status).toBe(200)
    expect((await send('GET', '/routes/dbl-r')).status).toBe(200)
  })
})

// Kong keeps an explicit null (ngx.null) where an absent field takes its default, and refuses it in a
// `required` field (kong/db/schema/init.lua process_auto_fields and validate; routes.lua, services.lua).
// Kong's form decoding (kong/api/arguments.lua infer_value) makes an empty value null too.
describe('null in a required field that has a default', () => {
  const missing = (field: string) => ({ status: 400, body: { code: 2, name: 'schema violation', message: `schema violation (${field}: required field missing)`, fields: { [field]: 'required field missing' } } })

  it('POST /routes refuses protocols, priority and strip_path null; absent ones take their defaults', async () => {
    expect(await call('POST', '/routes', { protocols: null, paths: ['/null-p'] })).toEqual(missing('protocols'))
    expect(await call('POST', '/routes', { priority: null, expression: 'http.path == "/"' })).toEqual(missing('priority'))
    expect(await call('POST', '/routes', { strip_path: null, paths: ['/null-s'] })).toEqual(missing('strip_path'))
    const created = await call('POST', '/routes', { paths: ['/null-ok'] })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ protocols: ['http', 'https'], strip_path: true, preserve_host: false, https_redirect_status_code: 426, request_buffering: true, response_buffering: true, priority: 0 })
  })

  it('PATCH and PUT refuse them too, and leave the stored route as it was', async () => {
    const created = await call('POST', '/routes', { name: 'null-patch', paths: ['/null-patch'], strip_path: false })
    const id = String(created.body.id)
    expect(await call('PATCH', `/routes/${id}`, { strip_path: null })).toEqual(missing('strip_path'))
    expect(await call('PATCH', `/routes/${id}`, { protocols: null })).toEqual(missing('protocols'))
    expect(await call('PUT', `/routes/${id}`, { paths: ['/null-patch'], preserve_host: null })).toEqual(missing('preserve_host'))
    expect((await call('GET', `/routes/${id}`)).body).toMatchObject({ strip_path: false, protocols: ['http', 'https'] })
    // A nullable field still clears with null.
    expect((await call('PATCH', `/routes/${id}`, { name: null })).body).toMatchObject({ name: null, strip_path: false })
  })

  it('a form with an empty value is refused the same way; an empty service= still unlinks', async () => {
    expect(await form('POST', '/routes', 'paths[]=/null-form&strip_path=')).toEqual(missing('strip_path'))
    expect(await form('POST', '/routes', 'paths[]=/null-form&protocols=')).toEqual(missing('protocols'))
    const created = await form('POST', '/services/parity/routes', 'name=null-form&paths[]=/null-form')
    expect(created.status).toBe(201)
    expect(await form('PATCH', '/routes/null-form', 'https_redirect_status_code=')).toEqual(missing('https_redirect_status_code'))
    expect((await form('PATCH', '/routes/null-form', 'service=')).body).toMatchObject({ service: null, https_redirect_status_code: 426 })
    const multipart = new FormData()
    multipart.set('paths[]', '/null-mp')
    multipart.set('preserve_host', '')
    const response = await fetch(gw.admin + '/routes', { method: 'POST', body: multipart })
    expect({ status: response.status, body: await response.json() }).toEqual(missing('preserve_host'))
  })

  it('services: protocol, port and enabled null are refused on POST, PUT and PATCH (JSON and form)', async () => {
    expect(await call('POST', '/services', { host: 'null.example', protocol: null })).toEqual(missing('protocol'))
    expect(await call('POST', '/services', { host: 'null.example', port: null })).toEqual(missing('port'))
    expect(await call('PUT', '/services/null-svc', { host: 'null.example', enabled: null })).toEqual(missing('enabled'))
    expect(await form('POST', '/services', 'host=null.example&port=')).toEqual(missing('port'))
    const created = await call('POST', '/services', { name: 'null-svc', host: 'null.example' })
    expect(created.body).toMatchObject({ protocol: 'http', port: 80, enabled: true })
    expect(await call('PATCH', '/services/null-svc', { port: null })).toEqual(missing('port'))
    expect(await form('PATCH', '/services/null-svc', 'enabled=')).toEqual(missing('enabled'))
    // Nullable fields clear.
    expect((await call('PATCH', '/services/null-svc', { name: 'null-svc2', path: null, tags: null })).body).toMatchObject({ port: 80, path: null, tags: null })
  })
})

describe('request bodies and entity keys (kong/api/api_helpers.lua before_filter, kong/db/dao)', () => {
  /** Sends raw bytes with exactly the given headers. */
  async function raw(method: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
    const response = await fetch(gw.admin + path, { method, headers, body })
    return { status: response.status, text: await response.text() }
  }

  it('a write with a body of another type, or of none, is 415 and changes nothing', async () => {
    await call('POST', '/routes', { name: 'media', paths: ['/media'] })
    const patched = await raw('PATCH', '/routes/media', { 'content-type': 'text/plain' }, '{"priority":5}')
    expect(patched.status).toBe(415)
    expect(JSON.parse(patched.text).message).toMatch(/application\/json/)
    expect((await raw('PATCH', '/routes/media', { 'content-type': 'application/xml' }, '<a/>')).status).toBe(415)
    // fetch adds text/plain to a string body; a Blob without a type goes out with no Content-Type.
    const untyped = await fetch(gw.admin + '/services', { method: 'POST', body: new Blob(['{"host":"untyped.example"}']) })
    expect(untyped.status).toBe(415)
    expect((await call('GET', '/routes/media')).body.updated_at).toBe((await call('GET', '/routes/media')).body.created_at)
    expect((await call('GET', '/services?size=1000')).body.data).not.toContainEqual(expect.objectContaining({ host: 'untyped.example' }))
  })

  it('an empty JSON body cannot be parsed; an empty form or untyped write is no fields', async () => {
    expect(await raw('POST', '/services', { 'content-type': 'application/json' }, '')).toEqual({ status: 400, text: JSON.stringify({ message: 'Cannot parse JSON body' }) })
    const empty = await raw('POST', '/services', { 'content-type': 'application/x-www-form-urlencoded' }, '')
    expect(empty.status).toBe(400)
    expect(JSON.parse(empty.text).fields).toEqual({ host: 'required field missing' })
  })

  it.each(['GET', 'PATCH', 'PUT', 'DELETE'])('%s on a name no entity can have is 400 invalid unique name', async (method) => {
    const invalid = { status: 400, body: { code: 10, name: 'invalid unique name', message: "invalid value 'bad name': the only accepted ascii characters are alphanumerics or ., -, _, and ~" } }
    expect(await call(method, '/routes/bad%20name', method === 'GET' || method === 'DELETE' ? undefined : { paths: ['/x'] })).toEqual(invalid)
    expect(await call(method, '/services/bad%20name', method === 'GET' || method === 'DELETE' ? undefined : { host: 'x.example' })).toEqual(invalid)
    expect(await call(method, '/services/parity/routes/bad%20name', method === 'GET' || method === 'DELETE' ? undefined : { paths: ['/x'] })).toEqual(invalid)
  })

  it('names with non-ASCII characters stay valid keys', async () => {
    expect((await call('GET', '/routes/caf%C3%A9')).status).toBe(404)
  })

  it('a path starting with // is the same path (nginx merges the slashes)', async () => {
    await call('POST', '/services', { name: 'slashes', host: 'slashes.example' })
    expect((await call('GET', '//services/slashes')).body.host).toBe('slashes.example')
    expect((await call('DELETE', '//services/slashes')).status).toBe(204)
    expect((await call('GET', '/services/slashes')).status).toBe(404)
    expect(Array.isArray((await call('GET', '//routes')).body.data)).toBe(true)
  })
})

describe('created_at (kong/db/schema/init.lua process_auto_fields)', () => {
  it('keeps a created_at the body gives, refuses one of the wrong type, and fills a missing one', async () => {
    const given = await call('POST', '/routes', { name: 'created', expression: 'http.path == "/created"', created_at: 1000 })
    expect(given.status).toBe(201)
    expect(given.body.created_at).toBe(1000)
    expect((await call('GET', '/routes/created')).body.created_at).toBe(1000)
    expect((await call('PATCH', '/routes/created', { priority: 3 })).body.created_at).toBe(1000)
    const wrong = await call('POST', '/services', { host: 'created.example', created_at: 'abc' })
    expect(wrong.status).toBe(400)
    expect(Object.keys(wrong.body.fields as object)).toEqual(['created_at'])
    const filled = await call('POST', '/services', { host: 'created.example' })
    expect(Math.abs(Number(filled.body.created_at) - Date.now() / 1000)).toBeLessThan(60)
  })
})

describe('form values of integer fields (kong/api/arguments.lua infer_value: Lua tonumber)', () => {
  it.each([
    ['5.0', 5],
    [' 7', 7],
    ['1e3', 1000],
    ['0x10', 16],
  ])('priority=%s is %i', async (text, value) => {
    const created = await form('POST', '/routes', `expression=${encodeURIComponent('http.path == "/tonumber"')}&priority=${encodeURIComponent(text)}`)
    expect(created.status).toBe(201)
    expect(created.body.priority).toBe(value)
    await call('DELETE', `/routes/${String(created.body.id)}`)
  })

  it.each(['5.5', 'five', ''])('priority=%s is refused', async (text) => {
    const refused = await form('POST', '/routes', `expression=${encodeURIComponent('http.path == "/tonumber"')}&priority=${encodeURIComponent(text)}`)
    expect(refused.status).toBe(400)
  })
})

// spec/02-integration/04-admin_api/21-truncated_arguments_spec.lua: past 1000 arguments in the
// query string or a urlencoded body, Kong answers 400 rather than reading the first 1000.
describe('too many arguments', () => {
  const args = (count: number, key: (i: number) => string) => Array.from({ length: count }, (_, i) => `${key(i)}=${i}`).join('&')

  it('refuses a query string of 1001 arguments, and reads one of 1000', async () => {
    expect(await call('GET', `/services?${args(1001, () => 'a')}`)).toEqual({ status: 400, body: { message: 'Too many arguments' } })
    expect((await call('GET', `/services?${args(1000, () => 'a')}`)).status).toBe(200)
    // Empty pairs are not arguments.
    expect((await call('GET', `/services?${args(1000, () => 'a')}${'&'.repeat(50)}`)).status).toBe(200)
  })

  it('refuses a urlencoded body of 1001 arguments and stores nothing', async () => {
    const body = `name=too-many-args&host=a.example&${args(999, () => 'tags[]')}`
    expect(await form('POST', '/services', body)).toEqual({ status: 400, body: { message: 'Too many arguments' } })
    expect((await call('GET', '/services/too-many-args')).status).toBe(404)
    // 1000 arguments are read (the tags then fail the service schema's own limit, not this one).
    const within = await form('POST', '/services', `name=too-many-args&host=a.example&${args(998, () => 'tags[]')}`)
    expect(within.body.message).not.toBe('Too many arguments')
  })
})

describe('requests no client library sends', () => {
  it('answers CONNECT 405, as any method an endpoint does not take', async () => {
    const answer = await rawExchange(gw.admin, 'CONNECT /services HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 405 /)
    expect(answer.endsWith(JSON.stringify({ message: 'Method not allowed' }))).toBe(true)
  })

  it.each(['http://[::1/services', 'http://x:99999/services', 'http://%zz/services'])('answers 400 to the unparsable absolute target %s, and stores nothing', async (target) => {
    const body = JSON.stringify({ name: 'absolute-target', host: 'a.example' })
    const answer = await rawExchange(gw.admin, `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(answer).toContain('malformed request target')
    expect((await call('GET', '/services/absolute-target')).status).toBe(404)
  })
})

// kong/api/init.lua lets a body through by its type's prefix, and lapis reads it as JSON when the
// type names application/json anywhere: every body that passes is read, none silently dropped.
describe('body types let through by their prefix', () => {
  it.each(['application/jsonx', 'application/json, charset=utf-8', 'APPLICATION/JSON;charset=UTF-8'])('reads a %s body as JSON', async (type) => {
    await call('PUT', '/services/odd-type', { host: 'a.example', port: 80 })
    const response = await fetch(`${gw.admin}/services/odd-type`, { method: 'PATCH', body: JSON.stringify({ port: 81 }), headers: { 'content-type': type } })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { port: number }).port).toBe(81)
  })

  it('refuses an empty body of a type naming JSON', async () => {
    const response = await fetch(`${gw.admin}/services`, { method: 'POST', body: '', headers: { 'content-type': 'application/json; x' } })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: 'Cannot parse JSON body' })
  })

  it('reads a form body of a longer type by its prefix', async () => {
    const response = await fetch(`${gw.admin}/services`, { method: 'POST', body: 'name=form-prefix&host=a.example', headers: { 'content-type': 'application/x-www-form-urlencodedx' } })
    expect(response.status).toBe(201)
  })
})

describe('field names that are members of every JavaScript object', () => {
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty'])('refuses a route field named %s as unknown', async (field) => {
    const response = await call('POST', '/routes', { name: `member-${field}`, paths: ['/member'], [field]: 'x' })
    expect(response.status).toBe(400)
    expect(response.body.fields).toEqual({ [field]: 'unknown field' })
    expect((await call('GET', `/routes/member-${field}`)).status).toBe(404)
  })
})

describe('sets', () => {
  it('keeps the first of each tag in order, however long the list', async () => {
    const tags = Array.from({ length: 20_000 }, (_, i) => `t${i % 5_000}`)
    const response = await call('POST', '/services', { name: 'many-tags', host: 'a.example', tags })
    expect(response.status).toBe(201)
    expect(response.body.tags).toEqual(Array.from({ length: 5_000 }, (_, i) => `t${i}`))
  })
})

// typedefs.lua: names and tags must be valid UTF-8 (`validate_utf8_string`, position in bytes from 1).
describe('bytes that are not UTF-8', () => {
  const send = (path: string, body: Uint8Array<ArrayBuffer>, type: string) => fetch(gw.admin + path, { method: 'POST', body, headers: { 'content-type': type } })
  const bytes = (...parts: (string | number[])[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)))

  it('refuses a form name whose escapes spell bad UTF-8, and stores nothing', async () => {
    const count = async () => ((await call('GET', '/services?size=1000')).body.data as unknown as unknown[]).length
    const before = await count()
    const response = await form('POST', '/services', 'name=bad%FFname&host=h.example')
    expect(response.status).toBe(400)
    expect(response.body.fields).toEqual({ name: 'invalid utf-8 character sequence detected at position 4' })
    expect(await count()).toBe(before)
  })

  it('refuses a JSON name holding a raw bad byte, counting bytes before it', async () => {
    const response = await send('/routes', bytes('{"name":"é', [0xff], '","paths":["/utf8"]}'), 'application/json')
    expect(response.status).toBe(400)
    expect(((await response.json()) as { fields: unknown }).fields).toEqual({ name: 'invalid utf-8 character sequence detected at position 3' })
  })

  it('refuses a bad tag with the UTF-8 text before the tag rules', async () => {
    const response = await send('/services', bytes('{"host":"h.example","tags":["ok","t', [0xc3], '"]}'), 'application/json')
    expect(response.status).toBe(400)
    expect(((await response.json()) as { fields: unknown }).fields).toEqual({ tags: [null, 'invalid utf-8 character sequence detected at position 2'] })
  })

  it('keeps valid UTF-8 as sent', async () => {
    const response = await send('/services', bytes('{"name":"café-ünï","host":"h.example"}'), 'application/json')
    expect(response.status).toBe(201)
    expect(((await response.json()) as { name: string }).name).toBe('café-ünï')
  })

  it.each(['/services/%FF', '/routes/a%ED%A0%80'])('answers a key %s that decodes to bad UTF-8 as an invalid unique name', async (path) => {
    const response = await call('GET', path)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ code: 10, name: 'invalid unique name', message: expect.stringMatching(/^invalid utf-8 character sequence detected at position \d+$/) })
  })
})
