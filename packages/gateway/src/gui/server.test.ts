import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpGet, tempDir } from '../testing/harness.ts'
import { createGuiHandler } from './server.ts'

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

describe('GUI listener', () => {
  const dir = tempDir()
  let admin: Server
  let gui: Server
  let base: string

  beforeAll(async () => {
    mkdirSync(join(dir.path, 'assets'))
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>gui</title>')
    writeFileSync(join(dir.path, 'assets', 'index-abc.js'), 'export {}')
    writeFileSync(join(dir.path, 'assets', 'index-abc.css'), 'body{}')
    admin = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: request.method, url: request.url, token: request.headers.authorization ?? null }))
    })
    const adminUrl = await listen(admin)
    gui = createServer(createGuiHandler({ root: dir.path, adminUrl }))
    base = await listen(gui)
  })

  afterAll(async () => {
    await new Promise((resolve) => gui.close(resolve))
    await new Promise((resolve) => admin.close(resolve))
    dir.cleanup()
  })

  it.each([
    ['/', 'text/html; charset=utf-8', 'no-cache'],
    ['/index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/assets/index-abc.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/assets/index-abc.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
  ])('serves %s as %s', async (path, type, cache) => {
    const answer = await httpGet(base + path)
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe(type)
    expect(answer.headers['cache-control']).toBe(cache)
  })

  it('answers 404 for missing files and paths that leave the folder', async () => {
    expect((await httpGet(`${base}/nope.js`)).status).toBe(404)
    expect((await httpGet(`${base}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404)
  })

  it('forwards /api/* to the Admin API with method, path, query and credentials', async () => {
    const answer = await httpGet(`${base}/api/routes?size=10`, { authorization: 'Bearer t' })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({ method: 'GET', url: '/routes?size=10', token: 'Bearer t' })
    expect(JSON.parse((await httpGet(`${base}/api`)).body)).toMatchObject({ url: '/' })
  })
})
