import { describe, expect, it } from 'vitest'
import { evaluate, serviceUrlProblem, upstreamUrl } from './engine.ts'
import { DEFAULT_REQUEST, parseHeaderLines, requestProblems, toRequestLike } from './request.ts'
import type { PlaygroundRoute } from './route.ts'

const routes: PlaygroundRoute[] = [
  { id: 'r-api', name: 'api', expression: 'http.path ^= "/api" && http.method == "GET"', priority: 10, protocols: ['http', 'https'], strip_path: true, service: { url: 'http://api.internal:8080/v2' } },
  { id: 'r-regex', name: 'regex', expression: 'http.path ~ r#"^/items/(?P<item>\\d+)$"#', priority: 5, protocols: ['http'], service: { url: 'http://items.internal' } },
  { id: 'r-trad', name: 'trad', paths: ['/old', '~/legacy/\\d+$'], methods: ['GET'], service: { url: 'http://old.internal:81' } },
  { id: 'r-tcp', name: 'tcp', expression: 'net.dst.port == 5432', protocols: ['tcp'], service: null },
]

describe('evaluate', () => {
  it('matches with the engine and computes the upstream URL (strip_path, service path)', () => {
    const result = evaluate(routes, { ...DEFAULT_REQUEST, url: '/api/users?x=1' })
    expect(result.ok && result.match?.route.name).toBe('api')
    if (!result.ok || result.match === undefined) throw new Error('no match')
    expect(result.match.matches).toMatchObject({ 'http.path': '/api', 'http.method': 'GET' })
    expect(upstreamUrl(result.match.upstream as never)).toBe('http://api.internal:8080/v2/users?x=1')
  })

  it('explains each route tried before the winner, with the predicate that decided', () => {
    const result = evaluate(routes, { ...DEFAULT_REQUEST, method: 'GET', url: '/items/42' })
    if (!result.ok) throw new Error('extraction failed')
    expect(result.match?.route.name).toBe('regex')
    expect(result.match?.captures).toMatchObject({ item: '42' })
    const first = result.entries[0]!
    expect(first).toMatchObject({ matched: false, route: { name: 'api' } })
    expect(first.decidedBy?.text).toBe('http.path ^= "/api"')
    expect(first.source.slice(first.decidedBy!.start, first.decidedBy!.end)).toBe('http.path ^= "/api"')
    const winner = result.entries.findIndex((e) => e.matched)
    expect(result.entries[winner]).toMatchObject({ matched: true, afterWinner: false, route: { name: 'regex' } })
    expect(result.entries.slice(0, winner).every((e) => !e.afterWinner && !e.matched)).toBe(true)
  })

  it('also says what each route after the winner would have done, which the router does not try', () => {
    const shadowing: PlaygroundRoute[] = [
      { id: 'r-wide', name: 'wide', expression: 'http.path ^= "/"', priority: 20, protocols: ['http'] },
      { id: 'r-narrow', name: 'narrow', expression: 'http.path ^= "/api"', priority: 10, protocols: ['http'] },
      { id: 'r-other', name: 'other', expression: 'http.path ^= "/other"', priority: 5, protocols: ['http'] },
    ]
    const result = evaluate(shadowing, { ...DEFAULT_REQUEST, url: '/api/x' })
    if (!result.ok) throw new Error('extraction failed')
    expect(result.match?.route.name).toBe('wide')
    expect(result.entries.map((e) => [e.route.name, e.matched, e.afterWinner])).toEqual([
      ['wide', true, false],
      ['narrow', true, true],
      ['other', false, true],
    ])
    expect(result.entries[2]?.decidedBy?.text).toBe('http.path ^= "/other"')
  })

  it('shows the fields the routes read, as the router computes them', () => {
    const result = evaluate(routes, { ...DEFAULT_REQUEST, url: '/a/./b/../api?x=1', host: 'Example.com:8080' })
    if (!result.ok) throw new Error('extraction failed')
    expect(result.fields).toMatchObject({ 'http.path': ['/a/api'], 'http.method': ['GET'], 'net.protocol': ['http'] })
    expect(Object.keys(result.fields)).not.toContain('net.dst.port')
  })

  it('converts traditional routes the way Kong does, split paths included', () => {
    const result = evaluate(routes, { ...DEFAULT_REQUEST, url: '/legacy/7' })
    expect(result.ok && result.match?.route.name).toBe('trad')
    if (result.ok) expect(result.entries.filter((e) => e.route.name === 'trad').length).toBeGreaterThanOrEqual(1)
  })

  it('routes tcp/tls/udp requests through the stream routes only', () => {
    const result = evaluate(routes, { ...DEFAULT_REQUEST, scheme: 'tcp', dstPort: '5432' })
    expect(result.ok && result.subsystem).toBe('stream')
    expect(result.ok && result.match?.route.name).toBe('tcp')
  })

  it('reads the routes with the gateway\'s router flavor: traditional_compatible refuses expression routes', () => {
    const result = evaluate(routes, { ...DEFAULT_REQUEST, url: '/api/users' }, 'traditional_compatible')
    expect(result.problems.map((p) => [p.route.name, p.message])).toEqual([
      ['api', expect.stringMatching(/expression: unknown field/)],
      ['regex', expect.stringMatching(/expression: unknown field/)],
      ['tcp', expect.stringMatching(/expression: unknown field/)],
    ])
    expect(result.ok && result.match).toBeUndefined()
    const old = evaluate(routes, { ...DEFAULT_REQUEST, url: '/old' }, 'traditional_compatible')
    expect(old.ok && old.match?.route.name).toBe('trad')
  })

  it('reports routes that cannot load and keeps the others', () => {
    const broken: PlaygroundRoute = { id: 'bad', name: 'bad', expression: 'http.path == 1' }
    const result = evaluate([broken, ...routes], { ...DEFAULT_REQUEST, url: '/api' })
    expect(result.problems.map((p) => p.route.name)).toEqual(['bad'])
    expect(result.ok && result.match?.route.name).toBe('api')
  })

  it('reports a route with a misspelt protocol instead of passing it by in silence', () => {
    const misspelt: PlaygroundRoute = { ...routes[0]!, id: 'typo', name: 'typo', protocols: ['htp'] }
    const result = evaluate([misspelt], { ...DEFAULT_REQUEST, url: '/api' })
    expect(result.problems).toMatchObject([{ route: { name: 'typo' }, message: expect.stringContaining('protocols') }])
  })

  it('reports http and stream protocols mixed in one route, whichever subsystem the request goes to', () => {
    const mixed: PlaygroundRoute = { id: 'mixed', name: 'mixed', expression: 'net.dst.port == 80', protocols: ['tcp', 'http'] }
    for (const scheme of ['http', 'tcp']) expect(evaluate([mixed], { ...DEFAULT_REQUEST, scheme }).problems.map((p) => p.route.name)).toEqual(['mixed'])
  })

  it('says when the matched route’s service URL is no URL Kong would accept', () => {
    const result = evaluate([{ ...routes[0]!, service: { url: 'not a url' } }], { ...DEFAULT_REQUEST, url: '/api/x' })
    expect(result.ok && result.match?.serviceProblem).toMatch(/not a URL/)
    const fine = evaluate(routes, { ...DEFAULT_REQUEST, url: '/api/x' })
    expect(fine.ok && fine.match?.serviceProblem).toBeUndefined()
  })

  it('counts the routes loaded for the request’s subsystem', () => {
    const http = evaluate(routes, DEFAULT_REQUEST)
    const stream = evaluate(routes, { ...DEFAULT_REQUEST, scheme: 'udp' })
    expect([http.ok && http.loaded, stream.ok && stream.loaded]).toEqual([3, 1])
  })

  it('reports a duplicate id instead of throwing', () => {
    const result = evaluate([routes[0]!, { ...routes[0]!, name: 'copy' }], DEFAULT_REQUEST)
    expect(result.problems.map((p) => p.route.name)).toEqual(['copy'])
  })

  it('says when the router cannot read the request, as Kong answers 404', () => {
    const result = evaluate(routes, { ...DEFAULT_REQUEST, url: '/api/%FF' })
    expect(result).toMatchObject({ ok: false, field: 'http.path' })
  })

  // The gateway (and nginx before Kong) answers these itself; the playground must not say "Matched".
  it.each([
    [{ url: '/api/users/%zz' }, 400, /does not start an escape/],
    [{ url: '/api/../../etc' }, 400, /climb above/],
    [{ host: 'ex ample' }, 400, /not a valid host/],
    [{ host: '' }, 400, /must have a Host/],
    [{ host: '', headers: 'Host: a.example\nHost: b.example' }, 400, /more than one Host/],
    [{ method: 'TRACE' }, 405, /TRACE/],
  ])('says the gateway answers %j itself, before routing', (change, status, reason) => {
    const result = evaluate(routes, { ...DEFAULT_REQUEST, url: '/api/users', ...change })
    expect(result.ok).toBe(false)
    if (result.ok || result.refusal === undefined) throw new Error('expected a refusal')
    expect(result.refusal.status).toBe(status)
    expect(result.refusal.reason).toMatch(reason)
  })

  it('routes a request whose Host is given in the headers box alone', () => {
    expect(evaluate(routes, { ...DEFAULT_REQUEST, url: '/api/users', host: '', headers: 'Host: a.example' })).toMatchObject({ ok: true, match: { route: { name: 'api' } } })
  })
})

describe('request', () => {
  it('reads header lines, keeping repeated names', () => {
    expect(parseHeaderLines('X-A: 1\nx-a: 2\n\nbad line\nAccept:  text/html ')).toEqual({ 'X-A': ['1'], 'x-a': ['2'], Accept: ['text/html'] })
  })

  it('leaves empty fields absent and parses ports', () => {
    expect(toRequestLike({ ...DEFAULT_REQUEST, sni: '', srcPort: 'x', dstPort: '443' })).not.toHaveProperty('sni')
    expect(toRequestLike({ ...DEFAULT_REQUEST, srcPort: 'x' })).not.toHaveProperty('src_port')
    expect(toRequestLike({ ...DEFAULT_REQUEST, dstPort: '443' })).toMatchObject({ dst_port: 443 })
  })
})

describe('service URL', () => {
  it.each([
    ['http://backend:8080/v1', undefined],
    ['https://backend', undefined],
    ['tcp://db:5432', undefined],
    ['not a url', /not a URL/],
    ['backend:8080', /cannot use "backend"/],
    ['ftp://files', /cannot use "ftp"/],
  ])('%s', (url, problem) => {
    if (problem === undefined) expect(serviceUrlProblem(url)).toBeUndefined()
    else expect(serviceUrlProblem(url)).toMatch(problem)
  })
})

describe('request problems', () => {
  it('names each field that holds something no request has', () => {
    expect(requestProblems(DEFAULT_REQUEST)).toEqual({})
    expect(
      Object.keys(requestProblems({ ...DEFAULT_REQUEST, url: 'api/x', headers: 'X-A: 1\nnot a header', srcIp: 'abc', dstIp: '::1', srcPort: '70000', dstPort: '' })).sort(),
    ).toEqual(['headers', 'srcIp', 'srcPort', 'url'])
  })

  it.each([
    ['http', 'db.example.com', true],
    ['https', 'db.example.com', false],
    ['tcp', 'db.example.com', true],
    ['tls', 'db.example.com', false],
    ['tls', '', true],
    ['udp', '', false],
  ])('%s with SNI %j is a request that cannot happen: %s', (scheme, sni, flagged) => {
    expect(requestProblems({ ...DEFAULT_REQUEST, scheme, sni }).sni !== undefined).toBe(flagged)
  })

  it('asks for the path alone when a whole URL is pasted', () => {
    expect(requestProblems({ ...DEFAULT_REQUEST, url: 'https://example.com/api' }).url).toMatch(/Host/)
  })

  it('routes on header lines as a gateway behind nginx takes them, and says which lines it ignores', () => {
    const tenant: PlaygroundRoute[] = [{ id: 'r-t', name: 'tenant', expression: 'http.headers.x_tenant == "a"', priority: 1, protocols: ['http'], service: null }]
    const dashed = evaluate(tenant, { ...DEFAULT_REQUEST, headers: 'X-Tenant: a' })
    expect(dashed.ok && dashed.match?.route.name).toBe('tenant')
    const underscored = evaluate(tenant, { ...DEFAULT_REQUEST, headers: 'X_Tenant: a' })
    expect(underscored.ok && underscored.match).toBeUndefined()
    expect(requestProblems({ ...DEFAULT_REQUEST, headers: 'X-Ok: 1\nX_Tenant: a\nX.Dot: b' }).headers).toMatch(/^Lines 2 \(X_Tenant\), 3 \(X\.Dot\) are ignored: nginx/)
    expect(requestProblems({ ...DEFAULT_REQUEST, headers: 'X-Ok: 1' }).headers).toBeUndefined()
  })

  it('numbers the header lines it ignores', () => {
    expect(requestProblems({ ...DEFAULT_REQUEST, headers: 'bad\nX-A: 1\n: empty name' }).headers).toMatch(/Lines 1, 3 /)
  })
})
