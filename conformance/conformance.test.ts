import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Group } from './group.ts'
import { runGroup } from './runner.ts'

const root = fileURLToPath(new URL('../../shared/conformance', import.meta.url))

for (const file of readdirSync(root).filter((f) => f.endsWith('.json')).sort()) {
  const group = JSON.parse(readFileSync(join(root, file), 'utf8')) as Group
  describe(file, () => {
    for (const result of runGroup(file, group)) {
      const test = result.status === 'skipped' ? it.skip : it
      test(`${file} › ${result.name}`, () => {
        expect(result.got, result.expected).toBeUndefined()
        expect(result.status).toBe('passed')
      })
    }
  })
}
