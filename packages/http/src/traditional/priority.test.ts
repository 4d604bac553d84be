// Priority rules (traditional-routes.md §3), one behaviour per row.
import { describe, expect, it } from 'vitest'
import { documentedPriority, effectivePriority, formatRouterPriority, priorityParts, routePriority, streamPriority } from './priority.ts'
import type { TraditionalRoute } from './route.ts'

const effective = (route: TraditionalRoute): bigint => routePriority(route, 'effective')
const documented = (route: TraditionalRoute): bigint => routePriority(route, 'documented')

describe('priority parts', () => {
  it.each<[string, TraditionalRoute, object]>([
    ['counts every non-empty field', { sources: [{ port: 1 }], destinations: [{ port: 2 }], methods: ['GET'], hosts: ['a'], headers: { x: ['1'] }, snis: ['s'], paths: ['/p'] }, { fields: 7 }],
    ['empty hosts array sets the plain-hosts bit (§7 (d))', { hosts: [], paths: ['/a'] }, { fields: 1, plainHosts: true }],
    ['null hosts does not', { hosts: null, paths: ['/a'] }, { plainHosts: false }],
    ['a wildcard clears it', { hosts: ['a.com', '*.b.com'] }, { plainHosts: false }],
    ['length in bytes', { paths: ['/é'] }, { length: 3 }],
    ['regex_priority only for regex routes (§7 24)', { paths: ['/'], regex_priority: 5 }, { regexPriority: 0, length: 1 }],
    ['header count capped at 255', { headers: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`h${i}`, ['v']])) }, { headers: 255 }],
  ])('%s', (_name, route, parts) => expect(priorityParts(route)).toMatchObject(parts))
})

describe('effective priority (§3.3)', () => {
  it('ties every ≥ 4-field route without plain hosts or regex at 2^63 (§7 (b))', () => {
    const a = effective({ methods: ['GET'], hosts: ['*.a'], paths: ['/long/path'], headers: { x: ['1'], y: ['2'] } })
    const b = effective({ methods: ['GET'], hosts: ['*.b'], paths: ['/p'], headers: { x: ['1'] } })
    expect(a).toBe(2n ** 63n)
    expect(b).toBe(2n ** 63n)
  })

  it('lets plain-host routes outrank routes with more fields', () => {
    expect(effective({ hosts: ['a.com'] })).toBeGreaterThan(effective({ hosts: ['*.a.com'], paths: ['/x'], methods: ['GET'] }))
  })

  it('ORs regex_priority into the header and field bits (§7 (c))', () => {
    const e9 = effective({ paths: ['~/a'], methods: ['GET'], regex_priority: 3 })
    const e10 = effective({ paths: ['~/a'], headers: { x: ['1'] } })
    expect(e9).toBe(0x0008000040180000n)
    expect(e10).toBe(0x0008000040100000n)
    expect(e9 > e10).toBe(true)
    expect(documented({ paths: ['~/a'], methods: ['GET'], regex_priority: 3 }) < documented({ paths: ['~/a'], headers: { x: ['1'] } })).toBe(true)
  })

  it.each([
    [4095, 0x0008000000000000n | (1n << 29n) | (4095n << 19n)],
    [4096, 0x8008000020000000n],
    [8191, 0x8008000020000000n],
    [-1, 0x8008000020000000n],
    [8192, 0x0008000020000000n],
  ])('regex_priority %i keeps only its low 13 bits, bit 12 collapsing to 2^63', (rp, expected) => {
    expect(effective({ paths: ['~/a'], regex_priority: rp })).toBe(expected)
  })

  it('matches the model for the all-number branch', () => {
    expect(effectivePriority({ fields: 3, headers: 2, plainHosts: false, regex: false, regexPriority: 0, length: 5 })).toBe(
      BigInt((3 << 29) | (2 << 20) | 5),
    )
  })
})

describe('documented priority (§3.2)', () => {
  it('lays out fields, plain hosts, headers, regex, regex_priority and length', () => {
    expect(documentedPriority({ fields: 2, headers: 3, plainHosts: true, regex: true, regexPriority: 7, length: 0 })).toBe(
      (2n << 61n) | (1n << 60n) | (3n << 52n) | (1n << 51n) | (7n << 19n),
    )
    expect(documented({ paths: ['/' + 'a'.repeat(0x80000)] })).toBe((1n << 61n) | 1n)
  })
})

describe('stream priority (§3.1)', () => {
  it.each<[string, TraditionalRoute, bigint]>([
    ['sni', { protocols: ['tls'], snis: ['a'] }, 2n ** 61n],
    ['sources and destinations', { protocols: ['tcp'], sources: [{ ip: '1.1.1.1' }], destinations: [{ port: 1 }] }, 2n ** 61n | 0x84n],
    ['ip > port > cidr', { protocols: ['tcp'], sources: [{ ip: '1.1.1.1' }, { port: 2 }, { ip: '10.0.0.0/8' }] }, 0xd0n],
    ['destination cidr', { protocols: ['tcp'], destinations: [{ ip: '10.0.0.0/8' }] }, 1n],
  ])('%s', (_name, route, priority) => {
    expect(streamPriority(route)).toBe(priority)
    expect(documented(route)).toBe(priority)
  })

  it('§7 41/42: sni over src or dst alone; src + dst over sni', () => {
    const sni = effective({ protocols: ['tls'], snis: ['www.example.org'] })
    expect(sni).toBeGreaterThan(effective({ protocols: ['tls'], sources: [{ ip: '127.0.0.1' }] }))
    expect(effective({ protocols: ['tls'], sources: [{ ip: '127.0.0.1' }], destinations: [{ ip: '172.168.0.1' }] })).toBeGreaterThan(sni)
  })
})

describe('expression routes (§3.4)', () => {
  it('puts every expression route above every traditional route', () => {
    expect(effective({ expression: 'x', priority: 0 })).toBe(0xff00000000000000n)
    expect(effective({ expression: 'x', priority: 2 ** 46 - 1 })).toBe(0xff00000000000000n | (2n ** 46n - 1n))
  })
})

// The worked examples of traditional-routes.md §7 write priorities this way (here their effective
// column); `match` and the GUI too.
describe('formatRouterPriority', () => {
  it.each([
    [{ paths: ['/foo'] }, '0x0000000020000004'],
    [{ headers: { version: ['v1'] }, paths: ['/my-route/hello'] }, '0x000000004010000F'],
    [{ paths: ['~/users/\\d+'], regex_priority: 5 }, '0x0008000020280000'],
    [{ expression: 'x', priority: 100 }, '0xFF00000000000064'],
    [{ protocols: ['tls'], snis: ['www.example.org'], sources: [{ ip: '127.0.0.1' }] }, '0x2000000000000080'],
  ] as [TraditionalRoute, string][])('%j → %s', (route, written) => {
    expect(formatRouterPriority(routePriority(route))).toBe(written)
  })

  it('pads to 16 digits', () => expect(formatRouterPriority(0n)).toBe('0x0000000000000000'))
})
