// Counts what one match costs in instructions, data reads and cache misses, without a clock: this
// script builds a router from a workload and matches one kind of its requests ROUNDS times; run it
// twice under valgrind's cachegrind (a simulated cache, so the counts do not depend on the machine's
// noise) with two round counts, and the difference of the totals divided by the extra matches is
// the cost of one match (bench/RESULTS.md, "Cache misses per match, counted").
//
//   npx esbuild bench/miss-probe.ts --bundle --platform=node --format=esm --outfile=/tmp/miss-probe.mjs
//   valgrind --tool=cachegrind --cache-sim=yes --LL=1048576,16,64 node --expose-gc /tmp/miss-probe.mjs DIR gateway-mix 100k hi 100
//   (the same with 600 rounds; (totals at 600 - totals at 100) / (500 * requests of the kind))
//
// Garbage collections that fall into one run's rounds and not the other's move the difference by
// thousands of instructions a match; `--single-threaded --no-memory-reducer --max-semi-space-size=64`
// after `node` keeps most out (two runs of one bundle at 1k routes agreed on instructions within
// 0.1%). Counts still move with where the heap lands (at 100k routes, by up to 12% in instructions
// and 5 last-level misses a match between runs of the same code): judge a change over several runs.
import { Router, type Context } from '@switchyard/core'
import { contextFromFields, type JsonFieldValue } from '@switchyard/http'
import { readWorkload, schemaOf, type RouteLine } from './workload-schema.ts'

const [dir, name, size, kind, roundsText] = process.argv.slice(2) as [string, string, string, string, string]
const routesFile = readWorkload<{ schema: Record<string, string>; routes: RouteLine[] }>(`${dir}/${name}-${size}.routes.json`)
const requests = readWorkload<{ requests: { fields: Record<string, JsonFieldValue>; kind: string }[] }>(`${dir}/${name}-${size}.requests.json`).requests
const schema = schemaOf(routesFile.schema)
const router = new Router(schema)
for (const route of routesFile.routes) router.add(route)
const contexts: Context[] = requests
  .filter((r) => r.kind === kind)
  .map((r) => {
    const built = contextFromFields(schema, r.fields)
    if (!built.ok) throw new Error(built.error)
    return built.context
  })
;(globalThis as { gc?: () => void }).gc?.()
// Warm, as measure.ts is before it times: the counted rounds run optimised code.
for (let i = 0; i < 10; i++) for (const context of contexts) router.match(context)
const rounds = Number(roundsText)
let matched = 0
for (let i = 0; i < rounds; i++) for (const context of contexts) if (router.match(context) !== undefined) matched++
console.log(JSON.stringify({ workload: name, size, kind, requests: contexts.length, rounds, matched }))
