import { FieldContext, Router, parse, print, withoutSpans, type Expr } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import {
  EXPRESSION_ONLY_BITS,
  MAX_EXPRESSION_PRIORITY,
  amendProtocols,
  expressionRouteMatcher,
  expressionRoutePriority,
  isWellFormedSegmentSuffix,
  kongExpressionError,
  validateExpressionRoute,
} from './expression-route.ts'
import { rewriteNetPortMapped, usesNetPort } from './net-port.ts'
import { createFieldExtractor, type RequestLike } from './request.ts'
import { httpSchema } from './schemas.ts'

function tree(source: string): Expr {
  const parsed = parse(source)
  if (!parsed.ok) throw new Error(`does not parse: ${source}`)
  return withoutSpans(parsed.value)
}

function codes(route: Parameters<typeof validateExpressionRoute>[0]): string[] {
  return validateExpressionRoute(route).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)
}

describe('validateExpressionRoute', () => {
  it.each([
    ['http.path ^= "/foo"', ['http'], []],
    ['http.path.segments.20_30 ~ r#"x/y"#', ['http'], []],
    ['http.path.segments.len == 1 && http.path.segments.0 == "a"', ['http'], []],
    ['net.port == 8000', ['http'], []],
    ['net.port != 8000 && net.port>=1', ['tcp'], []],
    ['any(net.port) == 8000', ['http'], ['unknown-field']],
    ['http.method == "GET"', ['tcp'], ['unknown-field']],
    ['http.method == "GET"', ['tls', 'http'], ['unknown-field']],
    ['http.method == "GET"', ['grpcs', 'tcp'], []],
    ['http.method == "GET"', [], []],
    ['http.path == 1', ['http'], ['operator-type-mismatch']],
    ['http.path = "/x"', ['http'], ['syntax']],
  ])('%j with protocols %j → %j', (expression, protocols, expected) => {
    const found = codes({ expression, protocols })
    if (expected[0] === 'syntax') expect(validateExpressionRoute({ expression, protocols }).diagnostics[0]?.kind).toBe('syntax')
    else expect(found).toEqual(expected)
  })

  // Kong sets no such limits, so atc has no text for them: the message says the limit, not the
  // grammar error the parser met where it stopped.
  it.each([
    ['predicates', Array.from({ length: 2100 }, (_, i) => `http.path == "/p${i}"`).join(' || '), 'The expression has more than 2048 predicates.'],
    ['nesting', `${'('.repeat(300)}http.path == "/"${')'.repeat(300)}`, 'Parentheses nest deeper than 256 levels.'],
  ])('reports the %s limit in the Kong-facing message', (_name, expression, message) => {
    const route = { expression, protocols: ['http'] }
    expect(kongExpressionError(route, validateExpressionRoute(route))).toBe(`Router Expression failed validation: ${message}`)
  })

  // K30 and Kong's 06-routes_spec.lua: every rejected and accepted suffix.
  it.each(['len0', 'len_a', '', 'abc', 'a_c', '1_2_3', '1_', '_1', '2_1', '1_1', '01_2', '001_2', '1_03', '01'])(
    'rejects http.path.segments.%s as ill-formed',
    (suffix) => {
      expect(isWellFormedSegmentSuffix(suffix)).toBe(false)
      const field = `http.path.segments.${suffix}`
      const result = validateExpressionRoute({ expression: `${field} == "foo"` })
      const diagnostic = result.diagnostics.find((d) => d.code === 'illformed-segments-field')
      expect(diagnostic).toMatchObject({ kind: 'validation', span: { start: 0, end: field.length } })
      expect(diagnostic?.message).toBe('Router Expression failed validation: illformed http.path.segments.* field')
    },
  )

  it.each(['len', '0', '1', '10', '0_1', '1_2', '20_30', '9_10'])('accepts http.path.segments.%s', (suffix) => {
    expect(isWellFormedSegmentSuffix(suffix)).toBe(true)
    expect(codes({ expression: `http.path.segments.${suffix} ${suffix === 'len' ? '== 1' : '== "x"'}` })).toEqual([])
  })

  it.each([
    [0n, []],
    [MAX_EXPRESSION_PRIORITY, []],
    [2n ** 46n, ['invalid-priority']],
    [-1, ['invalid-priority']],
    [1.5, ['invalid-priority']],
    [2 ** 46 - 1, []],
  ])('priority %s → %j', (priority, expected) => {
    expect(codes({ expression: 'http.path == "/"', priority })).toEqual(expected)
  })

  it('reports Kong\'s priority message with kind validation', () => {
    expect(validateExpressionRoute({ expression: 'http.path == "/"', priority: 2n ** 46n }).diagnostics[0]).toMatchObject({
      code: 'invalid-priority',
      kind: 'validation',
      message: 'value should be between 0 and 70368744177663',
      span: { start: 0, end: 0 },
    })
  })

  it('reports every problem, and the fields read after the rewrite', () => {
    const result = validateExpressionRoute({ expression: 'http.path.segments.1_1 == "a" && foo == "b"', priority: -1 })
    expect(result.ok).toBe(false)
    expect(result.diagnostics.map((d) => d.code)).toEqual(['invalid-priority', 'unknown-field', 'illformed-segments-field'])
    expect(validateExpressionRoute({ expression: 'net.port == 1 && http.path == "/"' }).fields).toEqual(['net.dst.port', 'http.path'])
    // Asking whether a text uses net.port leaves nothing behind that changes the next rewrite.
    expect(usesNetPort('a net.port == 1')).toBe(true)
    expect(validateExpressionRoute({ expression: 'net.port == 1' })).toMatchObject({ ok: true, fields: ['net.dst.port'] })
  })
})

describe('net.port rewrite (§8.4): textual, as Kong does it', () => {
  it.each([
    ['net.port == 8000', 'net.dst.port == 8000'],
    ['net.port != 8000', 'net.dst.port != 8000'],
    ['net.port >= 1 && net.port < 2 && net.port <= 3 && net.port > 0', 'net.dst.port >= 1 && net.dst.port < 2 && net.dst.port <= 3 && net.dst.port > 0'],
    ['!(net.port == 1) || http.path == "/net.port == 1"', '!(net.dst.port == 1) || http.path == "/net.dst.port == 1"'],
    ['http.path ~ r#"^/x/net.port!"#', 'http.path ~ r#"^/x/net.dst.port!"#'],
    ['any(net.port) == 8000', 'any(net.port) == 8000'],
    ['net.port in 10.0.0.0/8', 'net.port in 10.0.0.0/8'],
    ['net.port ~ "x"', 'net.port ~ "x"'],
    ['net.portal == 1', 'net.portal == 1'],
  ])('%s → %s', (source, expected) => {
    const built = expressionRouteMatcher({ expression: source, protocols: ['https'] })
    expect(built.ok && print(built.value.expr)).toBe(print(tree(expected)))
  })

  it('maps diagnostics back to the text as written', () => {
    // `net.port` becomes `net.dst.port` twice before the error: the span must not move by 8.
    const source = 'net.port == 1 && net.port == 2 && http.path == 3'
    const [diagnostic] = validateExpressionRoute({ expression: source }).diagnostics
    expect(diagnostic?.kind).toBe('type')
    expect(diagnostic?.span.start).toBe(source.lastIndexOf('=='))
    const unknown = validateExpressionRoute({ expression: 'net.port == 1 && nope == 1' }).diagnostics[0]
    expect('net.port == 1 && nope == 1'.slice(unknown?.span.start, unknown?.span.end)).toBe('nope')
  })

  it('maps an offset inside the inserted text to where it was inserted', () => {
    const rewrite = rewriteNetPortMapped('a && net.port == 1 && net.port == 2')
    expect(rewrite.text).toBe('a && net.dst.port == 1 && net.dst.port == 2')
    expect(rewrite.toWritten(5)).toBe(5)
    expect(rewrite.toWritten(9)).toBe(8)
    expect(rewrite.toWritten(12)).toBe(8)
    expect(rewrite.toWritten(13)).toBe(9)
    expect(rewrite.toWritten(rewrite.text.length)).toBe('a && net.port == 1 && net.port == 2'.length)
  })
})

describe('amendProtocols', () => {
  it.each([
    [['http', 'https'], 'http.path == "/a" || http.path == "/b"', '(http.path == "/a" || http.path == "/b") && (net.protocol == r#"http"# || net.protocol == r#"https"#)'],
    [['http'], 'a == "1" && b == "2"', 'a == "1" && b == "2" && net.protocol == r#"http"#'],
    [['grpc', 'grpcs'], 'a == "1"', 'a == "1" && (net.protocol == r#"http"# || net.protocol == r#"https"#)'],
    [['tls_passthrough', 'tcp'], 'a == "1"', 'a == "1" && (net.protocol == r#"tcp"# || net.protocol == r#"tcp"#)'],
    [['https'], 'a == "1"', 'a == "1"'],
    [['tls'], 'a == "1"', 'a == "1"'],
    [['tls_passthrough'], 'a == "1"', 'a == "1"'],
    [['grpcs'], 'a == "1"', 'a == "1" && net.protocol == r#"https"#'],
    [['udp'], 'a == "1"', 'a == "1" && net.protocol == r#"udp"#'],
    [[], 'a == "1"', 'a == "1" && (net.protocol == r#"http"# || net.protocol == r#"https"#)'],
  ])('protocols %j: %s → %s', (protocols, source, expected) => {
    const amended = amendProtocols(tree(source), protocols)
    expect(withoutSpans(amended)).toEqual(tree(expected))
  })

  it('conjoins the whole expression as an And node', () => {
    const amended = amendProtocols(tree('a == "1" || b == "2"'), ['http'])
    expect(amended.kind).toBe('And')
  })
})

describe('expressionRouteMatcher', () => {
  it('sets the expression-only bits above the priority', () => {
    expect(expressionRoutePriority(0)).toBe(0xff00000000000000n)
    expect(expressionRoutePriority(5n)).toBe(EXPRESSION_ONLY_BITS | 5n)
    const built = expressionRouteMatcher({ expression: 'net.port == 1', priority: MAX_EXPRESSION_PRIORITY, protocols: ['http'] })
    expect(built.ok && built.value.priority).toBe(0xff003fffffffffffn)
    expect(built.ok && withoutSpans(built.value.expr)).toEqual(tree('net.dst.port == 1 && net.protocol == r#"http"#'))
  })

  it('fails on a syntax error or an out-of-range priority', () => {
    expect(expressionRouteMatcher({ expression: 'http.path = "/"' }).ok).toBe(false)
    expect(expressionRouteMatcher({ expression: 'http.path == "/"', priority: 2n ** 46n })).toMatchObject({
      ok: false,
      diagnostics: [{ code: 'invalid-priority' }],
    })
  })

  function route(expression: string, protocols: readonly string[], request: RequestLike): string | undefined {
    const router = new Router(httpSchema)
    const built = expressionRouteMatcher({ expression, protocols })
    if (!built.ok) throw new Error('route rejected')
    const added = router.add({ id: 'r', priority: built.value.priority, expression: built.value.expr })
    if (!added.ok) throw new Error(added.diagnostics.map((d) => d.message).join('; '))
    const extracted = createFieldExtractor(router.fields)(request, new FieldContext())
    if (!extracted.ok) throw new Error(extracted.error)
    return router.match(extracted.context)?.id
  }

  it.each([
    [['http'], 'http', 'r'],
    [['http'], 'https', undefined],
    [['https'], 'https', 'r'],
    [['https'], 'http', 'r'],
    [['http', 'https'], 'https', 'r'],
    [['grpc'], 'http', 'r'],
    [['grpcs'], 'http', undefined],
  ])('K32: protocols %j, %s request → %s', (protocols, scheme, expected) => {
    expect(route('http.path == "/a"', protocols, { path: '/a', scheme })).toBe(expected)
  })

  it.each([
    ['www.example.com:80', undefined, undefined],
    ['www.example.com:8000', undefined, 'r'],
    ['www.example.com', 8000, 'r'],
    ['www.example.com', 80, undefined],
  ])('K29: Host %s, server port %s → %s', (host, dstPort, expected) => {
    const request: RequestLike = dstPort === undefined ? { path: '/', host } : { path: '/', host, dst_port: dstPort }
    expect(route('http.host == "www.example.com" && net.port == 8000', ['http'], request)).toBe(expected)
  })
})
