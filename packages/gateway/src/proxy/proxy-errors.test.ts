import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_TYPES } from './error-response.ts'
import { adminCall, startInProcess, startUpstream, type InProcessGateway, type TestServer } from '../testing/harness.ts'

// The body format of the proxy's own errors on the wire, chosen from Accept as Kong 3.x chooses it:
// kong.response.error for the runloop's answers (404, 503, 426), the nginx error page for 400, 502
// and 504. Requests go out through node:http, which sends no Accept unless told to.

let gw: InProcessGateway
let slow: TestServer

const { json: JSON_TYPE, html: HTML_TYPE, xml: XML_TYPE, plain: PLAIN_TYPE } = ERROR_TYPES
const NO_ROUTE = 'no Route matched with those values'
const UPSTREAM_FAILED = 'An invalid response was received from the upstream server'
const REQUEST_ID = /^[0-9a-f-]{36}$/

/** Kong's template bodies for `message` and `id`; JSON stays compact. */
const BODIES: Record<string, (message: string, id: string) => string> = {
  [JSON_TYPE]: (message, id) => `{"message":"${message}","request_id":"${id}"}`,
  [HTML_TYPE]: (message, id) => `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>${message}.</p>\n    <p>request_id: ${id}</p>\n  </body>\n</html>\n`,
  [XML_TYPE]: (message, id) => `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${message}</message>\n  <requestid>${id}</requestid>\n</error>\n`,
  [PLAIN_TYPE]: (message, id) => `${message}\nrequest_id: ${id}\n`,
}

interface Reply {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
  readonly id: string
}

/** One request with exactly these header fields (no Accept unless given). */
function send(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${gw.proxy}${path}`, { method, headers }, (response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body, id: String(response.headers['x-switchyard-request-id']) }))
    })
    request.on('error', reject)
    request.end()
  })
}

/** Writes raw bytes on a new connection and returns everything the gateway answers before it closes. */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(gw.proxy).port), '127.0.0.1')
    let out = ''
    socket.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')))
    socket.on('end', () => resolve(out))
    socket.on('error', reject)
    socket.write(text, 'latin1')
    setTimeout(() => socket.end(), 500)
  })
}

/** The status, a header field and the body of a raw answer. */
function parse(answer: string): { status: number; field: (name: string) => string | undefined; body: string } {
  const end = answer.indexOf('\r\n\r\n')
  const head = answer.slice(0, end)
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
    field: (name) => new RegExp(`^${name}: *(.*)$`, 'im').exec(head)?.[1]?.trimEnd(),
    body: answer.slice(end + 4),
  }
}

/** Checks the reply's Content-Type, its body byte for byte, and its Content-Length. */
function expectFormat(reply: Reply, type: string, message: string): void {
  expect(reply.id).toMatch(REQUEST_ID)
  expect(reply.headers['content-type']).toBe(type)
  expect(reply.body).toBe(BODIES[type]?.(message, reply.id))
  expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body)))
}

beforeAll(async () => {
  gw = await startInProcess()
  slow = await startUpstream('slow', () => {})
  const call = (path: string, body: unknown) => adminCall(gw.admin, 'POST', path, body)
  await call('/services', { name: 'down', url: 'http://127.0.0.1:1', retries: 0 })
  await call('/services/down/routes', { expression: 'http.path == "/down"' })
  await call('/services', { name: 'slow', url: `http://127.0.0.1:${slow.port}`, read_timeout: 200, retries: 0 })
  await call('/services/slow/routes', { expression: 'http.path == "/slow"' })
  await call('/services/slow/routes', { expression: 'http.path == "/secure"', protocols: ['https'] })
  await call('/routes', { expression: 'http.path == "/serviceless"' })
  // RFC 6761: no `.invalid` name resolves.
  await call('/services', { name: 'unresolvable', url: 'http://no-such-host.invalid:8080', retries: 5 })
  await call('/services/unresolvable/routes', { expression: 'http.path == "/unresolvable"' })
})

afterAll(async () => {
  await gw.close()
  await slow.close()
})

describe('error formats chosen from Accept', () => {
  it.each([
    ['text/html', HTML_TYPE],
    ['application/xml', XML_TYPE],
    ['text/plain', PLAIN_TYPE],
    ['application/json', JSON_TYPE],
    ['*/*', JSON_TYPE],
    ['text/plain;q=0.3, text/html;q=0.7, */*;q=0.5', HTML_TYPE],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', HTML_TYPE],
  ])('answers 404 and 502 to Accept: %s with %s', async (accept, type) => {
    expectFormat(await send('/nothing', { accept }), type, NO_ROUTE)
    const down = await send('/down', { accept })
    expect(down.status).toBe(502)
    expectFormat(down, type, UPSTREAM_FAILED)
  })

  it('answers 504, 503 and 426 in the format Accept asks for, 426 keeping its Upgrade', async () => {
    const timeout = await send('/slow', { accept: 'text/html' })
    expect(timeout.status).toBe(504)
    expectFormat(timeout, HTML_TYPE, 'The upstream server is timing out')
    const serviceless = await send('/serviceless', { accept: 'application/xml' })
    expect(serviceless.status).toBe(503)
    expectFormat(serviceless, XML_TYPE, 'no Service found with those values')
    const insecure = await send('/secure', { accept: 'text/plain' })
    expect(insecure.status).toBe(426)
    expect(insecure.headers['upgrade']).toBe('TLS/1.2, HTTP/1.1')
    expectFormat(insecure, PLAIN_TYPE, 'Please use HTTPS protocol')
  })
})

describe('error formats without Accept', () => {
  it("answers the runloop's errors in JSON, whatever the request's Content-Type", async () => {
    expectFormat(await send('/nothing'), JSON_TYPE, NO_ROUTE)
    expectFormat(await send('/nothing', { 'content-type': 'text/html' }), JSON_TYPE, NO_ROUTE)
    expectFormat(await send('/serviceless'), JSON_TYPE, 'no Service found with those values')
  })

  it("answers nginx's 502 and 504 in the request's Content-Type format, else in error_default_type (text/plain)", async () => {
    expectFormat(await send('/down'), PLAIN_TYPE, UPSTREAM_FAILED)
    expectFormat(await send('/down', { 'content-type': 'application/json' }), JSON_TYPE, UPSTREAM_FAILED)
    expectFormat(await send('/down', { 'content-type': 'text/html; charset=utf-8' }), HTML_TYPE, UPSTREAM_FAILED)
    expectFormat(await send('/slow'), PLAIN_TYPE, 'The upstream server is timing out')
  })

  it('answers a malformed request in text/plain, its Accept unread as nginx has not reached it', async () => {
    const texts = ['GET /a/%zz HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n', 'GET /a HTTP/1.1\r\nHost: a/b\r\nAccept: application/json\r\n\r\n', 'THIS IS NOT HTTP\r\nAccept: text/html\r\n\r\n']
    for (const answer of (await Promise.all(texts.map(raw))).map(parse)) {
      expect(answer.status).toBe(400)
      expect(answer.field('content-type')).toBe(PLAIN_TYPE)
      expect(answer.body).toBe(`Bad request\nrequest_id: ${answer.field('x-switchyard-request-id') ?? ''}\n`)
    }
  })
})

describe('a service host that does not resolve', () => {
  // It was a 502 (nginx's error page) after every retry; Kong's balancer fails before proxying and
  // the runloop exits 503 with a `{ message }` table, JSON whatever Accept says.
  it.each(['', 'text/html', 'application/xml'])("answers 503 with Kong's JSON `name resolution failed` (Accept: %s)", async (accept) => {
    const reply = await send('/unresolvable', accept === '' ? {} : { accept })
    expect(reply.status).toBe(503)
    expect(reply.headers['content-type']).toBe(JSON_TYPE)
    expect(reply.body).toBe('{"message":"name resolution failed"}')
    expect(reply.id).toMatch(REQUEST_ID)
    expect(reply.headers['x-switchyard-response-latency']).toMatch(/^\d+$/)
    expect(reply.headers['x-switchyard-upstream-latency']).toBeUndefined()
  })

  it('answers a WebSocket upgrade to it the same way', async () => {
    const answer = parse(await raw(`GET /unresolvable HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`))
    expect(answer.status).toBe(503)
    expect(answer.field('content-type')).toBe(JSON_TYPE)
    expect(answer.body).toBe('{"message":"name resolution failed"}')
  })
})

describe("nginx's refusals of the request head", () => {
  // 13-error_handlers_spec "Request For Routers With Trace Method Not Allowed": nginx refuses TRACE
  // after reading the head, so the request's Accept chooses the format; no route is looked up.
  it('answers TRACE 405, on a path that routes and on one that does not', async () => {
    for (const path of ['/down', '/nothing']) {
      const answer = parse(await raw(`TRACE ${path} HTTP/1.1\r\nHost: x\r\n\r\n`))
      expect(answer.status).toBe(405)
      expect(answer.body).toBe(`Method not allowed\nrequest_id: ${answer.field('x-switchyard-request-id') ?? ''}\n`)
    }
    const json = parse(await raw('TRACE /down HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n'))
    expect(json.body).toBe(`{"message":"Method not allowed","request_id":"${json.field('x-switchyard-request-id') ?? ''}"}`)
  })

  // ngx_http_parse_complex_uri: a `..` that climbs above the root, `%2e` decoded, is a bad request.
  it.each(['/../x', '/a/../../x', '/a/%2e%2e/%2E%2e/x', '/%2e%2e', '//..', '/..%2fx', '/%2e%2e%2fx', '/a/..%2F..', '/a%2f..%2f..%2fx'])('answers %s 400', async (path) => {
    expect(parse(await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)).status).toBe(400)
  })

  it.each(['/a/../x', '/a/./b/../..', '/a/..', '/..a/b', '/a/%2e%2e', '/a%2f..'])('routes %s as usual (here to no route)', async (path) => {
    expect(parse(await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)).status).toBe(404)
  })
})

describe('error formats with error_default_type set', () => {
  let plain: InProcessGateway
  beforeAll(async () => {
    plain = gw
    gw = await startInProcess({ error_default_type: 'application/json' })
    await adminCall(gw.admin, 'POST', '/services', { name: 'down', url: 'http://127.0.0.1:1', retries: 0 })
    await adminCall(gw.admin, 'POST', '/services/down/routes', { expression: 'http.path == "/down"' })
  })
  afterAll(async () => {
    await gw.close()
    gw = plain
  })

  it("answers nginx's error pages in it when the request has neither Accept nor Content-Type, as Kong does", async () => {
    expectFormat(await send('/down'), JSON_TYPE, UPSTREAM_FAILED)
    // The request's own Accept and Content-Type still come first.
    expectFormat(await send('/down', { accept: 'text/html' }), HTML_TYPE, UPSTREAM_FAILED)
    expectFormat(await send('/down', { 'content-type': 'application/xml' }), XML_TYPE, UPSTREAM_FAILED)
    const malformed = parse(await raw('GET /a/%zz HTTP/1.1\r\nHost: x\r\n\r\n'))
    expect(malformed.status).toBe(400)
    expect(malformed.field('content-type')).toBe(JSON_TYPE)
    expect(malformed.body).toBe(`{"message":"Bad request","request_id":"${malformed.field('x-switchyard-request-id') ?? ''}"}`)
  })
})

describe('error formats, edge cases', () => {
  it('sends the headers of the chosen format and no body to HEAD', async () => {
    const head = await send('/nothing', { accept: 'text/html' }, 'HEAD')
    expect(head.status).toBe(404)
    expect(head.headers['content-type']).toBe(HTML_TYPE)
    expect(head.body).toBe('')
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(BODIES[HTML_TYPE]?.(NO_ROUTE, head.id) ?? '')))
  })

  it('answers a failed WebSocket upstream in the format of its Accept', async () => {
    const answer = parse(await raw('GET /down HTTP/1.1\r\nHost: x\r\nAccept: application/xml\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'))
    expect(answer.status).toBe(502)
    expect(answer.field('content-type')).toBe(XML_TYPE)
    expect(answer.body).toBe(BODIES[XML_TYPE]?.(UPSTREAM_FAILED, answer.field('x-switchyard-request-id') ?? ''))
  })

  it('sends no Content-Type and an empty body when application/grpc wins, and cjson’s body to a gRPC Accept on the error page', async () => {
    const grpc = await send('/nothing', { accept: 'text/html;q=0.5, application/grpc' })
    expect(grpc.status).toBe(404)
    expect(grpc.headers['content-type']).toBeUndefined()
    expect(grpc.body).toBe('')
    const page = await send('/down', { accept: 'application/grpc' })
    expect(page.status).toBe(502)
    expect(page.headers['content-type']).toBe(JSON_TYPE)
    expect(page.body).toBe(`{"message":"${UPSTREAM_FAILED}"}`)
  })
})
