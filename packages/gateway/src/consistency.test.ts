import { Agent, request } from 'undici'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { adminCall, startInProcess, startUpstream, type InProcessGateway, type TestServer } from './testing/harness.ts'

// Keys whose routes the Admin API keeps creating, re-pointing and deleting while requests run.
const KEYS = 24
const UPSTREAMS = 3
const CHANGES = 240
const CONCURRENCY = 16

let gw: InProcessGateway
const upstreams: TestServer[] = []

beforeAll(async () => {
  gw = await startInProcess()
  for (let i = 0; i < UPSTREAMS; i++) {
    const upstream = await startUpstream(`u${i}`, (_request, response) => response.end(`u${i}`))
    upstreams.push(upstream)
    await adminCall(gw.admin, 'POST', '/services', { name: `s${i}`, url: `http://127.0.0.1:${upstream.port}` })
  }
})
afterAll(async () => {
  await gw.close()
  await Promise.all(upstreams.map((u) => u.close()))
})

/** One committed change: the value a key has from some instant in [sent, received] on. */
interface Change {
  readonly sent: number
  readonly received: number
  /** The upstream name the key must reach, or `none` for 404. */
  readonly value: string
}

/** True when `observed` was the key's value at some instant of [start, end]. */
function plausible(history: readonly Change[], observed: string, start: number, end: number): boolean {
  for (let i = 0; i < history.length; i++) {
    const change = history[i] as Change
    const next = history[i + 1]
    // The value may be current from the earliest commit of this change to the latest commit of the next.
    if (change.value === observed && change.sent <= end && (next === undefined || start <= next.received)) return true
  }
  return false
}

it('routes every request to the route it had to hit while routes change (zero failed or misrouted)', async () => {
  const history: Change[][] = Array.from({ length: KEYS }, () => [{ sent: -Infinity, received: -Infinity, value: 'none' }])
  const current: (string | undefined)[] = new Array<string | undefined>(KEYS).fill(undefined)
  let seed = 42
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  let done = false
  const failures: string[] = []
  let checked = 0
  const agent = new Agent({ connections: CONCURRENCY })

  const load = async (): Promise<void> => {
    while (!done) {
      const key = random(KEYS)
      const start = performance.now()
      const response = await request(`${gw.proxy}/k/${key}`, { dispatcher: agent })
      const body = await response.body.text()
      const end = performance.now()
      const observed = response.statusCode === 404 ? 'none' : response.statusCode === 200 ? body : `status ${response.statusCode}`
      checked++
      if (!plausible(history[key] as Change[], observed, start, end)) failures.push(`key ${key}: got ${observed}`)
    }
  }

  const mutate = async (): Promise<void> => {
    for (let i = 0; i < CHANGES; i++) {
      const key = random(KEYS)
      const id = current[key]
      const target = random(UPSTREAMS)
      const sent = performance.now()
      let value: string
      if (id === undefined) {
        const created = await adminCall(gw.admin, 'POST', `/services/s${target}/routes`, { expression: `http.path == "/k/${key}"`, priority: random(5) })
        expect(created.status).toBe(201)
        current[key] = String(created.body.id)
        value = `u${target}`
      } else if (random(3) === 0) {
        expect((await adminCall(gw.admin, 'DELETE', `/routes/${id}`)).status).toBe(204)
        current[key] = undefined
        value = 'none'
      } else {
        // Re-point the route, and change its expression text, in one PATCH.
        const patched = await adminCall(gw.admin, 'PATCH', `/routes/${id}`, { service: { name: `s${target}` }, expression: `http.path == "/k/${key}" && http.method != "X${i}"` })
        expect(patched.status).toBe(200)
        value = `u${target}`
      }
      ;(history[key] as Change[]).push({ sent, received: performance.now(), value })
    }
  }

  const loaders = Array.from({ length: CONCURRENCY }, () => load())
  await mutate()
  done = true
  await Promise.all(loaders)
  await agent.close()
  expect(failures).toEqual([])
  expect(checked).toBeGreaterThan(CHANGES)
})
