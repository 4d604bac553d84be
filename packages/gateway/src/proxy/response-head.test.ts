// How an upstream's response head reaches the client: its status line as sent, and answers without
// a body (204, 304, HEAD) whatever their Content-Length says. The upstream is a raw TCP server, so
// that it can send heads no HTTP library writes.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startInProcess, type InProcessGateway } from '../testing/harness.ts'

let gw: InProcessGateway
let upstream: Server
const upstreamSockets = new Set<Socket>()

/** The raw answer to each upstream path; anything else gets a two-byte `ok`. */
const ANSWERS: Record<string, string> = {
  '/304': 'HTTP/1.1 304 Not Modified\r\nETag: "e"\r\nContent-Length: 1234\r\n\r\n',
  '/204': 'HTTP/1.1 204 No Content\r\nX-Kind: none\r\nContent-Length: 1234\r\n\r\n',
  '/head': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1234\r\n\r\n',
  '/custom': 'HTTP/1.1 299 Custom Reason\r\nContent-Length: 2\r\n\r\nok',
  '/known': 'HTTP/1.1 404 Gone Fishing\r\nContent-Length: 2\r\n\r\nok',
  '/empty': 'HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok',
  '/latin1': 'HTTP/1.1 200 Caf\xe9\r\nContent-Length: 2\r\n\r\nok',
}
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'

beforeAll(async () => {
  gw = await startInProcess()
  // Answers each request head on a keep-alive connection; requests here carry no body.
  upstream = createServer((socket) => {
    upstreamSockets.add(socket)
    socket.once('close', () => upstreamSockets.delete(socket))
    let received = ''
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      for (let end = received.indexOf('\r\n\r\n'); end >= 0; end = received.indexOf('\r\n\r\n')) {
        const path = received.slice(0, end).split(' ')[1] ?? ''
        received = received.slice(end + 4)
        socket.write(ANSWERS[path] ?? OK, 'latin1')
      }
    })
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  await adminCall(gw.admin, 'POST', '/services', { name: 'raw', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, retries: 0 })
  await adminCall(gw.admin, 'POST', '/services/raw/routes', { name: 'raw', expression: 'http.path ^= "/"', strip_path: false })
  // Its own route, so that the metrics of the route above count only the answer under test.
  await adminCall(gw.admin, 'POST', '/services/raw/routes', { name: 'next', expression: 'http.path == "/next"', priority: 1 })
})

afterAll(async () => {
  await gw.close()
  for (const socket of upstreamSockets) socket.destroy()
  await new Promise((resolve) => upstream.close(resolve))
})

interface Answer {
  readonly head: string
  readonly body: string
}

/**
 * Sends each request on one client connection once the previous answer is complete, and returns
 * the answers; a missing answer means the gateway closed the connection or sent nothing in 1 s.
 * Answers to HEAD, 204 and 304 end with their head (RFC 9112 §6.3), others after Content-Length bytes.
 */
function converse(requests: readonly string[]): Promise<Answer[]> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(gw.proxy).port), '127.0.0.1')
    const answers: Answer[] = []
    let received = ''
    const done = (): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(answers)
    }
    const timer = setTimeout(done, 1000)
    const sendNext = (): void => {
      const next = requests[answers.length]
      if (next === undefined) return done()
      socket.write(next, 'latin1')
    }
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      const end = received.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = received.slice(0, end)
      const bodiless = /^HTTP\/1\.1 (?:204|304) /.test(head) || requests[answers.length]?.startsWith('HEAD ') === true
      const length = bodiless ? 0 : Number(/^content-length: *(\d+)/im.exec(head)?.[1] ?? 0)
      if (received.length < end + 4 + length) return
      answers.push({ head, body: received.slice(end + 4, end + 4 + length) })
      received = received.slice(end + 4 + length)
      sendNext()
    })
    socket.on('close', done)
    socket.on('error', done)
    sendNext()
  })
}

const get = (path: string, method = 'GET'): string => `${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`
const field = (answer: Answer | undefined, name: string): string | undefined => new RegExp(`^${name}: *(.*)$`, 'im').exec(answer?.head ?? '')?.[1]

describe('answers without a body', () => {
  // Each was cut (the client got nothing and lost its connection): undici expected the 1234 bytes.
  it.each([
    ['a 304 with a Content-Length (RFC 9110 §8.6)', '/304', 'GET', 'HTTP/1.1 304 Not Modified', 'etag', '"e"'],
    ['a 204 with a Content-Length', '/204', 'GET', 'HTTP/1.1 204 No Content', 'x-kind', 'none'],
    ['a HEAD answer with a Content-Length', '/head', 'HEAD', 'HTTP/1.1 200 OK', 'content-type', 'text/plain'],
  ])('relays %s with its head, no body, and keeps the connection', async (_name, path, method, statusLine, name, value) => {
    const before = gw.gateway.proxy.metrics.requests[`raw\traw\t${statusLine.slice(9, 10)}xx`] ?? 0
    const answers = await converse([get(path, method), get('/next')])
    expect(answers).toHaveLength(2)
    const [first, second] = answers
    expect(first?.head.split('\r\n')[0]).toBe(statusLine)
    expect(field(first, name)).toBe(value)
    // nginx sends the upstream's Content-Length on all three: its header filter clears it only on a
    // 204 of its own, one without an upstream status line.
    expect(field(first, 'content-length')).toBe('1234')
    expect(field(first, 'x-switchyard-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(first?.body).toBe('')
    expect(second?.head).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(second?.body).toBe('ok')
    expect(gw.gateway.proxy.metrics.requests[`raw\traw\t${statusLine.slice(9, 10)}xx`]).toBe(before + 1)
  })
})

describe('the status line', () => {
  // Node's own phrase replaced the upstream's: `299 unknown`, `404 Not Found`, `200 OK`.
  it.each([
    ['a code Node does not know', '/custom', 'HTTP/1.1 299 Custom Reason'],
    ['a known code with its own phrase', '/known', 'HTTP/1.1 404 Gone Fishing'],
    ['an empty reason phrase', '/empty', 'HTTP/1.1 200 '],
  ])("passes the upstream's reason phrase on for %s, as nginx does", async (_name, path, statusLine) => {
    const [answer] = await converse([get(path)])
    expect(answer?.head.split('\r\n')[0]).toBe(statusLine)
    expect(answer?.body).toBe('ok')
  })

  it("sends Node's phrase for the status when the upstream's has bytes beyond ASCII (undici hands them over decoded)", async () => {
    const [answer] = await converse([get('/latin1')])
    expect(answer?.head.split('\r\n')[0]).toBe('HTTP/1.1 200 OK')
  })
})
