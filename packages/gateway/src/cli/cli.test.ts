import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../testing/harness.ts'
import { check, type CliOutput } from './check.ts'
import { validateConfigFile } from './config-validate.ts'
import { match } from './match.ts'

function capture(): CliOutput & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) }
  return io
}

const dir = tempDir()
afterAll(() => dir.cleanup())

const CONFIG = `_format_version: "3.0"
services:
  - name: api
    url: http://127.0.0.1:9000/v1
    routes:
      - name: users
        expression: http.path ^= "/users" && http.method == "GET"
        priority: 10
      - name: catch-all
        paths: ["/"]
`

describe('switchyard check', () => {
  it('prints a caret under the problem and exits 1', () => {
    const io = capture()
    expect(check(['http.path == 1'], io)).toBe(1)
    expect(io.stderr).toContain('error[operator-type-mismatch]')
    expect(io.stderr).toContain('1 | http.path == 1')
    expect(io.stderr).toMatch(/\|\s{11}\^~/)
  })

  it('accepts a valid expression and knows the stream schema', () => {
    const io = capture()
    expect(check(['http.path ^= "/a"'], io)).toBe(0)
    expect(io.stdout).toContain('http.path')
    expect(check(['http.path ^= "/a"', '--schema', 'stream'], capture())).toBe(1)
    expect(check(['net.src.port == 80', '--schema', 'stream'], capture())).toBe(0)
  })
})

describe('switchyard match', () => {
  const file = join(dir.path, 'kong.yml')
  writeFileSync(file, CONFIG)

  it('prints the route, matches, captures and upstream URL', () => {
    const io = capture()
    expect(match(['--config', file, '--request', JSON.stringify({ method: 'GET', path: '/users/7?x=1', host: 'a' })], io)).toBe(0)
    expect(io.stdout).toContain('route: users')
    expect(io.stdout).toContain('http.path = "/users"')
    expect(io.stdout).toContain('upstream: http://127.0.0.1:9000/v1/7?x=1')
  })

  it('explains why higher-priority routes did not match', () => {
    const io = capture()
    expect(match(['--config', file, '--request', JSON.stringify({ method: 'POST', path: '/users' }), '--explain'], io)).toBe(0)
    expect(io.stdout).toMatch(/✗ users .*http\.method == "GET" → false/)
    expect(io.stdout).toContain('route: catch-all')
  })
})

describe('switchyard config validate', () => {
  it('lists every problem with its location and a caret for expressions', () => {
    const bad = join(dir.path, 'bad.yml')
    writeFileSync(bad, '_format_version: "3.0"\nservices:\n  - name: s\n    port: -1\n    routes:\n      - expression: http.nope == "x"\n')
    const io = capture()
    expect(validateConfigFile([bad], io)).toBe(1)
    expect(io.stderr).toContain('services[0].host: required field missing')
    expect(io.stderr).toContain('services[0].port')
    expect(io.stderr).toContain('services[0].routes[0]')
    expect(io.stderr).toContain('error[unknown-field]')
    const good = join(dir.path, 'good.yml')
    writeFileSync(good, CONFIG)
    expect(validateConfigFile([good], capture())).toBe(0)
  })
})
