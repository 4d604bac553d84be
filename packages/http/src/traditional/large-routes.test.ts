// A traditional route with thousands of hosts converts into one long `||` chain: it must load into
// the router and route, as it does in Kong (language.md has no length limit; the project's limits
// bound predicates and nesting, not text that a converted route needs).
import { Router } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { createFieldExtractor } from '../request.ts'
import { httpSchema } from '../schemas.ts'
import { traditionalMatchers } from './matchers.ts'

describe('large traditional routes', () => {
  it('a route with 2,000 hosts loads and routes every one of them', () => {
    const hosts = Array.from({ length: 2000 }, (_, i) => `tenant-${i}.customers.example.com`)
    const converted = traditionalMatchers({ id: '00000000-0000-4000-8000-000000000001', hosts, paths: ['/api'] }, { flavor: 'traditional_compatible' })
    if (!converted.ok) throw new Error(converted.violation.message)
    const [matcher] = converted.matchers
    expect(matcher?.expression.length).toBeGreaterThan(65_536)
    const router = new Router(httpSchema)
    const added = router.add(matcher as NonNullable<typeof matcher>)
    expect(added.diagnostics).toEqual([])
    const extract = createFieldExtractor(router.fields)
    const route = (host: string, path: string): string | undefined => {
      const fields = extract({ path, host })
      if (!fields.ok) throw new Error(fields.error)
      return router.match(fields.context)?.id
    }
    for (const i of [0, 999, 1999]) expect(route(`tenant-${i}.customers.example.com`, '/api/x')).toBe('00000000-0000-4000-8000-000000000001')
    expect(route('tenant-2000.customers.example.com', '/api/x')).toBeUndefined()
    expect(route('tenant-5.customers.example.com', '/other')).toBeUndefined()
  })
})
