import { describe, expect, it } from 'vitest'
import { retryable } from './forward.ts'
import { downstreamHeaders, splitPortSuffix, upstreamHeaders } from './headers.ts'

const raw = (...pairs: string[]): Buffer[] => pairs.map((p) => Buffer.from(p, 'latin1'))

describe('downstreamHeaders', () => {
  it('keeps repeated fields apart and in order, and drops hop-by-hop fields', () => {
    const out = downstreamHeaders(raw('Set-Cookie', 'a=1', 'Keep-Alive', 'timeout=5', 'Set-Cookie', 'b=2', 'Transfer-Encoding', 'chunked', 'Content-Type', 'text/plain'), ['x-id', '7'])
    expect(out).toEqual(['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Type', 'text/plain', 'x-id', '7'])
  })

  it('drops the fields the Connection header names, also when it comes after them', () => {
    const out = downstreamHeaders(raw('X-Secret', 's', 'Date', 'd', 'Connection', 'X-Secret, keep-alive'), [])
    expect(out).toEqual(['Date', 'd'])
  })

  it('keeps the fields a `Connection: keep-alive` or `close` leaves alone', () => {
    expect(downstreamHeaders(raw('Connection', 'keep-alive', 'Date', 'd'), [])).toEqual(['Date', 'd'])
    expect(downstreamHeaders(raw('Date', 'd', 'Connection', 'Close, Keep-Alive', 'Keep-Alive', 'timeout=5'), [])).toEqual(['Date', 'd'])
  })

  it("appends this hop to the upstream's Via, or adds Via when there is none", () => {
    expect(downstreamHeaders(raw('Via', '1.1 cache', 'A', 'b'), ['via', '1.1 switchyard'])).toEqual(['Via', '1.1 cache, 1.1 switchyard', 'A', 'b'])
    expect(downstreamHeaders(raw('A', 'b'), ['via', '1.1 switchyard'])).toEqual(['A', 'b', 'via', '1.1 switchyard'])
  })
})

describe('upstreamHeaders', () => {
  const info = { clientIp: '10.0.0.9', proto: 'http', host: 'example.com', port: 8000, path: '/a', prefix: undefined, via: '1.1 switchyard' }

  it("replaces the client's forwarding headers and Via with the proxy's, keeping the chains", () => {
    const rawHeaders = ['Host', 'example.com', 'X-Forwarded-For', '1.2.3.4', 'Via', '1.0 edge', 'Connection', 'X-Drop', 'X-Drop', 'x', 'Accept', '*/*']
    const out = upstreamHeaders({ host: 'example.com', 'x-forwarded-for': '1.2.3.4', via: '1.0 edge', connection: 'X-Drop' }, rawHeaders, 'upstream.internal', info, undefined)
    const pairs = new Map<string, string>()
    for (let i = 0; i < out.length; i += 2) pairs.set(out[i] as string, out[i + 1] as string)
    expect(out.filter((_, i) => i % 2 === 0)).toEqual(['Accept', 'host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-path', 'via'])
    expect(pairs.get('host')).toBe('upstream.internal')
    expect(pairs.get('x-forwarded-for')).toBe('1.2.3.4, 10.0.0.9')
    expect(pairs.get('via')).toBe('1.0 edge, 1.1 switchyard')
  })

  it('drops what a request Connection header names, with and without hop-by-hop names beside it', () => {
    const rawHeaders = ['X-A', '1', 'X-B', '2', 'Connection', 'keep-alive, x-a', 'Connection', 'X-B']
    const out = upstreamHeaders({ connection: 'keep-alive, x-a, X-B' }, rawHeaders, 'h', info, undefined)
    expect(out).not.toContain('X-A')
    expect(out).not.toContain('X-B')
    expect(upstreamHeaders({}, ['X-A', '1'], 'h', info, undefined).slice(0, 2)).toEqual(['X-A', '1'])
  })

  it('asks the upstream to upgrade when the client did', () => {
    const out = upstreamHeaders({}, [], 'h', { ...info, prefix: '/api' }, 'websocket')
    expect(out.slice(-6)).toEqual(['via', '1.1 switchyard', 'connection', 'upgrade', 'upgrade', 'websocket'])
    expect(out).toContain('x-forwarded-prefix')
  })
})

describe('splitPortSuffix', () => {
  it.each([
    ['example.com', 'example.com', undefined],
    ['example.com:8000', 'example.com', 8000],
    ['[::1]:8000', '[::1]', 8000],
    ['[::1]', '[::1]', undefined],
    ['a:1:2', 'a:1', 2],
    ['example.com:', 'example.com:', undefined],
    ['example.com:80x', 'example.com:80x', undefined],
  ])('%j → %j, %j', (value, host, port) => {
    expect(splitPortSuffix(value)).toEqual({ host, port })
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
