import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Route } from '../entities/route.ts'
import type { Service } from '../entities/service.ts'
import { tempDir } from '../testing/harness.ts'
import { MIGRATIONS, SqliteStore } from './sqlite-store.ts'
import type { StoreChange } from './store.ts'

const dir = tempDir()
afterAll(() => dir.cleanup())

function service(id: string, name: string | null): Service {
  return { id, name, created_at: 1, updated_at: 1, protocol: 'http', host: 'h', port: 80, path: null, retries: 5, connect_timeout: 1, write_timeout: 1, read_timeout: 1, tags: ['a'], client_certificate: null, tls_verify: null, tls_verify_depth: null, ca_certificates: null, enabled: true }
}

function route(id: string, serviceId: string): Route {
  return { id, name: null, created_at: 1, updated_at: 1, protocols: ['http'], methods: null, hosts: null, paths: ['/'], headers: null, snis: null, sources: null, destinations: null, https_redirect_status_code: 426, regex_priority: 0, strip_path: true, path_handling: 'v0', preserve_host: false, request_buffering: true, response_buffering: true, tags: null, service: { id: serviceId } }
}

const A = '00000000-0000-4000-8000-00000000000a'
const B = '00000000-0000-4000-8000-00000000000b'
const R = '00000000-0000-4000-8000-0000000000r1'.replace('r1', '01')

describe('SqliteStore', () => {
  it('migrates a new file to the latest version and records it', () => {
    const file = join(dir.path, 'm.db')
    const store = new SqliteStore(file)
    expect(store.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version)
    store.close()
    const rows = new Database(file).prepare('SELECT version FROM schema_migrations').all()
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })))
    // Reopening applies nothing twice.
    new SqliteStore(file).close()
  })

  it('gives routes written by version 1 both keys of every source and destination (version 2)', () => {
    const file = join(dir.path, 'v1.db')
    const db = new Database(file)
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
    db.exec((MIGRATIONS[0] as { sql: string }).sql)
    db.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(MIGRATIONS[0]?.name)
    const old = { ...route(R, A), service: null, protocols: ['tcp'], paths: null, sources: [{ ip: '10.0.0.1' }, { port: 81 }, { ip: '10.0.0.2', port: 82 }], destinations: [{ port: 9 }] }
    db.prepare('INSERT INTO routes (id, name, service_id, tags, data) VALUES (?, NULL, NULL, ?, ?)').run(R, '[]', JSON.stringify(old))
    db.close()
    const store = new SqliteStore(file)
    const migrated = store.snapshot().routes[0]
    expect(migrated?.sources).toEqual([{ ip: '10.0.0.1', port: null }, { ip: null, port: 81 }, { ip: '10.0.0.2', port: 82 }])
    expect(migrated?.destinations).toEqual([{ ip: null, port: 9 }])
    expect({ ...migrated, sources: null, destinations: null }).toEqual({ ...old, sources: null, destinations: null })
    store.close()
  })

  it('emits changes after commit, refuses duplicate names without writing, and keeps data across reopen', () => {
    const file = join(dir.path, 's.db')
    const store = new SqliteStore(file)
    const changes: StoreChange['type'][] = []
    store.subscribe((c) => changes.push(c.type))
    expect(store.putService(service(A, 'one'))).toBeUndefined()
    expect(store.putService(service(B, 'one'))).toEqual({ field: 'name', value: 'one' })
    expect(store.getService(B)).toBeUndefined()
    expect(store.putRoute(route(R, A))).toBeUndefined()
    expect(store.countRoutes(A)).toBe(1)
    expect(changes).toEqual(['service-upsert', 'route-upsert'])
    store.close()
    const reopened = new SqliteStore(file)
    expect(reopened.getService('one')?.id).toBe(A)
    expect(reopened.listRoutes({ size: 10, serviceId: A }).data).toHaveLength(1)
    expect(reopened.listServices({ size: 10, tags: { mode: 'all', tags: ['a'] } }).data).toHaveLength(1)
    expect(reopened.listServices({ size: 10, tags: { mode: 'all', tags: ['zzz'] } }).data).toHaveLength(0)
    reopened.replaceAll({ services: [service(B, 'two')], routes: [] })
    expect(reopened.snapshot().services.map((s) => s.name)).toEqual(['two'])
    reopened.close()
  })

  // Regression: one EXISTS per tag nested past SQLite's expression depth limit (1000). The Admin API
  // now refuses more than 5 tags, as Kong does; the store still takes any number.
  it('filters by thousands of tags at once', () => {
    const store = new SqliteStore(':memory:')
    store.putService(service(A, 'one'))
    const tags = Array.from({ length: 1500 }, (_, i) => `t${i}`)
    expect(store.listServices({ size: 10, tags: { mode: 'all', tags } }).data).toHaveLength(0)
    expect(store.listServices({ size: 10, tags: { mode: 'any', tags: [...tags, 'a'] } }).data).toHaveLength(1)
    store.close()
  })
})
