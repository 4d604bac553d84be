import { spawnSync } from 'node:child_process'
import { truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../testing/harness.ts'
import { check, type CliOutput } from './check.ts'
import { validateConfigFile } from './config-validate.ts'
import { runCli } from './index.ts'
import { MAX_INPUT_BYTES } from '../input-file.ts'
import { VERSION } from '../admin/server.ts'
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

  it('reads the deprecated net.port as net.dst.port, as the gateway does, and says so', () => {
    const io = capture()
    expect(check(['net.port == 80'], io)).toBe(0)
    expect(io.stdout).toContain('fields: net.dst.port')
    expect(io.stderr).toContain('net.port is the deprecated name of net.dst.port')
    // A diagnostic still points into the text as written.
    const bad = capture()
    expect(check(['net.port == "x"'], bad)).toBe(1)
    expect(bad.stderr).toContain('1 | net.port == "x"')
    expect(bad.stderr).toMatch(/\n {2}\| {10}\^~/)
  })

  it.each([['http.path.segments.x == "a"'], ['http.path.segments.01 == "a"'], ['http.path.segments.2_1 == "a"']])(
    'refuses %s as the Admin API does, with a caret under the field',
    (source) => {
      const io = capture()
      expect(check([source], io)).toBe(1)
      expect(io.stderr).toContain('error[illformed-segments-field]')
      expect(io.stderr).toContain('illformed http.path.segments.* field')
      expect(io.stderr).toMatch(/\n {2}\| \^~+/)
      expect(io.stdout).toBe('')
    },
  )

  it('accepts well-formed segment fields', () => {
    expect(check(['http.path.segments.len == 2 && http.path.segments.0_1 == "a/b"'], capture())).toBe(0)
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
    // Router priorities in the hexadecimal of the GUI and traditional-routes.md; an expression
    // route's own priority in decimal, as written.
    expect(io.stdout).toMatch(/^route: users \(id [0-9a-f-]{36}, priority 10, router priority 0xFF0000000000000A\)$/m)
    expect(io.stdout).toContain('http.path = "/users"')
    expect(io.stdout).toContain('upstream: http://127.0.0.1:9000/v1/7?x=1')
  })

  it('explains why higher-priority routes did not match', () => {
    const io = capture()
    expect(match(['--config', file, '--request', JSON.stringify({ method: 'POST', path: '/users' }), '--explain'], io)).toBe(0)
    expect(io.stdout).toMatch(/✗ users .*http\.method == "GET" → false/)
    expect(io.stdout).toContain('route: catch-all')
    expect(io.stdout).not.toContain('not tried')
  })

  it.each([
    [{ path: '/users', src_ip: '999.1.1.1' }, /"src_ip" must be an IPv4 or IPv6 address, not "999.1.1.1"/],
    [{ path: '/users', scheme: 'gopher' }, /"scheme" must be one of http, https, grpc, grpcs/],
    [{ path: '/users', dst_port: 70000 }, /"dst_port" must be an integer from 0 to 65535/],
  ])('refuses a request value no request can carry: %j', (request, said) => {
    const io = capture()
    expect(match(['--config', file, '--request', JSON.stringify(request)], io)).toBe(2)
    expect(io.stderr).toMatch(said)
  })

  it('routes a stream connection (scheme tcp, tls or udp) by the stream routes, as the stream listeners do', () => {
    const streams = join(dir.path, 'streams.yml')
    writeFileSync(
      streams,
      `_format_version: "3.0"
services:
  - name: db
    protocol: tcp
    host: 10.0.0.5
    port: 5432
    routes:
      - name: postgres
        protocols: [tcp]
        destinations: [{ port: 5432 }]
      - name: by-sni
        protocols: [tls]
        expression: tls.sni == "db.example.com"
`,
    )
    const io = capture()
    expect(match(['--config', streams, '--request', JSON.stringify({ scheme: 'tcp', src_ip: '192.0.2.7', dst_port: 5432 })], io)).toBe(0)
    expect(io.stdout).toMatch(/^route: postgres /m)
    expect(io.stdout).toContain('upstream: tcp://10.0.0.5:5432')
    const tls = capture()
    expect(match(['--config', streams, '--request', JSON.stringify({ scheme: 'tls', sni: 'db.example.com', dst_port: 6000 })], tls)).toBe(0)
    expect(tls.stdout).toMatch(/^route: by-sni /m)
    // An HTTP request meets only the HTTP routes, of which this configuration has none.
    expect(match(['--config', streams, '--request', JSON.stringify({ path: '/' })], capture())).toBe(1)
    const wrong = capture()
    expect(match(['--config', streams, '--request', JSON.stringify({ scheme: 'tcp', path: '/' })], wrong)).toBe(2)
    expect(wrong.stderr).toContain('a stream connection (scheme tcp) has no "path"')
  })

  it('refuses a request with a key it does not know, naming the keys it knows', () => {
    const io = capture()
    expect(match(['--config', file, '--request', JSON.stringify({ path: '/users', hostt: 'a' })], io)).toBe(2)
    expect(io.stderr).toMatch(/unknown key "hostt": the keys are method, path, host, .*headers/)
  })

  it('explains what each route after the winner would have done', () => {
    const io = capture()
    expect(match(['--config', file, '--request', JSON.stringify({ method: 'GET', path: '/users/1' }), '--explain'], io)).toBe(0)
    expect(io.stdout).toContain('route: users')
    expect(io.stdout).toMatch(/after it, not tried \(users comes first\):\n· catch-all \(router priority 0x0000000020000001\): would match too\n$/)
    // Without --explain, nothing about them.
    const plain = capture()
    expect(match(['--config', file, '--request', JSON.stringify({ method: 'GET', path: '/users/1' })], plain)).toBe(0)
    expect(plain.stdout).not.toContain('not tried')
  })

  // The gateway answers these itself before routing (requestRefusal); naming a route would mislead.
  it.each([
    [{ path: '/users/%zz' }, /400 before routing: the path has a '%'/],
    [{ path: 'users' }, /400 before routing: the target 'users' does not start with '\/'/],
    [{ path: '/users', host: 'ex ample' }, /400 before routing: the Host header 'ex ample'/],
    [{ path: '/users', headers: { Host: ['a', 'b'] } }, /400 before routing: the request has more than one Host/],
    [{ path: '/users', method: 'TRACE' }, /405 before routing/],
  ])('says the gateway refuses %j before routing, exit 1', (request, said) => {
    const io = capture()
    expect(match(['--config', file, '--request', JSON.stringify(request)], io)).toBe(1)
    expect(io.stdout).toMatch(said)
    expect(io.stdout).not.toContain('route:')
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

  it('starts each problem with FILE:LINE:COLUMN, syntax errors included', () => {
    const bad = join(dir.path, 'placed.yml')
    writeFileSync(bad, '_format_version: "3.0"\nservices:\n  - name: s\n    hots: h\nplugins:\n  - name: key-auth\n')
    const io = capture()
    expect(validateConfigFile([bad], io)).toBe(1)
    expect(io.stderr).toContain(`${bad}:4:5: services[0].hots: unknown field\n`)
    expect(io.stderr).toContain(`${bad}:3:5: services[0].host: required field missing\n`)
    expect(io.stderr).toContain(`${bad}:5:1: plugins: 'plugins' entities are not supported by switchyard`)
    const broken = join(dir.path, 'syntax.yml')
    writeFileSync(broken, '_format_version: "3.0"\nservices: [\n')
    const io2 = capture()
    expect(validateConfigFile([broken], io2)).toBe(1)
    expect(io2.stderr).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:12: \\S`))
  })

  it("points an expression's problems at their line and column in the file, and lists problems in file order", () => {
    const file = join(dir.path, 'expressions.yml')
    const text = [
      '_format_version: "3.0"',
      'services:',
      '  - name: s',
      '    url: http://u',
      '    hots: h',
      '    routes:',
      '      - name: quoted',
      '        expression: "http.path == \\"/a\\" && http.nope == \\"x\\""',
      '      - name: block',
      '        expression: |',
      '          http.path == "/a"',
      '            && http.path.segments.x == "y"',
      '  - name: t',
      '    port: -1',
      '',
    ].join('\n')
    writeFileSync(file, text)
    const io = capture()
    expect(validateConfigFile([file], io)).toBe(1)
    const heads = io.stderr.split('\n').filter((line) => line.startsWith(file))
    expect(heads.map((line) => line.slice(file.length).replace(/: .*/, ''))).toEqual([':5:5', ':8:45', ':12:16', ':13:5', ':14:5'])
    expect(io.stderr).toContain(` --> ${file}:8:45\n  |\n8 |         expression: "http.path == \\"/a\\" && http.nope == \\"x\\""\n  | ${' '.repeat(44)}^~~~~~~~~\n`)
    expect(io.stderr).toContain(`  --> ${file}:12:16\n   |\n12 |             && http.path.segments.x == "y"\n   | ${' '.repeat(15)}^~~~~~~~~~~~~~~~~~~~\n`)
  })

  it('counts one service and one route in the singular', () => {
    const file = join(dir.path, 'single.yml')
    writeFileSync(file, '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://u\n    routes:\n      - paths: ["/"]\n')
    const io = capture()
    expect(validateConfigFile([file], io)).toBe(0)
    expect(io.stdout).toBe('ok: 1 service, 1 route\n')
  })

  it('shows a YAML syntax error with its line and a caret, and convert reports it the same way with exit status 1', async () => {
    const file = join(dir.path, 'unclosed.yml')
    writeFileSync(file, '_format_version: "3.0"\nservices: [\n')
    const validated = capture()
    expect(validateConfigFile([file], validated)).toBe(1)
    expect(validated.stderr).toMatch(/unclosed\.yml:2:12: [^\n]+\n {2}\|\n2 \| services: \[\n {2}\| {12}\^\n1 problem\(s\) found\n$/)
    const converted = capture()
    expect(await runCli(['convert', file], converted)).toBe(1)
    expect(converted.stderr).toBe(validated.stderr)
    expect(converted.stdout).toBe('')
  })

  // Kong's loader reads a file whose name ends in `json` with lua-cjson, which refuses what YAML lets pass.
  it.each([
    ['a trailing comma', '{\n  "_format_version": "3.0",\n  "services": [{"name": "s", "host": "h"},]\n}\n', 3, 42, /a trailing comma/],
    ['a missing comma', '{\n  "_format_version": "3.0"\n  "services": []\n}\n', 3, 3, /expected ',' or '}' after a property value, found "services"/],
    ['a truncated file', '{\n  "_format_version": "3.0",\n  "services": [\n    {"name": "s", "host": "h"}\n', 4, 31, /the '\[' on line 3 is not closed/],
  ])('refuses a .json file with %s as JSON, with its line, column and a caret', (_name, text, line, column, message) => {
    const file = join(dir.path, 'strict.json')
    writeFileSync(file, text)
    const io = capture()
    expect(validateConfigFile([file], io)).toBe(1)
    const [head, gutter, source, caret, count] = io.stderr.split('\n')
    expect(head).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:${column}: invalid JSON: `))
    expect(head).toMatch(message)
    expect(gutter).toBe('  |')
    expect(source).toBe(`${line} | ${text.split('\n')[line - 1]}`)
    expect(caret).toBe(`  | ${' '.repeat(column - 1)}^`)
    expect(count).toBe('1 problem(s) found')
    expect(io.stdout).toBe('')
  })

  it('reads the same trailing comma in a .yml file as YAML, as Kong does', () => {
    const file = join(dir.path, 'flow.yml')
    writeFileSync(file, '{"_format_version": "3.0", "services": [{"name": "s", "host": "h"},]}\n')
    expect(validateConfigFile([file], capture())).toBe(0)
  })
})

describe('a .json declarative file is strict JSON for every command', () => {
  const file = join(dir.path, 'trailing.json')
  writeFileSync(file, '{"_format_version": "3.0", "services": [{"name": "s", "url": "http://u", "routes": [{"paths": ["/"]}]},]}')

  it('match --config', () => {
    const io = capture()
    expect(match(['--config', file, '--request', JSON.stringify({ path: '/' })], io)).toBe(2)
    expect(io.stderr).toMatch(/trailing\.json:1:\d+: invalid JSON: a trailing comma/)
    expect(io.stdout).toBe('')
  })

  it('convert', async () => {
    const io = capture()
    expect(await runCli(['convert', file], io)).toBe(1)
    expect(io.stderr).toMatch(/trailing\.json:1:\d+: invalid JSON: a trailing comma[^]*\n {2}\| +\^\n1 problem\(s\) found\n$/)
    expect(io.stdout).toBe('')
  })
})

describe('every command fails with one clear line and a non-zero exit code', () => {
  const ok = join(dir.path, 'ok.yml')
  writeFileSync(ok, CONFIG)
  const binary = join(dir.path, 'binary.dat')
  writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]))
  const latin1 = join(dir.path, 'latin1.yml')
  writeFileSync(latin1, Buffer.from('x: "\xe9"\n', 'latin1'))
  const array = join(dir.path, 'array.json')
  writeFileSync(array, '[1, 2]')
  const broken = join(dir.path, 'broken.yml')
  writeFileSync(broken, 'a: [\n')
  const huge = join(dir.path, 'huge.yml')
  writeFileSync(huge, '')
  truncateSync(huge, MAX_INPUT_BYTES + 1)
  const missing = join(dir.path, 'missing.yml')
  const empty = join(dir.path, 'empty.yml')
  writeFileSync(empty, '_format_version: "3.0"\nservices: []\n')
  const request = JSON.stringify({ path: '/' })
  const devices = process.platform === 'win32' ? [] : [['match', '--config', '/dev/null', '--request', request]]

  it.each([
    ['check'],
    ['check', '--schema'],
    ['check', 'http.path == "/"', '--schema', 'grpc'],
    ['check', 'http.path == "/"', '--bogus'],
    ['check', 'http.path', '==', '"/"'],
    ['match'],
    ['match', '--config'],
    ['match', '--config', ok, '--request'],
    ['match', '--config', ok, '--request', request, '--bogus'],
    ['match', '--config', missing, '--request', request],
    ['match', '--config', dir.path, '--request', request],
    ['match', '--config', binary, '--request', request],
    ['match', '--config', latin1, '--request', request],
    ['match', '--config', huge, '--request', request],
    ['match', '--config', broken, '--request', request],
    ['match', '--config', ok, '--request', '{"path":'],
    ['match', '--config', ok, '--request', 'null'],
    ['match', '--config', ok, '--request', '[]'],
    ['match', '--config', ok, '--request', '{"path":5}'],
    ['match', '--config', ok, '--request', '{"path":"/","src_ip":5}'],
    ['match', '--config', ok, '--request', '{"path":"/","host":[1]}'],
    ['match', '--config', ok, '--request', '{"path":"/","headers":{"x":5}}'],
    ['match', '--config', ok, '--request', '{"path":"/","src_port":"80"}'],
    ...devices,
    ['config'],
    ['config', 'validate'],
    ['config', 'validate', '--bogus'],
    ['config', 'validate', ok, 'extra'],
    ['config', 'validate', missing],
    ['config', 'validate', dir.path],
    ['config', 'validate', binary],
    ['config', 'validate', huge],
    ['config', 'validate', broken],
    ['convert'],
    ['convert', ok, '--bogus'],
    ['convert', ok, '-o'],
    ['convert', ok, '--priority'],
    ['convert', missing],
    ['convert', dir.path],
    ['convert', binary],
    ['convert', huge],
    ['convert', broken],
    ['convert', array],
    ['frobnicate'],
  ])('switchyard %s', async (...args) => {
    const io = capture()
    const code = await runCli(args, io)
    expect(code).toBeGreaterThan(0)
    expect(io.stderr).toMatch(/^(switchyard|\S+: )/)
    expect(io.stderr).not.toMatch(/\n\s+at /)
    expect(io.stdout).toBe('')
  })

  it.each([
    [['check', '--', 'http.path == "/"']],
    [['check', '--schema=stream', 'net.src.port == 80']],
    [['match', `--config=${ok}`, `--request=${JSON.stringify({ method: 'GET', path: '/users' })}`]],
    [['config', 'validate', ok]],
    [['config', 'parse', ok]],
    [['config', 'validate', '--help']],
    [['convert', empty, '--check']],
  ])('switchyard %j succeeds with exit code 0', async (args) => {
    const io = capture()
    expect(await runCli(args, io)).toBe(0)
  })

  it('turns an unexpected exception into one line on stderr', async () => {
    const io = capture()
    const throwing = { out: () => { throw new Error('stdout is closed') }, err: io.err }
    expect(await runCli(['check', 'http.path == "/"'], throwing)).toBe(1)
    expect(io.stderr).toBe('switchyard: stdout is closed\n')
  })

  // The installed command used to print a Node stack trace for `match --config MISSING`.
  it('exits 2 from the real executable without a stack trace', () => {
    const bin = fileURLToPath(new URL('../../bin/switchyard.mjs', import.meta.url))
    const run = spawnSync(process.execPath, [bin, 'match', '--config', missing, '--request', request], { encoding: 'utf8' })
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(`switchyard match: cannot read ${missing}: no such file\n`)
  })
})

// `-` names standard input, as `kubectl apply -f -` does; what comes back is what the same text in a
// file gets, with `<stdin>` where the file's name would be.
describe('FILE - reads the configuration from standard input', () => {
  const bin = fileURLToPath(new URL('../../bin/switchyard.mjs', import.meta.url))
  const run = (args: readonly string[], input: string | Buffer) => spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8' })
  const INVALID = '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://u\n    routes:\n      - expression: http.path == "/a" && http.nope == "x"\n'

  it('config validate - gives the problems, carets and exit status a file gets, naming <stdin>', () => {
    const file = join(dir.path, 'piped.yml')
    writeFileSync(file, INVALID)
    const fromFile = capture()
    expect(validateConfigFile([file], fromFile)).toBe(1)
    const piped = run(['config', 'validate', '-'], INVALID)
    expect(piped.status).toBe(1)
    expect(piped.stderr).toBe(fromFile.stderr.replaceAll(file, '<stdin>'))
    expect(piped.stderr).toContain('<stdin>:6:42: services[0].routes[0]')
    expect(piped.stderr).toMatch(/\n6 \|       - expression: http\.path == "\/a" && http\.nope == "x"\n {2}\| {42}\^~{8}\n/)
    expect(piped.stdout).toBe('')
    const valid = run(['config', 'parse', '-'], CONFIG)
    expect([valid.status, valid.stdout, valid.stderr]).toEqual([0, 'ok: 1 service, 2 routes\n', ''])
  })

  it('config validate - refuses input that is not UTF-8 text with exit status 2, as for a file', () => {
    const piped = run(['config', 'validate', '-'], Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]))
    expect([piped.status, piped.stderr]).toEqual([2, 'switchyard config validate: cannot read <stdin>: a binary file, not YAML or JSON text\n'])
  })

  it('match --config - routes the request through the configuration read from standard input', () => {
    const piped = run(['match', '--config', '-', '--request', JSON.stringify({ method: 'GET', path: '/users/7' })], CONFIG)
    expect(piped.status).toBe(0)
    expect(piped.stdout).toContain('route: users')
    const broken = run(['match', '--config=-', '--request', JSON.stringify({ path: '/' })], '_format_version: "3.0"\nservices: [\n')
    expect(broken.status).toBe(2)
    expect(broken.stderr).toMatch(/^<stdin>:2:12: /)
  })

  it('convert - reads standard input and writes the result to standard output, also with -o -', () => {
    const piped = run(['convert', '-', '-o', '-'], CONFIG)
    expect(piped.status).toBe(0)
    expect(piped.stdout).toContain('expression: http.path ^= "/users" && http.method == "GET"')
    expect(piped.stdout).toContain('expression: (http.path ^= r#"/"#)')
    const broken = run(['convert', '-'], '_format_version: "3.0"\nservices: [\n')
    expect(broken.status).toBe(1)
    expect(broken.stderr).toMatch(/^<stdin>:2:12: [^]*1 problem\(s\) found\n$/)
  })
})

describe('switchyard version', () => {
  it.each([[['--version']], [['-V']], [['version']]])('switchyard %j prints the version alone, as `kong version` does', async (args) => {
    const io = capture()
    expect(await runCli(args, io)).toBe(0)
    expect(io.stdout).toBe(`${VERSION}\n`)
    expect(io.stderr).toBe('')
  })

  it('switchyard version --all adds the runtime, and refuses other options', async () => {
    const io = capture()
    expect(await runCli(['version', '--all'], io)).toBe(0)
    expect(io.stdout).toBe(`Switchyard: ${VERSION}\nNode.js: ${process.versions.node}\n`)
    const bad = capture()
    expect(await runCli(['version', '--bogus'], bad)).toBe(2)
    expect(bad.stderr).toMatch(/^switchyard version: unknown option --bogus\n/)
  })
})
