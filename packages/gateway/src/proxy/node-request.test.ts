import type { IncomingMessage } from 'node:http'
import { createFieldExtractor, MAX_HEADERS, type RequestLike } from '@switchyard/http'
import { describe, expect, it } from 'vitest'
import { firstHeaderLines, NodeRequest } from './node-request.ts'

/** The request as the server hands it on (server.ts `decide`: getters that may return undefined). */
const asRequest = (request: NodeRequest): RequestLike => request as unknown as RequestLike

/** An IncomingMessage as far as NodeRequest's headers read it. */
function message(lines: [string, string][]): IncomingMessage {
  const rawHeaders = lines.flat()
  const headersDistinct: Record<string, string[]> = {}
  for (const [name, value] of lines) (headersDistinct[name.toLowerCase()] ??= []).push(value)
  return { url: '/', rawHeaders, headersDistinct, headers: {} } as unknown as IncomingMessage
}

describe('NodeRequest headers', () => {
  it('groups the first lines by lower-cased name, in order', () => {
    expect(firstHeaderLines(['X-A', '1', 'x-b', '2', 'x-a', '3', 'X-C', '4'], 3)).toEqual({ 'x-a': ['1', '3'], 'x-b': ['2'], host: [] })
    expect(firstHeaderLines(['Host', 'h', 'x-b', '2'], 3)).toEqual({ host: ['h'], 'x-b': ['2'] })
  })

  // A Host line after the first 100 is not in Kong's header table (http.headers.host absent) and
  // takes no place among them; http.host still reads it (Kong differential run).
  it('leaves a Host line beyond the limit out of the lines', () => {
    const lines: [string, string][] = Array.from({ length: MAX_HEADERS }, (_, i) => ['X-A', String(i)])
    lines.push(['Host', 'example.com'])
    const msg = message(lines)
    ;(msg.headers as Record<string, string>)['host'] = 'example.com'
    const extracted = createFieldExtractor(['http.headers.host', 'http.headers.x_a', 'http.host'])(asRequest(new NodeRequest(msg, 'http')))
    expect(extracted.ok).toBe(true)
    if (!extracted.ok) return
    expect(extracted.context.values('http.headers.host')).toBeUndefined()
    expect(extracted.context.values('http.headers.x_a')).toHaveLength(MAX_HEADERS)
    expect(extracted.context.values('http.host')).toEqual(['example.com'])
  })

  it('gives Node its grouping while the head is within the limit', () => {
    const request = message([['X-A', '1'], ['X-B', '2'], ['x-a', '3']])
    expect(new NodeRequest(request, 'http').headers).toBe(request.headersDistinct)
  })

  // Kong (lua_max_req_headers, ngx.req.get_headers) keeps the first 100 lines in arrival order:
  // here the X-B line (the 100th) and not the X-A line after it (Kong differential run).
  it(`keeps the first ${MAX_HEADERS} lines in arrival order, not per name`, () => {
    const lines: [string, string][] = Array.from({ length: MAX_HEADERS - 1 }, (_, i) => ['X-A', String(i)])
    lines.push(['X-B', 'b'], ['X-A', 'late'])
    const request = new NodeRequest(message(lines), 'http')
    const extracted = createFieldExtractor(['http.headers.x_a', 'http.headers.x_b'])(asRequest(request))
    expect(extracted.ok).toBe(true)
    if (!extracted.ok) return
    expect(extracted.context.values('http.headers.x_b')).toEqual(['b'])
    expect(extracted.context.values('http.headers.x_a')).toHaveLength(MAX_HEADERS - 1)
    expect(extracted.context.values('http.headers.x_a')).not.toContain('late')
  })
})
