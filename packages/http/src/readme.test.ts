// The README's example, run as written (keep the two alike): a request routed by an expression
// route and a converted traditional route, then the upstream request Kong would send.
import { Router } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { createFieldExtractor, expressionRouteMatcher, httpSchema, traditionalMatchers, upstreamRequest } from './index.ts'

describe("the README's example", () => {
  it('routes a request and builds its upstream request', () => {
    const router = new Router(httpSchema)

    const users = expressionRouteMatcher({ expression: 'http.path ^= "/users/" && http.method == "GET"', priority: 10, protocols: ['http', 'https'] })
    expect(users.ok).toBe(true)
    if (users.ok) expect(router.add({ id: 'users', priority: users.value.priority, expression: users.value.expr }).ok).toBe(true)

    const legacy = traditionalMatchers({ id: 'legacy', paths: ['/old', '~/v0/(?<rest>.*)$'], methods: ['GET'] }, { flavor: 'expressions' })
    expect(legacy.ok).toBe(true)
    if (legacy.ok) for (const m of legacy.matchers) expect(router.add({ id: m.id, priority: m.priority, expression: m.expression }).ok).toBe(true)
    expect(legacy.matchers[0]?.expression).toBe('(http.method == r#"GET"#) && (http.path ^= r#"/old"#) && (net.protocol == r#"http"# || net.protocol == r#"https"#)')

    const extract = createFieldExtractor(router.fields)
    const fields = extract({ method: 'GET', path: '/users/42?expand=1', host: 'api.example.com', scheme: 'https', src_ip: '192.0.2.7', src_port: 51234 })
    const match = fields.ok ? router.match(fields.context) : undefined
    expect(match?.id).toBe('users')
    expect(match?.matches['http.path']).toBe('/users/')

    const upstream = upstreamRequest(
      { protocols: ['http', 'https'], strip_path: true },
      { url: 'http://users.internal:8080/v1' },
      { target: '/users/42?expand=1', host: 'api.example.com', scheme: 'https' },
      { path: match?.matches['http.path'] as string, captures: match?.captures },
    )
    expect(upstream).toMatchObject({ kind: 'proxy', path: '/v1/42?expand=1', host: 'users.internal:8080', prefix: '/users/' })
  })

  it('says what it cannot read, and answers 426 for a route the scheme does not reach, as the README says', () => {
    const extract = createFieldExtractor(['http.headers.x_tenant'])
    expect(extract({ path: '/', headers: { 'x-tenant': 'caf\udce9' } })).toMatchObject({ ok: false, field: 'http.headers.x_tenant' })
    expect(upstreamRequest({ protocols: ['https'] }, { url: 'http://a.internal' }, { target: '/', host: 'api.example.com', scheme: 'http' }, {})).toMatchObject({ kind: 'respond', status: 426 })
  })
})
