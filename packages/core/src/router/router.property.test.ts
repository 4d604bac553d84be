import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FieldContext } from '../context/context.ts'
import type { Match } from '../context/match.ts'
import { Schema } from '../schema/schema.ts'
import { parseIpAddr } from '../values/ip.ts'
import { LinearRouter } from './linear-router.ts'
import type { RouteInput } from './route.ts'
import { Router } from './router.ts'

// Differential test: the indexed router must return exactly what the reference router returns.
const schema = new Schema({
  'http.host': 'String',
  'http.path': 'String',
  'http.method': 'String',
  'http.headers.*': 'String',
  'net.src.ip': 'IpAddr',
  'net.dst.port': 'Int',
})

const hosts = ['a.com', 'b.com', 'x.a.com', 'A.com', 'api.b.com']
const paths = ['/', '/a', '/a/', '/a/b', '/ab', '/b', '/b/c', '/a/b/c', '/users/1a', '/Key', '/A/b', '/users/12/orders', '/users/x', '/USERS/7', '/uſers/1', '/\u212Aey', '/key/a-b']
const methods = ['GET', 'POST', 'HEAD', 'get']
const tenants = ['t1', 't2', 'T1']
const ips = ['10.0.0.1', '10.1.2.3', '192.168.1.5', '2001:db8::1', '::ffff:10.0.0.1']
const ports = [80, 443, 8000]

// Both routers accept the list extension, so that set literals are compared too (a list is a syntax
// error by default, and a route both routers refuse would compare equal without testing anything).
const withLists = { lists: true }

/** Predicates of fixed text: regexes the index files by literal prefixes, sets, and their corners. */
const fixedPredicates = [
  'http.path ~ r#"^/users/(?P<id>\\d+)"#',
  'http.path ~ r#"^/a/(b|c)?"#',
  'http.path ~ r#"b$"#',
  'http.path ~ r#"(?i)^/users/\\d"#',
  'http.path ~ r#"(?i)^/a/b"#',
  'http.path ~ r#"(?i)^/key"#',
  'http.path ~ r#"(?i)^/users|^/b"#',
  'http.path ~ r#"(?i)^/key/a\\-b"#',
  'http.path ~ r#"(?i)^/us?ers"#',
  'lower(http.path) ~ r#"^/a/b"#',
  'http.host ~ r#"^x\\."#',
  'http.path ~ r#"^/(a|b)/c$"#',
  'http.path ~ r#"^/a/(b|b/c|)"#',
  'http.path ~ r#"^/[ab]/"#',
  'http.path ~ r#"^/(users|key)/[1a]"#',
  'http.path ~ r#"(^/a|^/ke)y?"#',
  'http.path ~ r#"^(/a|/b)|^/u"#',
  'http.path ~ r#"(?i)^/(a|key)"#',
  'lower(http.path) ~ r#"^/(a|users)/"#',
  'http.method in ["GET", "HEAD"]',
  'http.method not in ["GET"]',
  'net.dst.port in [80, 443]',
  'net.dst.port not in [80]',
  'any(http.headers.x_tenant) in ["t1", "t2"]',
]

const str = (values: readonly string[]) => fc.constantFrom(...values).map((v) => JSON.stringify(v))
const transform = (field: string) => fc.constantFrom(field, `lower(${field})`, `any(${field})`, `any(lower(${field}))`)
const stringPredicate = (field: string, pool: readonly string[]) =>
  fc.tuple(transform(field), fc.constantFrom('==', '!=', '^=', '=^', 'contains'), str(pool.flatMap((v) => [v, v.slice(0, 2), v.slice(-3), v.slice(-4), v.slice(v.indexOf('.'))]))).map(([f, o, v]) => `${f} ${o} ${v}`)
const predicate = fc.oneof(
  stringPredicate('http.host', hosts),
  stringPredicate('http.path', paths),
  stringPredicate('http.method', methods),
  stringPredicate('http.headers.x_tenant', tenants),
  fc.constantFrom(...fixedPredicates),
  fc.tuple(fc.constantFrom('net.src.ip', 'any(net.src.ip)'), fc.constantFrom('in', 'not in'), fc.constantFrom('10.0.0.0/8', '10.1.0.0/16', '192.168.1.0/24', '2001:db8::/32', '::/0', '0.0.0.0/0')).map(
    ([f, o, v]) => `${f} ${o} ${v}`,
  ),
  fc.tuple(fc.constantFrom('==', '!='), fc.constantFrom(...ips.slice(0, 4))).map(([o, v]) => `net.src.ip ${o} ${v}`),
  fc.tuple(fc.constantFrom('==', '!=', '>', '>=', '<', '<='), fc.constantFrom(...ports)).map(([o, v]) => `net.dst.port ${o} ${v}`),
)
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    predicate,
    predicate,
    fc.tuple(tie('e'), fc.constantFrom('&&', '||'), tie('e')).map(([l, o, r]) => `(${l}) ${o} (${r})`),
    fc.tuple(tie('e'), tie('e')).map(([l, r]) => `${l} && ${r}`),
    tie('e').map((e) => `!(${e})`),
  ),
})).e

const ids = Array.from({ length: 12 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`)
const route = fc.record({ id: fc.constantFrom(...ids), priority: fc.integer({ min: 0, max: 4 }), expression })
const request = fc.record(
  {
    'http.host': fc.constantFrom(...hosts),
    'http.path': fc.constantFrom(...paths),
    'http.method': fc.constantFrom(...methods),
    'http.headers.x_tenant': fc.array(fc.constantFrom(...tenants), { minLength: 1, maxLength: 3 }),
    'net.src.ip': fc.array(fc.constantFrom(...ips), { minLength: 1, maxLength: 2 }),
    'net.dst.port': fc.constantFrom(...ports),
  },
  { requiredKeys: [] },
)

type Operation = { kind: 'add' | 'replace'; route: { id: string; priority: number; expression: string } } | { kind: 'remove'; id: string }
const operation: fc.Arbitrary<Operation> = fc.oneof(
  route.map((r) => ({ kind: 'add' as const, route: r })),
  route.map((r) => ({ kind: 'replace' as const, route: r })),
  fc.constantFrom(...ids).map((id) => ({ kind: 'remove' as const, id })),
)

function contextOf(values: Record<string, string | number | readonly string[]>): FieldContext {
  const context = new FieldContext()
  for (const [field, raw] of Object.entries(values)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      context.add(field, field === 'net.src.ip' ? (parseIpAddr(value as string) as NonNullable<ReturnType<typeof parseIpAddr>>) : value)
    }
  }
  return context
}

function apply(router: Router | LinearRouter, op: Operation): string {
  try {
    if (op.kind === 'remove') return String(router.remove(op.id))
    const result = op.kind === 'add' ? router.add(op.route) : router.replace(op.route)
    return String(result.ok)
  } catch (error) {
    return (error as Error).name
  }
}

function bulkLoad(router: Router | LinearRouter, routes: readonly RouteInput[]): string {
  try {
    return router.addAll(routes).ok ? 'ok' : 'failed'
  } catch (error) {
    return (error as Error).name
  }
}

function same(a: Match | undefined, b: Match | undefined): void {
  expect(a === undefined ? null : { ...a, priority: String(a.priority) }).toEqual(b === undefined ? null : { ...b, priority: String(b.priority) })
}

describe('the generator', () => {
  it('writes fixed predicates both routers accept', () => {
    for (const expression of fixedPredicates) {
      for (const router of [new Router(schema, withLists), new LinearRouter(schema, withLists)]) {
        expect([expression, router.add({ id: ids[0] as string, priority: 0, expression }).ok]).toEqual([expression, true])
      }
    }
  })
})

describe('the indexed router agrees with the reference router', () => {
  it('on random route sets and requests', () => {
    fc.assert(
      fc.property(fc.array(route, { maxLength: 25 }), fc.array(request, { minLength: 1, maxLength: 8 }), (routes, requests) => {
        const indexed = new Router(schema, withLists)
        const linear = new LinearRouter(schema, withLists)
        for (const r of routes) expect(apply(indexed, { kind: 'add', route: r })).toBe(apply(linear, { kind: 'add', route: r }))
        for (const values of requests) same(indexed.match(contextOf(values)), linear.match(contextOf(values)))
      }),
      { numRuns: 400 },
    )
  })

  it('after random sequences of adds, removes and replaces', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), fc.array(request, { minLength: 1, maxLength: 6 }), (operations, requests) => {
        const indexed = new Router(schema, withLists)
        const linear = new LinearRouter(schema, withLists)
        for (const op of operations) {
          expect(apply(indexed, op)).toBe(apply(linear, op))
          expect(indexed.size).toBe(linear.size)
          expect([...indexed.fields].sort()).toEqual([...linear.fields].sort())
          // Both count with the same code: the fields are also checked against the routes present.
          expect([...linear.fields].sort()).toEqual([...new Set(linear.routes().flatMap((r) => r.fields))].sort())
        }
        for (const values of requests) same(indexed.match(contextOf(values)), linear.match(contextOf(values)))
      }),
      { numRuns: 300 },
    )
  })

  it('when few buckets hold many sub-dimensions and keys, through churn', () => {
    // Three hosts (and a host suffix) holding routes under paths from a pool of 80 (a table outgrows
    // its 48 flat keys), several header names, folded paths, methods and ports, and routes of the
    // bucket's own: the buckets' blocks are laid out again and again as tables fill and empty.
    const bigIds = Array.from({ length: 300 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`)
    const segment = fc.integer({ min: 0, max: 79 })
    const second = fc.oneof(
      segment.map((n) => `http.path == "/p/${n}"`),
      segment.map((n) => `http.path ^= "/p/${n}"`),
      segment.map((n) => `lower(http.path) ^= "/p/${n % 9}"`),
      fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 })).map(([h, v]) => `http.headers.x_${h} == "v${v}"`),
      fc.constantFrom('http.method == "GET"', 'net.dst.port == 80', 'net.src.ip in 10.0.0.0/8', 'http.path != "/p/1"'),
    )
    const host = fc.constantFrom('http.host == "a.com"', 'http.host == "b.com"', 'http.host == "x.a.com"', 'http.host =^ ".a.com"')
    const bigRoute = fc.record({ id: fc.constantFrom(...bigIds), priority: fc.integer({ min: 0, max: 6 }), expression: fc.tuple(host, second).map(([h, e]) => `${h} && ${e}`) })
    const bigOperation: fc.Arbitrary<Operation> = fc.oneof(
      { weight: 3, arbitrary: bigRoute.map((r) => ({ kind: 'add' as const, route: r })) },
      { weight: 1, arbitrary: bigRoute.map((r) => ({ kind: 'replace' as const, route: r })) },
      { weight: 2, arbitrary: fc.constantFrom(...bigIds).map((id) => ({ kind: 'remove' as const, id })) },
    )
    const bigRequest = fc.record({
      'http.host': fc.constantFrom('a.com', 'b.com', 'x.a.com', 'y.a.com'),
      'http.path': fc.oneof(segment.map((n) => `/p/${n}`), segment.map((n) => `/P/${n}/x`), fc.constantFrom('/', '/p/')),
      'http.method': fc.constantFrom('GET', 'POST'),
      'http.headers.x_2': fc.constantFrom('v0', 'v1', 'v3'),
      'net.src.ip': fc.constantFrom('10.1.1.1', '192.0.2.1'),
      'net.dst.port': fc.constantFrom(80, 443),
    })
    fc.assert(
      fc.property(fc.array(bigOperation, { minLength: 50, maxLength: 400 }), fc.array(bigRequest, { minLength: 1, maxLength: 30 }), (operations, requests) => {
        const indexed = new Router(schema, withLists)
        const linear = new LinearRouter(schema, withLists)
        operations.forEach((op, i) => {
          expect(apply(indexed, op)).toBe(apply(linear, op))
          if (i % 100 === 99) for (const values of requests) same(indexed.match(contextOf(values)), linear.match(contextOf(values)))
        })
        // Emptied containers are pruned in batches; describing the router prunes them now.
        indexed.describe()
        for (const values of requests) same(indexed.match(contextOf(values)), linear.match(contextOf(values)))
      }),
      { numRuns: 100 },
    )
  })

  it('with a bulk load', () => {
    fc.assert(
      fc.property(fc.uniqueArray(route, { selector: (r) => `${r.priority}/${r.id}`, maxLength: 30 }), fc.array(request, { minLength: 1, maxLength: 6 }), (routes, requests) => {
        const linear = new LinearRouter(schema, withLists)
        const valid = routes.filter((r) => linear.add(r).ok)
        const indexed = new Router(schema, withLists)
        expect(indexed.addAll(valid).ok).toBe(true)
        for (const values of requests) same(indexed.match(contextOf(values)), linear.match(contextOf(values)))
      }),
      { numRuns: 200 },
    )
  })
})

describe('explain, describe and bulk loads agree with the reference router', () => {
  it('explain() after random adds, removes and replaces', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), fc.array(request, { minLength: 1, maxLength: 4 }), (operations, requests) => {
        const indexed = new Router(schema, withLists)
        const linear = new LinearRouter(schema, withLists)
        for (const op of operations) expect(apply(indexed, op)).toBe(apply(linear, op))
        for (const values of requests) {
          const a = indexed.explain(contextOf(values))
          const b = linear.explain(contextOf(values))
          same(a.match, b.match)
          expect(a.routes.map((r) => [r.id, r.priority, r.matched])).toEqual(b.routes.map((r) => [r.id, r.priority, r.matched]))
        }
        const description = indexed.describe()
        expect(description.routes).toBe(linear.size)
        expect(description.indexed + description.residual.length).toBe(linear.size)
      }),
      { numRuns: 200 },
    )
  })

  it('a bulk load with a failing route changes neither router', () => {
    const broken = fc.record({ id: fc.constantFrom(...ids), priority: fc.integer({ min: 0, max: 4 }), expression: fc.constantFrom('http.path ==', 'http.nope == "a"', 'http.path ~ r#"(?=a)"#') })
    fc.assert(
      fc.property(fc.array(route, { maxLength: 10 }), fc.array(route, { maxLength: 10 }), broken, fc.nat(), fc.array(request, { minLength: 1, maxLength: 4 }), (before, bulk, bad, at, requests) => {
        const indexed = new Router(schema, withLists)
        const linear = new LinearRouter(schema, withLists)
        for (const r of before) expect(apply(indexed, { kind: 'add', route: r })).toBe(apply(linear, { kind: 'add', route: r }))
        const routes = [...bulk]
        routes.splice(at % (routes.length + 1), 0, bad)
        const size = linear.size
        // A bad expression comes back as failures, a duplicate (priority, id) as a RouterError.
        expect(bulkLoad(indexed, routes)).not.toBe('ok')
        expect(bulkLoad(linear, routes)).not.toBe('ok')
        expect([indexed.size, linear.size]).toEqual([size, size])
        for (const values of requests) same(indexed.match(contextOf(values)), linear.match(contextOf(values)))
      }),
      { numRuns: 200 },
    )
  })
})

describe('describe()', () => {
  it('reports dimensions and residual routes with reasons', () => {
    const router = new Router(schema, withLists)
    router.add({ id: ids[1] as string, priority: 1, expression: 'http.host == "a.com" && http.path ^= "/a"' })
    router.add({ id: ids[2] as string, priority: 1, expression: '!(http.path == "/x")' })
    const description = router.describe()
    expect(description).toMatchObject({ routes: 2, indexed: 1, residual: [{ id: ids[2], reason: expect.stringContaining('!(...)') }] })
    expect(description.dimensions).toContainEqual({ dimension: 'exact:http.host → prefix:http.path', keys: 1, routes: 1 })
  })
})
