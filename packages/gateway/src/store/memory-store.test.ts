import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Route } from '../entities/route.ts'
import { MemoryStore } from './memory-store.ts'
import { hasTags, type ListOptions, type TagFilter } from './store.ts'

// The memory store (DB-less mode, and the PostgreSQL store's local copy) keeps its entities in id
// order as they change; every page must be what sorting and filtering all of them gives.

const ids = Array.from({ length: 12 }, (_, i) => `00000000-0000-4000-8000-${String(i * 7919 % 1000).padStart(12, '0')}`)
const names = ['a', 'b', 'c', 'd', null] as const
const tagSets = [null, [], ['x'], ['y'], ['x', 'y']] as const

const route = (id: string, name: string | null, tags: readonly string[] | null): Route => ({ id, name, tags, paths: ['/p'], service: null }) as unknown as Route

type Step =
  | { readonly op: 'put'; readonly id: number; readonly name: number; readonly tags: number }
  | { readonly op: 'delete'; readonly id: number }
  | { readonly op: 'list'; readonly size: number; readonly tags: number; readonly tagged: boolean }
  | { readonly op: 'reset'; readonly count: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), id: fc.nat(ids.length - 1), name: fc.nat(names.length - 1), tags: fc.nat(tagSets.length - 1) }),
  fc.record({ op: fc.constant('delete' as const), id: fc.nat(ids.length - 1) }),
  fc.record({ op: fc.constant('list' as const), size: fc.integer({ min: 1, max: 5 }), tags: fc.nat(3), tagged: fc.boolean() }),
  fc.record({ op: fc.constant('reset' as const), count: fc.nat(ids.length) }),
)

const filters: readonly (TagFilter | undefined)[] = [undefined, { mode: 'any', tags: ['x'] }, { mode: 'all', tags: ['x', 'y'] }, { mode: 'any', tags: ['y', 'z'] }]

/** Every page of a list, following offsets from the first. */
function walk(store: MemoryStore, options: Omit<ListOptions, 'offset'>): string[] {
  const seen: string[] = []
  let offset: string | undefined
  do {
    const page = store.listRoutes({ ...options, offset })
    expect(page.data.length).toBeLessThanOrEqual(options.size)
    seen.push(...page.data.map((r) => r.id))
    offset = page.offset
  } while (offset !== undefined)
  return seen
}

describe('MemoryStore', () => {
  it('pages, finds by id or name and refuses taken names as a sorted, filtered model of its routes does, through any writes', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const store = new MemoryStore()
        const model = new Map<string, Route>()
        for (const s of steps) {
          if (s.op === 'put') {
            const entity = route(ids[s.id] as string, names[s.name] ?? null, tagSets[s.tags] ?? null)
            const taken = entity.name !== null && [...model.values()].some((r) => r.name === entity.name && r.id !== entity.id)
            expect(store.putRoute(entity) !== undefined).toBe(taken)
            if (!taken) model.set(entity.id, entity)
          } else if (s.op === 'delete') {
            expect(store.deleteRoute(ids[s.id] as string)).toBe(model.delete(ids[s.id] as string))
          } else if (s.op === 'reset') {
            const routes = ids.slice(0, s.count).map((id, i) => route(id, `n${i}`, i % 2 === 0 ? ['x'] : null))
            store.replaceAll({ services: [], routes })
            model.clear()
            for (const r of routes) model.set(r.id, r)
          } else {
            const tags = filters[s.tags]
            const expected = [...model.values()].filter((r) => hasTags(r.tags, tags) && (!s.tagged || (r.tags ?? []).length > 0)).map((r) => r.id).sort()
            expect(walk(store, { size: s.size, tags, tagged: s.tagged })).toEqual(expected)
          }
          for (const r of model.values()) {
            expect(store.getRoute(r.id)).toBe(r)
            expect(store.getRoute(r.id.toUpperCase())).toBe(r)
            if (r.name !== null) expect(store.getRoute(r.name)).toBe(r)
          }
          for (const name of names) if (name !== null && ![...model.values()].some((r) => r.name === name)) expect(store.getRoute(name)).toBeUndefined()
        }
      }),
      { numRuns: 300 },
    )
  })

  it('lists 100k routes loaded out of order in id order, each once, in pages of 1,000', () => {
    const routes = Array.from({ length: 100_000 }, (_, i) => route(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, `r${i}`, null))
    const store = new MemoryStore({ services: [], routes: [...routes].reverse() })
    const seen = walk(store, { size: 1000 })
    expect(seen.length).toBe(100_000)
    expect(seen).toEqual(routes.map((r) => r.id))
  })
})
