// The memory probe, spawned by bench/run.ts: a process that only reads the routes file and builds the
// router once with add(), as an application embedding the router would (and as the reference
// atc-router figures were taken). It loads nothing but the engine, so its peak resident size is the
// router's figure; the measuring process (measure.ts) also holds the requests, repeated builds, the
// linear reference and find-my-way, and reports its own peak beside it.
import { Router } from '@switchyard/core'
import { readWorkload, schemaOf, type RouteLine } from './workload-schema.ts'

const gc = (): void => (globalThis as { gc?: () => void }).gc?.()
const routesPath = process.argv[2] as string

gc()
const before = process.memoryUsage()
const file = readWorkload<{ schema: Record<string, string>; routes: RouteLine[] }>(routesPath)
// The file's text is garbage now; collected before the baseline, so the router is not credited with its release.
gc()
const loaded = process.memoryUsage()
const router = new Router(schemaOf(file.schema))
for (const route of file.routes) router.add(route)
const rssGrowthMB = (process.memoryUsage().rss - loaded.rss) / 1048576
gc()
// The router's radix trees keep their records in array buffers, outside the V8 heap: counted too.
const after = process.memoryUsage()
const heapMB = (after.heapUsed + after.arrayBuffers - loaded.heapUsed - loaded.arrayBuffers) / 1048576
const round = (value: number): number => Math.round(value * 10) / 10
console.log(
  JSON.stringify({
    heapMB: round(heapMB),
    heapBytesPerRoute: Math.round((heapMB * 1048576) / Math.max(router.size, 1)),
    rssGrowthMB: round(rssGrowthMB),
    peakRssMB: round(process.resourceUsage().maxRSS / 1024),
    baseRssMB: round(before.rss / 1048576),
  }),
)
