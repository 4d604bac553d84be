// The edge-runtime check: the conformance runner (core, http and the runner itself), bundled as one
// script, runs every shared case and the project's own in a bare V8 context that holds only the
// ECMAScript built-ins and the few Web APIs every edge runtime offers (the WinterCG minimum common
// API: TextEncoder, URL, atob, ...). Nothing of Node is reachable there, so a Node global or
// built-in module anywhere in the engine fails this test, and every result must equal Node's.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createContext, runInContext } from 'node:vm'
import { build } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import type { CaseResult, Group } from './group.ts'
import { conformanceRoots } from './roots.ts'
import { runGroup } from './runner.ts'

const RUNNER = fileURLToPath(new URL('./runner.ts', import.meta.url))

/** The runner as one classic script that defines `ConformanceRunner`, resolved for the browser field of packages. */
async function bundleRunner(): Promise<string> {
  const result = await build({
    entryPoints: [RUNNER],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'ConformanceRunner',
    platform: 'neutral',
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    logLevel: 'silent',
  })
  const file = result.outputFiles[0]
  if (file === undefined) throw new Error('the runner bundle has no code')
  return file.text
}

/** Web APIs of the WinterCG minimum common API that an edge runtime provides; nothing else of the host. */
function edgeGlobals(): Record<string, unknown> {
  return { TextEncoder, TextDecoder, URL, URLSearchParams, atob, btoa, structuredClone, queueMicrotask, console }
}

const groups: [string, Group][] = conformanceRoots().flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f): [string, Group] => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Group]),
)

describe('conformance in a bare V8 context (an edge runtime)', () => {
  let context: object

  beforeAll(async () => {
    context = createContext(edgeGlobals())
    runInContext(await bundleRunner(), context, { filename: 'conformance-runner.js' })
  }, 60_000)

  it('has none of Node in reach', () => {
    const reach = runInContext(
      `JSON.stringify(['process', 'Buffer', 'require', 'global', 'setImmediate', 'module'].filter((name) => typeof globalThis[name] !== 'undefined'))`,
      context,
    ) as string
    expect(JSON.parse(reach)).toEqual([])
  })

  it('reports, for every case of every group, exactly what Node reports', () => {
    // Groups go in and results come out as JSON text, so no object crosses between the two realms.
    const inContext = JSON.parse(
      runInContext(`JSON.stringify(JSON.parse(groupsText).flatMap(([file, group]) => ConformanceRunner.runGroup(file, group)))`, Object.assign(context, { groupsText: JSON.stringify(groups) })) as string,
    ) as CaseResult[]
    const inNode = JSON.parse(JSON.stringify(groups.flatMap(([file, group]) => runGroup(file, group)))) as CaseResult[]
    expect(inNode.length).toBeGreaterThan(1000)
    expect(inContext.length).toBe(inNode.length)
    for (const [i, expected] of inNode.entries()) {
      expect(inContext[i], `${expected.file} › ${expected.name}`).toEqual(expected)
    }
  }, 120_000)
})
