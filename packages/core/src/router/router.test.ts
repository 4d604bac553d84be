import { describe, expect, it } from 'vitest'
import { Schema } from '../schema/schema.ts'
import { LinearRouter } from './linear-router.ts'
import { Router } from './router.ts'
import { contextOf, runRouterContract } from './router-contract.ts'

runRouterContract('Router (indexed)', (schema, options) => new Router(schema, options))

describe('Router under churn', () => {
  const churnSchema = new Schema({ 'http.host': 'String', 'http.path': 'String' })
  const id = (n: number): string => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`
  const route = (n: number) => ({ id: id(n), priority: n, expression: `http.host == "h${n % 50}.example" && http.path ^= "/p${n}/"` })

  it('prunes emptied index containers in batches and still routes exactly', () => {
    const router = new Router(churnSchema)
    for (let n = 0; n < 1200; n++) expect(router.add(route(n)).ok).toBe(true)
    // Far more removals than one pruning batch; every other route stays.
    for (let n = 0; n < 1200; n += 2) expect(router.remove(id(n))).toBe(true)
    for (let n = 0; n < 1200; n++) {
      const match = router.match(contextOf({ 'http.host': `h${n % 50}.example`, 'http.path': `/p${n}/x` }))
      expect(match?.id).toBe(n % 2 === 1 ? id(n) : undefined)
    }
    const keys = (name: string) => router.describe().dimensions.find((d) => d.dimension === name)?.keys
    expect(keys('exact:http.host')).toBe(25)
    expect(keys('exact:http.host → prefix:http.path')).toBe(600)
    for (let n = 1; n < 1200; n += 2) router.remove(id(n))
    expect(router.describe().dimensions).toEqual([])
  })

  it('routes exactly when one host holds more paths than a flat text table, through removals', () => {
    // 150 exact and prefix paths under one host: the host's table moves them to a map and a tree.
    const expression = (n: number): string => `http.host == "one.example" && http.path ${n % 3 === 0 ? '==' : '^='} "/p${n % 40}/${n}"`
    const routes = Array.from({ length: 150 }, (_, n) => ({ id: id(n), priority: n % 7, expression: expression(n) }))
    const router = new Router(churnSchema)
    const linear = new LinearRouter(churnSchema)
    expect(router.addAll(routes).ok).toBe(true)
    expect(linear.addAll(routes).ok).toBe(true)
    const paths = routes.flatMap((_, n) => [`/p${n % 40}/${n}`, `/p${n % 40}/${n}/x`, `/p${n % 40}/${n}0`])
    const same = (): void => {
      for (const path of paths) {
        const context = contextOf({ 'http.host': 'one.example', 'http.path': path })
        expect(router.match(context)?.id).toBe(linear.match(context)?.id)
      }
    }
    same()
    const routesUnder = (name: string) => router.describe().dimensions.find((d) => d.dimension === name)?.routes
    expect(routesUnder('exact:http.host → exact:http.path')).toBe(50)
    expect(routesUnder('exact:http.host → prefix:http.path')).toBe(100)
    for (let n = 0; n < 150; n += 2) {
      expect(router.remove(id(n))).toBe(true)
      expect(linear.remove(id(n))).toBe(true)
    }
    same()
    for (let n = 0; n < 150; n += 4) {
      expect(router.add(routes[n] as (typeof routes)[number]).ok).toBe(true)
      expect(linear.add(routes[n] as (typeof routes)[number]).ok).toBe(true)
    }
    same()
  })

  it('routes exactly when one host has more sub-dimensions and keys than its block holds', () => {
    // 600 header names under one host (more than a plan lists), and 40 of them with 40 values each
    // (more keys than a block holds): tables move out to blocks of their own and back as they churn.
    const wide = new Schema({ 'http.host': 'String', 'http.headers.*': 'String' })
    const routes = [
      ...Array.from({ length: 600 }, (_, n) => ({ id: id(n), priority: n % 13, expression: `http.host == "h.example" && http.headers.x_${n} == "v"` })),
      ...Array.from({ length: 1600 }, (_, n) => ({ id: id(1000 + n), priority: n % 17, expression: `http.host == "h.example" && http.headers.y_${n % 40} == "v${Math.floor(n / 40)}"` })),
    ]
    const router = new Router(wide)
    const linear = new LinearRouter(wide)
    const requests = Array.from({ length: 120 }, (_, n) => ({ 'http.host': 'h.example', [`http.headers.x_${(n * 37) % 650}`]: 'v', [`http.headers.y_${n % 45}`]: `v${n % 41}` }))
    const same = (): void => {
      for (const request of requests) expect(router.match(contextOf(request))?.id).toBe(linear.match(contextOf(request))?.id)
    }
    for (const route of routes) {
      expect(router.add(route).ok).toBe(true)
      expect(linear.add(route).ok).toBe(true)
    }
    same()
    for (const route of routes.filter((_, n) => n % 3 !== 0)) {
      expect(router.remove(route.id)).toBe(true)
      expect(linear.remove(route.id)).toBe(true)
    }
    router.describe()
    same()
    for (const route of routes.filter((_, n) => n % 3 === 1)) {
      expect(router.add(route).ok).toBe(true)
      expect(linear.add(route).ok).toBe(true)
    }
    same()
  })

  it('routes exactly while a host gains and loses sub-dimensions of every kind', () => {
    // One bucket (the host) whose sub-dimensions come and go: paths as they are and folded, a
    // header, a port (Int keys), networks and a host suffix, each read through the bucket's plan.
    const mixed = new Schema({ 'http.host': 'String', 'http.path': 'String', 'http.headers.x_tenant': 'String', 'net.dst.port': 'Int', 'net.src.ip': 'IpAddr' })
    const second = [
      (n: number) => `http.path == "/p${n % 9}"`,
      (n: number) => `http.path ^= "/p${n % 9}"`,
      (n: number) => `lower(http.path) ^= "/q${n % 5}"`,
      (n: number) => `http.headers.x_tenant == "t${n % 4}"`,
      (n: number) => `net.dst.port == ${8000 + (n % 3)}`,
      (n: number) => `net.src.ip in 10.${n % 4}.0.0/16`,
      // Nothing indexable beside the host: the bucket's own list.
      (n: number) => `http.path != "/p${n % 9}"`,
    ]
    // Every fifth route under a host suffix: a second bucket, in the suffix tree.
    const host = (n: number): string => (n % 5 === 0 ? 'http.host =^ ".example"' : 'http.host == "h.example"')
    const routes = Array.from({ length: 140 }, (_, n) => ({ id: id(n), priority: n % 11, expression: `${host(n)} && ${(second[n % second.length] as (n: number) => string)(n)}` }))
    const router = new Router(mixed)
    const linear = new LinearRouter(mixed)
    const requests = Array.from({ length: 60 }, (_, n) => ({
      'http.host': 'h.example',
      'http.path': n % 2 === 0 ? `/p${n % 9}` : `/Q${n % 5}/x`,
      'http.headers.x_tenant': `t${n % 5}`,
      'net.dst.port': 8000 + (n % 4),
      'net.src.ip': `10.${n % 5}.1.1`,
    }))
    const same = (): void => {
      for (const request of requests) expect(router.match(contextOf(request))?.id).toBe(linear.match(contextOf(request))?.id)
    }
    // Routes come one kind at a time, then go in another order, so that the plan is rewritten as
    // sub-dimensions appear, empty out and are removed between others.
    for (let kind = 0; kind < second.length; kind++) {
      for (const route of routes.filter((_, n) => n % second.length === kind)) {
        expect(router.add(route).ok).toBe(true)
        expect(linear.add(route).ok).toBe(true)
      }
      same()
    }
    for (const kind of [3, 6, 0, 5, 1, 4, 2]) {
      for (const route of routes.filter((_, n) => n % second.length === kind)) {
        expect(router.remove(route.id)).toBe(true)
        expect(linear.remove(route.id)).toBe(true)
      }
      // Emptied containers are pruned in batches; describing the router prunes them now.
      router.describe()
      same()
    }
    expect(router.describe().dimensions).toEqual([])
  })

  it('routes exactly through a top-level prefix tree laid out as it grows and churns', () => {
    // Nested prefixes without a host: one packed tree, laid out again each time it doubles while
    // routes are added one by one, then changed in place by removals and new prefixes.
    const prefix = (n: number): string => `/${n % 9}/${n % 31}/${n}`
    const routes = Array.from({ length: 800 }, (_, n) => ({ id: id(n), priority: n % 11, expression: `http.path ^= "${prefix(n)}"` }))
    const router = new Router(churnSchema)
    const linear = new LinearRouter(churnSchema)
    const same = (upTo: number): void => {
      for (let n = 0; n < upTo; n += 3) {
        for (const path of [prefix(n), `${prefix(n)}5/x`, `/${n % 9}/${n % 31}/`]) {
          const context = contextOf({ 'http.path': path })
          expect(router.match(context)?.id).toBe(linear.match(context)?.id)
        }
      }
    }
    for (const r of routes) {
      expect(router.add(r).ok).toBe(true)
      expect(linear.add(r).ok).toBe(true)
    }
    same(800)
    for (let n = 0; n < 800; n += 3) {
      router.remove(id(n))
      linear.remove(id(n))
      const fresh = { id: id(1000 + n), priority: n % 5, expression: `http.path ^= "${prefix(n)}7/${n}"` }
      expect(router.add(fresh).ok).toBe(true)
      expect(linear.add(fresh).ok).toBe(true)
    }
    same(800)
    expect(router.describe().dimensions).toEqual([{ dimension: 'prefix:http.path', keys: 800, routes: 800 }])
  })

  it('finds a route again after it was removed and added back', () => {
    const router = new Router(churnSchema)
    for (let n = 0; n < 10; n++) router.add(route(n))
    for (let round = 0; round < 600; round++) {
      const n = round % 10
      router.remove(id(n))
      expect(router.match(contextOf({ 'http.host': `h${n}.example`, 'http.path': `/p${n}/` }))).toBeUndefined()
      router.add(route(n))
      expect(router.match(contextOf({ 'http.host': `h${n}.example`, 'http.path': `/p${n}/` }))?.id).toBe(id(n))
    }
  })

  // Long lists (hundreds of routes under one key, or in the residual list) remove lazily and take
  // single adds through a side list: churn them far past a compaction and a merge, and compare every
  // answer with the linear reference.
  it('routes exactly while long lists churn (lazy removal, residual side list)', () => {
    const indexed = new Router(churnSchema)
    const linear = new LinearRouter(churnSchema)
    const long = (n: number) => ({
      id: id(n),
      // Equal priorities in runs of three, so ties are decided by id inside the long lists.
      priority: Math.floor(n / 3),
      expression: n % 2 === 0 ? `http.host == "one.example" && http.path != "/n${n % 7}"` : `http.path != "/n${n % 7}"`,
    })
    const live = new Set<number>()
    const add = (n: number): void => {
      expect(indexed.add(long(n)).ok).toBe(true)
      linear.add(long(n))
      live.add(n)
    }
    const remove = (n: number): void => {
      expect(indexed.remove(id(n))).toBe(true)
      linear.remove(id(n))
      live.delete(n)
    }
    const agree = (): void => {
      for (const host of ['one.example', 'other.example']) {
        for (let k = 0; k < 7; k++) {
          const context = contextOf({ 'http.host': host, 'http.path': `/n${k}` })
          expect(indexed.match(context)).toEqual(linear.match(context))
        }
      }
    }
    for (let n = 0; n < 1400; n++) add(n)
    agree()
    // Remove from the top of the lists (the routes every request tries first), then add back.
    let seed = 7
    for (let step = 0; step < 1500; step++) {
      seed = (seed * 1103515245 + 12345) % 2147483648
      const n = seed % 1400
      if (live.has(n)) remove(n)
      else add(n)
      if (step % 50 === 0) agree()
    }
    for (let n = 1399; n >= 1200; n--) if (live.has(n)) remove(n)
    agree()
    expect(indexed.size).toBe(live.size)
    expect(indexed.describe().residual.length).toBe([...live].filter((n) => n % 2 === 1).length)
  })

  it('answers repeated matches of a comparison route with one frozen result, and others afresh', () => {
    const router = new Router(churnSchema)
    router.add({ id: id(1), priority: 2, expression: 'http.host == "a.example" && http.path ^= "/v1/"' })
    router.add({ id: id(2), priority: 1, expression: 'http.path ^= "/v2/" || http.host == "b.example"' })
    const first = router.match(contextOf({ 'http.host': 'a.example', 'http.path': '/v1/x' }))
    const again = router.match(contextOf({ 'http.host': 'a.example', 'http.path': '/v1/y' }))
    expect(first).toEqual({ id: id(1), priority: 2n, matches: { 'http.host': 'a.example', 'http.path': '/v1/' }, captures: {} })
    expect(again).toBe(first)
    expect(Object.isFrozen(again) && Object.isFrozen(again?.matches)).toBe(true)
    // An `||` records what the request met: each match is computed.
    const byPath = router.match(contextOf({ 'http.host': 'c.example', 'http.path': '/v2/' }))
    const byHost = router.match(contextOf({ 'http.host': 'b.example', 'http.path': '/v3/' }))
    expect(byPath?.matches).toEqual({ 'http.path': '/v2/' })
    expect(byHost?.matches).toEqual({ 'http.host': 'b.example' })
  })
})


describe('Router with comparison chains kept on its entries', () => {
  const schema = new Schema({ a: 'String', b: 'String', c: 'String', d: 'String' })
  const id = (n: number): string => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`
  // Chains of one to four comparisons (`==`, `^=`, `=^`), so each term's place is tested: a request
  // meeting every term but one must not match, whichever term it misses and however it was indexed.
  const terms = ['a == "x1"', 'b ^= "/y"', 'c =^ ".z"', 'd == "w"']
  const meeting = { a: 'x1', b: '/y/q', c: 'q.z', d: 'w' }
  const missing = { a: 'x2', b: '/n/q', c: 'q.n', d: 'v' }

  it('matches when every term holds, and not when any one of them fails', () => {
    for (let length = 1; length <= 4; length++) {
      const router = new Router(schema)
      expect(router.add({ id: id(length), priority: 1, expression: terms.slice(0, length).join(' && ') }).ok).toBe(true)
      expect(router.match(contextOf(meeting))?.id).toBe(id(length))
      for (const [i, field] of (['a', 'b', 'c', 'd'] as const).slice(0, length).entries()) {
        expect(router.match(contextOf({ ...meeting, [field]: missing[field] })), `term ${i} of ${length}`).toBeUndefined()
        // With two values, one of which fails, a term without any() fails too.
        expect(router.match(contextOf({ ...meeting, [field]: [meeting[field], missing[field]] })), `term ${i} of ${length}, two values`).toBeUndefined()
      }
    }
  })
})

describe('Router index layout', () => {
  const schema = new Schema({ 'http.host': 'String', 'http.path': 'String', 'http.method': 'String' })
  const id = (n: number): string => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`

  it('files routes under their host first, whichever order the expression names host and path in', () => {
    const router = new Router(schema)
    router.add({ id: id(1), priority: 1, expression: 'http.host == "a.example" && http.path == "/x"' })
    router.add({ id: id(2), priority: 2, expression: 'http.path == "/y" && http.host == "b.example"' })
    router.add({ id: id(3), priority: 3, expression: 'http.path ^= "/a-long-prefix/" && http.host =^ ".example"' })
    router.add({ id: id(4), priority: 4, expression: 'http.method == "GET" && http.path == "/z"' })
    expect(router.describe().dimensions.map((d) => d.dimension)).toEqual([
      'exact:http.host',
      'exact:http.host → exact:http.path',
      'suffix:http.host',
      'suffix:http.host → prefix:http.path',
      // Without a host, the more selective atom leads.
      'exact:http.path',
      'exact:http.path → exact:http.method',
    ])
    expect(router.match(contextOf({ 'http.host': 'b.example', 'http.path': '/y' }))?.id).toBe(id(2))
    expect(router.match(contextOf({ 'http.host': 'c.example', 'http.path': '/a-long-prefix/q' }))?.id).toBe(id(3))
  })

  it('files a route once when alternatives repeat or cover each other', () => {
    const router = new Router(new Schema({ 'http.host': 'String', 'http.path': 'String', 'net.protocol': 'String' }))
    // Kong's protocol amendment: each `||` alternative has the same two best atoms.
    router.add({ id: id(1), priority: 1, expression: '(http.host == "a.example" && http.path ^= "/v1/") && (net.protocol == "http" || net.protocol == "https")' })
    // `[host]` covers `[host, path]`: the route is filed under the host alone.
    router.add({ id: id(2), priority: 2, expression: 'http.host == "b.example" || (http.host == "b.example" && http.path == "/x")' })
    const routes = (name: string) => router.describe().dimensions.find((d) => d.dimension === name)?.routes
    expect(routes('exact:http.host → prefix:http.path')).toBe(1)
    expect(routes('exact:http.host')).toBe(1)
    expect(router.describe().dimensions.map((d) => d.dimension)).toEqual(['exact:http.host', 'exact:http.host → prefix:http.path'])
    expect(router.match(contextOf({ 'http.host': 'a.example', 'http.path': '/v1/q', 'net.protocol': 'https' }))?.id).toBe(id(1))
    expect(router.match(contextOf({ 'http.host': 'b.example', 'http.path': '/y', 'net.protocol': 'http' }))?.id).toBe(id(2))
  })

  // A route alone under an atom sits in the dimension's slot itself; a second route under the same
  // atom (alone, or with a second atom) puts a bucket in its place, and removals undo either.
  it('routes exactly when the routes under one second atom leave in either order', () => {
    const route = (n: number, priority: number, method = 'GET') => ({ id: id(n), priority, expression: `http.path == "/x" && http.method == "${method}"` })
    const ask = (router: Router, method = 'GET') => router.match(contextOf({ 'http.path': '/x', 'http.method': method }))?.id
    const routesUnder = (router: Router) => router.describe().dimensions.find((d) => d.dimension === 'exact:http.path → exact:http.method')?.routes
    for (const bulk of [false, true]) {
      for (const leaving of [1, 2]) {
        const router = new Router(schema)
        // A route under another method keeps the bucket in place while the two under GET come and go.
        const routes = [route(1, 1), route(2, 5), route(9, 1, 'POST')]
        if (bulk) expect(router.addAll(routes).ok).toBe(true)
        else for (const r of routes) expect(router.add(r).ok).toBe(true)
        expect(ask(router)).toBe(id(2))
        expect(routesUnder(router)).toBe(3)
        // Either route of the list leaves first: the one filed first or the other.
        expect(router.remove(id(leaving))).toBe(true)
        expect(ask(router)).toBe(id(3 - leaving))
        expect(ask(router, 'POST')).toBe(id(9))
        expect(router.remove(id(3 - leaving))).toBe(true)
        expect(ask(router)).toBeUndefined()
        expect(router.add(route(3, 2)).ok).toBe(true)
        expect(ask(router)).toBe(id(3))
        expect(router.remove(id(3))).toBe(true)
        expect(router.remove(id(9))).toBe(true)
        expect(router.describe().dimensions).toEqual([])
      }
    }
  })

  it('keeps a lone route in its slot and gives the slot a bucket when another route comes', () => {
    const exact = (n: number, priority: number, extra = '') => ({ id: id(n), priority, expression: `http.path == "/x"${extra}` })
    const ask = (router: Router, method = 'GET') => router.match(contextOf({ 'http.path': '/x', 'http.method': method }))?.id
    const routesUnder = (router: Router, name: string) => router.describe().dimensions.find((d) => d.dimension === name)?.routes
    for (const bulk of [false, true]) {
      const router = new Router(schema)
      const first = [exact(1, 1), exact(2, 5)]
      if (bulk) expect(router.addAll(first).ok).toBe(true)
      else for (const r of first) expect(router.add(r).ok).toBe(true)
      expect(ask(router)).toBe(id(2))
      expect(routesUnder(router, 'exact:http.path')).toBe(2)
      // Removing the route that first held the slot alone, then the other, in both orders.
      expect(router.remove(id(1))).toBe(true)
      expect(ask(router)).toBe(id(2))
      expect(router.remove(id(2))).toBe(true)
      expect(ask(router)).toBeUndefined()
      expect(router.describe().dimensions).toEqual([])
      expect(router.add(exact(3, 2)).ok).toBe(true)
      expect(ask(router)).toBe(id(3))
      // A second atom under the lone route's atom: the bucket holds the lone route and a sub-dimension.
      expect(router.add(exact(4, 9, ' && http.method == "GET"')).ok).toBe(true)
      expect(ask(router)).toBe(id(4))
      expect(ask(router, 'POST')).toBe(id(3))
      expect(router.remove(id(3))).toBe(true)
      expect(ask(router, 'POST')).toBeUndefined()
      expect(ask(router)).toBe(id(4))
      expect(router.remove(id(4))).toBe(true)
      expect(router.add(exact(5, 1)).ok).toBe(true)
      expect(ask(router, 'POST')).toBe(id(5))
      expect(routesUnder(router, 'exact:http.path')).toBe(1)
    }
  })
})
