import { describe, expect, it } from 'vitest'
import { FieldContext } from '../context/context.ts'
import { Schema } from '../schema/schema.ts'
import { parseIpAddr } from '../values/ip.ts'
import type { FieldValue } from '../values/types.ts'
import { allOf, anyOf, predicate, stringLiteral } from '../syntax/build.ts'
import type { RouterApi } from './router-api.ts'
import type { RouteInput, RouterOptions } from './route.ts'

/** Test-only: builds a context from plain values (IP strings parsed, numbers kept). */
export function contextOf(values: Record<string, string | number | bigint | readonly (string | number)[]>, ipFields: readonly string[] = []): FieldContext {
  const context = new FieldContext()
  for (const [field, raw] of Object.entries(values)) {
    const list = Array.isArray(raw) ? raw : [raw]
    for (const value of list as (string | number | bigint)[]) {
      const typed: FieldValue | undefined = ipFields.includes(field) && typeof value === 'string' ? parseIpAddr(value) : value
      if (typed !== undefined) context.add(field, typed)
    }
  }
  return context
}

const schema = new Schema({
  a: 'String',
  b: 'String',
  c: 'String',
  d: 'String',
  h: 'String',
  i: 'Int',
  ip: 'IpAddr',
  'http.path': 'String',
  'http.body': 'String',
  'tcp.port': 'Int',
  'net.port': 'Int',
  'l3.ip': 'IpAddr',
})

/** The behaviour every router must have (spec §5, §6 and the K-numbered cases of §10). */
export function runRouterContract(name: string, createRouter: (schema: Schema, options?: RouterOptions) => RouterApi): void {
  function single(expression: string, values: Parameters<typeof contextOf>[0], options?: RouterOptions) {
    const router = createRouter(schema, options)
    const added = router.add({ id: '00000000-0000-0000-0000-000000000001', priority: 0, expression })
    if (!added.ok) throw new Error(`${expression}: ${added.diagnostics.map((d) => d.message).join('; ')}`)
    return router.match(contextOf(values, ['ip', 'l3.ip']))
  }
  const matches = (expression: string, values: Parameters<typeof contextOf>[0], options?: RouterOptions) => single(expression, values, options) !== undefined

  describe(`${name}: evaluation`, () => {
    it('K1/K2: || binds tighter than &&', () => {
      expect(matches('a == "1" || b == "2" && c == "3"', { a: '1' })).toBe(false)
      expect(matches('a == "1" && b == "2" || c == "3"', { a: 'x', c: '3' })).toBe(false)
      expect(matches('a == "1" && b == "2" || c == "3"', { a: '1', c: '3' })).toBe(true)
    })
    it('K4: negated prefix and suffix', () => {
      expect(matches('!(http.path ^= "/abc")', { 'http.path': '/abc/d' })).toBe(false)
      expect(matches('!(http.path ^= "/abc")', { 'http.path': '/abb/d' })).toBe(true)
      expect(matches('!(http.path =^ "/")', { 'http.path': '/abb/d/' })).toBe(false)
      expect(matches('!(http.path =^ "/")', { 'http.path': '/abb/d' })).toBe(true)
    })
    it('K5: an absent field makes every predicate false, but !(...) true', () => {
      expect(matches('a != "x"', {})).toBe(false)
      expect(matches('!(a == "x")', {})).toBe(true)
      expect(matches('i < 5', {})).toBe(false)
      expect(matches('ip not in 10.0.0.0/8', {})).toBe(false)
    })
    it('K6: all values must pass', () => {
      expect(single('h == "bar"', { h: ['bar', 'bar', 'bar'] })?.matches).toEqual({ h: 'bar' })
      expect(matches('h == "bar"', { h: ['bar', 'bar', 'barX'] })).toBe(false)
    })
    it('K7: != and any()', () => {
      expect(matches('h != "x"', { h: ['x', 'y'] })).toBe(false)
      expect(matches('any(h) != "x"', { h: ['x', 'y'] })).toBe(true)
      expect(single('!(h == "x")', { h: ['x', 'y'] })?.matches).toEqual({ h: 'x' })
      expect(single('any(h) == "y"', { h: ['x', 'y'] })?.matches).toEqual({ h: 'y' })
    })
    it('K8: Int comparisons over several values', () => {
      expect(matches('i > 4', { i: [5, 10] })).toBe(true)
      expect(matches('i > 6', { i: [5, 10] })).toBe(false)
      expect(matches('any(i) > 6', { i: [5, 10] })).toBe(true)
    })
    it('K9: regex captures, positional and named', () => {
      const m = single('a ~ r#"/(\\d+)/(?P<name>[a-z]+)(x)?"#', { a: '/foo/123/abc/z' })
      expect(m?.matches).toEqual({ a: '/123/abc' })
      expect(m?.captures).toEqual({ 0: '/123/abc', 1: '123', 2: 'abc', name: 'abc' })
    })
    it('K10: lower() applies to the field only', () => {
      expect(single('lower(a) == "/foo/bar"', { a: '/FOO/bar' })?.matches).toEqual({ a: '/foo/bar' })
      expect(matches('lower(a) ~ r#"FOO"#', { a: '/FOO' })).toBe(false)
      expect(single('lower(a) ~ "^/foo/(.*)$"', { a: '/FOO/bar' })?.captures).toMatchObject({ 1: 'bar' })
    })
    it('K11: recordings are not rolled back inside a matcher', () => {
      expect(single('(a == "/x" && b == "nope") || b == "q"', { a: '/x', b: 'q' })?.matches).toEqual({ a: '/x', b: 'q' })
      expect(single('!(a == "/x" && b == "nope")', { a: '/x', b: 'q' })?.matches).toEqual({ a: '/x' })
    })
    it('K12: empty literals', () => {
      const m = single('a ^= "" && a ~ "" && a contains "" && a =^ ""', { a: 'xyz' })
      expect(m?.captures).toEqual({ 0: '' })
      expect(single('a != "q" && a contains "y"', { a: 'xyz' })?.matches).toEqual({})
    })
    it('K13: integer literal forms', () => {
      expect(matches('i == 0x1F', { i: 31 })).toBe(true)
      expect(matches('i == 0123', { i: 83 })).toBe(true)
      expect(matches('i == -0x123', { i: -291 })).toBe(true)
      expect(matches('i == -010', { i: -8 })).toBe(true)
      expect(matches('i == 08', { i: 8 })).toBe(true)
    })
    it('compares 64-bit Ints exactly', () => {
      expect(matches('i == 9007199254740993', { i: 9007199254740993n })).toBe(true)
      expect(matches('i == 9007199254740993', { i: 9007199254740992n })).toBe(false)
      expect(matches('i > 9007199254740992', { i: 9007199254740993n })).toBe(true)
      expect(matches('i < -9223372036854775807', { i: -9223372036854775807n })).toBe(false)
    })
    it('K15/K16: raw strings and regex classes', () => {
      expect(single('http.path ^= r#"/foo"\'"# && tcp.port == 80', { 'http.path': '/foo"\'/bar', 'tcp.port': 80 })?.matches['http.path']).toBe('/foo"\'')
      expect(matches('http.path ~ r#"^/\\D+/test$"#', { 'http.path': '/123/test' })).toBe(false)
      expect(single('http.path ~ r#"^/\\d+/test$"#', { 'http.path': '/123/test' })?.matches['http.path']).toBe('/123/test')
    })
    it('K19/K20: CIDR membership and families', () => {
      expect(matches('l3.ip in 192.168.12.0/24', { 'l3.ip': '192.168.12.1' })).toBe(true)
      expect(matches('l3.ip in 192.168.12.0/24', { 'l3.ip': '192.168.1.1' })).toBe(false)
      expect(matches('l3.ip not in 192.168.12.0/24', { 'l3.ip': '192.168.1.1' })).toBe(true)
      expect(matches('ip in 10.0.0.0/8', { ip: '::ffff:10.0.0.1' })).toBe(false)
      expect(matches('ip not in 10.0.0.0/8', { ip: '::ffff:10.0.0.1' })).toBe(true)
      expect(matches('ip != 10.0.0.1', { ip: '::ffff:10.0.0.1' })).toBe(true)
      expect(matches('ip in 2001:db8::/32', { ip: '2001:db8::5' })).toBe(true)
    })
    it('K34: NUL bytes are ordinary characters', () => {
      expect(matches('http.body =^ "world"', { 'http.body': 'hello\0world' })).toBe(true)
      expect(matches('http.body =^ "world"', { 'http.body': 'world\0hello' })).toBe(false)
    })
    it('set literals (the list extension) follow the all/any rules', () => {
      const lists = { lists: true }
      expect(matches('a in ["GET", "HEAD"]', { a: 'HEAD' }, lists)).toBe(true)
      expect(matches('a in ["GET", "HEAD"]', { a: ['GET', 'POST'] }, lists)).toBe(false)
      expect(matches('any(a) in ["GET", "HEAD"]', { a: ['GET', 'POST'] }, lists)).toBe(true)
      expect(matches('i not in [80, 443]', { i: 8080 }, lists)).toBe(true)
      expect(matches('i not in [80, 443]', { i: 443 }, lists)).toBe(false)
      expect(matches('i not in [80, 443]', {}, lists)).toBe(false)
    })
    it('refuses lists unless created with lists: true, as Kong has none, for a text and for a tree', () => {
      const router = createRouter(schema)
      const added = router.add({ id: '00000000-0000-0000-0000-000000000001', priority: 0, expression: 'a in ["GET", "HEAD"]' })
      expect(added.ok).toBe(false)
      expect(added.diagnostics[0]).toMatchObject({ code: 'invalid-set', kind: 'syntax' })
      const tree = predicate('a', 'in', { kind: 'Set', elements: [stringLiteral('GET')], span: { start: 0, end: 0 } })
      expect(router.add({ id: '00000000-0000-0000-0000-000000000002', priority: 0, expression: tree }).diagnostics[0]).toMatchObject({ code: 'invalid-set' })
      expect(router.size).toBe(0)
      const extended = createRouter(schema, { lists: true })
      expect(extended.add({ id: '00000000-0000-0000-0000-000000000002', priority: 0, expression: tree }).ok).toBe(true)
      expect(extended.explain(contextOf({ a: 'GET' })).match?.id).toBe('00000000-0000-0000-0000-000000000002')
    })
    it('never throws on values of the wrong type', () => {
      expect(matches('i > 1', { i: 'x' })).toBe(false)
      expect(matches('i > 1', { i: 1.5 })).toBe(false)
      expect(matches('a == "1"', { a: 1 })).toBe(false)
      expect(matches('ip in 10.0.0.0/8', { ip: 5 })).toBe(false)
    })
  })

  describe(`${name}: priorities and lifecycle`, () => {
    it('K22: the higher priority wins', () => {
      const router = createRouter(schema)
      router.add({ id: '00000000-0000-0000-0000-00000000000a', priority: 1, expression: 'http.path ^= "/foo" && tcp.port == 80' })
      router.add({ id: '00000000-0000-0000-0000-00000000000b', priority: 0, expression: 'http.path ^= "/"' })
      const m = router.match(contextOf({ 'http.path': '/foo/bar', 'tcp.port': 80 }))
      expect(m).toMatchObject({ id: '00000000-0000-0000-0000-00000000000a', matches: { 'http.path': '/foo' } })
    })
    it('K23: equal priorities are decided by descending id; the (priority, id) pair is unique', () => {
      const router = createRouter(schema)
      for (const id of ['00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-00000000000b', 'ffffffff-0000-0000-0000-000000000000']) {
        router.add({ id, priority: 7, expression: 'a ^= "/"' })
      }
      expect(router.match(contextOf({ a: '/x' }))?.id).toBe('ffffffff-0000-0000-0000-000000000000')
      expect(() => router.add({ id: 'ffffffff-0000-0000-0000-000000000000', priority: 7, expression: 'a ^= "/"' })).toThrow(/already exists/)
      // atc-router 1.7.1 refuses the duplicate before it reads the expression.
      expect(() => router.add({ id: 'ffffffff-0000-0000-0000-000000000000', priority: 7, expression: 'a = "/"' })).toThrow(/already exists/)
      expect(router.add({ id: 'ffffffff-0000-0000-0000-000000000000', priority: 9, expression: 'a ^= "/"' }).ok).toBe(true)
      expect(router.size).toBe(4)
    })
    it('bulk loads: one id at two priorities is two routes; a (priority, id) listed twice or already held is refused and adds nothing', () => {
      const id = '00000000-0000-0000-0000-00000000000a'
      const other = '00000000-0000-0000-0000-00000000000b'
      const router = createRouter(schema)
      expect(router.addAll([{ id, priority: 1, expression: 'a == "x"' }, { id, priority: 2, expression: 'a == "y"' }]).ok).toBe(true)
      expect(router.size).toBe(2)
      expect(router.match(contextOf({ a: 'y' }))?.priority).toBe(2n)
      expect(() => router.addAll([{ id: other, priority: 3, expression: 'b == "z"' }, { id, priority: 2, expression: 'a == "z"' }])).toThrow(/already exists/)
      expect(() => router.addAll([{ id, priority: 2, expression: 'a = "z"' }])).toThrow(/already exists/)
      expect(router.size).toBe(2)
      expect(router.has(other)).toBe(false)
      expect([...router.fields]).toEqual(['a'])

      const empty = createRouter(schema)
      const twice = [{ id: other, priority: 3, expression: 'b == "z"' }, { id, priority: 4, expression: 'a == "x"' }, { id, priority: 4, expression: 'a == "y"' }]
      expect(() => empty.addAll(twice)).toThrow(/listed twice/)
      expect(empty.size).toBe(0)
      expect(empty.match(contextOf({ b: 'z' }))).toBeUndefined()
      expect(empty.addAll(twice.slice(0, 2)).ok).toBe(true)
      expect(empty.match(contextOf({ b: 'z' }))?.id).toBe(other)
      expect(empty.remove(id)).toBe(true)
      expect(empty.size).toBe(1)
    })
    it('a long bulk load that fails at its end leaves an empty router empty and usable', () => {
      const many = Array.from({ length: 3000 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, priority: i, expression: `a == "${i}"` }))
      const router = createRouter(schema)
      expect(router.addAll([...many, { id: 'bad', priority: 1, expression: 'a == 1' }]).ok).toBe(false)
      expect(() => router.addAll([...many, many[0] as RouteInput])).toThrow(/listed twice/)
      expect(router.size).toBe(0)
      expect([...router.fields]).toEqual([])
      expect(router.match(contextOf({ a: '7' }))).toBeUndefined()
      expect(router.addAll(many.slice(0, 10)).ok).toBe(true)
      expect(router.match(contextOf({ a: '7' }))?.id).toBe('00000000-0000-4000-8000-000000000007')
      expect(router.match(contextOf({ a: '2999' }))).toBeUndefined()
    })
    it('K24: == and != on the same field', () => {
      const router = createRouter(schema)
      router.add({ id: '00000000-0000-0000-0000-1aa500000000', priority: 0, expression: 'net.port == 8000' })
      router.add({ id: '00000000-0000-0000-0000-8aa500000000', priority: 0, expression: 'net.port != 8000' })
      expect(router.match(contextOf({ 'net.port': 8000 }))?.id).toBe('00000000-0000-0000-0000-1aa500000000')
      expect(router.match(contextOf({ 'net.port': 8001 }))?.id).toBe('00000000-0000-0000-0000-8aa500000000')
    })
    it('accepts priorities above 2^53 exactly', () => {
      const router = createRouter(schema)
      router.add({ id: '00000000-0000-0000-0000-000000000001', priority: 0xff00_0000_0000_0001n, expression: 'a == "x"' })
      router.add({ id: '00000000-0000-0000-0000-000000000002', priority: '18374686479671623680', expression: 'a == "x"' })
      expect(router.match(contextOf({ a: 'x' }))).toMatchObject({ id: '00000000-0000-0000-0000-000000000001', priority: 0xff00_0000_0000_0001n })
    })
    it('leaves the router untouched when an expression is bad', () => {
      const router = createRouter(schema)
      router.add({ id: '00000000-0000-0000-0000-000000000001', priority: 1, expression: 'a == "x"' })
      const bad = router.add({ id: '00000000-0000-0000-0000-000000000002', priority: 2, expression: 'a == 1' })
      expect(bad.ok).toBe(false)
      expect(router.size).toBe(1)
      expect([...router.fields]).toEqual(['a'])
      const replaced = router.replace({ id: '00000000-0000-0000-0000-000000000001', priority: 1, expression: 'nope == "x"' })
      expect(replaced.ok).toBe(false)
      expect(router.match(contextOf({ a: 'x' }))?.id).toBe('00000000-0000-0000-0000-000000000001')
    })
    it('counts fields per route and drops them on removal', () => {
      const router = createRouter(schema)
      router.add({ id: 'r1', priority: 1, expression: 'a == "x" && b == "y"' })
      router.add({ id: 'r2', priority: 2, expression: 'a == "z"' })
      expect([...router.fields].sort()).toEqual(['a', 'b'])
      expect(router.remove('r1')).toBe(true)
      expect([...router.fields]).toEqual(['a'])
      expect(router.remove('r1')).toBe(false)
      router.replace({ id: 'r2', priority: 5, expression: 'c == "z"' })
      expect([...router.fields]).toEqual(['c'])
      expect(router.match(contextOf({ c: 'z' }))?.priority).toBe(5n)
    })
    it('normalises UUID spellings of ids', () => {
      const router = createRouter(schema)
      router.add({ id: '{A0C691E4-AFB5-4596-9134-94720DEB8936}', priority: 1, expression: 'a == "x"' })
      expect(router.match(contextOf({ a: 'x' }))?.id).toBe('a0c691e4-afb5-4596-9134-94720deb8936')
      expect(router.remove('a0c691e4afb54596913494720deb8936')).toBe(true)
    })
    it('takes the UUID forms Rust accepts and keeps other spellings as distinct ids', () => {
      const router = createRouter(schema)
      const canonical = 'a0c691e4-afb5-4596-9134-94720deb8936'
      for (const [id, expected] of [
        ['{A0C691E4-AFB5-4596-9134-94720DEB8936}', canonical],
        ['urn:uuid:a0c691e4-afb5-4596-9134-94720deb8936', canonical],
        ['A0C691E4AFB54596913494720DEB8936', canonical],
        ['{a0c691e4-afb5-4596-9134-94720deb8936', '{a0c691e4-afb5-4596-9134-94720deb8936'],
        ['a0c691e4afb5-4596-9134-94720deb8936', 'a0c691e4afb5-4596-9134-94720deb8936'],
        ['urn:uuid:{a0c691e4afb54596913494720deb8936}', 'urn:uuid:{a0c691e4afb54596913494720deb8936}'],
      ] as const) {
        expect(router.add({ id, priority: 1, expression: 'a == "x"' }).ok).toBe(true)
        expect(router.match(contextOf({ a: 'x' }))?.id).toBe(expected)
        expect(router.remove(id)).toBe(true)
      }
    })
    it.each<[string, unknown]>([
      ['an empty string', ''],
      ['a blank string', ' '],
      ['a padded string', ' 5 '],
      ['a hexadecimal string', '0x10'],
      ['a signed string', '+5'],
      ['an exponent', '1e3'],
      ['a fraction', 1.5],
      ['a fractional string', '1.0'],
      ['a negative number', -1],
      ['a negative string', '-1'],
      ['a negative bigint', -1n],
      ['2^64', 2n ** 64n],
      ['an unsafe number', 2 ** 53],
      ['NaN', Number.NaN],
      ['null', null],
      ['an array', [5]],
      ['a boolean', true],
    ])('rejects %s as a priority with a RouterError', (_, priority) => {
      const router = createRouter(schema)
      expect(() => router.add({ id: 'r', priority: priority as number, expression: 'a == "x"' })).toThrow(expect.objectContaining({ name: 'RouterError' }))
      expect(router.size).toBe(0)
    })
    it('rejects an id that is not a string with a RouterError', () => {
      expect(() => createRouter(schema).add({ id: null as unknown as string, priority: 0, expression: 'a == "x"' })).toThrow(expect.objectContaining({ name: 'RouterError' }))
    })
    it('accepts priorities 0 and 2^64-1 in every form', () => {
      const router = createRouter(schema)
      router.add({ id: 'a', priority: '18446744073709551615', expression: 'a == "x"' })
      router.add({ id: 'b', priority: 0, expression: 'a == "x"' })
      expect(router.match(contextOf({ a: 'x' }))?.priority).toBe(2n ** 64n - 1n)
      expect(router.remove('a', 2n ** 64n - 1n)).toBe(true)
      expect(router.remove('b', '0')).toBe(true)
    })
    it('explains and removes a route built as a tree beyond the parser limits', () => {
      // A 2048-predicate expression is valid; the net.protocol amendment adds two more.
      const router = createRouter(schema)
      const parts = Array.from({ length: 2050 }, (_, n) => predicate('a', 'equals', stringLiteral(`v${n}`)))
      expect(router.add({ id: 'r', priority: 1, expression: anyOf(parts) }).ok).toBe(true)
      expect(router.add({ id: 's', priority: 0, expression: allOf([predicate('a', 'prefix', stringLiteral('v')), predicate('b', 'equals', stringLiteral('x'.repeat(70_000)))]) }).ok).toBe(true)
      const explanation = router.explain(contextOf({ a: 'v2049' }))
      expect(explanation.match?.id).toBe('r')
      expect(router.explain(contextOf({ a: 'w' })).routes.map((r) => r.matched)).toEqual([false, false])
      expect(router.remove('r')).toBe(true)
      expect(router.remove('s')).toBe(true)
    })
    it('explains the routes tried before the winner', () => {
      const router = createRouter(schema)
      router.add({ id: 'r1', priority: 3, expression: 'a == "x" && b == "y"' })
      router.add({ id: 'r2', priority: 2, expression: 'a ^= "x"' })
      const explanation = router.explain(contextOf({ a: 'xx', b: 'y' }))
      expect(explanation.match?.id).toBe('r2')
      expect(explanation.routes.map((r) => [r.id, r.matched])).toEqual([['r1', false], ['r2', true]])
      expect(explanation.routes[0]?.trace.decidedBy).toMatchObject({ text: 'a == "x"', values: ['xx'], result: false, span: { start: 0, end: 8 } })
    })
    it('explains the routes after the winner too when asked, which the router never tries', () => {
      const router = createRouter(schema)
      router.add({ id: 'r1', priority: 3, expression: 'a == "x" && b == "y"' })
      router.add({ id: 'r2', priority: 2, expression: 'a ^= "x"' })
      router.add({ id: 'r3', priority: 1, expression: 'b == "z"' })
      router.add({ id: 'r4', priority: 1, expression: 'a ^= "xx"' })
      const context = contextOf({ a: 'xx', b: 'y' })
      const explanation = router.explain(context, { all: true })
      // The match is the same; every route is listed in evaluation order (equal priorities: greater id first).
      expect(explanation.match?.id).toBe(router.match(context)?.id)
      expect(explanation.routes.map((r) => [r.id, r.matched])).toEqual([['r1', false], ['r2', true], ['r4', true], ['r3', false]])
      expect(explanation.routes[3]?.trace.decidedBy).toMatchObject({ text: 'b == "z"', values: ['y'] })
      expect(router.explain(context).routes.map((r) => r.id)).toEqual(['r1', 'r2'])
    })
  })
}
