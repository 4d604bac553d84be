import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, httpGet, spawnGateway, startUpstream, tempDir, type Echo, type TestServer } from './testing/harness.ts'

const run = promisify(execFile)
let upstream: TestServer
let slow: TestServer
const dirs: { cleanup: () => void }[] = []

function dir(): string {
  const d = tempDir()
  dirs.push(d)
  return d.path
}

beforeAll(async () => {
  upstream = await startUpstream('mock')
  slow = await startUpstream('slow', (_request, response) => {
    setTimeout(() => response.end('finished'), 700)
  })
})
afterAll(async () => {
  await upstream.close()
  await slow.close()
  for (const d of dirs) d.cleanup()
})

/** A one-service, one-route kong.yml. */
const config = (port: number, path: string) => `_format_version: "3.0"
services:
  - name: mock
    url: http://127.0.0.1:${port}
    routes:
      - name: r1
        expression: http.path == "${path}"
`

describe('switchyard start (real processes)', () => {
  it('runs the curl flow from Kong’s expressions announcement, with a real multipart body', async () => {
    const gw = await spawnGateway(['--prefix', dir()])
    try {
      const admin = `http://localhost:${gw.adminPort}`
      await run('curl', ['-sf', '-X', 'POST', `${admin}/services`, '--data', 'name=example-service', '--data', `url=http://127.0.0.1:${upstream.port}`])
      const route = await run('curl', ['-sf', '--request', 'POST', '--url', `${admin}/services/example-service/routes`, '--header', 'Content-Type: multipart/form-data', '--form-string', 'expression=(http.path == "/mock" || net.protocol == "https")'])
      expect(JSON.parse(route.stdout)).toMatchObject({ expression: '(http.path == "/mock" || net.protocol == "https")' })
      const proxied = await run('curl', ['-si', `http://localhost:${gw.proxyPorts[0] ?? 0}/mock`])
      expect(proxied.stdout).toMatch(/^HTTP\/1\.1 200/)
      expect(proxied.stdout).toContain('"name":"mock"')
    } finally {
      expect(await gw.stop()).toBe(0)
    }
  })

  it('keeps everything across a restart (SQLite in the prefix folder)', async () => {
    const prefix = dir()
    const first = await spawnGateway(['--prefix', prefix])
    await adminCall(first.admin, 'POST', '/services', { name: 'kept', url: `http://127.0.0.1:${upstream.port}` })
    await adminCall(first.admin, 'POST', '/services/kept/routes', { name: 'kept-route', paths: ['/kept'], tags: ['x'] })
    expect(await first.stop()).toBe(0)
    const second = await spawnGateway(['--prefix', prefix])
    try {
      expect((await adminCall(second.admin, 'GET', '/routes/kept-route')).body).toMatchObject({ paths: ['/kept'], tags: ['x'] })
      expect(((await (await fetch(`${second.proxy}/kept`)).json()) as Echo).name).toBe('mock')
    } finally {
      await second.stop()
    }
  })

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const gw = await spawnGateway(['--prefix', dir()])
    await adminCall(gw.admin, 'POST', '/services', { name: 'slow', url: `http://127.0.0.1:${slow.port}` })
    await adminCall(gw.admin, 'POST', '/services/slow/routes', { paths: ['/slow'] })
    const inFlight = httpGet(`${gw.proxy}/slow`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const exited = gw.stop('SIGTERM')
    const answer = await inFlight
    expect(answer).toMatchObject({ status: 200, body: 'finished' })
    expect(await exited).toBe(0)
    await expect(fetch(`${gw.proxy}/slow`)).rejects.toThrow()
  })

  it('refuses a non-loopback Admin API without a token, and checks the token when set', async () => {
    await expect(spawnGateway(['--prefix', dir(), '--admin-listen', '0.0.0.0:0'])).rejects.toThrow(/requires admin_token/)
    const gw = await spawnGateway(['--prefix', dir(), '--admin-listen', '0.0.0.0:0'], { SWITCHYARD_ADMIN_TOKEN: 's3cret' })
    try {
      expect((await fetch(`${gw.admin}/services`)).status).toBe(401)
      expect((await fetch(`${gw.admin}/services`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200)
      expect((await fetch(`${gw.admin}/services`, { headers: { 'kong-admin-token': 's3cret' } })).status).toBe(200)
    } finally {
      await gw.stop()
    }
  })
})

describe('DB-less mode', () => {

  it('loads kong.yml, replaces it live with POST /config, and rejects a bad config listing every problem', async () => {
    const d = dir()
    const file = join(d, 'kong.yml')
    writeFileSync(file, config(upstream.port, '/one'))
    const gw = await spawnGateway(['--prefix', d, '--database', 'off', '--declarative-config', file])
    try {
      expect((await fetch(`${gw.proxy}/one`)).status).toBe(200)
      expect((await adminCall(gw.admin, 'POST', '/services', { name: 'x', host: 'x' })).status).toBe(405)
      const replaced = await fetch(`${gw.admin}/config`, { method: 'POST', body: config(upstream.port, '/two'), headers: { 'content-type': 'application/x-yaml' } })
      expect(replaced.status).toBe(201)
      expect((await fetch(`${gw.proxy}/two`)).status).toBe(200)
      expect((await fetch(`${gw.proxy}/one`)).status).toBe(404)
      const bad = `_format_version: "3.0"
services:
  - name: broken
    port: 99999
    routes:
      - expression: http.path == 1
routes:
  - paths: [/x]
    service: missing
`
      const rejected = await fetch(`${gw.admin}/config`, { method: 'POST', body: bad, headers: { 'content-type': 'application/x-yaml' } })
      expect(rejected.status).toBe(400)
      const body = (await rejected.json()) as { code: number; name: string; fields: Record<string, unknown> }
      expect(body).toMatchObject({ code: 14, name: 'invalid declarative configuration' })
      expect(body.fields).toMatchObject({ services: [{ host: 'required field missing', port: 'value should be between 0 and 65535', routes: [{ '@entity': [expect.any(String)] }] }] })
      // Kong keys a reference error by the route's name, or its id when it has none.
      expect(Object.values(body.fields['routes'] as object)).toEqual([["invalid reference 'service: missing' (no such entry in 'services')"]])
      expect((await fetch(`${gw.proxy}/two`)).status).toBe(200)
      // GET /config gives YAML that POST /config accepts back.
      const current = (await adminCall(gw.admin, 'GET', '/config')).body.config as unknown as string
      expect(current).toContain('/two')
      expect((await fetch(`${gw.admin}/config`, { method: 'POST', body: current, headers: { 'content-type': 'application/x-yaml' } })).status).toBe(201)
      expect((await fetch(`${gw.proxy}/two`)).status).toBe(200)
    } finally {
      await gw.stop()
    }
  })

  it('refuses to start on an invalid declarative file', async () => {
    const d = dir()
    const file = join(d, 'kong.yml')
    writeFileSync(file, '_format_version: "3.0"\nservices:\n  - name: x\n')
    // It names the setting and the file, and each problem with its line and column.
    await expect(spawnGateway(['--prefix', d, '--database', 'off', '--declarative-config', file])).rejects.toThrow(/switchyard: declarative_config: \S*kong\.yml is invalid \(1 problem;[^\n]*\n\S*kong\.yml:3:\d+: services\[0\]\.host: required field missing/)
  })

  // One clear line and exit 1, from the primary, not an error per worker or a worker restart loop.
  it.each([
    ['an ssl_cert that is a folder', (d: string) => ['--proxy-listen', '127.0.0.1:0 ssl', '--ssl-cert', d, '--ssl-cert-key', join(d, 'key.pem')], /ssl_cert: cannot read .*: is a directory, not a file/],
    ['a missing ssl_cert_key', (d: string) => ['--proxy-listen', '127.0.0.1:0 ssl', '--ssl-cert', join(d, 'cert.pem'), '--ssl-cert-key', join(d, 'missing.pem')], /ssl_cert_key: cannot read .*missing\.pem: no such file/],
    ['a certificate file that holds no certificate', (d: string) => ['--proxy-listen', '127.0.0.1:0 ssl', '--ssl-cert', join(d, 'cert.pem'), '--ssl-cert-key', join(d, 'cert.pem')], /ssl_cert, ssl_cert_key: .*cert\.pem are not a PEM certificate and its private key \(.*\)/],
    ['an access log under a file', (d: string) => ['--proxy-access-log', join(d, 'cert.pem', 'access.log')], /proxy_access_log: cannot open .*access\.log: /],
  ])('refuses to start with %s, in one line', async (_name, settings, message) => {
    const d = dir()
    writeFileSync(join(d, 'cert.pem'), 'not a certificate')
    for (const workers of ['1', '2']) {
      const started = spawnGateway(['--prefix', d, '--database', 'off', '--workers', workers, ...settings(d)])
      await expect(started).rejects.toThrow(new RegExp(`exited with 1 before starting:\nswitchyard: ${message.source}[^\n]*\n$`))
    }
  })

  it('refuses to start on a file that is not an SQLite database, naming it', async () => {
    const d = dir()
    writeFileSync(join(d, 'switchyard.db'), 'this is not a database, just some text that is long enough to hold a header\n'.repeat(100))
    await expect(spawnGateway(['--prefix', d])).rejects.toThrow(/exited with 1 before starting:\nswitchyard: database: cannot use the SQLite database .*switchyard\.db \(file is not a database\)[^\n]*\n$/)
  })

  it.each([
    ['the Admin API cannot listen, before forking workers', '--admin-listen', /exited with 1 before starting:\nswitchyard: admin_listen 127\.0\.0\.1:\d+: the address is already in use[^\n]*\n$/],
    ['a worker cannot listen, instead of restarting it forever', '--proxy-listen', /exited with 1 before starting:[\s\S]*proxy_listen 127\.0\.0\.1:\d+: the address is already in use[\s\S]*a proxy worker could not start \(exit code 1\); its error is above\n$/],
  ])('fails its start when %s', async (_name, setting, message) => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    try {
      const port = (taken.address() as AddressInfo).port
      await expect(spawnGateway(['--prefix', dir(), '--database', 'off', '--workers', '2', setting, `127.0.0.1:${port}`])).rejects.toThrow(message)
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })
})

/** Status codes of `count` requests, each on a fresh connection (so they spread over the workers). */
function freshStatuses(url: string, count: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(url, { agent: false }, (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        })
        request.on('error', reject)
        request.end()
      }),
    ),
  )
}

describe('workers', () => {
  it('gives every worker the whole config at start and each new config from POST /config', async () => {
    const d = dir()
    const file = join(d, 'kong.yml')
    writeFileSync(file, config(upstream.port, '/start'))
    const gw = await spawnGateway(['--prefix', d, '--database', 'off', '--declarative-config', file, '--workers', '2', '--status-listen', '127.0.0.1:0'])
    try {
      // The Status API's readiness counts the workers serving with their router built: all of them once started.
      const started = JSON.parse(gw.output().split('\n').find((l) => l.includes('"switchyard started"')) as string) as { status: number[] }
      expect(await adminCall(`http://127.0.0.1:${started.status[0] ?? 0}`, 'GET', '/status/ready')).toEqual({ status: 200, body: { message: 'ready' } })
      expect(await freshStatuses(`${gw.proxy}/start`, 16)).toEqual(new Array(16).fill(200))
      expect((await adminCall(gw.admin, 'GET', '/status')).body.router).toMatchObject({ size: 1 })
      expect((await fetch(`${gw.admin}/config`, { method: 'POST', body: config(upstream.port, '/next'), headers: { 'content-type': 'application/x-yaml' } })).status).toBe(201)
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(await freshStatuses(`${gw.proxy}/next`, 16)).toEqual(new Array(16).fill(200))
      expect(await freshStatuses(`${gw.proxy}/start`, 4)).toEqual(new Array(4).fill(404))
    } finally {
      expect(await gw.stop()).toBe(0)
    }
  })


  it('runs N proxy workers and gets every Admin API change to all of them within 100 ms', async () => {
    const gw = await spawnGateway(['--prefix', dir(), '--workers', '2'])
    try {
      await adminCall(gw.admin, 'POST', '/services', { name: 'w', url: `http://127.0.0.1:${upstream.port}` })
      for (let round = 0; round < 3; round++) {
        await adminCall(gw.admin, 'POST', '/services/w/routes', { name: `w${round}`, expression: `http.path == "/w${round}"` })
        await new Promise((resolve) => setTimeout(resolve, 100))
        // Fresh connections spread over the workers; every one must know the new route.
        expect(await freshStatuses(`${gw.proxy}/w${round}`, 16)).toEqual(new Array(16).fill(200))
      }
      // /status sums every worker's figures, read afresh (no /metrics call needed first).
      const server = (await adminCall(gw.admin, 'GET', '/status')).body.server as unknown as Record<string, number>
      expect(server['total_requests']).toBe(48)
      expect(server['connections_accepted']).toBeGreaterThanOrEqual(48)
      expect(server['connections_active']).toBe((server['connections_reading'] ?? 0) + (server['connections_writing'] ?? 0) + (server['connections_waiting'] ?? 0))
      const metrics = await (await fetch(`${gw.admin}/metrics`)).text()
      expect(metrics).toContain('switchyard_http_requests_total{route="w2",service="w",status_class="2xx"} 16')
    } finally {
      expect(await gw.stop()).toBe(0)
    }
  })
})
