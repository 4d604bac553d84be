import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uuidV5 } from '@switchyard/http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { loadConfig } from '../config.ts'
import { createRouteChecker } from '../engine.ts'
import { openStore } from '../gateway.ts'
import { adminCall, startInProcess, type InProcessGateway } from '../testing/harness.ts'
import { declarativeErrorBody, luaPretty } from './declarative-errors.ts'
import { parseConfigText, positionIn } from './config-text.ts'
import { generatedId, loadDeclarative, migratePath } from './declarative.ts'

const OPTIONS = { flavor: 'expressions' as const, checkRoute: createRouteChecker('expressions') }
const load = (text: string) => {
  const parsed = parseConfigText(text)
  return parsed.ok ? loadDeclarative(parsed.value, OPTIONS) : parsed
}
const errorsOf = (text: string) => {
  const result = load(text)
  if (!('errors' in result)) throw new Error('expected the config to be refused')
  return result.errors
}
const snapshotOf = (text: string) => {
  const result = load(text)
  if (!('snapshot' in result)) throw new Error(JSON.stringify(result.problems))
  return result.snapshot
}

describe('declarative config: top level (kong/db/schema/others/declarative_config.lua)', () => {
  it.each([
    ['services: []', { _format_version: 'required field missing' }],
    ['_format_version: "2.0"', { _format_version: 'expected one of: 1.1, 2.1, 3.0' }],
    ['_format_version: 3.0', { _format_version: 'expected a string' }],
    ['_format_version: "3.0"\nfoo: 1', { foo: 'unknown field' }],
    ['_format_version: "3.0"\n_transform: "yes"', { _transform: 'expected a boolean' }],
    ['_format_version: "3.0"\nservices: 1', { services: 'expected an array' }],
    ['_format_version: "3.0"\nservices: [1]', { services: { '1': 'expected a record' } }],
  ])('%j → %j', (text, errors) => {
    expect(errorsOf(text)).toEqual(errors)
  })

  // An empty mapping is the same empty table as an empty list to Kong's readers.
  it('reads an empty mapping as an empty list', () => {
    expect(snapshotOf('_format_version: "3.0"\nservices: {}\nroutes: {}')).toEqual({ services: [], routes: [] })
    expect(snapshotOf('_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  routes: {}').routes).toEqual([])
  })

  it.each(['1.1', '2.1', '3.0'])('accepts _format_version %s', (version) => {
    expect(snapshotOf(`_format_version: "${version}"`)).toEqual({ services: [], routes: [] })
  })

  it('accepts _comment, _transform and _ignore at the top and _comment and _ignore on entities', () => {
    const text = '_format_version: "3.0"\n_comment: x\n_transform: false\n_ignore: [1]\nservices:\n- name: a\n  host: h\n  _comment: c\n  _ignore: [x]\n  routes:\n  - paths: [/]\n    _comment: r\n'
    expect(snapshotOf(text).routes).toHaveLength(1)
  })

  it('reads JSON as well as YAML', () => {
    expect(snapshotOf(JSON.stringify({ _format_version: '3.0', services: [{ name: 'a', host: 'h' }] })).services).toHaveLength(1)
  })

  it("reads YAML's scalars as Kong's lyaml does (YAML 1.1: yes, no, on, off, octal), and JSON first", () => {
    const yaml = '_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  retries: 010\n  routes:\n  - paths: [/]\n    strip_path: no\n    preserve_host: Yes\n    request_buffering: off\n'
    const snapshot = snapshotOf(yaml)
    expect(snapshot.services[0]).toMatchObject({ retries: 8 })
    expect(snapshot.routes[0]).toMatchObject({ strip_path: false, preserve_host: true, request_buffering: false })
    // `off` is no string in YAML 1.1, so it is no name either; quoted, it is.
    expect(errorsOf('_format_version: "3.0"\nservices:\n- name: off\n  host: h\n')).toEqual({ services: { '1': { name: 'expected a string' } } })
    expect(snapshotOf('_format_version: "3.0"\nservices:\n- name: "off"\n  host: h\n').services[0]).toMatchObject({ name: 'off' })
    // lyaml has no one-letter booleans and no timestamps: `n` and a date stay text.
    expect(snapshotOf('_format_version: "3.0"\nservices:\n- name: n\n  host: h\n  tags: [2024-01-02]\n').services[0]).toMatchObject({ name: 'n', tags: ['2024-01-02'] })
    // JSON numbers are JSON's (YAML 1.1 would read 1e1 as a string).
    expect(snapshotOf('{"_format_version": "3.0", "services": [{"name": "a", "host": "h", "retries": 1e1}]}').services[0]).toMatchObject({ retries: 10 })
  })

  it('keeps the last value of a key given twice, as lua-cjson and libyaml do', () => {
    expect(snapshotOf('{"_format_version": "3.0", "services": [{"name": "a", "host": "x", "host": "y"}]}').services[0]).toMatchObject({ host: 'y' })
    expect(snapshotOf('_format_version: "3.0"\nservices:\n- name: a\n  host: x\n  host: y\n').services[0]).toMatchObject({ host: 'y' })
  })

  it.each([['bobby tables'], ['- 1\n- 2'], ['']])('refuses %j as Kong does: failed parsing, expected an object', (text) => {
    expect(errorsOf(text)).toEqual({ error: 'failed parsing declarative configuration: expected an object' })
  })

  it('reports a YAML syntax error under `error`', () => {
    expect(errorsOf('_format_version: "3.0"\nservices: [\n').error).toMatch(/^failed parsing declarative configuration: \S/)
  })
})

describe('declarative config: entities and references', () => {
  it('links nested routes to their service and top-level routes by service name or {id}', () => {
    const id = '6f1a0f3c-4c4b-4b3b-9a1a-0a0a0a0a0a0a'
    const snapshot = snapshotOf(`_format_version: "3.0"
services:
- name: a
  host: h
  routes:
  - name: nested
    paths: [/n]
- id: ${id}
  host: h
routes:
- name: by-name
  paths: [/a]
  service: a
- name: by-id
  paths: [/b]
  service: {id: ${id}}
- name: by-id-string
  paths: [/c]
  service: ${id}
- name: none
  paths: [/d]
`)
    const serviceOf = (name: string) => snapshot.routes.find((r) => r.name === name)?.service
    const a = snapshot.services.find((s) => s.name === 'a')?.id
    expect([serviceOf('nested'), serviceOf('by-name'), serviceOf('by-id'), serviceOf('by-id-string'), serviceOf('none')]).toEqual([{ id: a }, { id: a }, { id }, { id }, null])
  })

  it('keeps an unknown reference under the route name, as a list (validate_references)', () => {
    expect(errorsOf('_format_version: "3.0"\nroutes:\n- name: r\n  paths: [/]\n  service: nope\n')).toEqual({ routes: { r: { '1': "invalid reference 'service: nope' (no such entry in 'services')" } } })
  })

  it('refuses {name: …} as a reference as Kong does: a record is resolved by its id only', () => {
    expect(errorsOf('_format_version: "3.0"\nservices:\n- name: a\n  host: h\nroutes:\n- name: r\n  paths: [/]\n  service: {name: a}\n')).toEqual({
      routes: { '1': { service: { id: 'missing primary key' } } },
    })
  })

  it('refuses `service` on a nested route (value must be null)', () => {
    expect(errorsOf('_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  routes:\n  - paths: [/]\n    service: b\n')).toEqual({ services: { '1': { routes: { '1': { service: 'value must be null' } } } } })
  })

  it('reports unknown and misspelt keys of entities at their place', () => {
    expect(errorsOf('_format_version: "3.0"\nservices:\n- name: a\n  hots: h\n  routes:\n  - pahts: [/]\n')).toEqual({
      services: {
        '1': {
          host: 'required field missing',
          hots: 'unknown field',
          // Kong runs the entity checks beside the field errors: without its paths, the route matches nothing.
          routes: { '1': { pahts: 'unknown field', '@entity': { '1': "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis', 'expression' when 'protocols' is 'https'" } } },
        },
      },
    })
  })

  it('reports a duplicate name once, at the index Kong uses, and a duplicate id', () => {
    const id = '6f1a0f3c-4c4b-4b3b-9a1a-0a0a0a0a0a0a'
    expect(errorsOf('_format_version: "3.0"\nservices:\n- name: a\n  host: h\n- name: a\n  host: h\n')).toEqual({ services: { '2': "uniqueness violation: 'services' entity with name set to 'a' already declared" } })
    expect(errorsOf(`_format_version: "3.0"\nservices:\n- id: ${id}\n  host: h\n- id: ${id}\n  host: h\n`)).toEqual({ services: { '2': `uniqueness violation: 'services' entity with primary key set to '${id}' already declared` } })
    // Kong keys a nested route's name error by its index in its own list, under the top-level `routes`.
    expect(errorsOf('_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  routes:\n  - name: r\n    paths: [/]\n- name: b\n  host: h\n  routes:\n  - name: r\n    paths: [/]\n')).toEqual({
      routes: { '1': "uniqueness violation: 'routes' entity with name set to 'r' already declared" },
    })
  })
})

describe('declarative config: Kong entity types switchyard does not implement', () => {
  const UNSUPPORTED = "entities are not supported by switchyard (it loads services and routes only)"

  it('refuses each declared one with an error naming its type, at the top level and nested', () => {
    const text = `_format_version: "3.0"
plugins:
- name: key-auth
consumers:
- username: bobby
upstreams:
- name: u
  targets:
  - target: 10.0.0.1
services:
- name: a
  host: h
  plugins:
  - name: rate-limiting
  routes:
  - name: n
    paths: [/n]
    plugins:
    - name: cors
routes:
- name: t
  paths: [/t]
  service: a
  plugins:
  - name: acl
`
    expect(errorsOf(text)).toEqual({
      plugins: `'plugins' ${UNSUPPORTED}`,
      consumers: `'consumers' ${UNSUPPORTED}`,
      upstreams: `'upstreams' ${UNSUPPORTED}`,
      services: { '1': { plugins: `'plugins' ${UNSUPPORTED}`, routes: { '1': { plugins: `'plugins' ${UNSUPPORTED}` } } } },
      routes: { '1': { plugins: `'plugins' ${UNSUPPORTED}` } },
    })
  })

  it('accepts an empty or null list of them (nothing is dropped), and still calls other keys unknown', () => {
    const text = '_format_version: "3.0"\nplugins: []\nconsumers: ~\nupstreams: []\ncertificates: []\nservices:\n- name: a\n  host: h\n  plugins: []\n  routes:\n  - paths: [/]\n    plugins: []\n'
    expect(snapshotOf(text).routes).toHaveLength(1)
    expect(errorsOf('_format_version: "3.0"\nplugin: []\n')).toEqual({ plugin: 'unknown field' })
  })
})

describe('declarative config: timestamps (kong/db/schema/init.lua process_auto_fields)', () => {
  it('keeps a declared created_at, as Kong does, and sets updated_at to now', () => {
    const snapshot = snapshotOf('_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  created_at: 1566863706\n  updated_at: 1566863707\n  routes:\n  - name: r\n    paths: [/]\n    created_at: 1566863708\n')
    expect(snapshot.services[0]?.created_at).toBe(1566863706)
    expect(snapshot.services[0]?.updated_at).toBeGreaterThan(1566863707)
    expect(snapshot.routes[0]?.created_at).toBe(1566863708)
    expect(errorsOf('_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  created_at: yesterday\n')).toEqual({ services: { '1': { created_at: 'expected an integer' } } })
    // Kong's timestamps are whole seconds.
    expect(errorsOf('_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  created_at: 1.5\n')).toEqual({ services: { '1': { created_at: 'expected an integer' } } })
  })
})

describe('declarative config: places in the text', () => {
  it('gives the line, column and span of a YAML or JSON syntax error, where the content ends when the text ends too early', () => {
    const parsed = parseConfigText('_format_version: "3.0"\nservices: [\n')
    expect(parsed.ok ? undefined : parsed.problems[0]).toMatchObject({ line: 2, column: 12, location: 'line 2, column 12', span: { start: 34, end: 35 } })
  })

  // Kong's loader reads a file whose name ends in `json` with lua-cjson alone, and any other text
  // (a POST /config body has no name) as JSON first, else as YAML.
  it.each([
    ['{"_format_version": "3.0", "services": [],}', { line: 1, column: 42 }, /trailing comma/],
    ['{\n  "_format_version": "3.0"\n  "services": []\n}\n', { line: 3, column: 3 }, /expected ',' or '}' after a property value/],
    ['{\n  "_format_version": "3.0",\n  "services": [\n', { line: 3, column: 16 }, /the '\[' on line 3 is not closed/],
  ])('reads a .json file as strict JSON: %j', (text, at, message) => {
    const strict = parseConfigText(text, 'kong.json')
    expect(strict.ok).toBe(false)
    expect(strict.ok ? undefined : strict.problems).toMatchObject([{ ...at, message: expect.stringMatching(message) }])
    expect(strict.ok ? undefined : strict.errors['error']).toMatch(/^failed parsing declarative configuration: line \d+, column \d+: invalid JSON: /)
  })

  it('reads the same text under another name, or without one, as JSON first, else YAML', () => {
    const trailing = '{"_format_version": "3.0", "services": [],}'
    expect(parseConfigText(trailing, 'kong.yml')).toMatchObject({ ok: true, format: 'yaml' })
    expect(parseConfigText(trailing)).toMatchObject({ ok: true, format: 'yaml' })
    expect(parseConfigText('{"_format_version": "3.0"}', 'kong.yml')).toMatchObject({ ok: true, format: 'json' })
    expect(parseConfigText('{"_format_version": "3.0"}', 'kong.json')).toMatchObject({ ok: true, format: 'json' })
    expect(parseConfigText('_format_version: "3.0"\n', 'kong.json')).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/read as JSON, as Kong reads it/) }] })
    expect(parseConfigText('[]', 'kong.json')).toMatchObject({ ok: false, problems: [{ message: 'expected an object' }] })
  })

  it("finds a problem's path in YAML and JSON text: the key, else the nearest item", () => {
    const yaml = '_format_version: "3.0"\nservices:\n- name: a\n  hots: h\n  routes:\n  - paths: [/]\n'
    const at = positionIn(yaml)
    expect(at(['services', 0, 'hots'])).toEqual({ line: 4, column: 3 })
    expect(at(['services', 0, 'host'])).toEqual({ line: 3, column: 3 })
    expect(at(['services', 0, 'routes', 0, 'paths'])).toEqual({ line: 6, column: 5 })
    expect(at(['_format_version'])).toEqual({ line: 1, column: 1 })
    expect(positionIn('{"_format_version": "3.0",\n "services": [{"name": "a", "port": -1}]}')(['services', 0, 'port'])).toEqual({ line: 2, column: 29 })
    expect(positionIn('services: [\n')(['services'])).toBeUndefined()
  })

  it('carries each problem\'s path', () => {
    const result = load('_format_version: "3.0"\nservices:\n- name: a\n')
    expect(result.ok ? undefined : result.problems[0]).toMatchObject({ location: 'services[0].host', path: ['services', 0, 'host'] })
  })
})

describe('declarative config: keys that objects inherit', () => {
  // Regression: an unknown `__proto__` key, or a route named `__proto__` with a bad reference, once
  // walked into Object.prototype while building the error table: the error was lost (`{}`) and
  // every later error table of the process inherited `@entity`.
  it.each([
    ['{"_format_version":"3.0","__proto__":1}', '{"__proto__":"unknown field"}'],
    ['{"_format_version":"3.0","routes":[{"name":"__proto__","paths":["/a"],"service":"nope"}]}', `{"routes":{"__proto__":{"1":"invalid reference 'service: nope' (no such entry in 'services')"}}}`],
    ['{"_format_version":"3.0","services":[{"name":"a","host":"h","constructor":1}]}', '{"services":{"1":{"constructor":"unknown field"}}}'],
  ])('%s reports the key and leaves Object.prototype alone', (text, expected) => {
    const before = Object.getOwnPropertyNames(Object.prototype)
    // Compared as JSON text: an object literal cannot hold an own `__proto__` entry.
    expect(JSON.stringify(errorsOf(text))).toBe(expected)
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(before)
  })

  it('refuses a YAML alias bomb as a parse error instead of throwing', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`)].join('\n')
    const parsed = parseConfigText(bomb)
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? undefined : parsed.errors['error']).toMatch(/^failed parsing declarative configuration: /)
  })
})

describe('declarative config: ids', () => {
  const FILE = '_format_version: "3.0"\nservices:\n- name: svc\n  host: h\n  routes:\n  - name: named\n    paths: [/a]\n  - paths: [/b]\n- host: h\n- name: "0"\n  host: h\n'

  it("gives a named entity Kong's id: UUIDv5 of the name in the kind's namespace", () => {
    const snapshot = snapshotOf(FILE)
    const kong = (kind: string, name: string) => uuidV5(uuidV5('fd02801f-0957-4a15-a55a-c8d9606f30b5', kind), name)
    expect(snapshot.services[0]?.id).toBe(kong('services', 'svc'))
    expect(snapshot.routes[0]?.id).toBe(kong('routes', 'named'))
    expect(generatedId('routes', 'named')).toBe(kong('routes', 'named'))
  })

  it('keeps every id, named or not, across reloads of the same file', () => {
    const ids = (text: string) => {
      const s = snapshotOf(text)
      return [...s.services, ...s.routes].map((e) => e.id)
    }
    expect(ids(FILE)).toEqual(ids(FILE))
    expect(new Set(ids(FILE)).size).toBe(5)
  })

  it('keeps an id the file gives', () => {
    const id = '6f1a0f3c-4c4b-4b3b-9a1a-0a0a0a0a0a0a'
    expect(snapshotOf(`_format_version: "3.0"\nservices:\n- id: ${id}\n  name: a\n  host: h\n`).services[0]?.id).toBe(id)
    // The type is checked first, as Kong does (15-off_spec "flattens nested, entity field errors").
    expect(errorsOf('_format_version: "3.0"\nservices:\n- id: 123\n  host: h\n')).toEqual({ services: { '1': { id: 'expected a string' } } })
  })
})

describe('declarative config: 1.1 and 2.1 route paths (kong/db/migrations/migrate_path_280_300.lua)', () => {
  it.each([
    ['/users/\\d+', '~/users/\\d+'],
    ['/a%2Eb(x)', '~/a\\.b(x)'],
    ['/a%2fb(x)', '~/a%2Fb(x)'],
    ['/plain/path', '/plain/path'],
    ['/a/./b//c', '/a/b/c'],
  ])('%s → %s', (path, migrated) => {
    expect(migratePath(path)).toBe(migrated)
  })

  it('migrates the paths of a 2.1 file, nested or not, and leaves a 3.0 file alone', () => {
    const file = (version: string) => `_format_version: "${version}"\nservices:\n- name: a\n  host: h\n  routes:\n  - name: n\n    paths: ['/u/\\d+']\nroutes:\n- name: t\n  paths: ['/v/\\d+']\n  service: a\n`
    expect(snapshotOf(file('2.1')).routes.map((r) => r.paths)).toEqual([['~/u/\\d+'], ['~/v/\\d+']])
    expect(snapshotOf(file('3.0')).routes.map((r) => r.paths)).toEqual([['/u/\\d+'], ['/v/\\d+']])
  })
})

describe("declarative config: Kong's error body (kong/db/errors.lua)", () => {
  it.each([
    // spec/02-integration/04-admin_api/15-off_spec.lua, "returns 400 on a validation error"
    [{ services: { '1': { host: 'required field missing', port: 'value should be between 0 and 65535' } } }, '{services={{host="required field missing",port="value should be between 0 and 65535"}}}'],
    [{ services: { '1': { '@entity': { '1': "failed conditional validation given value of field 'protocol'" }, path: 'value must be null' } } }, `{services={{["@entity"]={"failed conditional validation given value of field 'protocol'"},path="value must be null"}}}`],
    [{ services: { '2': 'dup' } }, '{services={[2]="dup"}}'],
    [{ error: 'say "hi"\\' }, '{error="say \\"hi\\"\\\\"}'],
    [{}, '{}'],
  ])('writes the message as pl.pretty: %j', (errors, text) => {
    expect(luaPretty(errors)).toBe(text)
  })

  it('answers code 14 with fields as arrays by position, and no flattened_errors unless asked', () => {
    const errors = errorsOf('_format_version: "1.1"\nservices:\n- port: -12\n')
    expect(declarativeErrorBody(errors, undefined, false)).toEqual({
      code: 14,
      name: 'invalid declarative configuration',
      message: 'declarative config is invalid: {services={{host="required field missing",port="value should be between 0 and 65535"}}}',
      fields: { services: [{ host: 'required field missing', port: 'value should be between 0 and 65535' }] },
    })
  })

  it('flattens: one entry per entity, children before parents, sections and positions last first', () => {
    const input = {
      _format_version: '3.0',
      services: [
        { name: 'one', host: 'h', protocol: 'nope', tags: ['t'], routes: [{ name: 'ok', paths: ['/'] }, { name: 'bad', protocols: ['tcp'] }] },
        { name: 'two', host: 'h', port: -1 },
      ],
      routes: [{ name: 'top', paths: ['/'], service: 'missing' }],
      foo: 1,
    }
    const result = loadDeclarative(input, OPTIONS)
    if (result.ok) throw new Error('expected the config to be refused')
    const body = declarativeErrorBody(result.errors, input, true) as { fields: unknown; message: string; flattened_errors: { entity_type: string; entity_name?: string; entity: Record<string, unknown>; errors: unknown[] }[] }
    expect(body.fields).toEqual({ foo: 'unknown field', routes: { top: ["invalid reference 'service: missing' (no such entry in 'services')"] } })
    expect(body.flattened_errors.map((e) => `${e.entity_type}:${e.entity_name ?? ''}`)).toEqual(['service:two', 'route:bad', 'service:one'])
    const one = body.flattened_errors[2]
    expect(one).toMatchObject({ entity_tags: ['t'], errors: [{ type: 'field', field: 'protocol', message: expect.stringMatching(/^expected one of/) }] })
    expect(one?.entity).not.toHaveProperty('routes')
    expect(body.flattened_errors[1]?.errors).toEqual([{ type: 'entity', message: expect.any(String) }])
  })
})

describe('POST /config and GET /config (kong/api/routes/config.lua)', () => {
  let gw: InProcessGateway
  const call = (method: string, path: string, body?: unknown) => adminCall(gw.admin, method, path, body)
  const post = (path: string, body: string, type = 'application/x-yaml') => fetch(gw.admin + path, { method: 'POST', body, headers: { 'content-type': type } })
  const GOOD = '_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  routes:\n  - name: r\n    paths: [/]\n'

  beforeAll(async () => {
    gw = await startInProcess({ database: 'off' })
  })
  afterAll(async () => {
    await gw.close()
  })

  it('accepts the config as a JSON body, as a JSON or YAML string in `config`, or as a YAML body', async () => {
    expect((await call('POST', '/config', { _format_version: '1.1', services: [{ name: 'a', host: 'h' }] })).status).toBe(201)
    expect((await call('POST', '/config', { config: JSON.stringify({ _format_version: '1.1' }) })).status).toBe(201)
    expect((await call('POST', '/config', { config: '_format_version: "1.1"\n' })).status).toBe(201)
    const created = await post('/config', GOOD)
    expect(created.status).toBe(201)
    const body = (await created.json()) as { services: Record<string, { name: string }>; routes: Record<string, { name: string }> }
    const [serviceId] = Object.keys(body.services)
    expect(serviceId).toBe(generatedId('services', 'a'))
    expect(body.services[serviceId ?? '']?.name).toBe('a')
  })

  it('answers 400 "expected a declarative configuration" to an empty body, and reads a body without one as the config', async () => {
    expect(await call('POST', '/config')).toEqual({ status: 400, body: { message: 'expected a declarative configuration' } })
    expect((await call('POST', '/config', {})).body).toMatchObject({ code: 14, fields: { _format_version: 'required field missing' } })
  })

  it('answers an invalid config string as Kong does (15-off_spec "returns 400 on an invalid config string")', async () => {
    expect(await call('POST', '/config', { config: 'bobby tables' })).toEqual({
      status: 400,
      body: {
        code: 14,
        fields: { error: 'failed parsing declarative configuration: expected an object' },
        message: 'declarative config is invalid: {error="failed parsing declarative configuration: expected an object"}',
        name: 'invalid declarative configuration',
      },
    })
  })

  it('answers a validation error as Kong does (15-off_spec "returns 400 on a validation error") and keeps the running config', async () => {
    expect((await post('/config', GOOD)).status).toBe(201)
    const before = (await call('GET', '/config')).body
    expect(await call('POST', '/config', { config: '_format_version: "1.1"\nservices:\n- port: -12\n' })).toEqual({
      status: 400,
      body: {
        code: 14,
        fields: { services: [{ host: 'required field missing', port: 'value should be between 0 and 65535' }] },
        message: 'declarative config is invalid: {services={{host="required field missing",port="value should be between 0 and 65535"}}}',
        name: 'invalid declarative configuration',
      },
    })
    expect((await call('GET', '/config')).body).toEqual(before)
    expect((await call('GET', '/routes/r')).status).toBe(200)
  })

  it('adds flattened_errors with ?flatten_errors=1 or a truthy body field', async () => {
    const bad = '_format_version: "3.0"\nservices:\n- name: s\n  port: -12\n'
    for (const response of [await post('/config?flatten_errors=1', bad), await post('/config', JSON.stringify({ config: bad, flatten_errors: 'yes' }), 'application/json')]) {
      expect(response.status).toBe(400)
      expect(await response.json()).toEqual({
        code: 14,
        name: 'invalid declarative configuration',
        message: 'declarative config is invalid: {}',
        fields: {},
        flattened_errors: [
          {
            entity_type: 'service',
            entity_name: 's',
            entity: { name: 's', port: -12 },
            errors: [
              { type: 'field', field: 'port', message: 'value should be between 0 and 65535' },
              { type: 'field', field: 'host', message: 'required field missing' },
            ],
          },
        ],
      })
    }
  })

  it('answers 304 with ?check_hash=1 when the config is the running one', async () => {
    expect((await post('/config', GOOD)).status).toBe(201)
    expect((await post('/config?check_hash=1', GOOD)).status).toBe(304)
    expect((await post('/config?check_hash=true', GOOD)).status).toBe(201)
  })

  it('compares only a config sent as text with ?check_hash=1: a body that is the config is always loaded (as Kong)', async () => {
    const json = { _format_version: '3.0', services: [{ name: 'j', host: 'h' }] }
    expect((await call('POST', '/config?check_hash=1', json)).status).toBe(201)
    expect((await call('POST', '/config?check_hash=1', json)).status).toBe(201)
    expect((await call('POST', '/config?check_hash=1', { config: JSON.stringify(json) })).status).toBe(201)
    expect((await call('POST', '/config?check_hash=1', { config: JSON.stringify(json) })).status).toBe(304)
  })

  it('answers 201 with only the kinds that have entities, as Kong', async () => {
    expect(await call('POST', '/config', { _format_version: '3.0' })).toEqual({ status: 201, body: {} })
    const body = (await call('POST', '/config', { _format_version: '3.0', services: [{ name: 'only', host: 'h' }] })).body
    expect(Object.keys(body)).toEqual(['services'])
  })

  it("exports as Kong's export.lua: _transform false, timestamps, a route's service as its id, no empty kinds; and loads it back", async () => {
    expect((await call('POST', '/config', { _format_version: '3.0' })).status).toBe(201)
    expect((await call('GET', '/config')).body).toEqual({ config: '_format_version: "3.0"\n_transform: false\n' })
    const text = '_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  created_at: 1566863706\n  routes:\n  - name: r\n    paths: [/]\n    created_at: 1566863707\nroutes:\n- name: free\n  paths: [/free]\n'
    expect((await post('/config', text)).status).toBe(201)
    const exported = parseYaml(String((await call('GET', '/config')).body['config'])) as { _transform: boolean; services: Record<string, unknown>[]; routes: Record<string, unknown>[] }
    expect(exported._transform).toBe(false)
    expect(exported.services[0]).toMatchObject({ name: 'a', created_at: 1566863706, updated_at: expect.any(Number), path: null })
    const routes = Object.fromEntries(exported.routes.map((r) => [r['name'], r]))
    expect(routes['r']).toMatchObject({ service: generatedId('services', 'a'), created_at: 1566863707 })
    expect(routes['free']?.['service']).toBeNull()
    const again = String((await call('GET', '/config')).body['config'])
    expect((await post('/config', again)).status).toBe(201)
    expect((await call('GET', '/routes/r')).body).toMatchObject({ created_at: 1566863707, service: { id: generatedId('services', 'a') } })
  })

  it('refuses a config with plugins, naming the type, and keeps the running one', async () => {
    expect((await post('/config', GOOD)).status).toBe(201)
    const response = await call('POST', '/config', { _format_version: '3.0', services: [{ name: 'x', host: 'h' }], plugins: [{ name: 'key-auth' }] })
    expect(response).toMatchObject({ status: 400, body: { code: 14, fields: { plugins: "'plugins' entities are not supported by switchyard (it loads services and routes only)" } } })
    expect((await call('GET', '/services/a')).status).toBe(200)
    expect((await call('GET', '/services/x')).status).toBe(404)
  })

  it('reads a posted text as Kong does: JSON first, else YAML, so a trailing comma is YAML', async () => {
    const text = '{"_format_version": "3.0", "services": [{"name": "trailing", "host": "h"},],}'
    expect((await post('/config', text)).status).toBe(201)
    expect((await post('/config', JSON.stringify({ config: text }), 'application/json')).status).toBe(201)
  })

  it('keeps route ids when the same file is loaded again', async () => {
    const unnamed = '_format_version: "3.0"\nservices:\n- host: h\n  routes:\n  - paths: [/x]\n'
    // Ids only: timestamps are set at each load, and a second may pass between the two.
    const ids = async () => ((await call('GET', '/routes')).body as unknown as { data: { id: string }[] }).data.map((route) => route.id)
    await post('/config', unnamed)
    const first = await ids()
    expect(first).toHaveLength(1)
    await post('/config', unnamed)
    expect(await ids()).toEqual(first)
  })
})

describe('the declarative file loaded at start', () => {
  it('is strict JSON when its name ends in .json, and the error shows the line with a caret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-declarative-'))
    const file = join(dir, 'kong.json')
    writeFileSync(file, '{\n  "_format_version": "3.0",\n  "services": [],\n}\n')
    try {
      const loaded = loadConfig({ env: {}, flags: { prefix: dir, database: 'off', declarative_config: file } })
      if (!loaded.ok) throw new Error(loaded.errors.join('; '))
      await expect(openStore(loaded.config)).rejects.toThrow(/kong\.json is invalid \(1 problem;[^\n]*\n\S*kong\.json:3:17: invalid JSON: a trailing comma[^\n]*\n {2}\|\n3 \| {3}"services": \[\],\n {2}\| {17}\^$/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('is the running config for ?check_hash=1 (hashed as a posted text is)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-declarative-'))
    const text = '_format_version: "3.0"\nservices:\n- name: a\n  host: h\n  routes:\n  - name: r\n    paths: [/]\n'
    const file = join(dir, 'kong.yml')
    writeFileSync(file, text)
    const gw = await startInProcess({ database: 'off', declarative_config: file })
    try {
      const post = (path: string) => fetch(gw.admin + path, { method: 'POST', body: text, headers: { 'content-type': 'application/x-yaml' } })
      expect((await post('/config?check_hash=1')).status).toBe(304)
    } finally {
      await gw.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
