// Measures one workload at one size in this process (so heap and RSS figures do not mix) and prints
// one JSON line. Spawned by bench/run.ts; the method is ../shared/bench/README.md "Measuring".
import { LinearRouter, Router, type Context, type RouterApi } from '@switchyard/core'
import { contextFromFields, type JsonFieldValue } from '@switchyard/http'
import findMyWay from 'find-my-way'
import { readWorkload, schemaOf, type RouteLine } from './workload-schema.ts'

interface RequestLine {
  fields: Record<string, JsonFieldValue>
  expect: string | null
  kind: 'hi' | 'lo' | 'miss'
}
const KINDS = ['hi', 'lo', 'miss'] as const

const [routesPath, requestsPath, withLinear, withSweep] = process.argv.slice(2) as [string, string, string, string | undefined]
const routesFile = readWorkload<{ schema: Record<string, string>; routes: RouteLine[] }>(routesPath)
const requests = readWorkload<{ requests: RequestLine[] }>(requestsPath).requests
const schema = schemaOf(routesFile.schema)
const routes = routesFile.routes
const size = routes.length
const large = size >= 100_000

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] as number
}
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}
/** The V8 heap plus array buffers' memory, which lives outside it (the router's radix trees). */
function heapAndBuffers(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}
function gc(): void {
  ;(globalThis as { gc?: () => void }).gc?.()
}

const contexts = requests.map((r) => {
  const built = contextFromFields(schema, r.fields)
  if (!built.ok) throw new Error(built.error)
  return { context: built.context as Context, request: r }
})
const byKind = Object.fromEntries(KINDS.map((k) => [k, contexts.filter((c) => c.request.kind === k)]))

/**
 * The requests of each kind that hit the first 20 routes met (misses: the first 20), the working set
 * of the 1k files, where `hi` and `lo` reach 20 routes in all (100k: about 500). Timed beside the
 * full groups, they tell the growth of the work per match from the growth of the memory it touches.
 */
const WORKING_SET = 20
const byKindSmall = Object.fromEntries(
  KINDS.map((k) => {
    const targets = new Set<string | null>()
    const group: typeof contexts = []
    for (const c of byKind[k] ?? []) {
      if (!targets.has(c.request.expect) && targets.size < WORKING_SET) targets.add(c.request.expect)
      if (targets.has(c.request.expect) && (k !== 'miss' || group.length < WORKING_SET)) group.push(c)
    }
    return [k, group]
  }),
)

/** Nanoseconds per match for one kind: all requests of the kind, repeated until ≥ 20 ms; median of passes. */
function matchTimes(router: { match(context: Context): unknown }, passes: number, sample?: number, groups: Record<string, typeof contexts> = byKind): Record<string, number | null> {
  const out: Record<string, number | null> = {}
  const times: Record<string, number[]> = { hi: [], lo: [], miss: [] }
  for (let pass = 0; pass < passes; pass++) {
    for (const kind of KINDS) {
      const group = (groups[kind] ?? []).slice(0, sample)
      if (group.length === 0) continue
      let rounds = 0
      const start = process.hrtime.bigint()
      let elapsed = 0n
      do {
        for (const { context } of group) router.match(context)
        rounds++
        elapsed = process.hrtime.bigint() - start
      } while (elapsed < 20_000_000n)
      times[kind]?.push(Number(elapsed) / (rounds * group.length))
    }
  }
  for (const kind of KINDS) out[kind] = times[kind]?.length ? Math.round(median(times[kind] as number[])) : null
  return out
}

/**
 * Warm-up before timing: V8 optimises a function only after it has run a few thousand times (the
 * router's match() after about 3,000 calls here), and at 100k routes the passes of a kind last one
 * or two rounds of its requests, so without a warm-up they timed the interpreter and the baseline
 * tiers (10k routes: 20-50 µs a match in the first rounds against 1.5 µs warm). A gateway matches
 * warm; so does the timing: every request runs WARM_UP_ROUNDS times, or for WARM_UP_MS when the
 * rounds take longer (the linear reference at 100k routes, whose every request runs its loop 100k
 * times and is warm within the first).
 */
const WARM_UP_ROUNDS = 10
const WARM_UP_MS = 1500
function warmUp<T>(items: readonly T[], step: (item: T) => void): void {
  const deadline = performance.now() + WARM_UP_MS
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    for (const item of items) {
      step(item)
      if (performance.now() > deadline) return
    }
  }
}

function mismatches(router: RouterApi, sample?: number): number {
  let wrong = 0
  for (const { context, request } of contexts.slice(0, sample)) {
    const got = router.match(context)?.id ?? null
    if (request.expect !== undefined && got !== request.expect) wrong++
  }
  return wrong
}

// Build: create the router and add every route in file order; median of up to 5 builds. The first
// build also gives the memory figures: heap and resident-size growth while building.
gc()
const rssBefore = process.memoryUsage().rss
const heapBefore = heapAndBuffers()
const buildTimes: number[] = []
let router: Router | undefined
let heapMB = 0
let rssGrowthMB = 0
for (let i = 0; i < (large ? 3 : 5); i++) {
  router = undefined
  gc()
  const start = performance.now()
  const candidate = new Router(schema)
  for (const route of routes) {
    const added = candidate.add(route)
    if (!added.ok) throw new Error(`route ${route.id}: ${added.diagnostics.map((d) => d.message).join('; ')}`)
  }
  buildTimes.push(performance.now() - start)
  router = candidate
  if (i === 0) {
    rssGrowthMB = (process.memoryUsage().rss - rssBefore) / 1048576
    gc()
    heapMB = (heapAndBuffers() - heapBefore) / 1048576
  }
}
const built = router as Router

// Bulk load, the faster path for whole configurations (timed, then dropped): median of as many
// loads as builds, each into a fresh router after a collection.
const bulkTimes: number[] = []
for (let i = 0; i < (large ? 3 : 5); i++) {
  gc()
  const bulkStart = performance.now()
  const bulk = new Router(schema)
  bulk.addAll(routes)
  bulkTimes.push(performance.now() - bulkStart)
}
const bulkMs = median(bulkTimes)
gc()

const wrong = mismatches(built)
warmUp(contexts, ({ context }) => built.match(context))
const matchNs = matchTimes(built, large ? 3 : 7)
const workingSetNs = matchTimes(built, large ? 3 : 7, undefined, byKindSmall)

// The working-set sweep (`--sweep`): the same timing over the first 8, 32 and 128 requests of each
// kind, then all of them (a single request is not timed: the clock read after each round would be
// most of it). The work per match is alike in every group; what grows with the group is
// the memory the matches touch, which at 100k routes is spread over a heap a hundred times larger.
// On workloads of exact paths only, a bare Map from each route's path to a record is timed the same
// way: the floor of any index that looks a path up in one hash table.
const SWEEP_GROUPS = [8, 32, 128] as const
type Sweep = Record<string, Record<string, number | null>>
function sweepOf(router: { match(context: Context): unknown }): Sweep {
  const out: Sweep = {}
  for (const n of SWEEP_GROUPS) out[n] = matchTimes(router, large ? 3 : 7, n)
  out['all'] = matchTimes(router, large ? 3 : 7)
  return out
}
const exactPaths = routes.every((r) => /^http\.path == "[^"]*"$/.test(r.expression))
/** The path of a route of an exact-path workload (`http.path == "..."`). */
const pathOf = (route: RouteLine): string => JSON.parse(route.expression.slice('http.path == '.length)) as string
let sweepNs: Sweep | undefined
let mapFloorNs: Sweep | undefined
if (withSweep === 'sweep') {
  sweepNs = sweepOf(built)
  if (exactPaths) {
    const byPath = new Map<string, { id: string; priority: number }>()
    for (const route of routes) byPath.set(pathOf(route), { id: route.id, priority: route.priority })
    const mapRouter = { match: (context: Context) => byPath.get(context.values('http.path')?.[0] as string) }
    warmUp(contexts, ({ context }) => mapRouter.match(context))
    mapFloorNs = sweepOf(mapRouter)
  }
}

// Update: remove one route and add it again; 100 samples spread over the route list, timed twice.
// Cold: right after the build, when V8 still runs the remove path (never called while building)
// in its baseline tiers. Warm: after WARM_UP_UPDATES other updates, once the update path is
// optimised as in a gateway that keeps receiving changes; this is the figure compared with
// atc-router, which has no warm-up.
const WARM_UP_UPDATES = 2000
function timeUpdates(): { median: number; p99: number } {
  const updates: number[] = []
  for (let j = 0; j < 100; j++) {
    const route = routes[(j * 7919 + 13) % size] as RouteLine
    const start = process.hrtime.bigint()
    built.remove(route.id, route.priority)
    built.add(route)
    updates.push(Number(process.hrtime.bigint() - start) / 1000)
  }
  return { median: Math.round(median(updates) * 10) / 10, p99: Math.round(percentile(updates, 99) * 10) / 10 }
}
const coldUpdateUs = timeUpdates()
for (let j = 0; j < WARM_UP_UPDATES; j++) {
  const route = routes[(j * 104729 + 7) % size] as RouteLine
  built.remove(route.id, route.priority)
  built.add(route)
}
const updateUs = timeUpdates()
const processPeakRssMB = process.resourceUsage().maxRSS / 1024
const description = built.describe()

// The linear reference on the same data: at 10k routes and more, a sample of each kind keeps the run short.
let linear: { matchNs: Record<string, number | null>; mismatches: number; sample: number | null } | undefined
if (withLinear === 'linear') {
  const reference = new LinearRouter(schema)
  reference.addAll(routes)
  const sample = size >= 10_000 ? (size >= 100_000 ? 20 : 100) : undefined
  const sampled = KINDS.flatMap((kind) => (byKind[kind] ?? []).slice(0, sample))
  warmUp(sampled, ({ context }) => reference.match(context))
  linear = { matchNs: matchTimes(reference, 3, sample), mismatches: mismatches(reference, sample), sample: sample ?? null }
}

// find-my-way on the same paths (path-static only: every route is one exact path).
let findMyWayNs: Record<string, number | null> | undefined
if (exactPaths) {
  const fmw = findMyWay()
  for (const route of routes) fmw.on('GET', pathOf(route), () => {})
  const times: Record<string, number[]> = { hi: [], lo: [], miss: [] }
  warmUp(contexts, ({ request }) => fmw.find('GET', request.fields['http.path'] as string))
  for (let pass = 0; pass < (large ? 3 : 7); pass++) {
    for (const kind of KINDS) {
      const paths = (byKind[kind] ?? []).map((c) => c.request.fields['http.path'] as string)
      if (paths.length === 0) continue
      let rounds = 0
      const start = process.hrtime.bigint()
      let elapsed = 0n
      do {
        for (const path of paths) fmw.find('GET', path)
        rounds++
        elapsed = process.hrtime.bigint() - start
      } while (elapsed < 20_000_000n)
      times[kind]?.push(Number(elapsed) / (rounds * paths.length))
    }
  }
  findMyWayNs = Object.fromEntries(KINDS.map((k) => [k, times[k]?.length ? Math.round(median(times[k] as number[])) : null]))
}

console.log(
  JSON.stringify({
    routes: size,
    buildMs: Math.round(median(buildTimes) * 10) / 10,
    bulkMs: Math.round(bulkMs * 10) / 10,
    matchNs,
    workingSetNs,
    updateUs,
    coldUpdateUs,
    heapMB: Math.round(heapMB * 10) / 10,
    heapBytesPerRoute: Math.round((heapMB * 1048576) / size),
    rssGrowthMB: Math.round(rssGrowthMB * 10) / 10,
    processPeakRssMB: Math.round(processPeakRssMB * 10) / 10,
    residual: description.residual.length,
    mismatches: wrong,
    linear,
    findMyWayNs,
    sweepNs,
    mapFloorNs,
  }),
)
