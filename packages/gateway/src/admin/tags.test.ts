import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startInProcess, type InProcessGateway, type JsonTree } from '../testing/harness.ts'

// Kong's `GET /tags` and `GET /tags/{tag}` (kong/api/routes/tags.lua, kong/db/dao/tags.lua,
// kong/db/strategies/postgres/tags.lua): rows by entity id, an entity's tags in their order.

const S1 = '10000000-0000-4000-8000-000000000001'
const R2 = '20000000-0000-4000-8000-000000000002'
const S3 = '30000000-0000-4000-8000-000000000003'
const R4 = '40000000-0000-4000-8000-000000000004'
const R5 = '50000000-0000-4000-8000-000000000005'

const ALL_ROWS = [
  { entity_name: 'services', entity_id: S1, tag: 'team-a' },
  { entity_name: 'services', entity_id: S1, tag: 'prod' },
  { entity_name: 'routes', entity_id: R2, tag: 'prod' },
  { entity_name: 'routes', entity_id: R2, tag: 'v1' },
  { entity_name: 'routes', entity_id: R2, tag: 'with space' },
  { entity_name: 'routes', entity_id: R4, tag: 'team-a' },
]

/** Follows `next` links from `path` to the last page; every page's rows, in order. */
async function walk(admin: string, path: string): Promise<{ rows: JsonTree[]; links: string[] }> {
  const rows: JsonTree[] = []
  const links: string[] = []
  let next: string | null = path
  while (next !== null) {
    links.push(next)
    const page = await adminCall(admin, 'GET', next)
    expect(page.status).toBe(200)
    rows.push(...(page.body.data as unknown as JsonTree[]))
    next = page.body.next as unknown as string | null
  }
  return { rows, links }
}

describe.each([
  { store: 'SQLite', settings: {} },
  { store: 'DB-less', settings: { database: 'off' } },
])('tags, $store', ({ settings }) => {
  let gw: InProcessGateway
  const call = (method: string, path: string, body?: unknown) => adminCall(gw.admin, method, path, body)

  beforeAll(async () => {
    gw = await startInProcess(settings)
    const services = [
      { id: S1, name: 's1', host: 's1.example', tags: ['team-a', 'prod'] },
      { id: S3, name: 's3', host: 's3.example' },
    ]
    const routes = [
      { id: R2, name: 'r2', paths: ['/r2'], tags: ['prod', 'v1', 'with space'], service: { id: S1 } },
      { id: R4, name: 'r4', paths: ['/r4'], tags: ['team-a'], service: { id: S3 } },
      { id: R5, name: 'r5', paths: ['/r5'], tags: [], service: { id: S3 } },
    ]
    if ('database' in settings) {
      const config = { _format_version: '3.0', services, routes }
      expect((await call('POST', '/config', config)).status).toBe(201)
    } else {
      for (const service of services) expect((await call('POST', '/services', service)).status).toBe(201)
      for (const route of routes) expect((await call('POST', '/routes', route)).status).toBe(201)
    }
  })
  afterAll(async () => {
    await gw.close()
  })

  it('lists every tag of every service and route by entity id, each entity’s tags in their order', async () => {
    expect(await call('GET', '/tags')).toEqual({ status: 200, body: { data: ALL_ROWS, next: null } })
  })

  it.each([1, 2, 4, 5])('pages of %i rows give every row once, an entity’s tags split across pages included', async (size) => {
    const { rows, links } = await walk(gw.admin, `/tags?size=${size}`)
    expect(rows).toEqual(ALL_ROWS)
    // A page reads one row ahead (Kong's `size + 1`), so the last page has no `next`, even when full.
    expect(links.length).toBe(Math.ceil(ALL_ROWS.length / size))
    for (const link of links.slice(1)) expect(link).toMatch(new RegExp(`^/tags\\?offset=[^&]+&size=${size}$`))
  })

  it('lists the services and routes with one tag, by entity id', async () => {
    expect(await call('GET', '/tags/team-a')).toEqual({
      status: 200,
      body: {
        data: [
          { entity_name: 'services', entity_id: S1, tag: 'team-a' },
          { entity_name: 'routes', entity_id: R4, tag: 'team-a' },
        ],
        next: null,
      },
    })
    expect((await call('GET', '/tags/with%20space')).body.data).toEqual([{ entity_name: 'routes', entity_id: R2, tag: 'with space' }])
    expect(await call('GET', '/tags/nobody-has-it')).toEqual({ status: 200, body: { data: [], next: null } })
  })

  it('pages one tag’s entities with next links that name the tag', async () => {
    const { rows, links } = await walk(gw.admin, '/tags/prod?size=1')
    expect(rows).toEqual([
      { entity_name: 'services', entity_id: S1, tag: 'prod' },
      { entity_name: 'routes', entity_id: R2, tag: 'prod' },
    ])
    // Kong's link for the following page keeps the offset only (its pages are then of the default size).
    expect(links[1]).toMatch(/^\/tags\/prod\?offset=[^&]+$/)
  })

  it('refuses a tag no entity can hold, a bad size and a bad offset, as Kong does', async () => {
    expect(await call('GET', '/tags/a,b')).toEqual({
      status: 400,
      body: { code: 10, name: 'invalid unique tag', message: "invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences" },
    })
    expect((await call('GET', '/tags/%FF')).body).toMatchObject({ code: 10, name: 'invalid unique tag', message: 'invalid utf-8 character sequence detected at position 1' })
    expect((await call('GET', '/tags?size=0')).body).toMatchObject({ code: 9, name: 'invalid size' })
    expect((await call('GET', '/tags?offset=%25%25')).body).toMatchObject({ code: 7, name: 'invalid offset', message: "'%%' is not a valid offset: bad base64 encoding" })
    expect((await call('GET', '/tags/prod?offset=bm90IGpzb24')).body).toMatchObject({ code: 7, message: "'bm90IGpzb24' is not a valid offset: bad json encoding" })
  })

  it("refuses writes with Kong's schema violation, changing nothing, and has no deeper paths", async () => {
    const refused = {
      status: 400,
      body: {
        code: 2,
        name: 'schema violation',
        message: 'schema violation (tags: does not support insert/upsert/update/delete operations)',
        fields: { tags: 'does not support insert/upsert/update/delete operations' },
      },
    }
    expect(await call('POST', '/tags', { tag: 'x' })).toEqual(refused)
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect(await call(method, '/tags/prod', { tag: 'x' }), method).toEqual(refused)
    expect(await call('GET', '/tags')).toEqual({ status: 200, body: { data: ALL_ROWS, next: null } })
    expect((await call('GET', '/tags/prod/more')).status).toBe(404)
  })

  it('follows writes at once', async () => {
    if ('database' in settings) return
    expect((await call('PATCH', `/routes/${R5}`, { tags: ['fresh'] })).status).toBe(200)
    expect((await call('GET', '/tags/fresh')).body.data).toEqual([{ entity_name: 'routes', entity_id: R5, tag: 'fresh' }])
    expect((await call('PATCH', `/routes/${R5}`, { tags: null })).status).toBe(200)
    expect((await call('GET', '/tags/fresh')).body.data).toEqual([])
  })
})
