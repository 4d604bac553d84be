import fc from 'fast-check'
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startInProcess, type InProcessGateway } from '../testing/harness.ts'

// Property: whatever a client sends, the Admin API answers (no hang), never with a 5xx, every 4xx
// carries a JSON `message`, a rejected write changes no entity, and the process keeps serving.
// Bodies are built as text so they can hold duplicate keys, `__proto__`, numbers JSON.stringify
// never writes (1e400) and outright garbage.

/** One request as it goes on the wire; `{svc}`, `{route}` and friends are replaced by seeded keys. */
interface Wire {
  readonly method: string
  readonly path: string
  readonly query: string
  readonly contentType: string | undefined
  readonly body: string | undefined
}

interface Answer {
  readonly status: number
  readonly text: string
}

/** Sends one request with full control of method, content type and body bytes; rejects after 10 s. */
function send(base: string, wire: Wire): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {}
    if (wire.contentType !== undefined) headers['content-type'] = wire.contentType
    if (wire.body !== undefined) headers['content-length'] = String(Buffer.byteLength(wire.body))
    const request = httpRequest(`${base}${wire.path}${wire.query}`, { method: wire.method, headers, timeout: 10_000 }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
      response.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error(`no answer within 10 s to ${wire.method} ${wire.path}`)))
    request.on('error', reject)
    request.end(wire.body)
  })
}

// ---- values -------------------------------------------------------------------------------------

const WEIRD_STRINGS = ['', ' ', '\u0000', '\n', 'a\r\nb', '\u202e', '\ud800', '💥', 'é', '%', '%zz', '/', '//', '~', '~/(', '\\', '"', "'", '__proto__', 'constructor', 'toString', 'x'.repeat(300)]
const weirdString = fc.oneof(fc.constantFrom(...WEIRD_STRINGS), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 8 }))

/** JSON text of a value, including numbers only a hand-written body can hold. */
const rawNumber = fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '0.5', '12345678901234567890123', '9007199254740993', '65536', '-1', '2147483647', '70368744177664', '1e21')
const jsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: weirdString.map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: rawNumber },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constant('null'), weirdString.map((s) => JSON.stringify(s)), rawNumber), { maxLength: 4 }).map((items) => `[${items.join(',')}]`) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', '{}', '[]', '[null]', '{"id":null}', '{"id":"{svc-id}"}', '{"name":"fz-svc"}', '{"name":"nope"}', '{"id":"not-a-uuid"}', '{"id":1}', '{"__proto__":{"x":1}}', `${'['.repeat(200)}${']'.repeat(200)}`, `[${Array(150_000).fill('1').join(',')}]`) },
)

const SERVICE_FIELDS = ['id', 'name', 'created_at', 'updated_at', 'protocol', 'host', 'port', 'path', 'retries', 'connect_timeout', 'write_timeout', 'read_timeout', 'tags', 'client_certificate', 'tls_verify', 'tls_verify_depth', 'ca_certificates', 'enabled', 'url']
const ROUTE_FIELDS = ['id', 'name', 'created_at', 'updated_at', 'protocols', 'methods', 'hosts', 'paths', 'headers', 'snis', 'sources', 'destinations', 'https_redirect_status_code', 'regex_priority', 'strip_path', 'path_handling', 'preserve_host', 'request_buffering', 'response_buffering', 'tags', 'service', 'expression', 'priority']
const ODD_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'unknown', 'flatten_errors', 'check_hash', '_format_version']

/** Random expression text: engine tokens in random order, sometimes well formed. */
const EXPRESSION_TOKENS = ['http.path', 'http.host', 'http.method', 'http.headers.x_a', 'net.src.ip', 'net.dst.port', 'tls.sni', 'lower(', 'any(', ')', '(', '==', '!=', '^=', '=^', '~', 'in', 'not in', 'contains', '&&', '||', '!', '"/a"', '"x"', 'r#"^/a(b"#', 'r#"\\d+"#', '10.0.0.0/8', '::1', '80', '99999999999999999999', '-1', '"\\u{0}"', '"\\x"', '#', '\n']
const expression = fc.oneof(
  fc.array(fc.constantFrom(...EXPRESSION_TOKENS), { maxLength: 8 }).map((tokens) => tokens.join(' ')),
  fc.constantFrom('http.path ^= "/x"', 'http.path ~ r#"^/(?P<a>.)"#', 'net.src.ip in 10.0.0.0/8', 'lower(http.host) == "A"', `http.path == "${'a'.repeat(5000)}"`, '('.repeat(500) + 'http.path == "/"' + ')'.repeat(500), Array.from({ length: 300 }, () => 'http.path == "/"').join(' && ')),
  weirdString,
)

const fieldValue = (field: string): fc.Arbitrary<string> => (field === 'expression' ? fc.oneof(expression.map((e) => JSON.stringify(e)), jsonText) : jsonText)

/** A JSON object body as text: a valid-looking base with fields overridden by junk, keys may repeat. */
function objectText(fields: readonly string[], base: readonly (readonly [string, string])[]): fc.Arbitrary<string> {
  const pair = fc.constantFrom(...fields, ...ODD_KEYS).chain((key) => fieldValue(key).map((value) => [key, value] as const))
  return fc.tuple(fc.boolean(), fc.array(pair, { maxLength: 4 })).map(([withBase, pairs]) => {
    const all = [...(withBase ? base : []), ...pairs]
    return `{${all.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`
  })
}

const serviceJson = objectText(SERVICE_FIELDS, [['host', '"fz.example"']])
const routeJson = objectText(ROUTE_FIELDS, [['paths', '["/fz"]'], ['service', '{"id":"{svc-id}"}']])

// ---- form bodies --------------------------------------------------------------------------------

const FORM_KEYS = ['paths[]', 'paths', 'paths[1]', 'paths[99999]', 'hosts', 'methods', 'headers.x-a', 'headers.host', 'headers', 'service.id', 'service.name', 'service', 'sources[1].ip', 'sources[1].port', 'destinations[2].port', 'a.b.c.d', 'name', 'host', 'port', 'url', 'protocol', 'protocols', 'tags[]', 'tags', 'strip_path', 'expression', 'priority', 'regex_priority', 'retries', '__proto__.polluted', 'constructor.prototype.polluted', 'a[__proto__]', 'paths[]x', 'x[', ']', '[]', '.', '', 'snis[]', 'enabled', 'tls_verify', `a${'.b'.repeat(100)}`]
const formValue = fc.oneof(fc.constantFrom('', '/fz', 'GET', 'fz.example', '{svc-id}', 'fz-svc', 'true', 'false', '1', '-1', '80', '99999999999999999999', '1e400', 'http', 'https', 'tcp', 'http.path == "/"'), weirdString)
const formPairs = fc.array(fc.tuple(fc.constantFrom(...FORM_KEYS), formValue), { maxLength: 6 })
const urlencoded = formPairs.map((pairs) => new URLSearchParams(pairs.map(([k, v]) => [k, v])).toString())

const BOUNDARY = 'fzboundary'
const multipart = fc.oneof(
  formPairs.map((pairs) => pairs.map(([k, v]) => `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + `--${BOUNDARY}--\r\n`),
  fc.constantFrom(`--${BOUNDARY}\r\n`, `--${BOUNDARY}\r\ncontent-disposition: form-data\r\n\r\nx\r\n--${BOUNDARY}--`, 'garbage', `--${BOUNDARY}\r\ncontent-disposition: form-data; name="f"; filename="a.txt"\r\n\r\npaths\r\n--${BOUNDARY}--\r\n`),
)

// ---- declarative configs ------------------------------------------------------------------------

const declarativeRoute = objectText(ROUTE_FIELDS.filter((f) => f !== 'id'), [['paths', '["/d"]']])
const declarativeService = fc.tuple(objectText(SERVICE_FIELDS, [['name', '"d-svc"'], ['host', '"d.example"']]), fc.array(declarativeRoute, { maxLength: 2 }), fc.boolean()).map(([service, routes, nest]) =>
  nest ? `${service.slice(0, -1)}${service.length > 2 ? ',' : ''}"routes":[${routes.join(',')}]}` : service,
)
const declarativeJson = fc
  .tuple(fc.constantFrom('"3.0"', '"2.1"', '"1.1"', '3', 'null', '"9"'), fc.array(declarativeService, { maxLength: 3 }), fc.array(declarativeRoute, { maxLength: 2 }), fc.array(fc.tuple(fc.constantFrom(...ODD_KEYS, '_transform', '_comment', '_ignore', 'services', 'routes'), jsonText), { maxLength: 2 }))
  .map(([version, services, routes, extra]) => `{"_format_version":${version},"services":[${services.join(',')}],"routes":[${routes.join(',')}]${extra.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('')}}`)
const configBody = fc.oneof(
  declarativeJson,
  declarativeJson.map((config) => JSON.stringify({ config })),
  fc.constantFrom('_format_version: "3.0"\nservices:\n- name: y\n  host: y.example\n  routes:\n  - paths: [/y]\n', '_format_version: "3.0"\n__proto__: {a: 1}\n', 'a: [', '- 1\n- 2', '"text"', '{"config": 5}', '{"config": "a: ["}', '&a [*a]', '!!binary x'),
  weirdString,
)

// ---- requests -----------------------------------------------------------------------------------

const KEYS = ['{svc}', '{svc-id}', '{route}', '{route-id}', 'nope', '%', '%zz', '%E0%A4%A', '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-4FFF-8FFF-FFFFFFFFFFFF', 'new-name', 'bad name', '%00', '__proto__', 'é']
/** Percent-encodes a path segment; a lone surrogate becomes the bytes of an invalid UTF-8 sequence. */
function segment(text: string): string {
  try {
    return encodeURIComponent(text)
  } catch {
    return '%ED%A0%80'
  }
}
const key = fc.oneof(fc.constantFrom(...KEYS), weirdString.map(segment))
const path = fc.oneof(
  fc.constantFrom('/services', '/routes', '/config', '/schemas/services', '/schemas/routes', '/schemas/services/validate', '/schemas/routes/validate', '/schemas/nope', '/schemas/__proto__', '/schemas/toString/validate', '/status', '/', '/nope', '/tags', '/endpoints', '/status/ready'),
  key.map((k) => `/tags/${k}`),
  key.map((k) => `/services/${k}`),
  key.map((k) => `/routes/${k}`),
  key.map((k) => `/services/${k}/routes`),
  fc.tuple(key, key).map(([s, r]) => `/services/${s}/routes/${r}`),
  key.map((k) => `/routes/${k}/service`),
)
const QUERY_KEYS = ['size', 'offset', 'tags', 'unit', 'scale', 'flatten_errors', 'check_hash']
const queryValue = fc.oneof(
  fc.constantFrom('', '0', '1', '2', '1000', '1001', '-1', '1.5', 'NaN', 'Infinity', '1e400', '0x10', 'b', 'k', 'm', 'G', 'x', 'true', 'on', 'WyJ6Il0', 'WyJ6', '====', 'a,b', 'a/b', 'a,b/c', ',', 'é', '💥', Array.from({ length: 1500 }, (_, i) => `t${i}`).join(','), Array.from({ length: 1500 }, (_, i) => `t${i}`).join('/')),
  weirdString,
)
const query = fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { maxLength: 3 }).map((pairs) => (pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`))

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.kong+json', 'text/plain', 'application/yaml', 'application/x-www-form-urlencoded', 'multipart/form-data', `multipart/form-data; boundary=${BOUNDARY}`, '']
const body = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constant('application/json'), fc.oneof(serviceJson, routeJson)) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('application/x-www-form-urlencoded'), urlencoded) },
  { weight: 1, arbitrary: fc.tuple(fc.constant(`multipart/form-data; boundary=${BOUNDARY}`), multipart) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('application/json', 'application/yaml', 'text/plain', 'application/x-www-form-urlencoded'), configBody) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.oneof(fc.constantFrom('{', '{"host":', '[]', '"x"', '1', 'null', '{"a":1}{', '\u0000', ''), weirdString, serviceJson, urlencoded)) },
)
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']
const wire: fc.Arbitrary<Wire> = fc.tuple(fc.constantFrom(...METHODS), path, query, fc.option(body, { nil: undefined })).map(([method, p, q, b]) => ({
  method,
  path: p,
  query: q,
  contentType: b?.[0],
  // GET, HEAD and DELETE go without a body, as clients send them.
  body: method === 'GET' || method === 'HEAD' || method === 'DELETE' ? undefined : b?.[1],
}))

// ---- the property -------------------------------------------------------------------------------

async function getJson(base: string, path: string): Promise<{ data: unknown[]; next: string | null }> {
  const answer = await send(base, { method: 'GET', path, query: '', contentType: undefined, body: undefined })
  expect(answer.status, `GET ${path}: ${answer.text}`).toBe(200)
  return JSON.parse(answer.text) as { data: unknown[]; next: string | null }
}

/** Every service and route, as the Admin API lists them. */
async function entities(base: string): Promise<string> {
  const all: Record<string, unknown[]> = {}
  for (const kind of ['services', 'routes']) {
    const items: unknown[] = []
    let next: string | null = `/${kind}?size=1000`
    while (next !== null) {
      const page: { data: unknown[]; next: string | null } = await getJson(base, next)
      items.push(...page.data)
      next = page.next
    }
    all[kind] = items
  }
  return JSON.stringify(all)
}

interface Seeds {
  readonly values: Readonly<Record<string, string>>
}

function substitute(text: string, seeds: Seeds): string {
  return text.replace(/\{(svc|svc-id|route|route-id)\}/g, (_, name: string) => seeds.values[name] ?? name)
}

async function seed(gw: InProcessGateway, dbless: boolean): Promise<Seeds> {
  const svcId = '3b8c4c1e-0f4a-4d55-9a5e-6f0c1a2b3c4d'
  const routeId = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
  const services = { id: svcId, name: 'fz-svc', host: 'fz.example' }
  const route = { id: routeId, name: 'fz-route', paths: ['/fz'], service: { id: svcId } }
  const post = (path: string, value: unknown) => send(gw.admin, { method: 'POST', path, query: '', contentType: 'application/json', body: JSON.stringify(value) })
  if (dbless) expect((await post('/config', { _format_version: '3.0', services: [services], routes: [route] })).status).toBe(201)
  else {
    expect((await post('/services', services)).status).toBe(201)
    expect((await post('/routes', route)).status).toBe(201)
  }
  return { values: { svc: 'fz-svc', 'svc-id': svcId, route: 'fz-route', 'route-id': routeId } }
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype)
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

async function checkOne(gw: InProcessGateway, seeds: Seeds, generated: Wire): Promise<void> {
  const request: Wire = { ...generated, path: substitute(generated.path, seeds), body: generated.body === undefined ? undefined : substitute(generated.body, seeds) }
  const shown = `${request.method} ${request.path}${request.query} [${request.contentType ?? ''}] ${request.body ?? ''}`.slice(0, 600)
  const before = WRITES.has(request.method) ? await entities(gw.admin) : undefined
  const sent = await send(gw.admin, request)
  const answer = { status: sent.status, text: sent.text.slice(0, 2000) }
  expect(answer.status, `${shown}\n→ ${answer.text}`).toBeLessThan(500)
  // A polluted prototype is put back before failing, so that shrinking sees a clean process.
  const added = Object.getOwnPropertyNames(Object.prototype).filter((name) => !PROTOTYPE_KEYS.includes(name))
  for (const name of added) delete (Object.prototype as Record<string, unknown>)[name]
  expect(added, `${shown} polluted Object.prototype`).toEqual([])
  if (answer.status >= 400 && request.method !== 'HEAD') {
    let parsed: unknown
    expect(() => (parsed = JSON.parse(sent.text)), `${shown}\n→ ${answer.text}`).not.toThrow()
    expect(typeof (parsed as { message?: unknown }).message, `${shown}\n→ ${answer.text}`).toBe('string')
  }
  if (answer.status >= 400 && before !== undefined) expect(await entities(gw.admin), `${shown}\n→ ${answer.status} ${answer.text}`).toBe(before)
  // The process keeps serving.
  expect((await send(gw.admin, { method: 'GET', path: '/', query: '', contentType: undefined, body: undefined })).status).toBe(200)
}

const MODES = [
  { name: 'sqlite, expressions flavor', settings: {}, dbless: false, runs: 300 },
  { name: 'sqlite, traditional_compatible flavor', settings: { router_flavor: 'traditional_compatible' }, dbless: false, runs: 200 },
  { name: 'DB-less', settings: { database: 'off' }, dbless: true, runs: 250 },
] as const

describe.each(MODES)('Admin API under random requests ($name)', ({ settings, dbless, runs }) => {
  let gw: InProcessGateway
  let seeds: Seeds

  beforeAll(async () => {
    gw = await startInProcess(settings)
    seeds = await seed(gw, dbless)
  })
  afterAll(async () => {
    await gw.close()
  })

  it('never answers 5xx, explains every 4xx, keeps state on a rejected write and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(wire, (generated) => checkOne(gw, seeds, generated)),
      { numRuns: runs, interruptAfterTimeLimit: 15_000, markInterruptAsFailure: false },
    )
  }, 60_000)
})
