// traditional-routes.md §7: every numbered case, and the derived behaviours (a)–(h).
import { Router, type Match } from '@switchyard/core'
import { expressionRouteMatcher } from '../expression-route.ts'
import { createFieldExtractor, type RequestLike } from '../request.ts'
import { httpSchema, streamSchema } from '../schemas.ts'
import { upstreamRequest, type ServiceLike, type UpstreamResult } from '../upstream.ts'
import { traditionalMatchers } from './matchers.ts'
import type { Flavor, PriorityLayout, TraditionalRoute } from './route.ts'

/** A route of a test: traditional fields, or an expression with a priority. */
type TestRoute = TraditionalRoute & { readonly id: string; readonly service?: ServiceLike }

/** What a request did. */
interface Routed {
  readonly route: string | null
  readonly match: Match | undefined
  readonly upstream: UpstreamResult | undefined
}

/** Builds the router; throws when a route is invalid (tests use valid routes). */
function routerFor(
  routes: readonly TestRoute[],
  flavor: Flavor = 'traditional_compatible',
  priority: PriorityLayout = 'effective',
  subsystem: 'http' | 'stream' = 'http',
): (request: RequestLike) => Routed {
  const router = new Router(subsystem === 'http' ? httpSchema : streamSchema)
  const owners = new Map<string, TestRoute>()
  const parts = new Map<string, TraditionalRoute>()
  for (const route of routes) {
    if (route.expression !== undefined && route.expression !== null) {
      const matcher = expressionRouteMatcher({ expression: route.expression, priority: route.priority ?? 0, protocols: route.protocols ?? [] })
      if (!matcher.ok) throw new Error(`${route.id}: ${matcher.diagnostics.map((d) => d.message).join('; ')}`)
      router.add({ id: route.id, priority: matcher.value.priority, expression: matcher.value.expr })
      owners.set(route.id, route)
      parts.set(route.id, route)
      continue
    }
    const { service: _service, ...fields } = route
    const result = traditionalMatchers(fields, { flavor, priority, defaults: 'router', check: false })
    if (!result.ok) throw new Error(`${route.id}: ${result.violation.message}`)
    for (const matcher of result.matchers) {
      const added = router.add({ id: matcher.id, priority: matcher.priority, expression: matcher.expression })
      if (!added.ok) throw new Error(`${route.id}: ${added.diagnostics.map((d) => d.message).join('; ')}`)
      owners.set(matcher.id, route)
      parts.set(matcher.id, matcher.route)
    }
  }
  const extract = createFieldExtractor(router.fields, { subsystem })
  return (request) => {
    const context = extract(request)
    if (!context.ok) return { route: null, match: undefined, upstream: undefined }
    const match = router.match(context.context)
    if (match === undefined) return { route: null, match, upstream: undefined }
    const owner = owners.get(match.id)!
    const recorded = match.matches['http.path']
    const upstream =
      subsystem === 'http'
        ? upstreamRequest(
            parts.get(match.id)!,
            owner.service,
            { target: request.path, ...(request.host === undefined ? {} : { host: request.host }), scheme: request.scheme ?? 'http' },
            { ...(typeof recorded === 'string' ? { path: recorded } : {}), captures: match.captures },
          )
        : undefined
    return { route: owner.id, match, upstream }
  }
}

import { describe, expect, it } from 'vitest'

const ID = (n: string): string => `e8fb37f1-102d-461e-9c51-6608a6bb${n}`
const get = (path: string, host?: string, extra: Partial<RequestLike> = {}): RequestLike => ({
  method: 'GET',
  path,
  ...(host === undefined ? {} : { host }),
  ...extra,
})

function expectRoutes(routes: readonly TestRoute[], cases: readonly [RequestLike, string | null][], flavor: 'traditional_compatible' | 'expressions' = 'traditional_compatible'): void {
  const route = routerFor(routes, flavor)
  for (const [request, expected] of cases) expect(route(request).route, JSON.stringify(request)).toBe(expected === null ? null : expected)
}

const SELECT_ROUTES: readonly TestRoute[] = [
  { id: ID('8101'), hosts: ['domain-1.org', 'domain-2.org'] },
  { id: ID('8103'), paths: ['/my-route'] },
  { id: ID('8113'), hosts: ['domain-1.org:321', 'domain-2.org'] },
  { id: ID('8114'), hosts: ['domain-3.org:321'] },
]

describe('§7 known behaviours', () => {
  it('1: a host route ignores the default port', () => expectRoutes(SELECT_ROUTES, [[get('/', 'domain-1.org:80'), ID('8101')]]))
  it('2: equal priority, the larger id wins on a specific port', () => expectRoutes(SELECT_ROUTES, [[get('/', 'domain-1.org:321'), ID('8113')]]))
  it('3: a port-only route fails on another port', () => expectRoutes([SELECT_ROUTES[3]!], [[get('/', 'domain-3.org:123'), null]]))
  it('4: prefix without segment boundary, empty host', () => expectRoutes([{ id: ID('8103'), paths: ['/my-route'] }], [[get('/my-route-uri', ''), ID('8103')]]))

  it('5: a longer prefix is not superseded', () =>
    expectRoutes(
      [{ id: ID('8101'), paths: ['/my-route/hello'] }, { id: ID('8102'), paths: ['/my-route'] }],
      [
        [get('/my-route/hello/world'), ID('8101')],
        [get('/my-route/world'), ID('8102')],
      ],
    ))

  it('6: a prefix only matches as a prefix', () =>
    expectRoutes(
      [{ id: ID('8101'), paths: ['/something/my-route'] }, { id: ID('8102'), hosts: ['example.com'], paths: ['/my-route'] }],
      [[get('/something/my-route', 'example.com'), ID('8101')]],
    ))

  it('7: a regex beats an exact prefix', () =>
    expectRoutes([{ id: ID('8101'), paths: ['/route/fixture'] }, { id: ID('8102'), paths: ['~/route/(fixture)'] }], [[get('/route/fixture'), ID('8102')]]))

  it('8: regexes are anchored at the start', () => expectRoutes([{ id: ID('8101'), paths: ['~/prefix/[0-9]+'] }], [[get('/extra/prefix/123'), null]]))

  const WILDCARDS: TestRoute[] = [
    { id: ID('8101'), hosts: ['*.route.com'] },
    { id: ID('8102'), hosts: ['route.*'] },
    { id: ID('8103'), hosts: ['*.route.net:123'] },
    { id: ID('8104'), hosts: ['route.*:123'] },
  ]
  it('9: leftmost and rightmost wildcards', () =>
    expectRoutes(WILDCARDS.slice(0, 2), [
      [get('/', 'foo.route.com'), ID('8101')],
      [get('/', 'route.org:123'), ID('8102')],
    ]))
  it('10: port-specific wildcard routes', () =>
    expectRoutes(WILDCARDS, [
      [get('/', 'foo.route.net:123'), ID('8103')],
      [get('/', 'foo.route.net:456'), null],
      [get('/', 'route.org:123'), ID('8104')],
    ]))

  it('11: a plain host takes precedence over wildcards', () =>
    expectRoutes(
      [
        { id: ID('8103'), hosts: ['plain.route.com'] },
        { id: ID('8101'), hosts: ['*.route.com'] },
        { id: ID('8102'), hosts: ['route.*'] },
        { id: ID('8104'), hosts: ['route.com'] },
      ],
      [
        [get('/', 'route.com'), ID('8104')],
        [get('/', 'route.org'), ID('8102')],
        [get('/', 'plain.route.com'), ID('8103')],
        [get('/', 'foo.route.com'), ID('8101')],
      ],
    ))

  it('12: wildcard/plain hosts + path + methods', () =>
    expectRoutes(
      [{ id: ID('8109'), hosts: ['*.domain.com', 'example.com'], paths: ['/path'], methods: ['GET', 'TRACE'] }],
      [
        [{ method: 'POST', path: '/path', host: 'foo.domain.com' }, null],
        [get('/path', 'foo.domain.com'), ID('8109')],
        [{ method: 'TRACE', path: '/path', host: 'example.com' }, ID('8109')],
      ],
    ))

  it('13: more headers first', () =>
    expectRoutes(
      [
        { id: ID('8101'), headers: { version: ['v1', 'v2'], user_agent: ['foo', 'bar'] } },
        { id: ID('8102'), headers: { version: ['v1', 'v2'], user_agent: ['foo', 'bar'], location: ['east', 'west'] } },
      ],
      [[get('/', undefined, { headers: { version: 'v1', 'user-agent': 'foo', location: ['north', 'west'] } }), ID('8102')]],
    ))

  it('14: header names are case-insensitive', () =>
    expectRoutes([{ id: ID('8101'), headers: { USER_AGENT: ['foo', 'bar'] } }], [[get('/', undefined, { headers: { user_agent: 'foo' } }), ID('8101')]]))
  it('15: header values are case-insensitive', () =>
    expectRoutes([{ id: ID('8101'), headers: { user_agent: ['BAZ'] } }], [[get('/', undefined, { headers: { user_agent: 'baz' } }), ID('8101')]]))
  it('16: one listed value among several suffices', () =>
    expectRoutes(
      [{ id: ID('8101'), headers: { location: ['my-location-1', 'my-location-2'] } }],
      [
        [get('/', undefined, { headers: { location: ['my-location-3', 'my-location-2'] } }), ID('8101')],
        [get('/', undefined, { headers: { location: ['my-location-3', 'foo'] } }), null],
      ],
    ))
  it('17: a header regex', () =>
    expectRoutes(
      [{ id: ID('8101'), headers: { user_agent: ['~*windows|linux|os\\s+x\\s*[\\d\\._]+|solaris|bsd'] } }],
      [[get('/', undefined, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/83.0' } }), ID('8101')]],
    ))

  it('18: wildcard SNIs', () => {
    const routes: TestRoute[] = [
      { id: ID('8101'), snis: ['*.sni.test'] },
      { id: ID('8102'), snis: ['sni.*'] },
    ]
    const https = (sni: string): RequestLike => get('/', 'any.test', { scheme: 'https', sni })
    expectRoutes(routes, [
      [https('foo.bar.sni.test'), ID('8101')],
      [https('sni.foo.bar'), ID('8102')],
      [https('bar.sni.foo'), null],
    ])
  })

  it('19: a method does not supersede a prefix', () =>
    expectRoutes([{ id: ID('8101'), methods: ['GET'] }, { id: ID('8102'), paths: ['/example'] }], [[get('/example/status/200'), ID('8102')]]))
  it('20: a method ties with a wildcard host, decided by id', () =>
    expectRoutes(
      [{ id: ID('8101'), methods: ['GET'] }, { id: ID('8102'), hosts: ['domain.*'] }],
      [
        [get('/', 'domain.com'), ID('8102')],
        [get('/', 'nothing.com'), ID('8101')],
      ],
    ))
  it('21: more headers over a longer path', () =>
    expectRoutes(
      [
        { id: ID('8101'), headers: { version: ['v1'] }, paths: ['/my-route/hello'] },
        { id: ID('8102'), headers: { version: ['v1'], location: ['us-east'] }, paths: ['/my-route'] },
      ],
      [[get('/my-route/hello', undefined, { headers: { version: 'v1', location: 'us-east' } }), ID('8102')]],
    ))
  it('22: regex and prefix paths of one route get different priorities', () =>
    expectRoutes(
      [
        { id: ID('8101'), paths: ['~/some/thing/else', '/foo'], hosts: ['domain-1.org'] },
        { id: ID('8102'), paths: ['/foo/bar'], hosts: ['domain-1.org'] },
      ],
      [
        [get('/foo/bar', 'domain-1.org'), ID('8102')],
        [get('/some/thing/else', 'domain-1.org'), ID('8101')],
      ],
    ))
  it('23: each path length gets its own priority', () =>
    expectRoutes(
      [
        { id: ID('8101'), paths: ['/foo', '/foo/bar/baz'], hosts: ['domain-1.org'] },
        { id: ID('8102'), paths: ['/foo/bar'], hosts: ['domain-1.org'] },
      ],
      [
        [get('/foo', 'domain-1.org'), ID('8101')],
        [get('/foo/bar', 'domain-1.org'), ID('8102')],
      ],
    ))
  it('24: prefix matching ignores regex_priority', () =>
    expectRoutes(
      [
        { id: ID('8102'), paths: ['/'], hosts: ['domain-2.org'], regex_priority: 5 },
        { id: ID('8103'), paths: ['/v1'], hosts: ['domain-2.org'] },
      ],
      [[get('/v1', 'domain-2.org'), ID('8103')]],
    ))
  it('25: an expression route outranks a traditional route', () =>
    expectRoutes(
      [{ id: ID('8101'), paths: ['/foo'] }, { id: ID('8102'), expression: 'http.path ^= r#"/foo"#', priority: 0 }],
      [[get('/foo/bar'), ID('8102')]],
      'expressions',
    ))

  it.each([
    ['26', '~/users/(?P<user_id>\\d+)/profile/?(?P<scope>[a-z]*)', '/users/1984/profile', { '0': '/users/1984/profile', '1': '1984', user_id: '1984', '2': '', scope: '' }],
    ['27', '~/(users/)?1984/(?<subpath>profile)$', '/1984/profile', { '0': '/1984/profile', '2': 'profile', subpath: 'profile' }],
    ['28', '~/users/(?P<fullname>[a-zA-Z\\s\\d%]+)/profile/?(?P<scope>[a-z]*)', '/users/%6aohn%20doe/profile', { '0': '/users/john doe/profile', '1': 'john doe', fullname: 'john doe', '2': '', scope: '' }],
  ])('%s: uri_captures', (_n, path, request, captures) => {
    const routed = routerFor([{ id: ID('8101'), paths: [path] }])(get(request))
    expect(routed.upstream).toMatchObject({ kind: 'proxy', uriCaptures: captures })
  })

  it('29: no captures from a prefix or a group-less regex', () => {
    const route = routerFor([
      { id: ID('8101'), paths: ['/hello'], strip_path: true },
      { id: ID('8102'), paths: ['~/users/\\d+/profile'] },
    ])
    expect(route(get('/hello/world')).upstream).toMatchObject({ path: '/world', uriCaptures: undefined })
    expect(route(get('/users/1984/profile')).upstream).toMatchObject({ uriCaptures: undefined })
  })

  it('30: strips the matched prefix of a multi-path route', () => {
    const route = routerFor([{ id: ID('8101'), paths: ['/my-route', '/xx-route'], strip_path: true }])
    expect(route(get('/my-route/hello/world')).upstream).toMatchObject({ prefix: '/my-route', path: '/hello/world' })
    expect(route(get('/my-route')).upstream).toMatchObject({ path: '/' })
    expect(route(get('/xx-route')).upstream).toMatchObject({ prefix: '/xx-route', path: '/' })
  })
  it('31: does not strip the root', () =>
    expect(routerFor([{ id: ID('8101'), paths: ['/'], strip_path: true }])({ method: 'POST', path: '/my-route/hello/world' }).upstream).toMatchObject({
      prefix: '/',
      path: '/my-route/hello/world',
    }))
  it('32: strips an encoded prefix', () =>
    expect(routerFor([{ id: ID('8101'), paths: ['/endel%2Fst'], strip_path: true }])(get('/endel%2Fst')).upstream).toMatchObject({ prefix: '/endel%2Fst', path: '/' }))
  it('33: strips a regex match with a group', () =>
    expect(routerFor([{ id: ID('8101'), paths: ['~/users/(\\d+)/profile'], strip_path: true }])(get('/users/123/profile/hello/world')).upstream).toMatchObject({
      prefix: '/users/123/profile',
      path: '/hello/world',
    }))
  it('34: special characters in plain and regex paths', () => {
    const route = routerFor([
      { id: ID('8101'), paths: ['/\\d'] },
      { id: ID('8102'), paths: ['~/\\d+"'] },
    ])
    expect(route(get('/\\d'))).toMatchObject({ route: ID('8101'), upstream: { path: '/%5Cd' } })
    expect(route(get('/123"'))).toMatchObject({ route: ID('8102'), upstream: { path: '/123%22' } })
  })
  it('35: preserve_host keeps the port', () =>
    expect(routerFor([{ id: ID('8101'), hosts: ['preserve.com'], preserve_host: true }])(get('/', 'preserve.com:123')).upstream).toMatchObject({ host: 'preserve.com:123' }))
  it('36: preserve_host per request on a host-less route', () => {
    const route = routerFor([{ id: ID('8101'), paths: ['/nohost'], preserve_host: true }])
    expect(route(get('/nohost', 'domain1.com')).upstream).toMatchObject({ host: 'domain1.com' })
    expect(route(get('/nohost', 'domain2.com')).upstream).toMatchObject({ host: 'domain2.com' })
  })
  it('37: header values of every case match (lower())', () => {
    const route = routerFor([{ id: ID('8101'), paths: ['/foo'], headers: { test1: ['Quote'] } }])
    for (const value of ['QUOTE', 'QUOTE', 'QuoTe']) expect(route(get('/foo', undefined, { headers: { test1: value } })).route).toBe(ID('8101'))
  })
  it('38: the upstream path follows each request', () => {
    const route = routerFor([{ id: ID('8101'), hosts: ['example.com'], preserve_host: true }])
    expect(route(get('/foo', 'example.com')).upstream).toMatchObject({ path: '/foo' })
    expect(route(get('/bar', 'example.com')).upstream).toMatchObject({ path: '/bar' })
  })
  it('39: a path that is not UTF-8 matches nothing', () =>
    expect(routerFor([{ id: ID('8101'), paths: ['/hello'] }])(get('/%FC%80%80%80%80%AF')).route).toBeNull())
  it('40: a rebuild reflects the current routes (deliberate: Kong keeps a stale matcher when updated_at is unchanged)', () => {
    // Kong's incremental rebuild keeps R2's old matcher; a router built from the current routes does not.
    const route = routerFor([{ id: ID('8102'), paths: ['/baz'] }])
    expect(route(get('/baz')).route).toBe(ID('8102'))
    expect(route(get('/bar')).route).toBeNull()
  })

  it('41: stream: sni over src or dst alone', () => {
    const route = routerFor(
      [
        { id: ID('8101'), protocols: ['tls'], snis: ['www.example.org'] },
        { id: ID('8102'), protocols: ['tls'], sources: [{ ip: '127.0.0.1' }] },
        { id: ID('8103'), protocols: ['tls'], destinations: [{ ip: '172.168.0.1' }] },
      ],
      'traditional_compatible',
      'effective',
      'stream',
    )
    expect(route({ path: '/', scheme: 'tcp', sni: 'www.example.org', src_ip: '127.0.0.1' }).route).toBe(ID('8101'))
  })
  it('42: stream: src + dst over sni', () => {
    const route = routerFor(
      [
        { id: ID('8101'), protocols: ['tls'], snis: ['www.example.org'] },
        { id: ID('8102'), protocols: ['tls'], sources: [{ ip: '127.0.0.1' }], destinations: [{ ip: '172.168.0.1' }] },
      ],
      'traditional_compatible',
      'effective',
      'stream',
    )
    expect(route({ path: '/', scheme: 'tcp', sni: 'www.example.org', src_ip: '127.0.0.1', dst_ip: '172.168.0.1' }).route).toBe(ID('8102'))
  })

  it('43: matches the normalized path; X-Forwarded-Path keeps the raw one', () => {
    const route = routerFor([{ id: ID('8101'), paths: ['/foo/bar'], strip_path: true }])
    for (const path of ['/foo/a/../bar', '/foo//bar', '/foo/./bar'])
      expect(route(get(path))).toMatchObject({ route: ID('8101'), upstream: { forwardedPath: path } })
  })
  it('44: proxies the normalized path when stripping', () =>
    expect(routerFor([{ id: ID('8101'), paths: ['/hello'], strip_path: true }])(get('/h%65llo/anything/a/../b')).upstream).toMatchObject({ path: '/anything/b' }))
  it('45: re-encodes special characters', () =>
    expect(routerFor([{ id: ID('8101'), paths: ['/anything/world'] }])(get('/anything/world/cat%20and%20dog')).upstream).toMatchObject({
      path: '/anything/world/cat%20and%20dog',
    }))
  it('46: keeps an empty or valueless query string', () => {
    const route = routerFor([{ id: ID('8101'), hosts: ['mock_upstream'] }])
    expect(route(get('/request?', 'mock_upstream')).upstream).toMatchObject({ path: '/request?' })
    expect(route(get('/get?hello', 'mock_upstream')).upstream).toMatchObject({ path: '/get?hello' })
  })
  it('47: regex_priority orders regex routes', () =>
    expectRoutes(
      [
        { id: ID('8101'), paths: ['~/status/(?P<foo>re)'], regex_priority: 0 },
        { id: ID('8102'), paths: ['~/status/(re)'], regex_priority: 4 },
      ],
      [[get('/status/re'), ID('8102')]],
    ))
  it('48: expressions: net.port means net.dst.port, from Host or the listener', () =>
    expectRoutes(
      [{ id: ID('8101'), expression: 'http.host == "www.example.com" && net.port == 8000' }],
      [
        [get('/', 'www.example.com:80'), null],
        [get('/', 'www.example.com:8000'), ID('8101')],
        [get('/', 'www.example.com', { dst_port: 8000 }), ID('8101')],
      ],
      'expressions',
    ))
  it('49: empty methods are ignored', async () => {
    const { traditionalExpression } = await import('./expression.ts')
    expect(traditionalExpression({ methods: [], paths: ['/foo'] })).toBe('(http.path ^= r#"/foo"#)')
    expect(traditionalExpression({ methods: null, paths: ['/foo'] })).toBe('(http.path ^= r#"/foo"#)')
  })
  it('50: example.*:80 is rejected by the schema', async () => {
    const { normalizeRoute } = await import('./validate.ts')
    expect(normalizeRoute({ hosts: ['example.*:80'] }, { flavor: 'expressions' })).toMatchObject({ ok: false })
  })
})

describe('§7 derived behaviours', () => {
  it('(a) the P/Q divergence: Kong 3.10 picks P, the documented layout Q', () => {
    const routes: TestRoute[] = [
      { id: 'p', hosts: ['api.example.com'] },
      { id: 'q', hosts: ['*.example.com'], paths: ['/v1'] },
    ]
    expect(routerFor(routes)(get('/v1', 'api.example.com')).route).toBe('p')
    expect(routerFor(routes, 'traditional_compatible', 'documented')(get('/v1', 'api.example.com')).route).toBe('q')
  })
  it('(b) ≥ 4-field routes without plain hosts or regex tie; the larger id wins', () =>
    expectRoutes(
      [
        { id: ID('8101'), hosts: ['*.a.com'], methods: ['GET'], paths: ['/very/long/path'], headers: { x: ['1'], y: ['2'] } },
        { id: ID('8102'), hosts: ['*.a.com'], methods: ['GET'], paths: ['/v'], headers: { x: ['1'] } },
      ],
      [[get('/very/long/path', 'b.a.com', { headers: { x: '1', y: '2' } }), ID('8102')]],
    ))
  it('(c) regex_priority 3 outranks one header', () =>
    expectRoutes(
      [
        { id: 'e9', paths: ['~/a'], methods: ['GET'], regex_priority: 3 },
        { id: 'e10', paths: ['~/a'], headers: { x: ['1'] } },
      ],
      [[get('/a', undefined, { headers: { x: '1' } }), 'e9']],
    ))
  it('(d) an empty hosts array counts as plain hosts', () =>
    expectRoutes(
      [
        { id: ID('8101'), hosts: [], paths: ['/a'] },
        { id: ID('8102'), methods: ['GET'], paths: ['/a/long'] },
      ],
      [[get('/a/long'), ID('8101')]],
    ))
  it('(e) a header regex ~*\\D+ is matched as \\d+', () =>
    expectRoutes([{ id: ID('8101'), headers: { x: ['~*^\\D+$'] } }], [
      [get('/', undefined, { headers: { x: '123' } }), ID('8101')],
      [get('/', undefined, { headers: { x: 'abc' } }), null],
    ]))
  it('(f) expressions flavor: path /net.port=1 only matches /net.dst.port=1', () =>
    expectRoutes(
      [{ id: ID('8101'), paths: ['/net.port=1'] }],
      [
        [get('/net.port=1'), null],
        [get('/net.dst.port=1x'), ID('8101')],
      ],
      'expressions',
    ))
  it('(g) an https request matches an http-only route only in traditional_compatible', () => {
    const routes: TestRoute[] = [{ id: ID('8101'), protocols: ['http'], paths: ['/'] }]
    expectRoutes(routes, [[get('/', undefined, { scheme: 'https' }), ID('8101')]], 'traditional_compatible')
    expectRoutes(routes, [[get('/', undefined, { scheme: 'https' }), null]], 'expressions')
  })
  it('(h) host matching is case-sensitive', () => expectRoutes([{ id: ID('8101'), hosts: ['Example.com'] }], [[get('/', 'example.com'), null]]))

  it('split matchers report the original route and keep their order', () =>
    expectRoutes(
      [{ id: ID('8101'), paths: ['~/regex.*$', '/long-path', '/one', '/two', '/three', '~/.*'] }],
      [
        [get('/regexx'), ID('8101')],
        [get('/three'), ID('8101')],
      ],
    ))
})
