// `npm run bench -- [--workloads DIR] [--sizes 1k,10k,100k] [--only a,b] [--json FILE] [--no-linear] [--repeat N]`
// Runs every workload of ../shared/bench in a fresh process per (workload, size), prints a table with
// the indexed router beside the linear reference (ratios from the same run), checks every match
// against the expected route from atc-router, and exits 1 on any mismatch.
import { execFileSync } from 'node:child_process'
import { build } from 'esbuild'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseOptions } from './options.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
const WORKLOADS = ['gateway-mix', 'path-static', 'path-prefix', 'regex-heavy', 'atc-match-mix']
const SIZES = ['1k', '10k', '100k']
const options = parseOptions(process.argv.slice(2), 'npm run bench --', 'Measures the route index on the shared workloads against the linear reference (see bench/RESULTS.md).', {
  workloads: { kind: 'string', help: 'folder of workload files (default: generated into .bench-workloads/)' },
  sizes: { kind: 'list', choices: SIZES, help: 'sizes, all by default:' },
  only: { kind: 'list', choices: WORKLOADS, help: 'workloads, all by default:' },
  json: { kind: 'string', help: 'also write the rows as JSON to this file' },
  'no-linear': { kind: 'switch', help: 'skip the linear reference router' },
  repeat: { kind: 'number', help: 'measure each cell in N pairs of fresh processes, report medians (default 1)' },
  sweep: { kind: 'switch', help: 'also time the first 8, 32, 128 and all requests of each kind, and a bare Map on exact paths (see RESULTS.md)' },
})
const sizes = options.sizes ?? SIZES
const names = options.only ?? WORKLOADS
const jsonOut = options.json
const withLinear = options['no-linear'] !== true
const withSweep = options.sweep === true
// Each cell measured in N pairs of fresh processes, every figure the median over them: one process
// landing on a slow or busy vCPU then moves no figure.
const repeat = Math.max(1, Math.round(options.repeat ?? 1))
let dir = options.workloads
if (dir === undefined) {
  dir = resolve(here, '../.bench-workloads')
  const missing = names.some((n) => sizes.some((s) => !existsSync(join(dir as string, `${n}-${s}.routes.json`))))
  if (missing) {
    mkdirSync(dir, { recursive: true })
    console.log(`generating workloads into ${dir} ...`)
    execFileSync(process.execPath, [resolve(here, '../../shared/bench/gen-workloads.mjs'), dir, '--sizes', sizes.join(','), '--only', names.join(',')], { stdio: 'inherit' })
  }
}

// The measuring scripts run as esbuild bundles under plain node: what a deployment runs, without the
// per-closure bookkeeping (`keepNames`) of on-the-fly TypeScript loaders.
mkdirSync(resolve(here, '../.bench-workloads'), { recursive: true })
const bundle = async (entry: string): Promise<string> => {
  const outfile = resolve(here, `../.bench-workloads/${entry.replace(/\.ts$/, '')}.bundle.mjs`)
  await build({ entryPoints: [resolve(here, entry)], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, external: ['find-my-way'], logLevel: 'warning' })
  return outfile
}
const measureScript = await bundle('measure.ts')
const probeScript = await bundle('memory-probe.ts')

interface Row {
  workload: string
  size: string
  buildMs: number
  bulkMs: number
  matchNs: Record<string, number | null>
  /** The same, over requests reaching only 20 routes per kind (the 1k files' working set). */
  workingSetNs: Record<string, number | null>
  updateUs: { median: number; p99: number }
  /** The same updates timed right after the build, before the update path is optimised. */
  coldUpdateUs: { median: number; p99: number }
  heapMB: number
  heapBytesPerRoute: number
  /** Peak resident size of the memory probe (reads the routes, builds once). */
  peakRssMB: number
  /** Peak resident size of the measuring process (also requests, repeated builds, linear reference). */
  processPeakRssMB: number
  rssGrowthMB: number
  residual: number
  mismatches: number
  linear?: { matchNs: Record<string, number | null>; mismatches: number; sample: number | null }
  findMyWayNs?: Record<string, number | null>
  /** With `--sweep`: per group of the first N requests of each kind ('8' ... 'all'), ns per match. */
  sweepNs?: Sweep
  /** The same for a bare Map from path to route (workloads of exact paths only). */
  mapFloorNs?: Sweep
}

type Sweep = Record<string, Record<string, number | null>>

const rows: Row[] = []
let headerPrinted = false
for (const size of sizes) {
  for (const name of names) {
    const routes = join(dir, `${name}-${size}.routes.json`)
    const requests = join(dir, `${name}-${size}.requests.json`)
    if (!existsSync(routes)) {
      console.log(`skipping ${name}-${size}: no workload file`)
      continue
    }
    const run = (script: string, ...rest: string[]): unknown => {
      const output = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', script, routes, ...rest], { encoding: 'utf8', maxBuffer: 1 << 24 })
      return JSON.parse(output.trim().split('\n').pop() as string)
    }
    const samples: unknown[] = []
    for (let r = 0; r < repeat; r++) {
      // Memory first, in its own process that only builds the router; then everything else.
      const memory = run(probeScript) as Pick<Row, 'heapMB' | 'heapBytesPerRoute' | 'rssGrowthMB' | 'peakRssMB'>
      const measured = run(measureScript, requests, withLinear ? 'linear' : '', withSweep ? 'sweep' : '') as Omit<Row, 'workload' | 'size' | 'peakRssMB'>
      samples.push({ ...measured, ...memory })
    }
    const row = { workload: name, size, ...(medianOf(samples) as object) } as Row
    rows.push(row)
    printRow(row)
  }
}

/**
 * The figure-by-figure median of several measurements of one cell (nested records too); mismatch
 * counts take the largest, so a mismatch in any process shows.
 */
function medianOf(samples: readonly unknown[], key = ''): unknown {
  const first = samples[0]
  if (typeof first === 'number') {
    const values = (samples as number[]).slice().sort((a, b) => a - b)
    return key === 'mismatches' ? values[values.length - 1] : values[Math.floor((values.length - 1) / 2)]
  }
  if (first === null || typeof first !== 'object') return first
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(first)) out[k] = medianOf(samples.map((sample) => (sample as Record<string, unknown>)[k]), k)
  return out
}

function fmt(ns: number | null | undefined): string {
  if (ns === null || ns === undefined) return '–'
  return ns >= 1_000_000 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns} ns`
}
function ratio(a: number | null | undefined, b: number | null | undefined): string {
  return a && b ? `${(b / a).toFixed(b / a >= 100 ? 0 : 1)}×` : '–'
}

function printRow(r: Row): void {
  if (!headerPrinted) {
    console.log('| workload | size | build ms | bulk ms | hi | lo | miss | hi / lo / miss, 20 routes | update µs (median / p99) | cold update µs (median / p99) | heap MB (B/route) | RSS growth MB | peak RSS MB (probe / bench) | residual | linear hi / lo / miss | speedup hi / lo / miss | find-my-way hi / lo / miss | mismatches |')
    console.log('|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---|---|---:|')
    headerPrinted = true
  }
  const l = r.linear?.matchNs
  const f = r.findMyWayNs
  console.log(
    `| ${r.workload} | ${r.size} | ${r.buildMs} | ${r.bulkMs} | ${fmt(r.matchNs['hi'])} | ${fmt(r.matchNs['lo'])} | ${fmt(r.matchNs['miss'])} | ${fmt(r.workingSetNs['hi'])} / ${fmt(r.workingSetNs['lo'])} / ${fmt(r.workingSetNs['miss'])} | ${r.updateUs.median} / ${r.updateUs.p99} | ${r.coldUpdateUs.median} / ${r.coldUpdateUs.p99} | ${r.heapMB} (${r.heapBytesPerRoute}) | ${r.rssGrowthMB} | ${r.peakRssMB} / ${r.processPeakRssMB} | ${r.residual} | ` +
      `${l ? `${fmt(l['hi'])} / ${fmt(l['lo'])} / ${fmt(l['miss'])}` : '–'} | ${l ? `${ratio(r.matchNs['hi'], l['hi'])} / ${ratio(r.matchNs['lo'], l['lo'])} / ${ratio(r.matchNs['miss'], l['miss'])}` : '–'} | ` +
      `${f ? `${fmt(f['hi'])} / ${fmt(f['lo'])} / ${fmt(f['miss'])}` : '–'} | ${r.mismatches + (r.linear?.mismatches ?? 0)} |`,
  )
}

if (withSweep) printSweep(rows)

/**
 * The working-set sweep: a row per workload, size and kind with the time per match over the first
 * N requests, then the growth of each column from the smallest size to the largest.
 */
function printSweep(measured: readonly Row[]): void {
  const all = [...measured].sort((a, b) => names.indexOf(a.workload) - names.indexOf(b.workload) || sizes.indexOf(a.size) - sizes.indexOf(b.size))
  const groups = ['8', '32', '128', 'all']
  const kinds = ['hi', 'lo', 'miss']
  console.log('\n| workload | size | kind | ' + groups.map((g) => `first ${g}`).join(' | ') + ' | bare Map: ' + groups.join(' / ') + ' |')
  console.log('|---|---|---|' + groups.map(() => '---:').join('|') + '|---|')
  const cells = (sweep: Sweep | undefined, kind: string): (number | null | undefined)[] => groups.map((g) => sweep?.[g]?.[kind])
  for (const r of all) {
    for (const kind of kinds) {
      const floor = r.mapFloorNs === undefined ? '–' : cells(r.mapFloorNs, kind).map(fmt).join(' / ')
      console.log(`| ${r.workload} | ${r.size} | ${kind} | ${cells(r.sweepNs, kind).map(fmt).join(' | ')} | ${floor} |`)
    }
  }
  for (const name of new Set(all.map((r) => r.workload))) {
    const mine = all.filter((r) => r.workload === name)
    const first = mine[0]
    const last = mine[mine.length - 1]
    if (first === undefined || last === undefined || first === last) continue
    for (const kind of kinds) {
      const grow = (a: Sweep | undefined, b: Sweep | undefined): string[] => groups.map((g) => ratio(a?.[g]?.[kind], b?.[g]?.[kind]))
      const floor = first.mapFloorNs === undefined ? '–' : grow(first.mapFloorNs, last.mapFloorNs).join(' / ')
      console.log(`| ${name} | ${first.size} → ${last.size} | ${kind} | ${grow(first.sweepNs, last.sweepNs).join(' | ')} | ${floor} |`)
    }
  }
}

if (jsonOut !== undefined) {
  writeFileSync(
    jsonOut,
    `${JSON.stringify(
      rows.map((r) => ({
        workload: r.workload,
        size: r.size,
        buildMs: r.buildMs,
        matchNs: r.matchNs,
        workingSetNs: r.workingSetNs,
        updateUs: r.updateUs,
        coldUpdateUs: r.coldUpdateUs,
        heapMB: r.heapMB,
        peakRssMB: r.peakRssMB,
        processPeakRssMB: r.processPeakRssMB,
        linearMatchNs: r.linear?.matchNs ?? null,
        ...(r.sweepNs === undefined ? {} : { sweepNs: r.sweepNs, mapFloorNs: r.mapFloorNs ?? null }),
        mismatches: r.mismatches + (r.linear?.mismatches ?? 0),
      })),
      null,
      2,
    )}\n`,
  )
}
const failed = rows.reduce((n, r) => n + r.mismatches + (r.linear?.mismatches ?? 0), 0)
if (failed > 0) {
  console.error(`${failed} mismatches against the expected routes`)
  process.exitCode = 1
}
