// Per-field conversion (traditional-routes.md §2), byte for byte.
import { describe, expect, it } from 'vitest'
import { addressLiteral, addressesExpression } from './addresses.ts'
import { traditionalExpression } from './expression.ts'
import { rewriteNetPort } from '../net-port.ts'
import { flavorExpression, protocolPredicate } from './flavor.ts'
import { headerExpression, headerField } from './headers.ts'
import { hostPredicate, splitHostPort } from './hosts.ts'
import { stringLiteral } from './literals.ts'
import { pathPredicate, regexPathPattern } from './paths.ts'
import type { TraditionalRoute } from './route.ts'
import { sniPredicate, snisExpression } from './snis.ts'

describe('string literals (§2.2)', () => {
  it.each([
    ['GET', 'r#"GET"#'],
    ['^/\\"/*$', 'r#"^/\\"/*$"#'],
    ['^/\\"#/*$', '"^/\\\\\\"#/*$"'],
    ['a"#b', '"a\\"#b"'],
  ])('%s → %s', (value, literal) => expect(stringLiteral(value)).toBe(literal))
})

describe('snis (§2.3)', () => {
  it.each([
    ['a', 'tls.sni == r#"a"#'],
    ['a.test.', 'tls.sni == r#"a.test"#'],
    ['.', 'tls.sni == r#"."#'],
    ['*.b.test', 'tls.sni =^ r#".b.test"#'],
    ['*.b.test.', 'tls.sni =^ r#".b.test"#'],
    ['*sni.test', 'tls.sni =^ r#"sni.test"#'],
    ['c.*', 'tls.sni ^= r#"c."#'],
  ])('%s → %s', (sni, predicate) => expect(sniPredicate(sni)).toBe(predicate))

  it('guards the group with the protocol', () => {
    expect(snisExpression(['a', '*.b.test', 'c.*'], false)).toBe(
      '(net.protocol != r#"https"# || (tls.sni == r#"a"# || tls.sni =^ r#".b.test"# || tls.sni ^= r#"c."#))',
    )
    expect(snisExpression(['a'], true)).toBe('(net.protocol != r#"tls"# || (tls.sni == r#"a"#))')
  })
})

describe('sources and destinations (§2.4)', () => {
  it('writes addresses, masked IPv4 CIDRs, ports and pairs', () => {
    expect(addressesExpression('src', [{ ip: '127.168.0.1/8' }, { port: 65001 }, { ip: '10.0.0.1', port: 80 }])).toBe(
      '(net.src.ip in 127.0.0.0/8 || net.src.port == 65001 || (net.src.ip == 10.0.0.1 && net.src.port == 80))',
    )
    expect(addressesExpression('dst', [{ ip: '2001:db8::/32' }])).toBe('(net.dst.ip in 2001:db8::/32)')
  })

  it.each([
    ['10.1.2.3/24', '10.1.2.0/24'],
    ['10.1.2.3/32', '10.1.2.3/32'],
    ['10.1.2.3/0', '10.1.2.3/0'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:db8::1/32', '2001:db8::1/32'],
    // The length as a number, as ipmatcher's split_ip gives it to Kong's transform.
    ['::/08', '::/8'],
    ['10.0.0.0/08', '10.0.0.0/8'],
    // Kong's parse_ip_addr, checked against Kong's transform.lua under LuaJIT: the length is read
    // with tonumber (no number → no length, compared with ==), an address inet_pton refuses is kept
    // as written, and the length is written as Lua writes the number.
    ['10.1.2.3/', '10.1.2.3'],
    ['1.2.3.4/32/1', '1.2.3.4'],
    ['10.1.2.3/0x8', '10.0.0.0/8'],
    ['10.1.2.3/ 8', '10.0.0.0/8'],
    ['010.1.2.3/8', '010.1.2.3/8'],
    ['300.1.2.3/8', '300.1.2.3/8'],
    ['1.2.3/8', '1.2.3/8'],
    ['1.2.3.4/8.5', '1.0.0.0/8.5'],
    ['10.1.2.3/1e1', '10.0.0.0/10'],
    ['2001:db8::1/0x40', '2001:db8::1/64'],
  ])('%s → %s', (ip, literal) => expect(addressLiteral(ip)).toBe(literal))

  it.each([
    [{ ip: '10.0.0.1/' }, 'net.src.ip == 10.0.0.1'],
    [{ ip: '10.1.2.3/8', port: 80 }, '(net.src.ip in 10.0.0.0/8 && net.src.port == 80)'],
    [{ port: 1e15 }, 'net.src.port == 1e+15'],
  ])('%j → %s', (element, predicate) => expect(addressesExpression('src', [element])).toBe(`(${predicate})`))
})

describe('hosts (§2.6)', () => {
  it.each([
    ['www.example.com:8000', '(http.host == r#"www.example.com"# && net.dst.port == 8000)'],
    ['*.example.com', 'http.host =^ r#".example.com"#'],
    ['example.*', 'http.host ^= r#"example."#'],
    ['*.route.net:123', '(http.host =^ r#".route.net"# && net.dst.port == 123)'],
    ['[::1]:80', 'http.host == r#"[::1]:80"#'],
    ['Example.com', 'http.host == r#"Example.com"#'],
    // The port as Lua's tonumber reads it and Lua writes it (Kong's transform.lua under LuaJIT).
    ['a.test:0x1p4', '(http.host == r#"a.test"# && net.dst.port == 16)'],
    ['a.test:0b1010000', '(http.host == r#"a.test"# && net.dst.port == 80)'],
    ['a.test:1e15', '(http.host == r#"a.test"# && net.dst.port == 1e+15)'],
    ['a.test:1.000000000000001', '(http.host == r#"a.test"# && net.dst.port == 1)'],
    ['a.test:inf', '(http.host == r#"a.test"# && net.dst.port == inf)'],
    ['a.test:nan', '(http.host == r#"a.test"# && net.dst.port == nan)'],
  ])('%s → %s', (host, predicate) => expect(hostPredicate(host)).toBe(predicate))

  it.each([
    ['a.com:0x50', 'a.com', 80],
    ['a.com:8e1', 'a.com', 80],
    ['a.com: 80', 'a.com', 80],
    ['a.com:x', 'a.com:x', undefined],
  ])('splits %s at the first colon when the rest is a Lua number', (text, host, port) => {
    expect(splitHostPort(text)).toEqual({ host, port })
  })
})

describe('paths (§2.7)', () => {
  it.each([
    ['/foo', 'http.path ^= r#"/foo"#'],
    ['~/\\d+', 'http.path ~ r#"^/\\d+"#'],
    ['~/\\\\/*$', 'http.path ~ r#"^/\\\\/*$"#'],
    ['~/\\"#/*$', 'http.path ~ "^/\\\\\\"#/*$"'],
    ['~/(?<a>x)(?<b>y)', 'http.path ~ r#"^/(?P<a>x)(?P<b>y)"#'],
  ])('%s → %s', (path, predicate) => expect(pathPredicate(path)).toBe(predicate))

  it('rewrites look-behinds too (Rust rejects them either way)', () => {
    expect(regexPathPattern('~/(?<=a)b')).toBe('^/(?P<=a)b')
  })
})

describe('headers (§2.8)', () => {
  it('lower-cases names, maps - to _, lower-cases values and regexes', () => {
    expect(headerField('X-Version')).toBe('http.headers.x_version')
    expect(headerExpression('X-Version', ['V1', '~*^Beta-\\D+$'])).toBe(
      '(any(lower(http.headers.x_version)) == r#"v1"# || any(lower(http.headers.x_version)) ~ r#"^beta-\\d+$"#)',
    )
  })

  it('sorts header groups by name for a deterministic text', () => {
    expect(traditionalExpression({ headers: { b: ['1'], a: ['2'] } })).toBe(
      '(any(lower(http.headers.a)) == r#"2"#) && (any(lower(http.headers.b)) == r#"1"#)',
    )
  })
})

describe('whole expression (§2.1)', () => {
  it.each<[string, TraditionalRoute, string]>([
    ['empty fields are skipped (§7 49)', { methods: [], hosts: null, paths: ['/foo'], headers: {}, snis: [] }, '(http.path ^= r#"/foo"#)'],
    ['empty route', {}, ''],
    ['expression wins', { expression: 'http.path == "/x"', paths: ['/y'] }, 'http.path == "/x"'],
    [
      'stream routes ignore HTTP fields',
      { protocols: ['tcp'], sources: [{ port: 1 }], paths: ['/x'] },
      '(net.src.port == 1)',
    ],
    [
      'header regex lower-cased (T "should always add lower()")',
      { methods: ['GET'], headers: { test: ['~*Quote'] } },
      '(http.method == r#"GET"#) && (any(lower(http.headers.test)) ~ r#"quote"#)',
    ],
  ])('%s', (_name, route, expression) => expect(traditionalExpression(route)).toBe(expression))
})

describe('flavors (§2.9)', () => {
  it.each<[readonly string[] | undefined, string | undefined]>([
    [undefined, undefined],
    [['https'], undefined],
    [['tls'], undefined],
    [['tls_passthrough'], undefined],
    [['http'], '(net.protocol == r#"http"#)'],
    [['http', 'https'], '(net.protocol == r#"http"# || net.protocol == r#"https"#)'],
    [['grpc', 'grpcs'], '(net.protocol == r#"http"# || net.protocol == r#"https"#)'],
    [['tls', 'tcp'], '(net.protocol == r#"tls"# || net.protocol == r#"tcp"#)'],
  ])('protocols %j → %s', (protocols, predicate) => expect(protocolPredicate(protocols)).toBe(predicate))

  it('rewrites net.port textually in the expressions flavor only (§7 (f))', () => {
    expect(rewriteNetPort('net.port == 1 && net.port>2 && any(net.port) == 3')).toBe('net.dst.port == 1 && net.dst.port>2 && any(net.port) == 3')
    const expression = traditionalExpression({ paths: ['/net.port=1'] })
    expect(flavorExpression(expression, ['http'], 'expressions')).toBe('(http.path ^= r#"/net.dst.port=1"#) && (net.protocol == r#"http"#)')
    expect(flavorExpression(expression, ['http'], 'traditional_compatible')).toBe('(http.path ^= r#"/net.port=1"#)')
  })
})
