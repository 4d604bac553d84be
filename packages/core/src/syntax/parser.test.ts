import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { withoutSpans } from './build.ts'
import { MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH } from './limits.ts'
import { parse, parseDetailed } from './parser.ts'
import { print, printExplicit } from './print.ts'

function canonical(source: string): string {
  const result = parse(source)
  if (!result.ok) throw new Error(`${source}: ${result.diagnostics.map((d) => d.code).join(', ')}`)
  return printExplicit(result.value)
}

function errorCodes(source: string): string[] {
  return parse(source).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)
}

describe('precedence (spec §1.4: || binds tighter than &&, both left-associative)', () => {
  it.each([
    ['a == "1" || b == "2" && c == "3"', '(a == "1" || b == "2") && c == "3"'],
    ['a == "1" && b == "2" || c == "3"', 'a == "1" && (b == "2" || c == "3")'],
    ['a == "1" || b == "2" && c == "3" || d == "4"', '(a == "1" || b == "2") && (c == "3" || d == "4")'],
    ['a == "1" && b == "2" && c == "3"', '(a == "1" && b == "2") && c == "3"'],
    ['!(a == "1") || b == "2"', '!(a == "1") || b == "2"'],
    ['(a == "1") && !(b == "2") || (c == "3")', 'a == "1" && (!(b == "2") || c == "3")'],
  ])('%s parses as %s', (source, expected) => {
    expect(canonical(source)).toBe(expected)
  })
})

describe('literals', () => {
  it.each([
    ['i == 0x1F', 'i == 31'],
    ['i == 0123', 'i == 83'],
    ['i == -0x123', 'i == -291'],
    ['i == -010', 'i == -8'],
    ['i == 08', 'i == 8'],
    ['i == 00', 'i == 0'],
    ['i == 9223372036854775807', 'i == 9223372036854775807'],
    ['i == -9223372036854775807', 'i == -9223372036854775807'],
    ['a == r#"a"b\\d"#', 'a == r#"a"b\\d"#'],
    ['a == "x\\"y\\\\z\\n"', 'a == "x\\"y\\\\z\\n"'],
    ['a == r#""#', 'a == r#""#'],
    ['ip in 10.0.0.0/8', 'ip in 10.0.0.0/8'],
    ['ip in10.0.0.0/8', 'ip in 10.0.0.0/8'],
    ['a contains"x"', 'a contains "x"'],
    ['ip == ::1', 'ip == ::1'],
    ['ip == fe80::1:2', 'ip == fe80::1:2'],
    ['ip in 2001:db8::/32', 'ip in 2001:db8::/32'],
    ['in == "x"', 'in == "x"'],
    ['lower (a) == "x"', 'lower(a) == "x"'],
    ['any(lower(a)) == "x"', 'any(lower(a)) == "x"'],
    ['!(!(a == "1"))', '!(!(a == "1"))'],
    ['ip not in 10.0.0.0/8', 'ip not in 10.0.0.0/8'],
    ['  a == "x"\n', 'a == "x"'],
    ['a=="x"&&b=="y"', 'a == "x" && b == "y"'],
  ])('%s', (source, expected) => {
    expect(canonical(source)).toBe(expected)
  })

  it('keeps raw line breaks inside strings', () => {
    const result = parse('a == "x\ny"')
    expect(result.ok && result.value.kind === 'Predicate' && result.value.value.kind === 'String' && result.value.value.value).toBe('x\ny')
  })
})

describe('the list extension', () => {
  const withLists = (source: string) => parse(source, { lists: true })
  it.each([
    ['http.method in ["GET", "HEAD"]', 'http.method in ["GET", "HEAD"]'],
    ['net.dst.port not in [80,443]', 'net.dst.port not in [80, 443]'],
  ])('with lists: %s', (source, expected) => {
    const result = withLists(source)
    expect(result.ok && print(result.value)).toBe(expected)
  })

  it.each([
    ['a == ["x"]', 'invalid-set'],
    ['a in []', 'empty-set'],
    ['a in ["x", 1]', 'invalid-set'],
  ])('with lists: %s → %s', (source, code) => {
    expect(withLists(source).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain(code)
  })

  it.each(['http.method in ["GET", "HEAD"]', 'net.dst.port not in [80, 443] && a == "x"', 'a == ["x"]'])('by default, as in Kong, %s is a syntax error at the list', (source) => {
    const errors = parse(source).diagnostics.filter((d) => d.severity === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'invalid-set', kind: 'syntax', span: { start: source.indexOf('['), end: source.indexOf('[') + 1 } })
    expect(errors[0]?.message).toMatch(/no lists of values/)
  })
})

describe('syntax errors', () => {
  it.each([
    ['http.path == "/" && && http.host == "a"', 20, 22, '&&'],
    ['|| a == "x"', 0, 2, '||'],
    ['a == "x" && & b == "y"', 12, 13, undefined],
  ])('names a doubled or leading operator whole: %s', (source, start, end, operator) => {
    const result = parse(source)
    expect(result.ok).toBe(false)
    const first = result.diagnostics[0]
    expect(first).toMatchObject({ code: 'expected-term', span: { start, end } })
    expect(first?.message).toBe(operator === undefined ? 'Expected a predicate or `(` but found `&`.' : `Expected a predicate or \`(\` but found the operator \`${operator}\`.`)
  })

  it.each([
    ['', 'expected-term'],
    ['   ', 'expected-term'],
    ['http.path = "/foo"', 'expected-operator'],
    ['a === "x"', 'expected-operator'],
    ['a =~ "x"', 'expected-operator'],
    ['a and b', 'expected-operator'],
    ['! a == "1"', 'not-without-parens'],
    ['!!(a == "1")', 'not-without-parens'],
    ['()', 'empty-parens'],
    ['(a == "1"', 'unclosed-paren'],
    ['a == "1")', 'unexpected-token'],
    ['i == 018', 'invalid-int'],
    ['i == 0X1F', 'invalid-int'],
    ['i == - 1', 'expected-value'],
    ['i == +1', 'expected-value'],
    ['i == 1.5', 'invalid-int'],
    ['i == 1_000', 'invalid-int'],
    ['i == -9223372036854775808', 'int-out-of-range'],
    ['i == 0xFFFFFFFFFFFFFFFF', 'int-out-of-range'],
    ['a == "\\q"', 'invalid-escape'],
    ['a == "\\x41"', 'invalid-escape'],
    ['a == "\\/"', 'invalid-escape'],
    ["a == 'x'", 'expected-value'],
    ['a == r##"x"##', 'invalid-raw-string'],
    ['a == "abc', 'unterminated-string'],
    ['ip == 010.0.0.1', 'invalid-ip'],
    ['ip == 256.0.0.1', 'invalid-ip'],
    ['ip == 1.2.3', 'invalid-int'],
    ['ip == 1.2.3.4.5', 'unexpected-token'],
    ['ip == 1:2', 'invalid-ip'],
    ['ip == ::ffff:1.2.3.4', 'unexpected-token'],
    ['ip in 10.0.0.1/8', 'cidr-host-bits'],
    ['ip in 10.0.0.0/33', 'invalid-cidr'],
    ['ip in 010.0.0.0/8', 'invalid-cidr'],
    ['ip not  in 10.0.0.0/8', 'invalid-not-in'],
    ['ip notin 10.0.0.0/8', 'invalid-not-in'],
    ['ip not\tin 10.0.0.0/8', 'invalid-not-in'],
    ['upper(a) == "x"', 'unknown-transformation'],
    ['LOWER(a) == "x"', 'unknown-transformation'],
    ['a ~ 1', 'regex-needs-string'],
    ['a == "x" ||', 'unexpected-end'],
    ['a == "1" b == "2"', 'unexpected-token'],
    ['a == "1" & b == "2"', 'unexpected-token'],
  ])('%s → %s', (source, code) => {
    expect(errorCodes(source)).toContain(code)
  })

  it('reports the span of the problem', () => {
    expect(parse('http.path = "/foo" && tcp.port == 80').diagnostics[0]).toMatchObject({ code: 'expected-operator', span: { start: 10, end: 11 } })
    expect(parse('a == "\\q"').diagnostics[0]).toMatchObject({ span: { start: 6, end: 8 } })
    expect(parse('ip in 10.0.0.1/8').diagnostics[0]).toMatchObject({ span: { start: 6, end: 16 }, hint: 'did you mean 10.0.0.0/8?' })
    expect(parse('upper(a) == "x"').diagnostics[0]).toMatchObject({ span: { start: 0, end: 5 } })
  })

  it('recovers to report several problems in one pass', () => {
    const codes = errorCodes('a = "x" && b == "\\q" || (c == 018) && ip in 10.0.0.1/8')
    expect(codes).toEqual(['expected-operator', 'invalid-escape', 'invalid-int', 'cidr-host-bits'])
  })

  it('explains a header name written with `-`, and how Kong spells it', () => {
    const d = parse('http.headers.X-Tenant == "a"').diagnostics[0]
    expect(d).toMatchObject({ code: 'expected-operator', span: { start: 14, end: 15 }, hint: 'write the header name in lower case with `_` for `-`: `http.headers.x_tenant`' })
    expect(d?.message).toContain('`http.headers.X-Tenant` stops at `http.headers.X`')
  })

  it('goes on right after a literal whose value is wrong, so that a grammar error after it is found too', () => {
    // The literal has the grammar's shape (atc converts literals after its grammar ran), so what
    // follows it is parsed as usual instead of being skipped to the next && or ||.
    expect(errorCodes('ip in 1.2.3.4/3 a')).toEqual(['cidr-host-bits', 'unexpected-token'])
    expect(parse('ip in 1.2.3.4/3 a').diagnostics[1]).toMatchObject({ span: { start: 16, end: 17 } })
    expect(errorCodes('ip == 1.2.3.256 b')).toEqual(['invalid-ip', 'unexpected-token'])
    expect(errorCodes('p ~ "(" )')).toEqual(['invalid-regex', 'unexpected-token'])
    expect(errorCodes('(n == 99999999999999999999 x) && a == "y"')).toEqual(['unclosed-paren', 'int-out-of-range'])
    expect(errorCodes('n == 99999999999999999999 && a = "y"')).toEqual(['int-out-of-range', 'expected-operator'])
    // A digit right after the longest length the grammar reads (2 for IPv4, 3 for IPv6) is that
    // grammar error, never an integer literal of its own.
    expect(errorCodes('ip in ::1/1228')).toEqual(['cidr-host-bits', 'unexpected-token'])
    expect(errorCodes('ip in 10.0.0.1/889')).toEqual(['invalid-cidr', 'unexpected-token'])
    expect(errorCodes('ip in 10.0.0.0/000')).toEqual(['cidr-host-bits', 'unexpected-token'])
    // Value errors alone report nothing more.
    expect(errorCodes('ip in 1.2.3.4/3 && p ~ "(" && n == 99999999999999999999')).toEqual(['cidr-host-bits', 'invalid-regex', 'int-out-of-range'])
  })

  it('rejects over-long and over-deep input with a limit diagnostic', () => {
    expect(errorCodes('a == "x" || '.repeat(3000) + 'a == "x"')).toContain('limit-exceeded')
    // Only the limit: the balanced parentheses around it are not reported as never closed.
    expect(errorCodes(`${'('.repeat(MAX_NESTING_DEPTH + 1)}a == "x"${')'.repeat(MAX_NESTING_DEPTH + 1)}`)).toEqual(['limit-exceeded'])
    expect(parse(`${'('.repeat(MAX_NESTING_DEPTH)}a == "x"${')'.repeat(MAX_NESTING_DEPTH)}`).ok).toBe(true)
    expect(errorCodes(`${'('.repeat(30)}${'lower('.repeat(MAX_NESTING_DEPTH + 1)}a${')'.repeat(MAX_NESTING_DEPTH + 1)} == "x"${')'.repeat(30)}`)).toEqual(['limit-exceeded'])
    expect(errorCodes(`a == "${'x'.repeat(MAX_EXPRESSION_LENGTH)}"`)).toContain('limit-exceeded')
    expect(parse(`a == "${'x'.repeat(MAX_EXPRESSION_LENGTH - 7)}"`).ok).toBe(true)
  })

  it.each([
    ['lower(', 9000],
    ['any(', 10_000],
    ['a(', 20_000],
  ])('rejects %s nested %i times with a limit diagnostic instead of overflowing the stack', (open, times) => {
    const source = `${open.repeat(times)}http.path${')'.repeat(times)} == "x"`
    expect(() => parseDetailed(source)).not.toThrow()
    expect(errorCodes(source)).toContain('limit-exceeded')
  })

  it('accepts transformations nested up to the nesting limit', () => {
    expect(parse(`${'lower('.repeat(MAX_NESTING_DEPTH)}a${')'.repeat(MAX_NESTING_DEPTH)} == "x"`).ok).toBe(true)
    expect(errorCodes(`${'lower('.repeat(MAX_NESTING_DEPTH + 1)}a${')'.repeat(MAX_NESTING_DEPTH + 1)} == "x"`)).toEqual(['limit-exceeded'])
  })
})

describe('the mixed && / || warning', () => {
  it('warns on an unparenthesised || under &&, at the || group', () => {
    const result = parse('a == "1" && b == "2" || c == "3"')
    expect(result.ok).toBe(true)
    expect(result.diagnostics).toMatchObject([{ code: 'mixed-and-or', severity: 'warning', span: { start: 12, end: 32 } }])
    expect(result.diagnostics[0]?.hint).toBe('add parentheses to make the grouping explicit: (b == "2" || c == "3")')
  })

  it('quotes a long group by its ends in the hint, so that a long chain of them stays short', () => {
    const group = Array.from({ length: 40 }, (_, i) => `b == "${i}"`).join(' || ')
    const result = parse(`a == "1" && ${group}`)
    expect(result.diagnostics[0]?.hint).toBe('add parentheses to make the grouping explicit: (b == "0" || b == "1" || b == "2" || … || b == "37" || b == "38" || b == "39")')
  })
  it.each(['a == "1" && (b == "2" || c == "3")', 'a == "1" || b == "2"', 'a == "1" && b == "2"', '(a == "1" || b == "2") && c == "3"'])(
    'does not warn on %s',
    (source) => {
      expect(parse(source).diagnostics).toEqual([])
    },
  )
})

describe('tokens for highlighting', () => {
  it('classifies every part of a predicate', () => {
    const { tokens } = parseDetailed('lower(http.host) == r#"x"# && !(net.src.ip in 10.0.0.0/8)')
    expect(tokens.map((t) => t.kind)).toEqual([
      'transform', 'paren', 'field', 'paren', 'operator', 'raw-string', 'logical', 'not', 'paren', 'field', 'operator', 'cidr', 'paren',
    ])
  })
})

// An arbitrary expression generator for round trips.
const field = fc.constantFrom('a', 'b.c', 'http.path', 'in', 'x_1')
const stringLiteral = fc.oneof(
  fc.string().map((s) => JSON.stringify(s).replace(/\\u[0-9a-f]{4}|\\[bf]/g, '')),
  fc.string().filter((s) => !s.includes('"#')).map((s) => `r#"${s}"#`),
)
const predicateText = fc.oneof(
  fc.tuple(field, fc.constantFrom('==', '!=', '^=', '=^', 'contains'), stringLiteral).map(([f, o, v]) => `${f} ${o} ${v}`),
  fc.tuple(field, fc.constantFrom('==', '!=', '>', '>=', '<', '<='), fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n })).map(([f, o, v]) => `${f} ${o} ${v}`),
  fc.tuple(field, fc.constantFrom('in', 'not in'), fc.constantFrom('10.0.0.0/8', '::/0', '192.168.1.0/24')).map(([f, o, v]) => `${f} ${o} ${v}`),
  fc.tuple(fc.constantFrom('lower', 'any'), field, stringLiteral).map(([t, f, v]) => `${t}(${f}) == ${v}`),
)
const expressionText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    predicateText,
    fc.tuple(tie('expr'), fc.constantFrom('&&', '||'), tie('expr')).map(([l, o, r]) => `${l} ${o} ${r}`),
    tie('expr').map((e) => `(${e})`),
    tie('expr').map((e) => `!(${e})`),
  ),
})).expr

describe('properties', () => {
  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (source) => {
        parseDetailed(source)
      }),
      { numRuns: 2000 },
    )
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '==', '"x"', 'r#"', '"#', '(', ')', '!', '&&', '||', ' ', '1', '0x', '::', '/', '.', 'in', 'not', '[', ']', ','), { maxLength: 30 }), (parts) => {
        parseDetailed(parts.join(''))
      }),
      { numRuns: 3000 },
    )
  })

  it('never throws on adversarial input near the limits', () => {
    const open = fc.constantFrom('(', '!(', 'lower(', 'any(', 'a(')
    const piece = fc.constantFrom('a == "x"', 'a', ')', '&&', '||', '"\\u{10FFFF}"', '"\\u{D800}"', '"\uD800"', '\uFFFD', '\u202E', 'r#"', '"#', '9223372036854775808', '-9223372036854775809', '0x7fffffffffffffff', '::ffff:1.2.3.4/129', '1.2.3.4/33', 'in', '~', '[', ']', ',')
    fc.assert(
      fc.property(open, fc.integer({ min: MAX_NESTING_DEPTH - 2, max: 3000 }), fc.array(piece, { maxLength: 12 }), (prefix, times, rest) => {
        const source = prefix.repeat(times) + rest.join(' ') + ')'.repeat(times)
        const outcome = parseDetailed(source)
        expect(outcome.expr === undefined).toBe(outcome.diagnostics.some((d) => d.severity === 'error'))
      }),
      { numRuns: 300 },
    )
  })

  it('round-trips through print: parse(print(ast)) equals ast', () => {
    fc.assert(
      fc.property(expressionText, (source) => {
        const first = parse(source)
        if (!first.ok) return
        const again = parse(print(first.value))
        expect(again.ok).toBe(true)
        if (again.ok) expect(withoutSpans(again.value)).toEqual(withoutSpans(first.value))
      }),
      { numRuns: 1000 },
    )
  })
})
