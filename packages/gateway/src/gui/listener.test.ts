import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PLAYGROUND_DIST } from '@switchyard/playground'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnGateway, startInProcess, type InProcessGateway } from '../testing/harness.ts'

describe('the GUI listener (admin_gui_listen)', () => {
  let gateway: InProcessGateway
  let gui: string
  beforeAll(async () => {
    gateway = await startInProcess({ admin_gui_listen: '127.0.0.1:0' })
    gui = `http://127.0.0.1:${gateway.gateway.guiAddresses[0]?.port}`
  })
  afterAll(() => gateway.close())

  it('serves the built playground at / (or says how to build it)', async () => {
    const response = await fetch(`${gui}/`)
    if (existsSync(fileURLToPath(new URL('index.html', PLAYGROUND_DIST)))) {
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/text\/html/)
    } else {
      expect(response.status).toBe(503)
      expect(await response.text()).toMatch(/npm run build -w packages\/playground/)
    }
  })

  it('forwards /api to the Admin API, while the Admin API keeps Kong JSON at its own /', async () => {
    const created = await fetch(`${gui}/api/services`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'via-gui', url: 'http://127.0.0.1:9' }) })
    expect(created.status).toBe(201)
    const listed = (await (await fetch(`${gateway.admin}/services`)).json()) as { data: { name: string }[] }
    expect(listed.data.map((s) => s.name)).toContain('via-gui')
    expect(((await (await fetch(`${gateway.admin}/`)).json()) as { tagline: string }).tagline).toMatch(/switchyard/i)
  })

  it('refuses a non-loopback GUI address without an admin token', async () => {
    await expect(startInProcess({ admin_gui_listen: '0.0.0.0:0' })).rejects.toThrow(/admin_gui_listen.*admin_token/)
  })

  it('leaves admin_token to the Admin API: the GUI adds none and forwards the one the browser sends', async () => {
    const guarded = await startInProcess({ admin_gui_listen: '127.0.0.1:0', admin_token: 'sesame' })
    try {
      const base = `http://127.0.0.1:${guarded.gateway.guiAddresses[0]?.port}/api/services`
      const body = JSON.stringify({ name: 'guarded', url: 'http://127.0.0.1:9' })
      const headers = { 'content-type': 'application/json' }
      expect((await fetch(base, { method: 'POST', headers, body })).status).toBe(401)
      expect((await fetch(base, { method: 'POST', headers: { ...headers, authorization: 'Bearer wrong' }, body })).status).toBe(401)
      expect((await fetch(base, { method: 'POST', headers: { ...headers, authorization: 'Bearer sesame' }, body })).status).toBe(201)
      // A form on another site cannot use the GUI even with the right token.
      const form = { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'kong-admin-token': 'sesame' }
      expect((await fetch(base, { method: 'POST', headers: form, body: 'name=x&url=http://127.0.0.1:9' })).status).toBe(403)
    } finally {
      await guarded.close()
    }
  })

  it('names its port in the start line, and says why it is not started when the Admin API is off', async () => {
    const withGui = await spawnGateway(['--admin-gui-listen', '127.0.0.1:0'])
    try {
      const started = JSON.parse(withGui.output().split('\n').find((l) => l.includes('"switchyard started"')) ?? '{}') as { gui?: number[] }
      expect(started.gui).toHaveLength(1)
      expect((await fetch(`http://127.0.0.1:${started.gui?.[0]}/api/services`)).status).toBe(200)
    } finally {
      await withGui.stop()
    }
    const adminOff = await spawnGateway(['--admin-listen', 'off', '--admin-gui-listen', '127.0.0.1:0'])
    try {
      expect(adminOff.output()).toMatch(/admin_gui_listen is set but admin_listen is off: the GUI needs the Admin API and is not started/)
      expect(JSON.parse(adminOff.output().split('\n').find((l) => l.includes('"switchyard started"')) ?? '{}')).toMatchObject({ gui: [] })
    } finally {
      await adminOff.stop()
    }
  })
})
