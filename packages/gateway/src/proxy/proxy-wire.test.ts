import { connect, type Socket } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startInProcess, startUpstream, type Echo, type InProcessGateway, type TestServer } from '../testing/harness.ts'

// What crosses the wire for unusual requests: upgrades of every kind, pipelining, absolute-form
// targets, malformed input. Each exchange runs on a raw socket against a real upstream.

let gw: InProcessGateway
let echo: TestServer
let slow: TestServer
let refusing: TestServer
/** Bytes the refusing upstream received after it refused an upgrade. */
let afterRefusal = ''
const warnings: string[] = []
const onWarning = (warning: Error): void => void warnings.push(warning.name)
const WEBSOCKET = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'
const NEXT = 'GET /a/next HTTP/1.1\r\nHost: x\r\n\r\n'

beforeAll(async () => {
  process.on('warning', onWarning)
  gw = await startInProcess()
  echo = await startUpstream('echo')
  slow = await startUpstream('slow', (request, response) => setTimeout(() => response.end(`slow ${request.url ?? ''}`), 100))
  refusing = await startUpstream('refusing', (_request, response) => response.end('plain'))
  refusing.server.on('upgrade', (_request, socket: Socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno')
    socket.on('data', (chunk: Buffer) => (afterRefusal += chunk.toString('latin1')))
  })
  const call = (path: string, body: unknown) => adminCall(gw.admin, 'POST', path, body)
  await call('/services', { name: 'echo', url: `http://127.0.0.1:${echo.port}` })
  await call('/services/echo/routes', { expression: 'http.path ^= "/a"', strip_path: false })
  await call('/services/echo/routes', { name: 'preserved', paths: ['/p'], strip_path: false, preserve_host: true })
  await call('/services/echo/routes', { expression: 'http.path == "/secure"', protocols: ['https'] })
  await call('/services', { name: 'slow', url: `http://127.0.0.1:${slow.port}` })
  await call('/services/slow/routes', { expression: 'http.path ^= "/slow"', strip_path: false })
  await call('/services', { name: 'refusing', url: `http://127.0.0.1:${refusing.port}` })
  await call('/services/refusing/routes', { expression: 'http.path ^= "/refusing"', strip_path: false })
})

afterAll(async () => {
  process.off('warning', onWarning)
  await gw.close()
  await Promise.all([echo, slow, refusing].map((s) => s.close()))
})

/** One parsed HTTP/1.1 answer. */
interface Answer {
  readonly status: number
  readonly head: string
  readonly body: string
}

/** Splits everything a connection received into answers; `rest` is what follows the last whole one. */
function parseAnswers(text: string): { answers: Answer[]; rest: string } {
  const answers: Answer[] = []
  let at = 0
  for (;;) {
    const headEnd = text.indexOf('\r\n\r\n', at)
    if (headEnd < 0) break
    const head = text.slice(at, headEnd)
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)
    let next = headEnd + 4
    let body = ''
    const length = /^content-length: *(\d+)/im.exec(head)
    if (status === 100) {
      at = next
      continue
    }
    if (/^transfer-encoding: *chunked/im.test(head)) {
      for (;;) {
        const line = text.indexOf('\r\n', next)
        if (line < 0) return { answers, rest: text.slice(at) }
        const size = parseInt(text.slice(next, line), 16)
        if (size === 0) {
          next = line + 4
          break
        }
        body += text.slice(line + 2, line + 2 + size)
        next = line + 2 + size + 2
      }
    } else if (length !== null) {
      body = text.slice(next, next + Number(length[1]))
      next += Number(length[1])
    } else {
      // Delimited by the end of the connection.
      body = text.slice(next)
      next = text.length
    }
    if (next > text.length) break
    answers.push({ status, head, body })
    at = next
  }
  return { answers, rest: text.slice(at) }
}

const proxyPort = (): number => Number(new URL(gw.proxy).port)

/**
 * Writes `text` in one go and collects answers until `count` have arrived, the gateway closes, or
 * `waitMs` passes; `then` is written once the first answer is in.
 */
function exchange(text: string, count: number, options: { then?: string; waitMs?: number } = {}): Promise<{ answers: Answer[]; rest: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(proxyPort(), '127.0.0.1')
    let received = ''
    let thenSent = false
    const done = (closed: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ ...parseAnswers(received), closed })
    }
    const timer = setTimeout(() => done(false), options.waitMs ?? 2000)
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      const { answers } = parseAnswers(received)
      if (options.then !== undefined && !thenSent && answers.length > 0) {
        thenSent = true
        socket.write(options.then, 'latin1')
      }
      if (answers.length >= count && options.waitMs === undefined) done(false)
    })
    socket.on('close', () => done(true))
    socket.on('error', () => done(true))
    socket.write(text, 'latin1')
  })
}

const urlOf = (answer: Answer | undefined): string => (JSON.parse(answer?.body ?? '{}') as Partial<Echo>).url ?? ''

describe('pipelined requests behind a slow answer', () => {
  // Each was answered out of order, lost or never answered before the first answer was awaited.
  it.each([
    ['an h2c upgrade (reinjected)', 'GET /a/2 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n', 200],
    ['an unmatched WebSocket (reinjected)', `GET /nothing HTTP/1.1\r\nHost: x\r\n${WEBSOCKET}\r\n`, 404],
    ['a WebSocket on an https-only route', `GET /secure HTTP/1.1\r\nHost: x\r\n${WEBSOCKET}\r\n`, 426],
    ['a refused WebSocket (tunnelled)', `GET /refusing HTTP/1.1\r\nHost: x\r\n${WEBSOCKET}\r\n`, 200],
    ['CONNECT', 'CONNECT h:1 HTTP/1.1\r\nHost: h:1\r\n\r\n', 400],
    ['an unparsable request', 'NOT HTTP\r\n\r\n', 400],
    ['a request with a bad chunk size', 'POST /a/2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n', 400],
  ])('answers the first, then %s', async (_name, second, status) => {
    const { answers } = await exchange(`GET /slow/1 HTTP/1.1\r\nHost: x\r\n\r\n${second}`, 2)
    expect(answers.map((a) => a.status)).toEqual([200, status])
    expect(answers[0]?.body).toBe('slow /slow/1')
  })

  it('answers a request sent with Connection: close and ignores what follows it', async () => {
    const { answers, closed } = await exchange(`GET /slow/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n${NEXT}`, 2, { waitMs: 500 })
    expect(answers.map((a) => a.status)).toEqual([200])
    expect(closed).toBe(true)
  })
})

describe('upgrades', () => {
  it.each([
    ['Connection: Upgrade without Upgrade', 'GET /a/1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n\r\n'],
    ['h2c', 'GET /a/1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n'],
    ['repeated Connection lines', 'GET /a/1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nConnection: Upgrade\r\nUpgrade: foo/2\r\n\r\n'],
    ['odd casing, unmatched WebSocket', 'GET /a/1 HTTP/1.1\r\nhOsT: x\r\ncOnNeCtIoN: uPgRaDe\r\nuPgRaDe: WebSockeT2\r\n\r\n'],
  ])('serves %s as an ordinary request and the next one on the connection', async (_name, text) => {
    const { answers } = await exchange(text + NEXT, 2)
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    expect(answers.map(urlOf)).toEqual(['/a/1', '/a/next'])
  })

  it.each([
    ['CONNECT h:1', 'CONNECT h:1 HTTP/1.1\r\nHost: h:1\r\n\r\n'],
    ['CONNECT /a', 'CONNECT /a HTTP/1.1\r\nHost: x\r\n\r\n'],
  ])('answers %s with 400 and closes the connection, where it was dropped without a word', async (_name, text) => {
    const { answers, closed } = await exchange(text + NEXT, 2, { waitMs: 500 })
    expect(answers.map((a) => a.status)).toEqual([400])
    expect(closed).toBe(true)
  })

  it('relays a refused upgrade with Connection: close and sends nothing more upstream (no request smuggling)', async () => {
    afterRefusal = ''
    const smuggled = 'GET /admin-only HTTP/1.1\r\nHost: x\r\n\r\n'
    const { answers } = await exchange(`GET /refusing HTTP/1.1\r\nHost: x\r\n${WEBSOCKET}\r\n${smuggled}`, 2, { then: smuggled, waitMs: 400 })
    expect(answers.map((a) => a.status)).toEqual([200])
    expect(answers[0]?.head).toMatch(/^Connection: close$/im)
    // The gateway's headers, as on any answer.
    expect(answers[0]?.head).toMatch(/^via: 1\.1 switchyard\//im)
    expect(answers[0]?.head).toMatch(/^x-switchyard-request-id: [0-9a-f-]{36}$/im)
    expect(afterRefusal).toBe('')
  })

  it('keeps no listeners per reinjected request on a keep-alive connection', async () => {
    warnings.length = 0
    const upgrade = 'GET /a/u HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'
    const { answers } = await exchange(upgrade.repeat(15), 15)
    expect(answers).toHaveLength(15)
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })

  it('counts each reinjected connection once and not after it closes', async () => {
    await Promise.all(Array.from({ length: 5 }, () => exchange('GET /a/1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n', 1)))
    await expect.poll(() => gw.gateway.proxy.connections().active, { timeout: 2000 }).toBe(0)
  })

  it('serves any upgrade request that is not a forwarded WebSocket, with its body, and the request pipelined after it', async () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/)
    const casing = fc.constantFrom((s: string) => s, (s: string) => s.toUpperCase(), (s: string) => s.toLowerCase())
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          upgrade: fc.oneof(token, fc.constant('h2c'), fc.constant('websocket')),
          connectionCase: casing,
          connection: fc.constantFrom(['Upgrade'], ['keep-alive, Upgrade'], ['keep-alive', 'upgrade'], ['Upgrade, x-extra'], [' upgrade ']),
          body: fc.constantFrom('none', 'length', 'chunked'),
          path: fc.constantFrom('/a/up', '/nothing', '/secure'),
        }),
        async ({ upgrade, connectionCase, connection, body, path }) => {
          // A websocket to a matched route is tunnelled, not reinjected: keep it off routed paths.
          const target = upgrade.toLowerCase() === 'websocket' && path === '/a/up' ? '/nothing' : path
          let text = `POST ${target} HTTP/1.1\r\nHost: x\r\n${connection.map((value) => `${connectionCase('Connection')}: ${value}\r\n`).join('')}Upgrade: ${upgrade}\r\n`
          if (body === 'length') text += 'Content-Length: 5\r\n\r\nhello'
          else if (body === 'chunked') text += 'Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
          else text += '\r\n'
          const { answers } = await exchange(text + NEXT, 2)
          expect(answers.map((a) => a.status)).toEqual([{ '/a/up': 200, '/nothing': 404, '/secure': 426 }[target], 200])
          if (target === '/a/up') expect(JSON.parse(answers[0]?.body ?? '{}')).toMatchObject({ url: '/a/up', body: body === 'none' ? '' : 'hello' })
          expect(urlOf(answers[1])).toBe('/a/next')
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('request targets and malformed requests', () => {
  it.each([
    ['http://h/a/p?q', 200, '/a/p?q'],
    ['https://h:1', 404, ''],
    ['http://h', 404, ''],
    ['http://H.example:8080/a/x', 200, '/a/x'],
    ['*', 400, ''],
    ['http:///a/p', 400, ''],
    ['http://user@h/a/p', 400, ''],
    ['/a/%zz', 400, ''],
    ['/a/%2', 400, ''],
    ['/a/%00', 400, ''],
    ['/a/x%00y?q', 400, ''],
    ['http://h/a/%00', 400, ''],
    ['/a/p?x=%00', 200, '/a/p?x=%00'],
    ['/a/%2500', 200, '/a/%2500'],
    ['http://a..b/a/p', 400, ''],
    ['http://./a/p', 400, ''],
  ])('answers the target %s with %i and serves the next request on the connection', async (target, status, url) => {
    const { answers } = await exchange(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n${NEXT}`, 2)
    expect(answers.map((a) => a.status)).toEqual([status, 200])
    if (url !== '') expect(urlOf(answers[0])).toBe(url)
    expect(urlOf(answers[1])).toBe('/a/next')
  })

  it.each([
    ['an HTTP/1.1 request without Host', 'GET /a/p HTTP/1.1\r\n\r\n'],
    ['an absolute-form HTTP/1.1 request without Host', 'GET http://h/a/p HTTP/1.1\r\n\r\n'],
    ['two Host headers', 'GET /a/p HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n'],
    ['two Host headers, differently cased and equal', 'GET /a/p HTTP/1.1\r\nHost: x\r\nhost: x\r\n\r\n'],
    ['Host: a/b', 'GET /a/p HTTP/1.1\r\nHost: a/b\r\n\r\n'],
    ['Host: a b', 'GET /a/p HTTP/1.1\r\nHost: a b\r\n\r\n'],
    ['Host: a..b', 'GET /a/p HTTP/1.1\r\nHost: a..b\r\n\r\n'],
    ['Host: a:1..2', 'GET /a/p HTTP/1.1\r\nHost: a:1..2\r\n\r\n'],
    ['an empty Host', 'GET /a/p HTTP/1.1\r\nHost:\r\n\r\n'],
    ['Host: .', 'GET /a/p HTTP/1.1\r\nHost: .\r\n\r\n'],
    ['Host: :80', 'GET /a/p HTTP/1.1\r\nHost: :80\r\n\r\n'],
    ['a tab inside Host', 'GET /a/p HTTP/1.1\r\nHost: a\tb\r\n\r\n'],
    ['an invalid Host with an absolute-form target', 'GET http://h/a/p HTTP/1.1\r\nHost: a/b\r\n\r\n'],
    ['an invalid Host on a WebSocket upgrade', `GET /a/p HTTP/1.1\r\nHost: a/b\r\n${WEBSOCKET}\r\n`],
    ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n'],
  ])('answers %s with 400 as nginx does, and serves the next request', async (_name, text) => {
    const { answers } = await exchange(text + NEXT, 2)
    expect(answers.map((a) => a.status)).toEqual([400, 200])
    // nginx's error page for a request whose Accept it had not read: error_default_type, text/plain.
    expect(answers[0]?.body).toMatch(/^Bad request\nrequest_id: [0-9a-f-]{36}\n$/)
    expect(urlOf(answers[1])).toBe('/a/next')
  })

  it.each([
    ['a malformed request line', 'THIS IS NOT HTTP\r\n\r\n'],
    ['a header without colon', 'GET /a HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'],
    ['a space before the colon', 'GET /a HTTP/1.1\r\nHost : x\r\n\r\n'],
    ['a bare LF in a header value', 'GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\n2\r\n\r\n'],
    ['Content-Length and chunked', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['two Content-Lengths', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'],
    ['TE not ending in chunked', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc'],
    ['a bad chunk size', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a header over 16 KiB', `GET /a HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['an upgrade with a header over 16 KiB', `GET /a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`],
  ])('answers %s with 400, closes, and keeps serving', async (_name, text) => {
    const { answers, closed } = await exchange(text + NEXT, 2, { waitMs: 500 })
    expect(answers.map((a) => a.status)).toEqual([400])
    expect(closed).toBe(true)
    expect((await exchange(NEXT, 1)).answers.map((a) => a.status)).toEqual([200])
  })

  it.each([
    ['TE: trailers', 'TE: trailers\r\n'],
    ['TE: trailers;q=0.5, deflate', 'TE: trailers;q=0.5, deflate\r\n'],
    ['two TE lines', 'TE: deflate\r\nTE: trailers\r\n'],
    ['a header near the size limit', `X-Long: ${'b'.repeat(16_000)}\r\n`],
  ])('proxies a request with %s and serves the next one', async (_name, fields) => {
    const { answers } = await exchange(`GET /a/te HTTP/1.1\r\nHost: x\r\n${fields}\r\n${NEXT}`, 2)
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    expect(JSON.parse(answers[0]?.body ?? '{}')).toMatchObject({ url: '/a/te' })
    expect(urlOf(answers[1])).toBe('/a/next')
  })

  it.each([
    ['Host: .a (a leading dot)', '.a'],
    ['Host: a. (a trailing dot)', 'a.'],
    ['Host: a\\b (no path separator on Unix)', 'a\\b'],
    ['Host: [::1]:8000', '[::1]:8000'],
  ])('proxies a request with %s, as nginx does', async (_name, host) => {
    const { answers } = await exchange(`GET /p/h HTTP/1.1\r\nHost: ${host}\r\n\r\n${NEXT}`, 2)
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    expect(JSON.parse(answers[0]?.body ?? '{}')).toMatchObject({ url: '/p/h', headers: { host } })
  })

  it('answers an empty Host with 400 on HTTP/1.0 too (nginx validates any Host value)', async () => {
    const { answers } = await exchange('GET /a/p HTTP/1.0\r\nHost:\r\n\r\n', 1, { waitMs: 500 })
    expect(answers.map((a) => a.status)).toEqual([400])
  })

  it.each([
    ['an unknown expectation', 'Expect: something\r\n'],
    ['a 100-continue with parameters', 'Expect: 100-continue; a=b\r\n'],
    ['an empty Expect', 'Expect:\r\n'],
  ])('proxies a request with %s (nginx ignores it) without forwarding Expect, and serves the next one', async (_name, expectation) => {
    const { answers } = await exchange(`POST /a/expect HTTP/1.1\r\nHost: x\r\n${expectation}Content-Length: 5\r\n\r\nhello${NEXT}`, 2)
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    expect(answers[0]?.head).toMatch(/^x-switchyard-request-id: /im)
    const echoed = JSON.parse(answers[0]?.body ?? '{}') as Echo
    expect(echoed).toMatchObject({ url: '/a/expect', body: 'hello' })
    expect(echoed.headers.expect).toBeUndefined()
    expect(urlOf(answers[1])).toBe('/a/next')
  })

  it('proxies HTTP/1.0 without Host, with preserve_host too, and closes after it', async () => {
    for (const path of ['/a/old', '/p/old']) {
      const { answers, closed } = await exchange(`GET ${path} HTTP/1.0\r\n\r\n`, 1, { waitMs: 500 })
      expect(answers.map((a) => a.status)).toEqual([200])
      expect(urlOf(answers[0])).toBe(path)
      expect(closed).toBe(true)
    }
  })
})
