import { describe, expect, it } from 'vitest'
import { bodyWithWriteTimeout, retryable, upstreamError } from './forward.ts'
import { asksForTrailers, downstreamHeaders, upstreamHeaders, withGatewayHeaders } from './headers.ts'

const raw = (...pairs: string[]): Buffer[] => pairs.map((p) => Buffer.from(p, 'latin1'))
const LATENCY = ['x-switchyard-upstream-latency', '3']

describe('withGatewayHeaders (a raw answer head)', () => {
  const extra = ['via', '1.1 gw', 'server', 'gw/1', 'x-id', '7']

  it('appends to the Via it finds, keeps the upstream Server, and adds the rest after the fields', () => {
    const head = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nVIA: 1.0 edge \r\nServer: up'
    expect(withGatewayHeaders(head, extra)).toBe('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nVIA: 1.0 edge, 1.1 gw\r\nServer: up\r\nx-id: 7')
  })

  it('adds Via and Server when the upstream sent none', () => {
    expect(withGatewayHeaders('HTTP/1.1 403 Forbidden', extra)).toBe('HTTP/1.1 403 Forbidden\r\nvia: 1.1 gw\r\nserver: gw/1\r\nx-id: 7')
  })
})

describe('downstreamHeaders', () => {
  it('keeps repeated fields apart and in order, and drops hop-by-hop fields', () => {
    const out = downstreamHeaders(raw('Set-Cookie', 'a=1', 'Keep-Alive', 'timeout=5', 'Set-Cookie', 'b=2', 'Transfer-Encoding', 'chunked', 'Content-Type', 'text/plain'), ['x-id', '7'], false, 3.2)
    expect(out).toEqual(['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Type', 'text/plain', 'x-id', '7', ...LATENCY])
  })

  it('drops the fields the Connection header names, also when it comes after them', () => {
    const out = downstreamHeaders(raw('X-Secret', 's', 'Date', 'd', 'Connection', 'X-Secret, keep-alive'), [], false, 3)
    expect(out).toEqual(['Date', 'd', ...LATENCY])
  })

  it('keeps the fields a `Connection: keep-alive` or `close` leaves alone', () => {
    expect(downstreamHeaders(raw('Connection', 'keep-alive', 'Date', 'd'), [], false, 3)).toEqual(['Date', 'd', ...LATENCY])
    expect(downstreamHeaders(raw('Date', 'd', 'Connection', 'Close, Keep-Alive', 'Keep-Alive', 'timeout=5'), [], false, 3)).toEqual(['Date', 'd', ...LATENCY])
  })

  it("appends this hop to the upstream's Via, or adds Via when there is none", () => {
    expect(downstreamHeaders(raw('Via', '1.1 cache', 'A', 'b'), ['via', '1.1 switchyard'], false, 3)).toEqual(['Via', '1.1 cache, 1.1 switchyard', 'A', 'b', ...LATENCY])
    expect(downstreamHeaders(raw('A', 'b'), ['via', '1.1 switchyard'], false, 3)).toEqual(['A', 'b', 'via', '1.1 switchyard', ...LATENCY])
  })

  it("adds this gateway's Server only when the upstream sent none", () => {
    expect(downstreamHeaders(raw('Server', 'up/1', 'A', 'b'), ['server', 'switchyard/0'], false, 3)).toEqual(['Server', 'up/1', 'A', 'b', ...LATENCY])
    expect(downstreamHeaders(raw('A', 'b'), ['server', 'switchyard/0'], false, 3)).toEqual(['A', 'b', 'server', 'switchyard/0', ...LATENCY])
  })

  it('passes on what Kong passes on: Proxy, Proxy-Connection, Proxy-Authorization and TE, unless Connection names them', () => {
    const kept = ['Proxy', 'p', 'Proxy-Connection', 'close', 'Proxy-Authorization', 'Basic x', 'TE', 'trailers']
    expect(downstreamHeaders(raw(...kept, 'Proxy-Authenticate', 'Basic', 'Upgrade', 'example/1'), [], false, 3)).toEqual([...kept, ...LATENCY])
    expect(downstreamHeaders(raw(...kept, 'Connection', 'TE, Proxy'), [], false, 3)).toEqual([...kept.slice(2, 6), ...LATENCY])
  })

  it('keeps Trailer only for a client that asked for trailers, and never beside Content-Length', () => {
    expect(downstreamHeaders(raw('Trailer', 'Expires', 'A', 'b'), [], true, 3)).toEqual(['Trailer', 'Expires', 'A', 'b', ...LATENCY])
    expect(downstreamHeaders(raw('Trailer', 'Expires', 'A', 'b'), [], false, 3)).toEqual(['A', 'b', ...LATENCY])
    expect(downstreamHeaders(raw('Trailer', 'Expires', 'Content-Length', '5'), [], true, 3)).toEqual(['Content-Length', '5', ...LATENCY])
  })
})

describe('asksForTrailers', () => {
  it.each([
    ['trailers', true],
    ['Trailers', true],
    ['deflate;q=0.5, trailers', true],
    ['trailers, deflate;q=0.5', true],
    [['gzip', ' trailers '], true],
    ['trailers;q=0.5', false],
    ['deflate', false],
    ['', false],
    [undefined, false],
  ] as const)('%j → %j', (te, expected) => {
    expect(asksForTrailers(te === undefined || typeof te === 'string' ? te : [...te])).toBe(expected)
  })
})

describe('upstreamHeaders', () => {
  const info = { clientIp: '10.0.0.9', peer: '10.0.0.9', proto: 'http', host: 'example.com', port: 8000, path: '/a', prefix: undefined, via: '1.1 switchyard', websocket: false, trailers: false }

  it("replaces the client's forwarding headers and Via with the proxy's, keeping the chains", () => {
    const rawHeaders = ['Host', 'example.com', 'X-Forwarded-For', '1.2.3.4', 'Via', '1.0 edge', 'Connection', 'X-Drop', 'X-Drop', 'x', 'Accept', '*/*']
    const out = upstreamHeaders({ host: 'example.com', 'x-forwarded-for': '1.2.3.4', via: '1.0 edge', connection: 'X-Drop' }, rawHeaders, 'upstream.internal', info)
    const pairs = new Map<string, string>()
    for (let i = 0; i < out.length; i += 2) pairs.set(out[i] as string, out[i + 1] as string)
    expect(out.filter((_, i) => i % 2 === 0)).toEqual(['Accept', 'host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-path', 'via'])
    expect(pairs.get('host')).toBe('upstream.internal')
    expect(pairs.get('x-forwarded-for')).toBe('1.2.3.4, 10.0.0.9')
    expect(pairs.get('via')).toBe('1.0 edge, 1.1 switchyard')
  })

  it('sends the real client address as X-Real-IP, and appends the connecting address to a client-sent X-Forwarded-For (Kong’s realip rule)', () => {
    const real = { ...info, clientIp: '203.0.113.7', peer: '10.0.0.9' }
    const pairs = (out: string[]) => new Map(out.flatMap((_, i) => (i % 2 === 0 ? [[out[i] as string, out[i + 1] as string] as const] : [])))
    const chained = pairs(upstreamHeaders({ 'x-forwarded-for': '203.0.113.7' }, ['X-Forwarded-For', '203.0.113.7'], 'h', real))
    expect([chained.get('x-real-ip'), chained.get('x-forwarded-for')]).toEqual(['203.0.113.7', '203.0.113.7, 10.0.0.9'])
    // Without a client-sent X-Forwarded-For (the address came from X-Real-IP), Kong sends $remote_addr.
    const alone = pairs(upstreamHeaders({ 'x-real-ip': '203.0.113.7' }, ['X-Real-IP', '203.0.113.7'], 'h', real))
    expect([alone.get('x-real-ip'), alone.get('x-forwarded-for')]).toEqual(['203.0.113.7', '203.0.113.7'])
  })

  it('drops what a request Connection header names, with and without hop-by-hop names beside it', () => {
    const rawHeaders = ['X-A', '1', 'X-B', '2', 'Connection', 'keep-alive, x-a', 'Connection', 'X-B']
    const out = upstreamHeaders({ connection: 'keep-alive, x-a, X-B' }, rawHeaders, 'h', info)
    expect(out).not.toContain('X-A')
    expect(out).not.toContain('X-B')
    expect(upstreamHeaders({}, ['X-A', '1'], 'h', info).slice(0, 2)).toEqual(['X-A', '1'])
  })

  it("asks the upstream for a WebSocket with Kong's Connection and Upgrade values", () => {
    const out = upstreamHeaders({}, [], 'h', { ...info, prefix: '/api', websocket: true })
    expect(out.slice(-6)).toEqual(['via', '1.1 switchyard', 'connection', 'keep-alive, Upgrade', 'upgrade', 'websocket'])
    expect(out).toContain('x-forwarded-prefix')
  })

  it('drops Proxy (httpoxy) and the hop-by-hop fields, and sends `te: trailers` only when the client asked for trailers', () => {
    const rawHeaders = ['Proxy', 'http://evil', 'Proxy-Connection', 'close', 'Proxy-Authorization', 'Basic x', 'TE', 'trailers, deflate', 'Keep-Alive', 'timeout=5', 'Upgrade', 'h2c', 'Close', 'kept']
    const names = (out: string[]) => out.filter((_, i) => i % 2 === 0)
    expect(names(upstreamHeaders({}, rawHeaders, 'h', info))).toEqual(['Close', 'host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-path', 'via'])
    expect(upstreamHeaders({}, rawHeaders, 'h', { ...info, trailers: true }).slice(-2)).toEqual(['te', 'trailers'])
  })
})

describe('retryable', () => {
  const error = (code: string) => Object.assign(new Error(code), { code })

  it('retries a failed connect for every method', () => {
    expect(retryable(error('ECONNREFUSED'), 'POST', false)).toBe(true)
    expect(retryable(error('UND_ERR_CONNECT_TIMEOUT'), 'GET', false)).toBe(true)
  })

  it('retries read timeouts and resets only for idempotent methods (nginx proxy_next_upstream)', () => {
    expect(retryable(error('UND_ERR_HEADERS_TIMEOUT'), 'GET', false)).toBe(true)
    expect(retryable(error('ECONNRESET'), 'PUT', false)).toBe(true)
    expect(retryable(error('UND_ERR_HEADERS_TIMEOUT'), 'POST', false)).toBe(false)
    expect(retryable(error('ECONNRESET'), 'PATCH', false)).toBe(false)
  })

  it('never retries once the streamed request body was read, nor on a body timeout', () => {
    expect(retryable(error('ECONNREFUSED'), 'GET', true)).toBe(false)
    expect(retryable(error('UND_ERR_BODY_TIMEOUT'), 'GET', false)).toBe(false)
  })
})

describe('bodyWithWriteTimeout', () => {
  /** A client body that sends one chunk, then nothing. */
  async function* stalling(): AsyncGenerator<Buffer> {
    yield Buffer.from('first')
    await new Promise(() => {})
  }

  it("cuts a streamed body whose client goes silent for client_body_timeout, with nginx's 408", async () => {
    const body = bodyWithWriteTimeout(stalling(), 1000, () => {}, () => {}, { clientTimeoutMs: 50 })
    expect((await body.next()).value?.toString()).toBe('first')
    const error = await body.next().catch((e: unknown) => e)
    expect(upstreamError(error)).toMatchObject({ code: 'request-timeout', status: 408 })
  })

  it("cuts a streamed body past client_max_body_size with nginx's 413", async () => {
    async function* big(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(100)
    }
    const chunks: number[] = []
    const error = await (async () => {
      for await (const chunk of bodyWithWriteTimeout(big(), 1000, () => {}, () => {}, { maxSize: 250 })) chunks.push(chunk.length)
    })().catch((e: unknown) => e)
    expect(chunks).toEqual([100, 100])
    expect(upstreamError(error)).toMatchObject({ code: 'payload-too-large', status: 413 })
  })
})
