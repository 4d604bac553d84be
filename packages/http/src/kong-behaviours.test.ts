// Kong-level known behaviours of spec/language.md §10 (K26, K31, K32): expression routes as Kong
// builds them, requests as the gateway receives them.
import { Router, type RouteInput } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { expressionRouteMatcher, validateExpressionRoute } from './expression-route.ts'
import { createFieldExtractor, type RequestLike } from './request.ts'
import { httpSchema } from './schemas.ts'
import { traditionalMatchers } from './traditional/matchers.ts'

function expressionRoute(id: string, expression: string, protocols?: readonly string[]): RouteInput {
  const built = expressionRouteMatcher(protocols === undefined ? { expression } : { expression, protocols })
  if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join('; '))
  return { id, priority: built.value.priority, expression: built.value.expr }
}

function route(router: Router, request: RequestLike): string | undefined {
  const extracted = createFieldExtractor(router.fields)(request)
  if (!extracted.ok) throw new Error(extracted.error)
  return router.match(extracted.context)?.id
}

describe('Kong route behaviours', () => {
  it('K26: header values are case-sensitive unless lower() is used', () => {
    const router = new Router(httpSchema)
    router.add(expressionRoute('00000000-0000-0000-0000-000000000001', 'http.headers.test1 == "Quote"'))
    router.add(expressionRoute('00000000-0000-0000-0000-000000000002', 'lower(http.headers.test2) == "quote"'))
    expect(route(router, { path: '/', headers: { test1: 'quote' } })).toBeUndefined()
    expect(route(router, { path: '/', headers: { test1: 'quoTe' } })).toBeUndefined()
    expect(route(router, { path: '/', headers: { test1: 'Quote' } })).toBe('00000000-0000-0000-0000-000000000001')
    expect(route(router, { path: '/', headers: { test2: 'QuoTe' } })).toBe('00000000-0000-0000-0000-000000000002')
    expect(route(router, { path: '/', headers: { Test2: 'QUOTE' } })).toBe('00000000-0000-0000-0000-000000000002')
  })

  it('K31: an expression route beats a traditional route; expression and paths together are rejected', () => {
    const router = new Router(httpSchema)
    const traditional = traditionalMatchers({ id: 'e8fb37f1-102d-461e-9c51-6608a6bb8101', paths: ['/foo'] }, { flavor: 'expressions' })
    expect(traditional.ok).toBe(true)
    for (const m of traditional.matchers) router.add({ id: m.id, priority: m.priority, expression: m.expression })
    router.add(expressionRoute('e8fb37f1-102d-461e-9c51-6608a6bb8102', 'http.path ^= r#"/foo"#'))
    expect(route(router, { path: '/foo/bar' })).toBe('e8fb37f1-102d-461e-9c51-6608a6bb8102')
    const both = traditionalMatchers({ paths: ['/foo'], expression: 'http.path ^= "/foo"' }, { flavor: 'expressions' })
    expect(both.ok).toBe(false)
  })

  it('K32: protocols amend the expression: http-only misses https; https-only still matches plain http (for the 426)', () => {
    const httpOnly = new Router(httpSchema)
    httpOnly.add(expressionRoute('00000000-0000-0000-0000-000000000001', 'http.path == "/a"', ['http']))
    expect(route(httpOnly, { path: '/a', scheme: 'http' })).toBe('00000000-0000-0000-0000-000000000001')
    expect(route(httpOnly, { path: '/a', scheme: 'https' })).toBeUndefined()
    const httpsOnly = new Router(httpSchema)
    httpsOnly.add(expressionRoute('00000000-0000-0000-0000-000000000002', 'http.path == "/a"', ['https']))
    expect(route(httpsOnly, { path: '/a', scheme: 'http' })).toBe('00000000-0000-0000-0000-000000000002')
  })

  it('K30: ill-formed segment fields and a priority of 2^46 are validation errors', () => {
    for (const expression of ['http.path.segments.1_1 == "foo"', 'http.path.segments.01_2 == "foo"']) {
      expect(validateExpressionRoute({ expression }).diagnostics[0]?.kind, expression).toBe('validation')
    }
    expect(validateExpressionRoute({ expression: 'http.path.segments.20_30 ~ r#"x/y"#' }).ok).toBe(true)
    expect(validateExpressionRoute({ expression: 'http.path == "/"', priority: 2n ** 46n }).diagnostics[0]?.kind).toBe('validation')
  })
})
