import { describe, expect, it } from 'vitest'
import { errorRequest, errorResponse, responseType, UNREAD_REQUEST, type ErrorRequest } from './error-response.ts'

const JSON_TYPE = 'application/json; charset=utf-8'
const HTML_TYPE = 'text/html; charset=utf-8'
const XML_TYPE = 'application/xml; charset=utf-8'
const PLAIN_TYPE = 'text/plain; charset=utf-8'
const ID = '0b7a4d7e-3c1f-4e2a-9d55-6f1f0c2b8a91'
const MESSAGE = 'An invalid response was received from the upstream server'

/** A request over HTTP/1.1 with these Accept values (and Content-Type, when given). */
function fields(accept: readonly string[], contentType?: string): ErrorRequest {
  const raw = accept.flatMap((value) => ['Accept', value])
  if (contentType !== undefined) raw.push('Content-Type', contentType)
  return errorRequest(raw, 1)
}

describe('responseType (Kong get_response_type)', () => {
  it.each([
    // No Accept, or nothing Kong's pattern reads.
    [undefined, JSON_TYPE],
    ['', JSON_TYPE],
    ['json', JSON_TYPE],
    ['*', JSON_TYPE],
    // The four formats, exact and as `type/*`.
    ['application/json', JSON_TYPE],
    ['text/html', HTML_TYPE],
    ['application/xml', XML_TYPE],
    ['text/plain', PLAIN_TYPE],
    ['text/*', PLAIN_TYPE],
    ['application/*', JSON_TYPE],
    ['*/*', JSON_TYPE],
    ['*/html', JSON_TYPE],
    // An unknown type still wins on q and gives JSON; text/xml is not application/xml.
    ['image/webp', JSON_TYPE],
    ['text/xml', JSON_TYPE],
    ['text/html;q=0.5, image/webp', JSON_TYPE],
    // Kong's pattern matches case-insensitively, its table lookup does not.
    ['TEXT/HTML', JSON_TYPE],
    ['text/html;Q=0.5, application/xml;q=0.4', HTML_TYPE],
    // A browser's Accept.
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', HTML_TYPE],
    // Kong's own cases (spec/02-integration/05-proxy/12-error_default_type_spec.lua, t/01-pdk/08-response/13-error.t).
    ['application/json;q=0.9,text/html,text/plain;q=0.9', HTML_TYPE],
    ['text/plain;q=0.7,application/json;q=0.8,text/html;q=0.5', JSON_TYPE],
    ['text/plain;q=0.3, text/html;q=0.7, text/html;level=1, text/html;level=2;q=0.4, */*;q=0.5', HTML_TYPE],
    // The first of equal q wins; q 0 is never chosen; an unreadable q counts as 1.
    ['application/xml, text/html', XML_TYPE],
    ['text/html;q=0', JSON_TYPE],
    ['text/html;q=0.000', JSON_TYPE],
    ['application/xml;q=0.9, text/html;q=2', HTML_TYPE],
    ['application/xml;q=0.9, text/html;q = 0.5', HTML_TYPE],
    ['application/xml;q=0.9, text/html;q=1.', HTML_TYPE],
    // q keeps its value when other parameters follow it, as PCRE keeps the capture.
    ['application/xml;q=0.6, text/html;q=0.5;level=1', XML_TYPE],
    ['application/xml;q=0.6, text/html;level=1;q=0.7', HTML_TYPE],
    // At most three decimals are read: q=0.5555 is 0.555.
    ['application/xml;q=0.5556, text/html;q=0.5555', XML_TYPE],
    // A subtype of one character is not a token to Kong's pattern.
    ['text/h, application/xml;q=0.1', XML_TYPE],
    // Whitespace around entries and before parameters.
    ['  text/html ;q=0.2 ,\tapplication/xml ; q=0.1', HTML_TYPE],
    // application/grpc gives no Content-Type at all.
    ['application/grpc', ''],
    ['text/html;q=0.5, application/grpc', ''],
  ])('%j → %j', (accept, type) => {
    expect(responseType(accept)).toBe(type)
  })
})

describe('errorRequest', () => {
  it('collects every Accept value in order, the first Content-Type and gRPC over HTTP/2', () => {
    const raw = ['Host', 'x', 'accept', 'text/html', 'Content-Type', 'application/grpc', 'ACCEPT', 'application/xml', 'content-type', 'text/plain']
    expect(errorRequest(raw, 1)).toEqual({ accept: ['text/html', 'application/xml'], contentType: 'application/grpc', grpc: false })
    expect(errorRequest(raw, 2).grpc).toBe(true)
    expect(errorRequest(['Content-Type', 'application/json'], 2).grpc).toBe(false)
  })
})

describe('errorResponse', () => {
  it('renders Kong’s templates byte for byte, and keeps JSON compact', () => {
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, fields(['text/html']))).toEqual({
      contentType: HTML_TYPE,
      body: `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>no Route matched with those values.</p>\n    <p>request_id: ${ID}</p>\n  </body>\n</html>\n`,
      headers: [],
    })
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, fields(['application/xml']))).toEqual({
      contentType: XML_TYPE,
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>no Route matched with those values</message>\n  <requestid>${ID}</requestid>\n</error>\n`,
      headers: [],
    })
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, fields(['text/plain']))).toEqual({
      contentType: PLAIN_TYPE,
      body: `no Route matched with those values\nrequest_id: ${ID}\n`,
      headers: [],
    })
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, fields(['application/json']))).toEqual({
      contentType: JSON_TYPE,
      body: `{"message":"no Route matched with those values","request_id":"${ID}"}`,
      headers: [],
    })
  })

  it.each([
    ['application/json', JSON_TYPE],
    ['*/*', JSON_TYPE],
    ['text/html', HTML_TYPE],
    ['application/xml', XML_TYPE],
    ['text/plain', PLAIN_TYPE],
  ])('formats the same for both sources with Accept: %s', (accept, type) => {
    expect(errorResponse('kong', 502, MESSAGE, ID, fields([accept])).contentType).toBe(type)
    expect(errorResponse('nginx', 502, MESSAGE, ID, fields([accept])).contentType).toBe(type)
  })

  it('answers a request without Accept in JSON from the runloop, in error_default_type (text/plain) from nginx', () => {
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, fields([]))).toMatchObject({ contentType: JSON_TYPE })
    expect(errorResponse('nginx', 502, MESSAGE, ID, fields([]))).toEqual({ contentType: PLAIN_TYPE, body: `${MESSAGE}\nrequest_id: ${ID}\n`, headers: [] })
    expect(errorResponse('nginx', 400, 'Bad request', ID, UNREAD_REQUEST)).toMatchObject({ contentType: PLAIN_TYPE, body: `Bad request\nrequest_id: ${ID}\n` })
  })

  it('reads the request’s Content-Type when nginx answers a request without Accept, never when the runloop does', () => {
    expect(errorResponse('nginx', 502, MESSAGE, ID, fields([], 'application/json')).contentType).toBe(JSON_TYPE)
    expect(errorResponse('nginx', 502, MESSAGE, ID, fields([], 'text/html; charset=utf-8')).contentType).toBe(HTML_TYPE)
    // Any other media type is unknown to Kong, hence JSON.
    expect(errorResponse('nginx', 502, MESSAGE, ID, fields([], 'multipart/form-data; boundary=x')).contentType).toBe(JSON_TYPE)
    expect(errorResponse('nginx', 502, MESSAGE, ID, fields(['text/plain'], 'application/json')).contentType).toBe(PLAIN_TYPE)
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, fields([], 'text/html')).contentType).toBe(JSON_TYPE)
  })

  it('reads every Accept field from the runloop, the first one only from nginx', () => {
    const two = fields(['text/plain;q=0.5', 'text/html'])
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, two).contentType).toBe(HTML_TYPE)
    expect(errorResponse('nginx', 502, MESSAGE, ID, two).contentType).toBe(PLAIN_TYPE)
  })

  it('treats an empty Accept as present: JSON from both sources', () => {
    expect(errorResponse('nginx', 502, MESSAGE, ID, fields([''])).contentType).toBe(JSON_TYPE)
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, fields([''])).contentType).toBe(JSON_TYPE)
  })

  it('sends neither Content-Type nor body when application/grpc wins on q over HTTP/1.1', () => {
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, fields(['text/html;q=0.5, application/grpc']))).toEqual({ contentType: undefined, body: '', headers: [] })
    expect(errorResponse('nginx', 502, MESSAGE, ID, fields(['text/html;q=0.5, application/grpc']))).toEqual({ contentType: undefined, body: '', headers: [] })
  })

  it('answers an Accept starting with application/grpc from nginx with cjson’s {"message"} and no request id', () => {
    expect(errorResponse('nginx', 504, 'The upstream server is timing out', ID, fields(['application/grpc+proto']))).toEqual({
      contentType: JSON_TYPE,
      body: '{"message":"The upstream server is timing out"}',
      headers: [],
    })
    expect(errorResponse('nginx', 500, 'a/b', ID, fields(['application/grpc'])).body).toBe('{"message":"a\\/b"}')
  })

  it('answers gRPC requests (HTTP/2) with grpc-status and grpc-message and no body', () => {
    const grpc = errorRequest(['content-type', 'application/grpc', 'accept', 'text/html'], 2)
    // kong.response.error names the status; the nginx error page sends its message.
    expect(errorResponse('kong', 404, 'no Route matched with those values', ID, grpc)).toEqual({ contentType: 'application/grpc', body: '', headers: ['grpc-status', '5', 'grpc-message', 'NotFound'] })
    expect(errorResponse('kong', 415, 'Non-gRPC request matched gRPC route', ID, grpc).headers).toEqual(['grpc-status', '3', 'grpc-message', 'InvalidArgument'])
    expect(errorResponse('kong', 503, 'no Service found with those values', ID, grpc).headers).toEqual(['grpc-status', '14', 'grpc-message', 'Unavailable'])
    const page = errorRequest(['content-type', 'application/grpc'], 2)
    expect(errorResponse('nginx', 502, MESSAGE, ID, page)).toEqual({ contentType: undefined, body: '', headers: ['grpc-status', '13', 'grpc-message', MESSAGE] })
    expect(errorResponse('nginx', 504, 'The upstream server is timing out', ID, page).headers).toEqual(['grpc-status', '4', 'grpc-message', 'The upstream server is timing out'])
  })
})
