// Every worked example of traditional-routes.md §3.5 (E1–E14) and the divergence example: the
// expression text and both priority layouts.
import { describe, expect, it } from 'vitest'
import { matchersOf } from './matchers.ts'
import type { Flavor, TraditionalRoute } from './route.ts'

const x = 'x'
const E8_HEADERS = `(any(lower(http.headers.${x})) == r#"1"#) && (any(lower(http.headers.y)) == r#"2"#)`

const examples: readonly [string, TraditionalRoute, Flavor, string, bigint, bigint][] = [
  ['E1', { paths: ['/foo'] }, 'traditional_compatible', '(http.path ^= r#"/foo"#)', 0x2000000000000004n, 0x0000000020000004n],
  [
    'E2',
    { methods: ['GET'], paths: ['/foo'] },
    'traditional_compatible',
    '(http.method == r#"GET"#) && (http.path ^= r#"/foo"#)',
    0x4000000000000004n,
    0x0000000040000004n,
  ],
  [
    'E3',
    { hosts: ['domain-1.org:321', 'domain-2.org'] },
    'traditional_compatible',
    '((http.host == r#"domain-1.org"# && net.dst.port == 321) || http.host == r#"domain-2.org"#)',
    0x3000000000000000n,
    0x1000000020000000n,
  ],
  ['E4', { hosts: ['*.route.com'] }, 'traditional_compatible', '(http.host =^ r#".route.com"#)', 0x2000000000000000n, 0x0000000020000000n],
  [
    'E5',
    { headers: { version: ['v1'] }, paths: ['/my-route/hello'] },
    'traditional_compatible',
    '(http.path ^= r#"/my-route/hello"#) && (any(lower(http.headers.version)) == r#"v1"#)',
    0x401000000000000fn,
    0x000000004010000fn,
  ],
  [
    'E6',
    { paths: ['~/users/\\d+'], regex_priority: 5 },
    'traditional_compatible',
    '(http.path ~ r#"^/users/\\d+"#)',
    0x2008000000280000n,
    0x0008000020280000n,
  ],
  [
    'E7',
    { hosts: ['*.a.com'], methods: ['GET'], paths: ['/a'], headers: { x: ['1'] } },
    'traditional_compatible',
    '(http.method == r#"GET"#) && (http.host =^ r#".a.com"#) && (http.path ^= r#"/a"#) && (any(lower(http.headers.x)) == r#"1"#)',
    0x8010000000000002n,
    0x8000000000000000n,
  ],
  [
    'E8',
    { hosts: ['a.com'], methods: ['GET'], paths: ['/abc'], headers: { x: ['1'], y: ['2'] } },
    'traditional_compatible',
    `(http.method == r#"GET"#) && (http.host == r#"a.com"#) && (http.path ^= r#"/abc"#) && ${E8_HEADERS}`,
    0x9020000000000004n,
    0x9000000000200004n,
  ],
  [
    'E9',
    { paths: ['~/a'], methods: ['GET'], regex_priority: 3 },
    'traditional_compatible',
    '(http.method == r#"GET"#) && (http.path ~ r#"^/a"#)',
    0x4008000000180000n,
    0x0008000040180000n,
  ],
  [
    'E10',
    { paths: ['~/a'], headers: { x: ['1'] } },
    'traditional_compatible',
    '(http.path ~ r#"^/a"#) && (any(lower(http.headers.x)) == r#"1"#)',
    0x4018000000000000n,
    0x0008000040100000n,
  ],
  [
    'E11',
    { protocols: ['tls'], snis: ['www.example.org'], sources: [{ ip: '127.0.0.1' }] },
    'traditional_compatible',
    '(net.protocol != r#"tls"# || (tls.sni == r#"www.example.org"#)) && (net.src.ip == 127.0.0.1)',
    0x2000000000000080n,
    0x2000000000000080n,
  ],
  [
    'E12',
    { protocols: ['tls'], snis: ['www.example.org'], sources: [{ ip: '127.0.0.1' }], destinations: [{ ip: '172.168.0.1' }] },
    'traditional_compatible',
    '(net.protocol != r#"tls"# || (tls.sni == r#"www.example.org"#)) && (net.src.ip == 127.0.0.1) && (net.dst.ip == 172.168.0.1)',
    0x2000000000000088n,
    0x2000000000000088n,
  ],
  [
    'E13',
    { expression: 'http.path == "/x"', priority: 100, protocols: ['https'] },
    'expressions',
    'http.path == "/x"',
    0xff00000000000064n,
    0xff00000000000064n,
  ],
  [
    'E14',
    {
      protocols: ['https'],
      snis: ['api.example.com.'],
      sources: [{ ip: '10.0.0.0/8' }],
      destinations: [{ ip: '192.168.1.10', port: 8443 }],
      methods: ['GET', 'POST'],
      hosts: ['api.example.com', '*.example.org:8443', 'example.*'],
      paths: ['~/v1/(?<res>[a-z]+)$'],
      headers: { 'X-Version': ['V1', '~*^beta-\\d+$'] },
      regex_priority: 3,
    },
    'expressions',
    '(net.protocol != r#"https"# || (tls.sni == r#"api.example.com"#)) && (net.src.ip in 10.0.0.0/8) && ((net.dst.ip == 192.168.1.10 && net.dst.port == 8443)) && (http.method == r#"GET"# || http.method == r#"POST"#) && (http.host == r#"api.example.com"# || (http.host =^ r#".example.org"# && net.dst.port == 8443) || http.host ^= r#"example."#) && (http.path ~ r#"^/v1/(?P<res>[a-z]+)$"#) && (any(lower(http.headers.x_version)) == r#"v1"# || any(lower(http.headers.x_version)) ~ r#"^beta-\\d+$"#)',
    0xe018000000180000n,
    0x8008000000180000n,
  ],
]

describe('worked examples (§3.5)', () => {
  it.each(examples)('%s', (_name, route, flavor, expression, documented, effective) => {
    const [matcher] = matchersOf({ id: 'r', ...route }, { flavor, priority: 'effective' })
    expect(matcher?.expression).toBe(expression)
    expect(matcher?.priority).toBe(effective)
    expect(matchersOf({ id: 'r', ...route }, { flavor, priority: 'documented' })[0]?.priority).toBe(documented)
  })

  it('diverges from the documented layout for P and Q (§3.5)', () => {
    const p = matchersOf({ id: 'p', hosts: ['api.example.com'] }, { flavor: 'traditional_compatible' })[0]!
    const q = matchersOf({ id: 'q', hosts: ['*.example.com'], paths: ['/v1'] }, { flavor: 'traditional_compatible' })[0]!
    expect(p.priority).toBe(0x1000000020000000n)
    expect(q.priority).toBe(0x0000000040000003n)
    // Kong 3.10 tries P first (it wins `GET /v1` on api.example.com); the documented layout tries Q first.
    expect(p.priority > q.priority).toBe(true)
    const documented = { flavor: 'traditional_compatible', priority: 'documented' } as const
    expect(matchersOf({ id: 'p', hosts: ['api.example.com'] }, documented)[0]!.priority).toBeLessThan(
      matchersOf({ id: 'q', hosts: ['*.example.com'], paths: ['/v1'] }, documented)[0]!.priority,
    )
  })
})
