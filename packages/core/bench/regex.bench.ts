/**
 * Micro-benchmark of the Rust-dialect regex engines against plain V8 RegExp.
 *
 *   npx tsx packages/core/bench/regex.bench.ts           # all tables
 *   npx tsx packages/core/bench/regex.bench.ts compile   # compile time only
 *   npx tsx packages/core/bench/regex.bench.ts dfa       # lazy DFAs against the Pike VM alone
 *   npx tsx packages/core/bench/regex.bench.ts compile --before /tmp/regex-before
 *       # compile time of an older copy of src/values/regex side by side, e.g. from
 *       # git archive 5ae4fa9 packages/core/src/values/regex | tar -x -C /tmp/regex-before --strip-components=5
 *
 * For each pattern it reports the median ns per `test()` call over 21 batches (best of three
 * interleaved rounds): the engine chosen
 * in production (`auto`), the Pike VM forced, the translated RegExp forced (only where the safety
 * analysis allows it), and a hand-written V8 RegExp as the baseline. Catastrophic patterns run the
 * V8 baseline on a short input only (it is exponential); ours run on the long one.
 *
 * The last table is compile time: median µs per `compileRegex` over batches of 20 distinct
 * pattern texts (a counter is spliced into each, since `RegexCache` and V8 share identical ones),
 * best of three rounds, and the total for 10,000 distinct corpus route regexes.
 */
import { compileRegex, compileRegexWith, type CompiledRegex } from '../src/values/regex/index.ts'
import { lowerAst } from '../src/values/regex/lower.ts'
import { parsePattern } from '../src/values/regex/parse.ts'
import { PikeVM } from '../src/values/regex/pike-vm.ts'
import { routeCorpus } from '../src/values/regex/test-corpus.ts'

interface Row {
  readonly name: string
  readonly pattern: string
  readonly v8: RegExp
  readonly inputs: readonly string[]
  readonly v8Inputs?: readonly string[]
}

const ROUTES: readonly Row[] = [
  {
    name: 'exact path',
    pattern: '^/base/users/\\d+/orders$',
    v8: /^\/base\/users\/\d+\/orders$/,
    inputs: ['/base/users/12345/orders', '/base/users/12345/orderz', '/other/path/that/is/longer'],
  },
  {
    name: 'case-insensitive, named group',
    pattern: '(?i)^/api/v[0-9]+/items/(?P<id>[a-z0-9-]+)$',
    v8: /^\/api\/v[0-9]+\/items\/(?<id>[a-z0-9-]+)$/i,
    inputs: ['/API/v2/items/abc-123', '/api/v2/items/abc_123', '/api/v2/other'],
  },
  {
    name: 'prefix and capture',
    pattern: '^/users/(?P<id>\\d+)(/.*)?$',
    v8: /^\/users\/(?<id>\d+)(\/.*)?$/,
    inputs: ['/users/42/profile/settings', '/users/x'],
  },
  {
    name: 'unanchored suffix',
    pattern: '\\.(css|js|png)$',
    v8: /\.(css|js|png)$/,
    inputs: ['/static/app/main.bundle.js', '/static/app/readme.txt'],
  },
  {
    name: 'ambiguous alternation',
    pattern: '^/(users|user)/\\d+$',
    v8: /^\/(users|user)\/\d+$/,
    inputs: ['/users/123', '/user/42', '/usr/1'],
  },
  {
    name: 'ambiguous loop',
    pattern: '^/api/(.*)/items$',
    v8: /^\/api\/(.*)\/items$/,
    inputs: ['/api/v1/shop/items', '/api/v1/shop/item'],
  },
  {
    name: 'K9 (unanchored, optional group)',
    pattern: '/(\\d+)/(?P<name>[a-z]+)(x)?',
    v8: /\/(\d+)\/(?<name>[a-z]+)(x)?/,
    inputs: ['/foo/123/abc/z', '/foo/bar/baz/qux'],
  },
]

const N = 20_000
const CATASTROPHIC: readonly Row[] = [
  { name: 'nested plus', pattern: '^(a+)+$', v8: /^(a+)+$/, inputs: ['a'.repeat(N) + '!'], v8Inputs: ['a'.repeat(20) + '!'] },
  { name: 'overlapping alternation', pattern: '(a|a)*b', v8: /(a|a)*b/, inputs: ['a'.repeat(N)], v8Inputs: ['a'.repeat(20)] },
  { name: 'nested star', pattern: '(a*)*b', v8: /(a*)*b/, inputs: ['a'.repeat(N)], v8Inputs: ['a'.repeat(20)] },
  { name: 'x+x+', pattern: '(x+x+)+y', v8: /(x+x+)+y/, inputs: ['x'.repeat(N)], v8Inputs: ['x'.repeat(20)] },
  { name: 'six stars', pattern: 'a*a*a*a*a*a*b', v8: /a*a*a*a*a*a*b/, inputs: ['a'.repeat(N)], v8Inputs: ['a'.repeat(40)] },
]

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1] as number
}

interface Testable {
  test(input: string): boolean
}

/**
 * Median ns per `re.test` over all inputs, sizing batches to about 5 ms. The matcher is passed as
 * an object (not wrapped in a closure) so the call site stays polymorphic rather than megamorphic.
 */
function measure(re: Testable, inputs: readonly string[]): number {
  let iterations = 1
  for (;;) {
    const t = performance.now()
    for (let i = 0; i < iterations; i++) re.test(inputs[i % inputs.length] as string)
    if (performance.now() - t > 5 || iterations > 1 << 22) break
    iterations *= 2
  }
  const samples: number[] = []
  for (let b = 0; b < 21; b++) {
    const t = performance.now()
    for (let i = 0; i < iterations; i++) re.test(inputs[i % inputs.length] as string)
    samples.push(((performance.now() - t) * 1e6) / iterations)
  }
  return median(samples)
}

function compiled(pattern: string, engine: 'auto' | 'regexp' | 'pike-vm'): CompiledRegex {
  const r = compileRegexWith(pattern, engine)
  if (!r.ok) throw new Error(`${pattern}: ${r.error.message}`)
  return r.regex
}

function fmt(ns: number | undefined): string {
  if (ns === undefined) return '—'
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(1)} ms` : ns >= 1e4 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`
}

function run(title: string, rows: readonly Row[], longInputs: boolean): void {
  console.log(`\n### ${title}\n`)
  console.log('| pattern | engine chosen | auto | Pike VM | translated RegExp | plain V8 RegExp |')
  console.log('|---|---|---|---|---|---|')
  for (const row of rows) {
    const auto = compiled(row.pattern, 'auto')
    const vm = compiled(row.pattern, 'pike-vm')
    const js = auto.engine === 'regexp' ? compiled(row.pattern, 'regexp') : undefined
    // Three interleaved rounds, keeping each engine's best median: on a shared machine the
    // slowest rounds measure the neighbours, not the engine.
    let a = Infinity
    let v = Infinity
    let j: number | undefined = js === undefined ? undefined : Infinity
    let b = Infinity
    for (let round = 0; round < 3; round++) {
      a = Math.min(a, measure(auto, row.inputs))
      v = Math.min(v, measure(vm, row.inputs))
      if (js !== undefined) j = Math.min(j as number, measure(js, row.inputs))
      b = Math.min(b, measure(row.v8, row.v8Inputs ?? row.inputs))
    }
    const note = longInputs ? ` (input ${(row.v8Inputs?.[0] ?? '').length} chars)` : ''
    console.log(`| \`${row.pattern}\` | ${auto.engine} | ${fmt(a)} | ${fmt(v)} | ${fmt(j)} | ${fmt(b)}${note} |`)
  }
}

/** Patterns whose Pike VM runs keep many states alive, on a 16 KB header: with and without the lazy DFAs. */
const MANY_STATES: readonly { pattern: string; input: string }[] = [
  { pattern: '(a|b){100}x', input: 'ab'.repeat(8192) },
  { pattern: '(a|b){500}x', input: 'ab'.repeat(8192) },
  { pattern: '(a|b){500}x', input: `${'ab'.repeat(8192)}x` },
  { pattern: '(a|b){1500}x', input: 'ab'.repeat(8192) },
  ...CATASTROPHIC.map((row) => ({ pattern: row.pattern, input: (row.inputs[0] as string).slice(0, 16_384) })),
]

/** Milliseconds of one call, median of 5 after one untimed call (which builds the DFA states). */
function callMs(call: () => unknown): number {
  call()
  const samples: number[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    call()
    samples.push(performance.now() - t)
  }
  return median(samples)
}

function runDfaTable(): void {
  console.log('\n### Lazy DFAs against the Pike VM alone (ms per call, 16 KB input)\n')
  console.log('| pattern | input | test: DFA | test: VM alone | exec: DFAs + VM on the span | exec: VM alone |')
  console.log('|---|---|---|---|---|---|')
  for (const { pattern, input } of MANY_STATES) {
    const regex = compiled(pattern, 'pike-vm')
    const parsed = parsePattern(pattern)
    if (!parsed.ok) throw new Error(pattern)
    const lowered = lowerAst(parsed.parsed.ast, pattern)
    if (!lowered.ok) throw new Error(pattern)
    const vm = new PikeVM({ k: 'cap', index: 0, sub: lowered.hir }, regex.groupCount)
    const shown = input.length > 12 ? `${JSON.stringify(input.slice(0, 6)).slice(0, -1)}…${JSON.stringify(input.slice(-3)).slice(1)}` : JSON.stringify(input)
    const cells = [callMs(() => regex.test(input)), callMs(() => vm.run(input, false)), callMs(() => regex.exec(input)), callMs(() => vm.run(input, true))]
    console.log(`| \`${pattern.replace(/\|/g, '\\|')}\` | \`${shown}\` | ${cells.map((ms) => `${ms.toFixed(1)} ms`).join(' | ')} |`)
  }
}

// `-- compile` runs only the compile-time table, `-- dfa` only the lazy DFA table.
const compileOnly = process.argv.includes('compile')
const dfaOnly = process.argv.includes('dfa')
if (!compileOnly && !dfaOnly) {
  run('Typical route regexes (median ns per test(), inputs cycled)', ROUTES, false)
  run(`Catastrophic patterns (ours on ${N}-char inputs)`, CATASTROPHIC, true)
}
if (!compileOnly) runDfaTable()

const COMPILE_PATTERNS: readonly string[] = [
  '^/base/users/\\d+/orders$',
  '(?i)^/api/v[0-9]+/items/(?P<id>[a-z0-9-]+)$',
  '^/users/(?P<id>\\d+)(/.*)?$',
  '\\.(css|js|png)$',
  '^/(users|user)/\\d+$',
  '^/api/(.*)/items$',
  '^/a/b$',
  '^/(?:v1|v2|v3)/(?:orders|items|carts)$',
  '\\w+',
  '^/w/\\w+\\b',
]

let distinct = 0

/** `pattern` with a fresh literal after its first `/` (or in front), so no cache can share it. */
function distinctVariant(pattern: string): string {
  const k = pattern.indexOf('/')
  distinct++
  return k >= 0 ? `${pattern.slice(0, k + 1)}q${distinct}${pattern.slice(k + 1)}` : `q${distinct}${pattern}`
}

type Compile = (pattern: string) => { ok: boolean }

/** Median µs per compile over `batches` batches of 20 distinct variants of `pattern`. */
function compileMicros(compile: Compile, pattern: string, batches: number): number {
  const samples: number[] = []
  for (let b = 0; b < batches; b++) {
    const texts = Array.from({ length: 20 }, () => distinctVariant(pattern))
    const t = performance.now()
    for (const text of texts) if (!compile(text).ok) throw new Error(text)
    samples.push(((performance.now() - t) * 1000) / texts.length)
  }
  return median(samples)
}

/**
 * The compile-time table. With `--before DIR` (a copy of an older `src/values/regex`), both
 * versions run interleaved in this process and the table has a column for each.
 */
async function runCompile(): Promise<void> {
  const at = process.argv.indexOf('--before')
  const beforeDir = at >= 0 ? process.argv[at + 1] : undefined
  const versions: { name: string; compile: Compile }[] = []
  if (beforeDir !== undefined) {
    const mod = (await import(`${beforeDir}/index.ts`)) as { compileRegex: Compile }
    versions.push({ name: 'before', compile: mod.compileRegex })
  }
  versions.push({ name: beforeDir === undefined ? 'compile' : 'after', compile: compileRegex })
  console.log('\n### Compile time (median µs per compileRegex, distinct pattern texts)\n')
  // The first Unicode class and the first non-ASCII `(?i)` read platform tables once per process.
  for (const v of versions) {
    const t0 = performance.now()
    v.compile('(?i)^/first/\\w+\\d+\\bé$')
    console.log(`${v.name}: first compile in the process (reads \\d, \\w and case-fold tables): ${(performance.now() - t0).toFixed(0)} ms`)
  }
  for (const v of versions) for (const p of COMPILE_PATTERNS) compileMicros(v.compile, p, 10)
  console.log(`\n| pattern | ${versions.map((v) => v.name).join(' | ')} |`)
  console.log(`|---|${versions.map(() => '---|').join('')}`)
  for (const p of COMPILE_PATTERNS) {
    const best = versions.map(() => Infinity)
    for (let round = 0; round < 3; round++) {
      versions.forEach((v, i) => {
        best[i] = Math.min(best[i] as number, compileMicros(v.compile, p, 50))
      })
    }
    console.log(`| \`${p.replace(/\|/g, '\\|')}\` | ${best.map((b) => `${b.toFixed(1)} µs`).join(' | ')} |`)
  }
  const corpus = routeCorpus(10_000, 3, false).map((c) => c.pattern)
  for (const v of versions) {
    const t = performance.now()
    for (const p of corpus) v.compile(p)
    console.log(`\n${v.name}: 10,000 distinct typical route regexes (test-corpus.ts, seed 3): ${(performance.now() - t).toFixed(0)} ms in all`)
  }
}

if (!dfaOnly) void runCompile()
