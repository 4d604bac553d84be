import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluate } from './engine.ts'
import { DEFAULT_REQUEST } from './request.ts'
import { ROUTE_SHAPE, type PlaygroundRoute } from './route.ts'
import { decodeState, encodeState, SHARE_PREFIX, type PlaygroundState } from './share.ts'

const routes: PlaygroundRoute[] = [
  { id: 'r-api', name: 'api', expression: 'http.path ^= "/api"', priority: 10, protocols: ['http', 'https'], strip_path: true, service: { url: 'http://api.internal:8080/v2' } },
  { id: 'r-trad', name: 'trad', paths: ['/old'], methods: ['GET'], headers: { 'x-a': ['1'] }, sources: [{ ip: '10.0.0.0/8', port: 80 }], service: { url: 'http://old.internal:81' } },
]

/** A hash holding `data` as JSON, the way `encodeState` writes it. */
function linkTo(data: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(data))
  return SHARE_PREFIX + btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function state(hash: string): PlaygroundState | undefined {
  const decoded = decodeState(hash)
  return decoded?.ok === true ? decoded.state : undefined
}

function problem(hash: string): string | undefined {
  const decoded = decodeState(hash)
  return decoded?.ok === false ? decoded.problem : undefined
}

describe('share', () => {
  it('round-trips routes and request through the URL hash, any text included', () => {
    const shared = { routes: [{ ...routes[0]!, name: 'ünïcødé ✓ "quoted"' }, routes[1]!], request: { ...DEFAULT_REQUEST, headers: 'X-Emoji: 🚀' } }
    const hash = encodeState(shared)
    expect(hash.startsWith(SHARE_PREFIX)).toBe(true)
    expect(hash).toMatch(/^#playground\/[A-Za-z0-9_-]+$/)
    expect(decodeState(hash)).toEqual({ ok: true, state: { ...shared, flavor: 'expressions' } })
  })

  it('round-trips the router flavor, and reads a missing or unknown one as expressions', () => {
    const shared = { routes: [routes[1]!], request: DEFAULT_REQUEST, flavor: 'traditional_compatible' as const }
    expect(state(encodeState(shared))).toEqual(shared)
    expect(state(linkTo({ routes: [], request: {}, flavor: 'atc' }))?.flavor).toBe('expressions')
  })

  it('ignores hashes that hold no share link', () => {
    expect(decodeState('#routes')).toBeUndefined()
    expect(decodeState('#playground')).toBeUndefined()
  })

  it('says a link that is no base64 JSON may have been cut short', () => {
    expect(problem(`${SHARE_PREFIX}not-base64!`)).toMatch(/cut short/)
    expect(problem(encodeState({ routes, request: DEFAULT_REQUEST }).slice(0, -40))).toMatch(/cut short/)
  })

  it('fills request fields missing from an older link with defaults', () => {
    expect(state(linkTo({ routes: [], request: { url: '/x' } }))?.request).toEqual({ ...DEFAULT_REQUEST, url: '/x' })
  })

  it('keeps nulls (Kong’s unset) and drops route fields the playground does not hold', () => {
    const read = state(linkTo({ routes: [{ id: 'a', name: null, paths: null, service: null, created_at: 1, tags: 'x' }], request: {} }))
    expect(read?.routes).toEqual([{ id: 'a', name: null, paths: null, service: null }])
  })

  // Each of these blanked the whole page when opened (a view called `.join`, `.split` or `.map` on it).
  it.each([
    [{ routes: 1, request: {} }, 'routes is 1, not a list of routes'],
    [{ request: {} }, 'routes is missing, not a list of routes'],
    [{ routes: [], request: [] }, 'the request is [], not an object'],
    [[], 'the link holds [], not an object with routes and a request'],
    [{ routes: ['r'], request: {} }, 'route 1 is "r", not an object'],
    [{ routes: [{ name: 'a' }], request: {} }, 'route 1 ("a") has no id'],
    [{ routes: [{ id: 7 }], request: {} }, 'route 1: id is 7, not text'],
    [{ routes: [routes[0], { id: 'b', name: 'b', protocols: 'http' }], request: {} }, 'route 2 ("b"): protocols is "http", not a list of text'],
    [{ routes: [{ id: 'a', expression: 5 }], request: {} }, 'route 1: expression is 5, not text'],
    [{ routes: [{ id: 'a', paths: '/x' }], request: {} }, 'route 1: paths is "/x", not a list of text'],
    [{ routes: [{ id: 'a', methods: 'GET' }], request: {} }, 'route 1: methods is "GET", not a list of text'],
    [{ routes: [{ id: 'a', methods: ['GET', 1] }], request: {} }, 'route 1: methods is ["GET",1], not a list of text'],
    [{ routes: [{ id: 'a', headers: ['x'] }], request: {} }, 'route 1: headers is ["x"], not an object of header names to lists of text'],
    [{ routes: [{ id: 'a', headers: { x: 'y' } }], request: {} }, 'route 1: headers is {"x":"y"}, not an object of header names to lists of text'],
    [{ routes: [{ id: 'a', name: 7 }], request: {} }, 'route 1: name is 7, not text'],
    [{ routes: [{ id: 'a', sources: 'x' }], request: {} }, 'route 1: sources is "x", not a list of {"ip", "port"} objects'],
    [{ routes: [{ id: 'a', destinations: [{ port: true }] }], request: {} }, 'route 1: destinations is [{"port":true}], not a list of {"ip", "port"} objects'],
    [{ routes: [{ id: 'a', priority: [] }], request: {} }, 'route 1: priority is [], not a number or text'],
    [{ routes: [{ id: 'a', strip_path: 'yes' }], request: {} }, 'route 1: strip_path is "yes", not true or false'],
    [{ routes: [{ id: 'a', service: 'http://x' }], request: {} }, 'route 1: service is "http://x", not an object with a "url" text'],
    [{ routes: [], request: { url: 5 } }, 'the request’s url is 5, not text'],
  ])('names what is wrong in %j', (data, message) => {
    expect(problem(linkTo(data))).toBe(message)
  })

  it('shortens a long wrong value in its message', () => {
    expect(problem(linkTo({ routes: [{ id: 'a', expression: { text: 'x'.repeat(200) } }], request: {} }))).toMatch(/^route 1: expression is \{"text":"x+…, not text$/)
  })
})

describe('share links from anywhere', () => {
  const json = fc.jsonValue({ maxDepth: 3 })
  // What each route field takes; routes are drawn mostly readable, some with one field of any JSON,
  // so that both states the views draw and every kind of wrongly typed field come up.
  const text = fc.oneof(fc.string(), fc.constantFrom('http', 'https', 'tcp', '/a', '~/b$', 'GET', 'http.path == "/"', '10.0.0.1', 'http://u'))
  const fieldValues: Record<string, fc.Arbitrary<unknown>> = {
    id: fc.string(),
    name: text,
    expression: text,
    priority: fc.oneof(fc.integer(), fc.double(), text),
    regex_priority: fc.oneof(fc.integer(), text),
    protocols: fc.array(text, { maxLength: 3 }),
    methods: fc.array(text, { maxLength: 3 }),
    hosts: fc.array(text, { maxLength: 3 }),
    paths: fc.array(text, { maxLength: 3 }),
    snis: fc.array(text, { maxLength: 3 }),
    headers: fc.dictionary(fc.string(), fc.array(text, { maxLength: 2 }), { maxKeys: 2 }),
    sources: fc.array(fc.record({ ip: text, port: fc.oneof(fc.integer(), text) }, { requiredKeys: [] }), { maxLength: 2 }),
    destinations: fc.array(fc.record({ ip: text, port: fc.oneof(fc.integer(), text) }, { requiredKeys: [] }), { maxLength: 2 }),
    strip_path: fc.boolean(),
    preserve_host: fc.boolean(),
    path_handling: fc.constantFrom('v0', 'v1', 'x'),
    https_redirect_status_code: fc.integer(),
    service: fc.record({ url: text }),
  }
  const validRoute = fc.record(fieldValues, { requiredKeys: ['id'] })
  // A readable route with one field set to any JSON at all (of the right type or not), or to null.
  const oddRoute = fc
    .tuple(validRoute, fc.constantFrom(...Object.keys(fieldValues)), fc.oneof(json, fc.constant(null)))
    .map(([route, key, value]) => ({ ...route, [key]: value }))
  const request = fc.dictionary(fc.constantFrom(...Object.keys(DEFAULT_REQUEST)), fc.oneof({ weight: 9, arbitrary: text }, { weight: 1, arbitrary: json }))
  const link = fc.oneof(
    { weight: 4, arbitrary: fc.record({ routes: fc.array(fc.oneof({ weight: 6, arbitrary: validRoute }, { weight: 1, arbitrary: oddRoute }, { weight: 1, arbitrary: json }), { maxLength: 3 }), request, flavor: fc.oneof(fc.constantFrom('expressions', 'traditional_compatible'), json) }, { requiredKeys: ['routes', 'request'] }) },
    { weight: 1, arbitrary: fc.record({ routes: json, request: json }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: json },
  )

  it('are read or refused with a reason, never thrown on, and what is read has the shape of a state', () => {
    fc.assert(
      fc.property(link, (data) => {
        const decoded = decodeState(linkTo(data))
        expect(decoded).toBeDefined()
        if (decoded?.ok !== true) return
        for (const read of decoded.state.routes) {
          for (const [key, value] of Object.entries(read)) {
            const shape = ROUTE_SHAPE[key as keyof typeof ROUTE_SHAPE]
            expect(shape, key).toBeDefined()
            if (value !== null) expect(shape.accepts(value), `${key}: ${JSON.stringify(value)}`).toBe(true)
          }
        }
        for (const value of Object.values(decoded.state.request)) expect(typeof value).toBe('string')
        // What is read is safe to route with: the engine reports bad routes instead of throwing.
        evaluate(decoded.state.routes, decoded.state.request, decoded.state.flavor)
      }),
      { numRuns: 500 },
    )
  })

  it('never throw on any text after the prefix', () => {
    fc.assert(fc.property(fc.string(), (text) => void decodeState(SHARE_PREFIX + text)))
  })
})
