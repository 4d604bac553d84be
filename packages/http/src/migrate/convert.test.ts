import { describe, expect, it } from 'vitest'
import { checkConversion } from './check.ts'
import { convertConfig } from './convert.ts'
import type { JsonObject } from './kong-config.ts'
import { formatCheck, formatSummary } from './summary.ts'

const ID = (n: string): string => `e8fb37f1-102d-461e-9c51-6608a6bb${n}`

const CONFIG: JsonObject = {
  _format_version: '3.0',
  services: [
    {
      name: 'svc',
      url: 'http://upstream:8080/base',
      routes: [
        { id: ID('8101'), name: 'split', paths: ['~/regex.*$', '/long-path', '/one', '/two', '/three', '~/.*'], strip_path: true, tags: ['a'] },
        { id: ID('8102'), name: 'p', hosts: ['api.example.com'], preserve_host: true },
        { id: ID('8103'), name: 'q', hosts: ['*.example.com'], paths: ['/v1'], regex_priority: 0 },
        { id: ID('8104'), name: 'named', paths: ['~/users/(?<id>\\d+)'] },
        { name: 'no-id', methods: ['GET'] },
        { id: ID('8105'), name: 'expr', expression: 'http.path == "/exact"', priority: 0 },
      ],
    },
  ],
  routes: [{ id: ID('8106'), name: 'top', service: 'svc', protocols: ['tcp'], sources: [{ ip: '10.0.0.0/8' }] }],
  plugins: [{ name: 'cors' }],
}

describe('convertConfig', () => {
  const conversion = convertConfig(CONFIG)
  const routes = (conversion.config?.['services'] as { routes: Record<string, unknown>[] }[])[0]!.routes

  it('splits routes with Kong’s derived ids and keeps every other field', () => {
    expect(routes.slice(0, 4).map((route) => [route['id'], route['name'], route['expression']])).toEqual([
      ['086b6591-cafa-58be-b2dd-7640f294421f', 'split-1', '(http.path ~ r#"^/regex.*$"# || http.path ~ r#"^/.*"#)'],
      ['f3f66107-db02-53dc-baaf-ff30ef99a039', 'split-2', '(http.path ^= r#"/long-path"#)'],
      [expect.any(String), 'split-3', '(http.path ^= r#"/one"# || http.path ^= r#"/two"#)'],
      [expect.any(String), 'split-4', '(http.path ^= r#"/three"#)'],
    ])
    expect(routes[0]).toMatchObject({ strip_path: true, tags: ['a'] })
    expect(routes[0]).not.toHaveProperty('paths')
    expect(conversion.config?.['plugins']).toEqual([{ name: 'cors' }])
    expect(conversion.config?.['_format_version']).toBe('3.0')
  })

  it('keeps Kong 3.10 order: the plain host P above the wildcard Q', () => {
    const p = routes.find((route) => route['name'] === 'p')!
    const q = routes.find((route) => route['name'] === 'q')!
    expect(p['priority']).toBeGreaterThan(q['priority'] as number)
    expect(q).not.toHaveProperty('regex_priority')
  })

  it('keeps expression routes above the converted ones', () => {
    const expression = routes.find((route) => route['name'] === 'expr')!
    expect(expression['expression']).toBe('http.path == "/exact"')
    for (const route of routes) if (route !== expression) expect(expression['priority']).toBeGreaterThan(route['priority'] as number)
  })

  it('gives a route without id a derived one and converts stream routes', () => {
    expect(routes.find((route) => route['name'] === 'no-id')?.['id']).toMatch(/^[0-9a-f-]{36}$/)
    expect((conversion.config?.['routes'] as Record<string, unknown>[])[0]).toMatchObject({
      service: 'svc',
      protocols: ['tcp'],
      expression: '(net.src.ip in 10.0.0.0/8)',
    })
  })

  it('summarises', () => {
    expect(conversion).toMatchObject({ routesConverted: 6, routesSplit: 1, routesCreated: 9, expressionRoutes: 1, assignedIds: 1 })
    expect(conversion.regexRewrites).toEqual([{ routeId: ID('8104'), path: '~/users/(?<id>\\d+)' }])
    expect(conversion.orderDiffers).toEqual(expect.arrayContaining([ID('8102'), ID('8103')]))
    expect(formatSummary(conversion)).toContain('routes converted: 6')
  })

  it('proves the conversion with --check', () => {
    const report = checkConversion(CONFIG, conversion.config!, { flavor: 'expressions', sourceOf: conversion.sourceOf })
    expect(report.requests).toBeGreaterThan(50)
    expect(report.differences).toEqual([])
    expect(report.skipped).toEqual([])
  })

  it('reports exactly the requests that change route under the documented layout', () => {
    const documented = convertConfig(CONFIG, { priority: 'documented' })
    const report = checkConversion(CONFIG, documented.config!, { flavor: 'expressions', sourceOf: documented.sourceOf })
    expect(report.differences.length).toBeGreaterThan(0)
    const pq = report.differences.find((d) => d.request.host === 'api.example.com' && d.request.path.startsWith('/v1'))
    expect(pq).toMatchObject({ before: { route: ID('8102') }, after: { route: ID('8103') } })
    expect(formatCheck(report)).toMatch(/before route .*8102.*after route .*8103/)
  })

  it('copies plugins of a split route onto every part', () => {
    const plugin = 'a6b1c2d3-0000-4000-8000-000000000001'
    const config: JsonObject = {
      _format_version: '3.0',
      routes: [{ id: ID('8101'), name: 'r', paths: ['/a', '/bb'], plugins: [{ id: plugin, name: 'cors' }] }],
      plugins: [{ name: 'key-auth', route: 'r' }, { name: 'acl', route: { id: ID('8101') } }, { name: 'other', route: 'elsewhere' }],
    }
    const converted = convertConfig(config).config!
    const routes = converted['routes'] as { id: string; plugins: { id: string }[] }[]
    expect(routes.map((route) => route.plugins[0]!.id)).toEqual([plugin, expect.not.stringMatching(plugin)])
    expect(converted['plugins']).toEqual([
      { name: 'key-auth', route: 'r-1' },
      { name: 'key-auth', route: 'r-2' },
      { name: 'acl', route: { id: routes[0]!.id } },
      { name: 'acl', route: { id: routes[1]!.id } },
      { name: 'other', route: 'elsewhere' },
    ])
  })

  it('refuses invalid routes with Kong’s message and other format versions', () => {
    const bad = convertConfig({ _format_version: '3.0', routes: [{ id: ID('8101'), paths: ['foo'] }] })
    expect(bad.config).toBeUndefined()
    expect(bad.errors[0]?.message).toBe('schema violation (paths.1: should start with: / (fixed path) or ~/ (regex path))')
    expect(convertConfig({ _format_version: '2.1' }).errors[0]?.message).toMatch(/unsupported _format_version/)
  })

  it.each([
    ['http.nope == "x"', 0, 'unknown-field', { start: 0, end: 9 }],
    ['http.path.segments.01 == "a"', 0, 'illformed-segments-field', { start: 0, end: 21 }],
    ['http.path == 1', 0, 'operator-type-mismatch', { start: 10, end: 12 }],
  ])('refuses the invalid expression route %s, listed with the invalid traditional ones', (expression, priority, code, span) => {
    const conversion = convertConfig({ _format_version: '3.0', routes: [{ id: ID('8101'), expression, priority }, { id: ID('8102'), paths: ['foo'] }] })
    expect(conversion.config).toBeUndefined()
    expect(conversion.errors.map((e) => e.id)).toEqual([ID('8101'), ID('8102')])
    expect(conversion.errors[0]?.message).toMatch(/^Router Expression failed validation: /)
    expect(conversion.errors[0]?.expression).toMatchObject({ source: expression, diagnostics: [{ code, span }] })
    expect(formatSummary(conversion)).toMatch(/conversion failed: 2 route\(s\) are invalid\n.*8101.*\n {4}error\[/)
  })

  it('says an expression route priority out of range without a caret', () => {
    const conversion = convertConfig({ _format_version: '3.0', routes: [{ id: ID('8101'), expression: 'http.path == "/"', priority: 2 ** 50 }] })
    expect(conversion.errors).toMatchObject([{ message: 'priority: value should be between 0 and 70368744177663', expression: { diagnostics: [] } }])
  })

  it('flags what changes when the original runs in traditional_compatible (https on http-only routes)', () => {
    const config: JsonObject = { _format_version: '3.0', routes: [{ id: ID('8101'), protocols: ['http'], paths: ['/'] }] }
    const conversion = convertConfig(config, { flavor: 'traditional_compatible' })
    const report = checkConversion(config, conversion.config!, { flavor: 'traditional_compatible', sourceOf: conversion.sourceOf })
    expect(report.differences.some((d) => d.request.scheme === 'https' && d.after.route === null)).toBe(true)
  })
})
