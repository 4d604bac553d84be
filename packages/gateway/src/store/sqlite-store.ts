import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Route } from '../entities/route.ts'
import type { Service } from '../entities/service.ts'
import { ChangeEmitter, decodeOffset, encodeOffset, type ListOptions, type Page, type Snapshot, type Store, type StoreChange, type UniqueConflict } from './store.ts'

/**
 * Versioned schema migrations, applied in order, each in its own transaction. Never edit a released
 * one: append a new version. Entities are stored as JSON next to the columns queries filter on.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'services and routes',
    sql: `
      CREATE TABLE services (id TEXT PRIMARY KEY, name TEXT UNIQUE, tags TEXT, data TEXT NOT NULL);
      CREATE TABLE routes (
        id TEXT PRIMARY KEY, name TEXT UNIQUE,
        service_id TEXT REFERENCES services(id) ON DELETE RESTRICT,
        tags TEXT, data TEXT NOT NULL);
      CREATE INDEX routes_service_id ON routes(service_id);`,
  },
  {
    // Kong returns both keys of a source or destination, an unset one null; routes written
    // before this version hold only the keys that were set.
    version: 2,
    name: 'route sources and destinations with ip and port',
    sql: ['sources', 'destinations']
      .map(
        (field) => `
      UPDATE routes SET data = json_set(data, '$.${field}', (
        SELECT json_group_array(json_object('ip', json_extract(e.value, '$.ip'), 'port', json_extract(e.value, '$.port')))
        FROM json_each(routes.data, '$.${field}') AS e))
      WHERE json_type(data, '$.${field}') = 'array';`,
      )
      .join(''),
  },
]

type Table = 'services' | 'routes'

/** The embedded default store: one SQLite file; every write is one transaction. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite'
  readonly #db: Database.Database
  readonly #emitter = new ChangeEmitter()

  /** Opens (creating folders and file as needed) and migrates the database at `file`. */
  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    this.#db = new Database(file)
    // WAL lets readers proceed during a write; foreign keys enforce route → service.
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('foreign_keys = ON')
    this.#db.pragma('busy_timeout = 5000')
    migrate(this.#db)
  }

  /** The schema version now in the file. */
  get schemaVersion(): number {
    return (this.#db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0
  }

  #get<T>(table: Table, idOrName: string): T | undefined {
    const row = this.#db.prepare(`SELECT data FROM ${table} WHERE id = ? UNION ALL SELECT data FROM ${table} WHERE name = ? LIMIT 1`).get(idOrName.toLowerCase(), idOrName) as { data: string } | undefined
    return row === undefined ? undefined : (JSON.parse(row.data) as T)
  }

  #list<T>(table: Table, options: ListOptions): Page<T> {
    const where: string[] = []
    const params: (string | number)[] = []
    const after = options.offset === undefined ? undefined : decodeOffset(options.offset)
    if (after !== undefined) where.push('id > ?'), params.push(after)
    if (options.serviceId !== undefined) where.push('service_id = ?'), params.push(options.serviceId)
    if (options.tagged === true) where.push('json_array_length(tags) > 0')
    if (options.tags !== undefined && options.tags.tags.length > 0) {
      if (options.tags.mode === 'all') {
        // One subquery however many tags: an EXISTS per tag nests one expression per tag, and
        // SQLite refuses a tree deeper than 1000 (a `?tags=t0,t1,…` URL holds thousands).
        const tags = [...new Set(options.tags.tags)]
        where.push(`(SELECT COUNT(DISTINCT value) FROM json_each(tags) WHERE value IN (${tags.map(() => '?').join(',')})) = ?`)
        params.push(...tags, tags.length)
      } else {
        where.push(`EXISTS (SELECT 1 FROM json_each(tags) WHERE value IN (${options.tags.tags.map(() => '?').join(',')}))`)
        params.push(...options.tags.tags)
      }
    }
    const sql = `SELECT id, data FROM ${table} ${where.length > 0 ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT ?`
    // One extra row tells whether another page follows.
    const rows = this.#db.prepare(sql).all(...params, options.size + 1) as { id: string; data: string }[]
    const data = rows.slice(0, options.size)
    const last = data[data.length - 1]
    return { data: data.map((r) => JSON.parse(r.data) as T), offset: rows.length > options.size && last !== undefined ? encodeOffset(last.id) : undefined }
  }

  #conflict(table: Table, id: string, name: string | null): UniqueConflict | undefined {
    if (name === null) return undefined
    const row = this.#db.prepare(`SELECT id FROM ${table} WHERE name = ? AND id != ?`).get(name, id)
    return row === undefined ? undefined : { field: 'name', value: name }
  }

  getService(idOrName: string): Service | undefined {
    return this.#get<Service>('services', idOrName)
  }

  getRoute(idOrName: string): Route | undefined {
    return this.#get<Route>('routes', idOrName)
  }

  listServices(options: ListOptions): Page<Service> {
    return this.#list<Service>('services', options)
  }

  listRoutes(options: ListOptions): Page<Route> {
    return this.#list<Route>('routes', options)
  }

  countRoutes(serviceId: string): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM routes WHERE service_id = ?').get(serviceId) as { n: number }).n
  }

  putService(service: Service): UniqueConflict | undefined {
    const write = this.#db.transaction((): UniqueConflict | { previous: Service | undefined } => {
      const conflict = this.#conflict('services', service.id, service.name)
      if (conflict !== undefined) return conflict
      const previous = this.getService(service.id)
      this.#db
        .prepare('INSERT INTO services (id, name, tags, data) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, tags = excluded.tags, data = excluded.data')
        .run(service.id, service.name, JSON.stringify(service.tags ?? []), JSON.stringify(service))
      return { previous }
    })
    const result = write()
    if ('field' in result) return result
    this.#emitter.emit({ type: 'service-upsert', entity: service, previous: result.previous })
    return undefined
  }

  putRoute(route: Route): UniqueConflict | undefined {
    const write = this.#db.transaction((): UniqueConflict | { previous: Route | undefined } => {
      const conflict = this.#conflict('routes', route.id, route.name)
      if (conflict !== undefined) return conflict
      const previous = this.getRoute(route.id)
      this.#db
        .prepare('INSERT INTO routes (id, name, service_id, tags, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, service_id = excluded.service_id, tags = excluded.tags, data = excluded.data')
        .run(route.id, route.name, route.service?.id ?? null, JSON.stringify(route.tags ?? []), JSON.stringify(route))
      return { previous }
    })
    const result = write()
    if ('field' in result) return result
    this.#emitter.emit({ type: 'route-upsert', entity: route, previous: result.previous })
    return undefined
  }

  deleteService(id: string): boolean {
    const entity = this.getService(id)
    if (entity === undefined || entity.id !== id) return false
    this.#db.prepare('DELETE FROM services WHERE id = ?').run(id)
    this.#emitter.emit({ type: 'service-delete', entity })
    return true
  }

  deleteRoute(id: string): boolean {
    const entity = this.getRoute(id)
    if (entity === undefined || entity.id !== id) return false
    this.#db.prepare('DELETE FROM routes WHERE id = ?').run(id)
    this.#emitter.emit({ type: 'route-delete', entity })
    return true
  }

  replaceAll(snapshot: Snapshot): void {
    this.#db.transaction(() => {
      this.#db.exec('DELETE FROM routes; DELETE FROM services;')
      const service = this.#db.prepare('INSERT INTO services (id, name, tags, data) VALUES (?, ?, ?, ?)')
      for (const s of snapshot.services) service.run(s.id, s.name, JSON.stringify(s.tags ?? []), JSON.stringify(s))
      const route = this.#db.prepare('INSERT INTO routes (id, name, service_id, tags, data) VALUES (?, ?, ?, ?, ?)')
      for (const r of snapshot.routes) route.run(r.id, r.name, r.service?.id ?? null, JSON.stringify(r.tags ?? []), JSON.stringify(r))
    })()
    this.#emitter.emit({ type: 'reset', snapshot })
  }

  snapshot(): Snapshot {
    const all = <T>(table: Table): T[] => (this.#db.prepare(`SELECT data FROM ${table} ORDER BY id`).all() as { data: string }[]).map((r) => JSON.parse(r.data) as T)
    return { services: all<Service>('services'), routes: all<Route>('routes') }
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    return this.#emitter.subscribe(listener)
  }

  close(): void {
    this.#db.close()
  }
}

/** Applies every migration newer than the file's version, each in one transaction. */
function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue
    db.transaction(() => {
      db.exec(migration.sql)
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, Math.floor(Date.now() / 1000))
    })()
  }
}
