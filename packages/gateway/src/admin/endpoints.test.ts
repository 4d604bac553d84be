import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startInProcess, type InProcessGateway } from '../testing/harness.ts'
import { ENDPOINTS } from './server.ts'

// Kong's GET /endpoints (kong/api/routes/kong.lua): the Admin API's paths, `{name}` for parameters,
// sorted segment by segment.

let gw: InProcessGateway
beforeAll(async () => {
  gw = await startInProcess()
})
afterAll(async () => {
  await gw.close()
})

const SAMPLE: Record<string, string> = { routes: 'r', services: 's', name: 'routes', db_entity_name: 'routes', tags: 't' }

describe('GET /endpoints', () => {
  it("lists the Admin API's paths in Kong's order", async () => {
    const answer = await adminCall(gw.admin, 'GET', '/endpoints')
    expect(answer.status).toBe(200)
    expect(answer.body.data).toEqual([...ENDPOINTS])
    // Kong's order: '/' sorts below every other character, so a path's sub-paths follow it at once.
    expect(ENDPOINTS.indexOf('/routes/{routes}/service')).toBeLessThan(ENDPOINTS.indexOf('/schemas/{db_entity_name}/validate'))
    expect(ENDPOINTS.indexOf('/services/{services}/routes/{routes}')).toBeLessThan(ENDPOINTS.indexOf('/status'))
  })

  it.each(ENDPOINTS.map((path) => [path]))('%s is served', async (path) => {
    // OPTIONS answers 204 for every path the Admin API has, and 404 for any other.
    const concrete = path.replace(/\{([^}]+)\}/g, (_, name: string) => SAMPLE[name] ?? name)
    const response = await fetch(`${gw.admin}${concrete}`, { method: 'OPTIONS' })
    expect(response.status).toBe(204)
  })

  it('takes only GET', async () => {
    expect((await adminCall(gw.admin, 'POST', '/endpoints', {})).status).toBe(405)
    expect((await adminCall(gw.admin, 'GET', '/endpoints/x')).status).toBe(404)
  })
})
