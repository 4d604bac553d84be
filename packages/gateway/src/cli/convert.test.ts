import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runConvert, type ConvertIo } from './convert.ts'

const EXAMPLE = fileURLToPath(new URL('../../../../examples/kong.yaml', import.meta.url))

function memoryIo(files: Record<string, string>): ConvertIo & { out: string; err: string; written: Record<string, string> } {
  const io = {
    out: '',
    err: '',
    written: {} as Record<string, string>,
    stdout(text: string) {
      io.out += text
    },
    stderr(text: string) {
      io.err += text
    },
    readFile(path: string) {
      const text = files[path] ?? (path === EXAMPLE ? readFileSync(EXAMPLE, 'utf8') : undefined)
      if (text === undefined) throw new Error(`ENOENT: ${path}`)
      return text
    },
    writeFile(path: string, text: string) {
      io.written[path] = text
    },
  }
  return io
}

type Route = Record<string, unknown>

function routesOf(config: { services?: { routes?: Route[] }[]; routes?: Route[] }): Route[] {
  return [...(config.services ?? []).flatMap((service) => service.routes ?? []), ...(config.routes ?? [])]
}

describe('switchyard convert', () => {
  it('converts the 200+ route example and proves every sample routes identically', async () => {
    const io = memoryIo({})
    const status = await runConvert([EXAMPLE, '--check', '-o', 'out.yaml'], io)
    expect(io.err).toBe('')
    expect(io.out).toMatch(/check: \d+ requests, 0 difference\(s\)/)
    expect(status).toBe(0)
    const before = routesOf(parse(readFileSync(EXAMPLE, 'utf8')))
    const after = routesOf(parse(io.written['out.yaml']!))
    expect(before.length).toBeGreaterThanOrEqual(200)
    expect(after.length).toBeGreaterThan(before.length)
    for (const route of after) {
      expect(route).toHaveProperty('expression')
      expect(route).not.toHaveProperty('paths')
      expect(route).not.toHaveProperty('hosts')
      expect(route['priority']).toBeGreaterThanOrEqual(0)
      expect(route['priority']).toBeLessThanOrEqual(2 ** 46 - 1)
    }
    expect(io.out).toMatch(/routes converted: \d+/)
  }, 60_000)

  it('reports which requests change route with --priority documented', async () => {
    const io = memoryIo({})
    const status = await runConvert([EXAMPLE, '--check', '--priority', 'documented', '-o', 'out.yaml'], io)
    expect(status).toBe(0)
    expect(io.out).toMatch(/check: \d+ requests, [1-9]\d* difference\(s\)/)
  }, 60_000)

  it('reads and writes JSON, printing the summary on stderr when the config goes to stdout', async () => {
    const config = {
      _format_version: '3.0',
      services: [{ name: 's', url: 'http://u', routes: [{ id: 'e8fb37f1-102d-461e-9c51-6608a6bb8101', name: 'r', paths: ['/a', '/bb'], tags: ['t'] }] }],
    }
    const io = memoryIo({ 'kong.json': JSON.stringify(config) })
    expect(await runConvert(['kong.json'], io)).toBe(0)
    const converted = JSON.parse(io.out) as typeof config
    expect(converted.services[0]!.routes).toEqual([
      { id: '086b6591-cafa-58be-b2dd-7640f294421f', name: 'r-1', expression: '(http.path ^= r#"/a"#)', priority: 0, tags: ['t'] },
      { id: 'f3f66107-db02-53dc-baaf-ff30ef99a039', name: 'r-2', expression: '(http.path ^= r#"/bb"#)', priority: 1, tags: ['t'] },
    ])
    expect(io.err).toMatch(/routes converted: 1\n/)
  })

  it.each([
    [[], 2, /missing FILE/],
    [['a.yaml', '--priority', 'intended'], 2, /--priority must be/],
    [['missing.yaml'], 2, /cannot read missing.yaml/],
    [['bad.yaml'], 1, /conversion failed/],
    [['bad-expression.yaml'], 1, /conversion failed: 2 route\(s\)[^]*unknown-field[^]*\n {4}1 \| http\.nope == "x"\n {6}\| \^~{8}\n[^]*paths\.1/],
    [['old.yaml'], 1, /unsupported _format_version/],
  ])('%j → exit %i', async (argv, status, message) => {
    const io = memoryIo({
      'a.yaml': '_format_version: "3.0"\n',
      'bad.yaml': '_format_version: "3.0"\nroutes:\n  - paths: [foo]\n',
      'bad-expression.yaml': '_format_version: "3.0"\nroutes:\n  - expression: http.nope == "x"\n  - paths: [foo]\n',
      'old.yaml': '_format_version: "1.1"\n',
    })
    expect(await runConvert(argv, io)).toBe(status)
    expect(io.err).toMatch(message)
    if (status > 0) expect([io.out, io.written]).toEqual(['', {}])
  })
})
