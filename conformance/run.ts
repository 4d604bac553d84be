// `npm run conformance -- [DIR ...]`: runs every group file, prints one line per failing case and a
// summary line, exits 1 when a case failed.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { CaseResult, Group } from './group.ts'
import { conformanceRoots } from './roots.ts'
import { runGroup } from './runner.ts'

const dirs = process.argv.slice(2).filter((a) => a !== '--')
// By default the shared cases and the project's own (conformance/cases: Kong and atc-router tests translated here).
let roots: string[]
try {
  roots = dirs.length > 0 ? dirs.map((d) => resolve(d)) : conformanceRoots()
} catch (error) {
  process.stderr.write(`conformance: ${(error as Error).message}\n`)
  process.exit(2)
}
const verbose = process.env['CONFORMANCE_VERBOSE'] === '1'

const results: CaseResult[] = []
for (const root of roots) {
  const files = statSync(root).isDirectory()
    ? readdirSync(root).filter((f) => f.endsWith('.json')).sort().map((f) => join(root, f))
    : [root]
  for (const path of files) {
    const name = path.slice(path.lastIndexOf('/') + 1)
    let group: Group
    try {
      group = JSON.parse(readFileSync(path, 'utf8')) as Group
    } catch (error) {
      results.push({ file: name, name: '(file)', status: 'failed', expected: 'valid JSON', got: String(error) })
      continue
    }
    try {
      results.push(...runGroup(name, group))
    } catch (error) {
      // One broken group is reported as such; the files after it still run.
      results.push({ file: name, name: '(group)', status: 'failed', expected: 'the group to run', got: error instanceof Error ? (error.stack ?? error.message) : String(error) })
    }
  }
}

const skipReasons = new Map<string, number>()
for (const r of results) {
  if (r.status === 'failed') console.log(`FAIL ${r.file} › ${r.name}\n     expected: ${r.expected}\n     got:      ${r.got}`)
  if (r.status === 'skipped') {
    skipReasons.set(r.reason ?? '', (skipReasons.get(r.reason ?? '') ?? 0) + 1)
    if (verbose) console.log(`SKIP ${r.file} › ${r.name}: ${r.reason}`)
  }
}
for (const [reason, count] of skipReasons) console.log(`skipped ${count}: ${reason}`)
const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length
console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`)
process.exitCode = count('failed') > 0 ? 1 : 0
