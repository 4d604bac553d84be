// Differential fuzz: the core router against atc-router itself (packages/core/src/router/oracle).
// Usage: npx tsx conformance/atc-differential.ts <oracle-binary> <cases> <seed> [outfile]
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { FieldContext, LinearRouter, Router, Schema, formatIpAddr, formatIpCidr, parseIpAddr, parseIpCidr } from '@switchyard/core'
import type { FieldValue, RouterApi, ValueType } from '@switchyard/core'

const [oracle, countArg, seedArg, outFile] = process.argv.slice(2)
let seed = Number(seedArg ?? 1) >>> 0
function rnd(): number {
  seed = (seed + 0x6d2b79f5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const int = (n: number) => Math.floor(rnd() * n)
const pick = <T>(a: readonly T[]): T => a[int(a.length)] as T
const chance = (p: number) => rnd() < p

const schemaMap: Record<string, ValueType> = {
  'http.path': 'String',
  'http.host': 'String',
  'http.headers.*': 'String',
  'http.path.segments.*': 'String',
  'http.path.segments.len': 'Int',
  'net.src.ip': 'IpAddr',
  'net.dst.port': 'Int',
  'net.cidr': 'IpCidr',
  n: 'Int',
}
const stringFields = ['http.path', 'http.host', 'http.headers.x_a', 'http.headers.x_b', 'http.path.segments.0', 'http.path.segments.1', 'http.path.segments.0_1']
const intFields = ['net.dst.port', 'http.path.segments.len', 'n']
const ipFields = ['net.src.ip']
const cidrFields = ['net.cidr']
const badFields = ['http.headers.x.y', 'foo', 'http.pathx', 'http.path.segments.', 'in', 'a.b.']

const strPool = ['', 'a', '/a', '/a/b', 'A', '/A', 'ab', 'ba', 'x', '/', 'é', 'É', 'ß', 'İ', 'ΣΑΣ', 'σας', 'K', '\u212a', 'a"b', 'a\\b', 'a\nb', '\t', 'abc', '/users/12', 'Ab', 'aa', '\u0000']
const regexPool = ['^/a', '^/(?P<x>a)(b)?', '(a)|(b)', '^/users/(\\d+)$', '(?i)^/A', 'b$', '^$', '(?P<first>.)(?P<second>.)?', '.*', '(x)?a', '[', '(?i)k', '\\d', 'a{2}', '^/(?P<n>[a-z]+)', '\\bab\\b', '(?u)\\w+', 'ΣΑΣ', '(?i)σας']
const ipPool = ['10.0.0.1', '10.1.2.3', '192.168.1.5', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::1', '::', '::ffff:10.0.0.1', 'fe80::1', '2001:DB8::1']
const ipLit = ['10.0.0.1', '192.168.1.5', '2001:db8::1', '::1', '::', '2001:DB8:0:0::1', '1:2', '010.0.0.1', '256.0.0.1', '1.2.3', '::ffff:1.2.3.4', '1::2::3', 'fe80::1']
const cidrLit = ['10.0.0.0/8', '10.0.0.1/8', '0.0.0.0/0', '192.168.1.0/24', '10.0.0.1/32', '10.0.0.0/33', '2001:db8::/32', '::/0', '2001:db8::1/128', '2001:db8::1/32', '::/129', '010.0.0.0/8', '10.0.0.0/08', '::ffff:0:0/96', '1.2.3.4/99']
const intLit = ['0', '1', '-1', '80', '443', '0x1F', '0x1f', '-0x10', '010', '00', '08', '018', '0X1F', '9223372036854775807', '-9223372036854775807', '-9223372036854775808', '9223372036854775808', '0x7fffffffffffffff', '0xFFFFFFFFFFFFFFFF', '07777777777777777777777', '1_000', '- 1', '2', '3']
const intVals = [0n, 1n, -1n, 2n, 3n, 8n, 31n, -16n, 80n, 443n, 9223372036854775807n, -9223372036854775807n, -9223372036854775808n]

function strLit(s: string): string {
  if (chance(0.3) && !s.includes('"#')) return `r#"${s}"#`
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}"`
}
function wrapField(f: string, allowLower: boolean): string {
  let out = f
  const n = int(4)
  for (let i = 0; i < n; i++) {
    const t = chance(0.05) ? pick(['upper', 'LOWER', 'Any']) : allowLower || chance(0.1) ? pick(['lower', 'any']) : 'any'
    out = `${t}${chance(0.1) ? ' ' : ''}(${out})`
  }
  return out
}
function predicate(): string {
  const kind = int(10)
  if (kind <= 3) {
    const f = wrapField(chance(0.03) ? pick(badFields) : pick(stringFields), true)
    const op = pick(['==', '!=', '^=', '=^', 'contains', '~', '~', '~', 'in', '>', 'not in'])
    if (op === '~') return `${f} ~ ${chance(0.05) ? pick(intLit) : strLit(pick(regexPool))}`
    return `${f} ${op} ${chance(0.06) ? pick([...intLit, ...ipLit]) : strLit(pick(strPool))}`
  }
  if (kind <= 5) {
    const f = wrapField(pick(intFields), false)
    const op = pick(['==', '!=', '>', '>=', '<', '<=', '^=', 'contains'])
    return `${f} ${op} ${chance(0.06) ? strLit('1') : pick(intLit)}`
  }
  if (kind <= 8) {
    const f = wrapField(pick(ipFields), false)
    const op = pick(['in', 'not in', '==', '!=', 'in', 'not in', '~'])
    const lit = op.includes('in') ? (chance(0.85) ? pick(cidrLit) : pick(ipLit)) : chance(0.85) ? pick(ipLit) : pick(cidrLit)
    return `${f} ${op} ${op === '~' ? strLit('1') : lit}`
  }
  const f = wrapField(pick(cidrFields), false)
  return `${f} ${pick(['==', '!=', 'in'])} ${pick([...cidrLit, ...ipLit])}`
}
function expr(depth: number): string {
  if (depth > 3 || chance(0.45)) return predicate()
  const r = int(10)
  if (r < 3) return `(${expr(depth + 1)})`
  if (r < 5) return `!${chance(0.2) ? ' ' : ''}(${expr(depth + 1)})`
  return `${expr(depth + 1)} ${pick(['&&', '||'])} ${expr(depth + 1)}`
}
function mutate(e: string): string {
  const r = int(8)
  const at = int(e.length + 1)
  if (r === 0) return e.slice(0, at) + e.slice(at + 1)
  if (r === 1) return e.slice(0, at) + pick(['(', ')', '"', '!', '&', '|', '=', ' ', '#', '\\', 'r', '-', '.', ':', '/']) + e.slice(at)
  if (r === 2) return e.replace(' not in ', pick([' not  in ', ' notin ', ' not\tin ']))
  if (r === 3) return e.replace('==', pick(['=', '===', '=~']))
  if (r === 4) return `${e} ${pick(['&&', '||'])}`
  if (r === 5) return pick(['', '   ', '()', '!!(n == 1)', `! ${e}`, `(${e}`])
  if (r === 6) return e.replace('&&', pick(['&', 'and', '&&&']))
  return e.replace(/"/, '"\\q')
}

const uuids = Array.from({ length: 6 }, (_, i) => `0000000${i}-0000-4000-8000-00000000000${i}`).concat(['ffffffff-ffff-4fff-bfff-ffffffffffff', '80000000-0000-4000-8000-000000000000'])

interface Case {
  schema: Record<string, string>
  routes: { uuid: string; priority: number; expression: string }[]
  contexts: Record<string, string[]>[]
}
function makeCase(): Case {
  const n = 1 + int(5)
  const ids = [...uuids].sort(() => rnd() - 0.5).slice(0, n)
  const routes = ids.map((uuid) => {
    let e = expr(0)
    if (chance(0.12)) e = mutate(e)
    if (chance(0.05)) e = `  ${e}\n`
    return { uuid, priority: pick([0, 1, 1, 2, 5, 2 ** 46 - 1]), expression: e }
  })
  const contexts: Record<string, string[]>[] = []
  for (let i = 0; i < 4; i++) {
    const c: Record<string, string[]> = {}
    for (const f of [...stringFields, ...intFields, ...ipFields, ...cidrFields]) {
      if (chance(0.35)) continue
      const k = chance(0.75) ? 1 : chance(0.7) ? 2 : 3
      const vals: string[] = []
      for (let j = 0; j < k; j++) {
        if (stringFields.includes(f)) vals.push(chance(0.3) ? pick(['/a/b', '/users/12', 'ab', 'k', 'ΣΑΣ', 'x/a']) : pick(strPool))
        else if (intFields.includes(f)) vals.push(String(pick(intVals)))
        else if (ipFields.includes(f)) vals.push(pick(ipPool))
        else vals.push(pick(['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32', '::/0', '10.0.0.1/32']))
      }
      c[f] = vals
    }
    contexts.push(c)
  }
  return { schema: schemaMap, routes, contexts }
}

// ---- Switchyard side
const schema = new Schema(schemaMap)
function toValue(type: ValueType, v: string): FieldValue {
  if (type === 'Int') return BigInt(v)
  if (type === 'IpAddr') return parseIpAddr(v)!
  if (type === 'IpCidr') return parseIpCidr(v) as FieldValue
  return v
}
function typeOf(f: string): ValueType {
  return schema.typeOf(f) as ValueType
}
function show(v: FieldValue): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  if ('prefix' in v) return formatIpCidr(v)
  return formatIpAddr(v)
}
function normOracle(s: string): string {
  const ip = /^[0-9a-fA-F:.]+$/.test(s) ? parseIpAddr(s) : undefined
  if (ip !== undefined) return formatIpAddr(ip)
  const c = parseIpCidr(s.includes('/') ? s : `${s}/${s.includes(':') ? 128 : 32}`)
  if (typeof c === 'object' && /^[0-9a-fA-F:.]+(\/\d+)?$/.test(s)) return formatIpCidr(c)
  return s
}
function runSwitchyard(c: Case, make: () => RouterApi) {
  const router = make()
  const routes = c.routes.map((r) => {
    let res
    try {
      res = router.add({ id: r.uuid, priority: r.priority, expression: r.expression })
    } catch (e) {
      return { ok: false, kind: 'throw', error: String(e) }
    }
    if (res.ok) return { ok: true }
    const d = res.diagnostics.find((x) => x.severity === 'error') ?? res.diagnostics[0]
    return { ok: false, kind: d?.kind, error: d?.message }
  })
  const results = c.contexts.map((ctx) => {
    const fc = new FieldContext()
    for (const [f, vals] of Object.entries(ctx)) for (const v of vals) fc.add(f, toValue(typeOf(f), v))
    const m = router.match(fc)
    if (m === undefined) return null
    return { uuid: m.id, matches: Object.fromEntries(Object.entries(m.matches).map(([k, v]) => [k, show(v)])), captures: { ...m.captures } }
  })
  return { routes, results }
}
function oracleKind(r: { ok: boolean; stage?: string; error?: string }): string | undefined {
  if (r.ok) return undefined
  if (r.stage === 'parse' || r.stage === 'panic') return 'syntax'
  if (r.stage === 'validate') return r.error === 'Unknown LHS field' ? 'unknown-field' : 'type'
  return r.stage
}
const sortObj = (o: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))))

const total = Number(countArg ?? 1000)
const diffs: unknown[] = []
let compared = 0
const BATCH = 500
for (let done = 0; done < total; done += BATCH) {
  const cases = Array.from({ length: Math.min(BATCH, total - done) }, makeCase)
  const out = spawnSync(oracle!, { input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n', maxBuffer: 1 << 28 })
  const lines = out.stdout.toString().trim().split('\n')
  cases.forEach((c, i) => {
    const o = JSON.parse(lines[i]!)
    if (o.fatal) {
      diffs.push({ type: 'oracle-fatal', c, o })
      return
    }
    for (const [name, make] of [['Router', () => new Router(schema)], ['LinearRouter', () => new LinearRouter(schema)]] as const) {
      const s = runSwitchyard(c, make)
      compared++
      c.routes.forEach((r, j) => {
        const ok = o.routes[j].ok
        const sk = s.routes[j]!
        if (ok !== sk.ok || oracleKind(o.routes[j]) !== (sk.ok ? undefined : sk.kind)) {
          diffs.push({ type: 'accept', router: name, expression: r.expression, oracle: o.routes[j], switchyard: sk })
        }
      })
      c.contexts.forEach((ctx, j) => {
        const a = o.results[j]
        const b = s.results[j] ?? null
        const an = a === null ? null : { uuid: a.uuid, matches: sortObj(Object.fromEntries(Object.entries(a.matches as Record<string, string>).map(([k, v]) => [k, normOracle(v)]))), captures: sortObj(a.captures) }
        const bn = b === null ? null : { uuid: b.uuid, matches: sortObj(Object.fromEntries(Object.entries(b.matches).map(([k, v]) => [k, k === 'net.cidr' ? v.replace(v.includes(':') ? /\/128$/ : /\/32$/, '') : v]))), captures: sortObj(b.captures) }
        if (JSON.stringify(an) !== JSON.stringify(bn)) diffs.push({ type: 'match', router: name, routes: c.routes.filter((_, k) => o.routes[k].ok), context: ctx, oracle: an, switchyard: bn })
      })
    }
  })
}
console.log(`cases ${total}, router runs ${compared}, differences ${diffs.length}`)
const byType: Record<string, number> = {}
for (const d of diffs as { type: string }[]) byType[d.type] = (byType[d.type] ?? 0) + 1
console.log(byType)
if (outFile) writeFileSync(outFile, diffs.map((d) => JSON.stringify(d)).join('\n') + '\n')
