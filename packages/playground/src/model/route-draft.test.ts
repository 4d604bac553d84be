import { describe, expect, it } from 'vitest'
import type { AdminRoute } from '../admin/client.ts'
import { bodyOf, draftOf, priorityProblem, regexPriorityProblem, routeHeadersProblem } from './route-draft.ts'

const expressionRoute = { id: 'r1', name: 'api', protocols: ['http', 'https'], expression: 'http.path ^= "/api"', priority: 50, regex_priority: 0, strip_path: true, preserve_host: false, service: null } as unknown as AdminRoute
const streamRoute = { id: 'r2', name: 'db', protocols: ['tcp'], expression: null, priority: 0, sources: [{ ip: '10.0.0.0/8' }], regex_priority: 3, strip_path: true, preserve_host: false, service: null } as unknown as AdminRoute

describe('route form body', () => {
  it('clears the expression and its priority when an expression route becomes traditional (Kong refuses both at once)', () => {
    const draft = { ...draftOf(expressionRoute, 'expressions'), mode: 'traditional' as const, paths: '/api' }
    expect(bodyOf(draft, 'expressions')).toMatchObject({ expression: null, priority: 0, paths: ['/api'], methods: null })
  })

  it('sends no expression or priority at all in the traditional_compatible flavor, which has no such fields', () => {
    const body = bodyOf({ ...draftOf(undefined, 'traditional_compatible'), paths: '/t' }, 'traditional_compatible')
    expect(body).not.toHaveProperty('expression')
    expect(body).not.toHaveProperty('priority')
  })

  it('clears every traditional field, sources and destinations included, and the regex priority when a route becomes an expression route', () => {
    const draft = { ...draftOf(streamRoute, 'expressions'), mode: 'expression' as const, expression: 'net.dst.port == 5432' }
    expect(bodyOf(draft, 'expressions')).toMatchObject({ expression: 'net.dst.port == 5432', priority: 0, regex_priority: 0, sources: null, destinations: null, snis: null, paths: null })
  })

  it('keeps a stream route’s sources and destinations, and sends what was typed for them', () => {
    const draft = draftOf(streamRoute, 'expressions')
    expect(draft.sources).toBe('10.0.0.0/8')
    expect(bodyOf({ ...draft, destinations: ':5432, 10.1.1.1:6432' }, 'expressions')).toMatchObject({
      sources: [{ ip: '10.0.0.0/8' }],
      destinations: [{ port: 5432 }, { ip: '10.1.1.1', port: 6432 }],
      regex_priority: 3,
    })
  })

  it('reads an empty priority as Kong’s default 0 and trims the name', () => {
    expect(bodyOf({ ...draftOf(expressionRoute, 'expressions'), priority: ' ', name: ' api ' }, 'expressions')).toMatchObject({ priority: 0, name: 'api' })
  })
})

describe('headers box', () => {
  it('sends each named line as a header with its comma-separated values', () => {
    const draft = { ...draftOf(undefined, 'expressions'), mode: 'traditional' as const, headers: 'x-a: 1, 2\n\nX-B:3' }
    expect(bodyOf(draft, 'expressions')).toMatchObject({ headers: { 'x-a': ['1', '2'], 'X-B': ['3'] } })
  })

  it.each([
    ['x-a: 1\nx-api-key', /^Line 2 has no "Name:" and is refused/],
    ['bad\nx-a: 1\n : empty name', /^Lines 1, 3 have no "Name:" and are refused/],
    ['x-a: 1\n\n  \nx-b:', undefined],
  ])('names the lines without a name, which the form refuses to send: %j', (text, problem) => {
    if (problem === undefined) expect(routeHeadersProblem(text)).toBeUndefined()
    else expect(routeHeadersProblem(text)).toMatch(problem)
  })
})

describe('priority fields', () => {
  it.each([
    ['0', true],
    ['', true],
    [' 42 ', true],
    ['70368744177663', true],
    ['70368744177664', false],
    ['abc', false],
    ['1.5', false],
    ['-1', false],
    ['1e3', false],
  ])('expression priority %j → valid %s', (text, valid) => {
    expect(priorityProblem(text) === undefined).toBe(valid)
  })

  it.each([
    ['0', true],
    ['-5', true],
    ['', true],
    ['x', false],
    ['2.5', false],
  ])('regex priority %j → valid %s', (text, valid) => {
    expect(regexPriorityProblem(text) === undefined).toBe(valid)
  })
})
