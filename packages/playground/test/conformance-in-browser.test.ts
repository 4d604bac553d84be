// The cross-runtime check: the conformance runner, bundled for the browser, runs every shared case
// and the project's own (conformance/cases) inside Chromium, and its results must be identical to
// Node's, case by case.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { build, type Rollup } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseResult, Group } from '../../../conformance/group.ts'
import { conformanceRoots } from '../../../conformance/roots.ts'
import { runGroup } from '../../../conformance/runner.ts'
import { HAS_CHROMIUM, launchChromium } from './browser.ts'

const CONFORMANCE_DIRS = conformanceRoots()
const RUNNER = fileURLToPath(new URL('../../../conformance/runner.ts', import.meta.url))

/** Bundles the runtime-neutral runner into one classic script defining `globalThis.ConformanceRunner`. */
async function bundleRunner(): Promise<string> {
  const output = (await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: RUNNER, formats: ['iife'], name: 'ConformanceRunner', fileName: 'runner' },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[]
  const chunk = (Array.isArray(output) ? output[0]! : output).output.find((o): o is Rollup.OutputChunk => o.type === 'chunk')
  if (chunk === undefined) throw new Error('the runner bundle has no code')
  return chunk.code
}

const groups: [string, Group][] = CONFORMANCE_DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f): [string, Group] => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Group]),
)

describe.skipIf(!HAS_CHROMIUM)('conformance inside Chromium', () => {
  let browser: Browser
  let inBrowser: CaseResult[]

  beforeAll(async () => {
    const [code, launched] = await Promise.all([bundleRunner(), launchChromium()])
    browser = launched
    const page = await browser.newPage()
    await page.setContent('<!doctype html><title>conformance</title>')
    await page.addScriptTag({ content: code })
    inBrowser = await page.evaluate((all) => {
      const runner = (globalThis as unknown as { ConformanceRunner: { runGroup(file: string, group: unknown): unknown[] } }).ConformanceRunner
      return all.flatMap(([file, group]) => runner.runGroup(file, group))
    }, groups as [string, unknown][]) as CaseResult[]
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('runs in the browser bundle, not in Node', async () => {
    const page = await browser.newPage()
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined')
    await page.close()
  })

  it('reports, for every case of every group, exactly what Node reports', () => {
    const inNode = groups.flatMap(([file, group]) => runGroup(file, group))
    expect(inNode.length).toBeGreaterThan(100)
    expect(inBrowser.length).toBe(inNode.length)
    for (const [i, expected] of inNode.entries()) {
      expect(inBrowser[i], `${expected.file} › ${expected.name}`).toEqual(expected)
    }
  })
})
