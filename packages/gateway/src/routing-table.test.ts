import { FieldContext } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { createRouteChecker, createRoutingTable } from './engine.ts'
import type { Route } from './entities/route.ts'
import type { Service } from './entities/service.ts'
import { loadDeclarative } from './store/declarative.ts'
import { MemoryStore } from './store/memory-store.ts'

const CONFIG = {
  _format_version: '3.0',
  services: [
    {
      name: 'a',
      url: 'http://a.internal',
      routes: [
        { name: 'exact', expression: 'http.path == "/x"', priority: 5 },
        { name: 'prefix', paths: ['/x', '~/y/\\d+'] },
      ],
    },
    { name: 'b', url: 'http://b.internal', routes: [{ name: 'b-route', expression: 'http.path ^= "/b"' }] },
  ],
}

function snapshot() {
  const loaded = loadDeclarative(CONFIG, { flavor: 'expressions', checkRoute: createRouteChecker('expressions') })
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems))
  return loaded.snapshot
}

function routeName(table: ReturnType<typeof createRoutingTable>, path: string): string | null | undefined {
  const context = new FieldContext().add('http.path', path).add('net.protocol', 'http')
  return table.match(context)?.route.name
}

/** A store and a routing table that follows its changes, as the gateway wires them. */
function followedStore(): { store: MemoryStore; table: ReturnType<typeof createRoutingTable> } {
  const store = new MemoryStore(snapshot())
  const table = createRoutingTable({ flavor: 'expressions' })
  table.load(store.snapshot())
  store.subscribe((change) => table.apply(change))
  return { store, table }
}

describe('RoutingTable', () => {
  it('loads expression and traditional routes (split paths too) into one router, expressions first', () => {
    const table = createRoutingTable({ flavor: 'expressions' })
    table.load(snapshot())
    expect(routeName(table, '/x')).toBe('exact')
    expect(routeName(table, '/xyz')).toBe('prefix')
    expect(routeName(table, '/y/12')).toBe('prefix')
    expect(routeName(table, '/b/1')).toBe('b-route')
    expect(routeName(table, '/none')).toBeUndefined()
    expect([...table.fields]).toEqual(expect.arrayContaining(['http.path', 'net.protocol']))
  })

  it('applies store changes incrementally and ends where a fresh build from the same data ends', () => {
    const { store, table: live } = followedStore()
    const exact = store.getRoute('exact') as Route
    store.putRoute({ ...exact, expression: 'http.path == "/z"' })
    store.deleteRoute((store.getRoute('b-route') as Route).id)
    const version = live.version
    expect(routeName(live, '/z')).toBe('exact')
    expect(routeName(live, '/x')).toBe('prefix')
    expect(routeName(live, '/b/1')).toBeUndefined()
    const fresh = createRoutingTable({ flavor: 'expressions' })
    fresh.load(store.snapshot())
    for (const path of ['/x', '/z', '/b/1', '/y/3', '/xx']) expect(routeName(live, path)).toBe(routeName(fresh, path))
    expect(live.size).toBe(fresh.size)
    expect(version).toBeGreaterThan(0)
  })

  it('drops the routes of a disabled service and restores them when it is enabled again', () => {
    const { store, table } = followedStore()
    const b = store.getService('b') as Service
    store.putService({ ...b, enabled: false })
    expect(routeName(table, '/b/1')).toBeUndefined()
    store.putService({ ...b, enabled: true })
    expect(routeName(table, '/b/1')).toBe('b-route')
  })

  it('skips a route the router refuses and keeps the others', () => {
    const errors: string[] = []
    const table = createRoutingTable({ flavor: 'expressions', onRouteError: (route) => errors.push(route.id) })
    const good = snapshot()
    const broken = { ...(good.routes[0] as Route), id: '00000000-0000-4000-8000-000000000001', name: 'broken', expression: 'http.path ==' }
    table.load({ services: good.services, routes: [...good.routes, broken] })
    expect(errors).toEqual([broken.id])
    expect(routeName(table, '/x')).toBe('exact')
  })
})
