import { describe, expect, it } from 'vitest'
import { Schema } from '../schema/schema.ts'
import { Router } from './router.ts'
import { contextOf, runRouterContract } from './router-contract.ts'

runRouterContract('Router (indexed)', (schema) => new Router(schema))

describe('Router under churn', () => {
  const churnSchema = new Schema({ 'http.host': 'String', 'http.path': 'String' })
  const id = (n: number): string => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`
  const route = (n: number) => ({ id: id(n), priority: n, expression: `http.host == "h${n % 50}.example" && http.path ^= "/p${n}/"` })

  it('prunes emptied index containers in batches and still routes exactly', () => {
    const router = new Router(churnSchema)
    for (let n = 0; n < 1200; n++) expect(router.add(route(n)).ok).toBe(true)
    // Far more removals than one pruning batch; every other route stays.
    for (let n = 0; n < 1200; n += 2) expect(router.remove(id(n))).toBe(true)
    for (let n = 0; n < 1200; n++) {
      const match = router.match(contextOf({ 'http.host': `h${n % 50}.example`, 'http.path': `/p${n}/x` }))
      expect(match?.id).toBe(n % 2 === 1 ? id(n) : undefined)
    }
    const keys = (name: string) => router.describe().dimensions.find((d) => d.dimension === name)?.keys
    expect(keys('exact:http.host')).toBe(25)
    expect(keys('exact:http.host → prefix:http.path')).toBe(600)
    for (let n = 1; n < 1200; n += 2) router.remove(id(n))
    expect(router.describe().dimensions).toEqual([])
  })

  it('finds a route again after it was removed and added back', () => {
    const router = new Router(churnSchema)
    for (let n = 0; n < 10; n++) router.add(route(n))
    for (let round = 0; round < 600; round++) {
      const n = round % 10
      router.remove(id(n))
      expect(router.match(contextOf({ 'http.host': `h${n}.example`, 'http.path': `/p${n}/` }))).toBeUndefined()
      router.add(route(n))
      expect(router.match(contextOf({ 'http.host': `h${n}.example`, 'http.path': `/p${n}/` }))?.id).toBe(id(n))
    }
  })
})
