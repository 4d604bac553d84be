import { describe, expect, it } from 'vitest'
import {
  enforceProtocols,
  escapeUpstreamPath,
  requestHost,
  resolveService,
  sanitizePostfix,
  serviceHostHeader,
  upstreamRequest,
  type ServiceLike,
  type UpstreamRoute,
} from './upstream.ts'

const SERVICE: ServiceLike = { protocol: 'http', host: 'example.org' }

function proxy(route: UpstreamRoute, target: string, path?: string, host = 'kong.test', service: ServiceLike | undefined = SERVICE) {
  return upstreamRequest(route, service, { target, host }, { path })
}

describe('upstreamRequest', () => {
  it.each([
    // §7 30: prefix stripped, whole path stripped gives /
    [{ strip_path: true }, '/my-route/hello/world', '/my-route', '/hello/world'],
    [{ strip_path: true }, '/my-route', '/my-route', '/'],
    // §7 31: the root prefix is not stripped
    [{ strip_path: true }, '/my-route/hello/world', '/', '/my-route/hello/world'],
    // §7 32: an encoded reserved character is part of the prefix
    [{ strip_path: true }, '/endel%2Fst', '/endel%2Fst', '/'],
    // §7 33: a regex strips its whole match
    [{ strip_path: true }, '/users/123/profile/hello/world', '/users/123/profile', '/hello/world'],
    // §7 34: special characters are escaped on the wire
    [{ strip_path: false }, '/\\d', '/\\d', '/%5Cd'],
    [{ strip_path: false }, '/123"', '/123"', '/123%22'],
    // §7 44: normalized before stripping
    [{ strip_path: true }, '/h%65llo/anything/a/../b', '/hello', '/anything/b'],
    // §7 45: a decoded space goes out as %20
    [{ strip_path: false }, '/anything/world/cat%20and%20dog', '/anything/world', '/anything/world/cat%20and%20dog'],
    // §7 46: the query string is copied verbatim, an empty one too
    [{}, '/request?', undefined, '/request?'],
    [{}, '/get?hello', undefined, '/get?hello'],
    [{ strip_path: true }, '/foo/bar?a=%20b&c', '/foo', '/bar?a=%20b&c'],
    // the query is nginx's $args: it ends at a raw '#', a '?' after a '#' starts none, and an
    // empty one is sent only when the raw target ends with '?' (Kong differential run)
    [{}, '/a?x=1#frag', undefined, '/a?x=1'],
    [{}, '/a?#frag', undefined, '/a'],
    [{}, '/a#b?x=1', undefined, '/a#b'],
    [{}, '/a#b?', undefined, '/a#b?'],
    // reserved escapes stay encoded and upper-cased; non-ASCII is percent-encoded as UTF-8
    [{}, '/a%2fb/%C3%A9', undefined, '/a%2Fb/%C3%A9'],
    // stripping counts bytes
    [{ strip_path: true }, '/é/x', '/é', '/x'],
  ] as const)('%j %s (prefix %s) → %s', (route, target, prefix, expected) => {
    expect(proxy(route, target, prefix)).toMatchObject({ kind: 'proxy', path: expected })
  })

  it('treats path_handling v1 as v0 (ATC flavors)', () => {
    const v1 = proxy({ strip_path: true, path_handling: 'v1' }, '/roureq', '/rou', 'k', { host: 'u', path: '/srv' })
    expect(v1).toMatchObject({ path: '/srv/req' })
  })

  it.each([
    // §7 35/36: preserve_host forwards the raw Host, port included, per request
    [{ preserve_host: true }, 'preserve.com:123', SERVICE, 'preserve.com:123'],
    [{ preserve_host: true }, 'domain2.com', SERVICE, 'domain2.com'],
    [{ preserve_host: false }, 'discard.com', SERVICE, 'example.org'],
    [{}, 'x', { protocol: 'https', host: 'example.org' }, 'example.org'],
    [{}, 'x', { url: 'http://upstream:8080/base' }, 'upstream:8080'],
    [{}, 'x', { url: 'https://upstream/base' }, 'upstream'],
    [{}, 'x', { protocol: 'https', host: 'h', port: 80 }, 'h:80'],
    [{}, 'x', { protocol: 'grpc', host: 'h', port: 80 }, 'h'],
  ] as const)('%j with Host %s and service %j → Host %s', (route, host, service, expected) => {
    expect(proxy(route, '/', undefined, host, service)).toMatchObject({ host: expected })
  })

  it('keeps base path /, no Host, for a serviceless route', () => {
    expect(upstreamRequest({ strip_path: true }, undefined, { target: '/serviceless/x', host: 'h' }, { path: '/serviceless' })).toMatchObject({
      service: undefined,
      path: '/x',
      host: undefined,
      forwardedPrefix: '/serviceless',
    })
  })

  it.each([
    // §7 26–29: captures exposed only when a group exists
    [{ '0': '/users/1984/profile', '1': '1984', user_id: '1984' }, { '0': '/users/1984/profile', '1': '1984', user_id: '1984' }],
    [{ '0': '/users/1984/profile' }, undefined],
    [undefined, undefined],
  ])('uri_captures of %j → %j', (captures, expected) => {
    const result = upstreamRequest({}, SERVICE, { target: '/users/1984/profile' }, { captures })
    expect(result).toMatchObject({ kind: 'proxy' })
    if (result.kind === 'proxy') expect(result.uriCaptures).toEqual(expected)
  })

  it('reports the raw path as X-Forwarded-Path (§7 43)', () => {
    expect(proxy({ strip_path: true }, '/foo/a/../bar?x', '/foo/bar')).toMatchObject({ forwardedPath: '/foo/a/../bar', path: '/?x' })
  })

  it('sends a path that is not UTF-8 on as its escaped bytes (a route reading no http.path can match it, §7.2 step 5)', () => {
    expect(proxy({}, '/x%FFy%fc%80/')).toMatchObject({ kind: 'proxy', path: '/x%FFy%FC%80/' })
  })
})

describe('enforceProtocols (§5.8)', () => {
  it.each([
    [['https'], 'http', undefined, 426],
    [['https'], 'http', 301, 301],
    [['https'], 'https', undefined, undefined],
    [['http', 'https'], 'http', undefined, undefined],
    [['http'], 'https', undefined, undefined],
    [undefined, 'http', undefined, undefined],
  ] as const)('protocols %j, scheme %s, redirect %s → %s', (protocols, scheme, code, status) => {
    const answer = enforceProtocols({ protocols, https_redirect_status_code: code }, { target: '/a?b', host: 'Example.com:8000', scheme })
    expect(answer?.status).toBe(status)
  })

  it('redirects to the forwarded host and the original URI', () => {
    const answer = enforceProtocols({ protocols: ['https'], https_redirect_status_code: 308 }, { target: '/a%20b?c', host: 'Example.com:8000' })
    expect(answer?.headers).toEqual({ Location: 'https://example.com/a%20b?c' })
  })

  it('redirects to nginx $host: lower-cased, without port and trailing dot', () => {
    const redirect = (host: string | undefined) => enforceProtocols({ protocols: ['https'], https_redirect_status_code: 301 }, { target: '/x', host })?.headers
    expect(redirect('Example.COM.:8000')).toEqual({ Location: 'https://example.com/x' })
    expect(redirect('[::1]:8000')).toEqual({ Location: 'https://[::1]/x' })
  })

  it('answers 426 with the upgrade headers', () => {
    expect(enforceProtocols({ protocols: ['https'] }, { target: '/' })).toMatchObject({
      headers: { Connection: 'Upgrade', Upgrade: 'TLS/1.2, HTTP/1.1' },
      message: 'Please use HTTPS protocol',
    })
  })

  it.each([
    [['grpc'], { contentType: 'text/plain', httpVersion: 2 }, 415],
    [['grpc'], { contentType: 'application/grpc', httpVersion: 1 }, 426],
    [['grpc'], { contentType: '', httpVersion: 1 }, 415],
    [['grpc'], { contentType: 'application/grpc+proto', httpVersion: 2 }, undefined],
    [['grpcs'], { contentType: 'application/grpc', httpVersion: 2, scheme: 'http' }, 200],
    [['grpcs'], { contentType: 'application/grpc', httpVersion: 2, scheme: 'https' }, undefined],
  ] as const)('gRPC %j %j → %s', (protocols, request, status) => {
    expect(enforceProtocols({ protocols }, { target: '/', ...request })?.status).toBe(status)
  })
})

describe('requestHost (nginx $host)', () => {
  it.each([
    ['example.com', 'example.com'],
    ['Example.COM:8000', 'example.com'],
    ['example.com.', 'example.com'],
    ['example.com.:80', 'example.com'],
    ['[::1]:8000', '[::1]'],
    ['[::1]', '[::1]'],
    ['a:1:2', 'a'],
    ['example.com:', 'example.com'],
    ['', ''],
  ])('%j → %j', (value, expected) => expect(requestHost(value)).toBe(expected))
})

describe('helpers', () => {
  it.each([
    ['.', ''],
    ['..', ''],
    ['./req', 'req'],
    ['../req', 'req'],
    ['.../x', '.../x'],
    ['/x', '/x'],
  ])('sanitizes %j → %j', (postfix, expected) => expect(sanitizePostfix(postfix)).toBe(expected))

  it('escapes outside the safe set only', () => {
    expect(escapeUpstreamPath(`/a b"<>\\^\`{|}%2F!$&'()*+,;=:@[]~`)).toBe("/a%20b%22%3C%3E%5C%5E%60%7B%7C%7D%2F!$&'()*+,;=:@[]~")
  })

  it('resolves url and field services', () => {
    expect(resolveService({ url: 'grpcs://localhost:9001' })).toEqual({ protocol: 'grpcs', host: 'localhost', port: 9001, path: '/' })
    expect(resolveService({ host: 'h' })).toEqual({ protocol: 'http', host: 'h', port: 80, path: '/' })
    expect(serviceHostHeader({ protocol: 'https', host: 'h', port: 8443, path: '/' })).toBe('h:8443')
  })
})
