import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Group } from './group.ts'
import { conformanceRoots } from './roots.ts'
import { runGroup } from './runner.ts'

// The shared cases, and the project's own: Kong's router spec and atc-router's tests translated here.
const roots = conformanceRoots()

for (const [root, file] of roots.flatMap((root) => readdirSync(root).filter((f) => f.endsWith('.json')).sort().map((f) => [root, f] as const))) {
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
