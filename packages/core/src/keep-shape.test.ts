import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'

// Runs in a child process: the check needs V8 flags (forced collections, deoptimisation traces).
// The engine is bundled and run by plain node, as a deployment runs it: under a TypeScript loader,
// the loader's own module hooks also run in the process, and their code is thrown away at
// collections too, which says nothing of the engine's.
const dir = mkdtempSync(join(tmpdir(), 'keep-shape-'))
const bundle = join(dir, 'core.mjs')
buildSync({ entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))], bundle: true, format: 'esm', platform: 'node', outfile: bundle, logLevel: 'warning' })
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const script = `
import { check, parse, Router, Schema } from ${JSON.stringify(bundle)}
const schema = new Schema([['http.host', 'String'], ['http.path', 'String'], ['http.method', 'String']])
const sources = Array.from({ length: 4000 }, (_, i) =>
  'http.host == "h' + (i % 97) + '.example.com" && http.path ^= "/v' + i + '/items" && (http.method == "GET" || http.path ~ r#"^/x/\\\\d+$"#)')
const pass = () => {
  for (const source of sources) { const parsed = parse(source); if (!parsed.ok || !check(parsed.value, schema).ok) throw new Error(source) }
  // A new router each pass: the previous one is garbage at the next collection, as after a reload.
  const router = new Router(schema)
  sources.forEach((expression, i) => router.add({ id: String(i), priority: i, expression }))
}
for (let i = 0; i < 4; i++) pass()
console.log('--- collections start')
for (let i = 0; i < 3; i++) { globalThis.gc(); pass() }
`

describe('short-lived classes and replaced routers', () => {
  it('keep their optimised code across full collections (no "weak objects" deoptimisation)', () => {
    const trace = execFileSync(process.execPath, ['--expose-gc', '--trace-deopt', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
    const afterCollections = trace.slice(trace.indexOf('--- collections start'))
    expect(trace).toContain('--- collections start')
    const thrownAway = afterCollections.split('\n').filter((line) => line.includes('reason: weak objects'))
    expect(thrownAway).toEqual([])
  }, 60_000)
})
