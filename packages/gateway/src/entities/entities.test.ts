// Route and service entities against Kong 3.x's texts and field placement (kong/db/schema/typedefs.lua,
// entities/routes.lua, routes_subschemas.lua, services.lua; spec/01-unit/01-db/01-schema/06-routes_spec.lua).
import { describe, expect, it } from 'vitest'
import type { RouterFlavor } from '../config.ts'
import { createRouteChecker } from '../engine.ts'
import { prepareRoute, prepareService, type PrepareContext, type Violation } from './prepare.ts'
import { renderErrors, violationMessage, type JsonObject, type RenderedErrors } from './schema.ts'

const FLAVORS: RouterFlavor[] = ['traditional_compatible', 'expressions']
const contexts = new Map(FLAVORS.map((flavor) => [flavor, { flavor, checkRoute: createRouteChecker(flavor), now: 1, form: false } satisfies PrepareContext]))
const context = (flavor: RouterFlavor = 'expressions', form = false): PrepareContext => ({ ...contexts.get(flavor)!, form })

/** The `fields` and `message` of Kong's error body for a violation (as the Admin API renders it). */
function body(violation: Violation): { fields: RenderedErrors; message: string } {
  const fields = renderErrors(violation.fields) as Record<string, RenderedErrors>
  return {
    fields: violation.entityErrors.length > 0 ? { ...fields, '@entity': [...violation.entityErrors] } : fields,
    message: violationMessage(violation.fields, violation.entityErrors),
  }
}

function routeErrors(input: JsonObject, flavor?: RouterFlavor): { fields: RenderedErrors; message: string } | undefined {
  const prepared = prepareRoute(input, undefined, undefined, context(flavor))
  return prepared.ok ? undefined : body(prepared.violation)
}

function serviceErrors(input: JsonObject): { fields: RenderedErrors; message: string } | undefined {
  const prepared = prepareService(input, undefined, undefined, context())
  return prepared.ok ? undefined : body(prepared.violation)
}

const NAME = (name: string): string => `invalid value '${name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`
const SNIS = "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"

describe('name (the utf8_name typedef)', () => {
  it.each(['bad name', 'examp:le', 'examp/le'])('%j is refused on services and routes', (name) => {
    expect(serviceErrors({ host: 'a.test', name })).toEqual({ fields: { name: NAME(name) }, message: `schema violation (name: ${NAME(name)})` })
    expect(routeErrors({ paths: ['/'], name })).toEqual({ fields: { name: NAME(name) }, message: `schema violation (name: ${NAME(name)})` })
  })

  it.each(['~3..x4~.M-p~1__3_', '孔', 'Конг', '🦍'])('%j is accepted', (name) => {
    expect(serviceErrors({ host: 'a.test', name })).toBeUndefined()
    expect(routeErrors({ paths: ['/'], name })).toBeUndefined()
  })
})

describe.each(FLAVORS)('route protocols and snis (%s)', (flavor) => {
  it.each<[JsonObject, RenderedErrors]>([
    // Only the sets involved, in the order the protocols name them; no entity check applies.
    [{ protocols: ['tls', 'tls_passthrough'], snis: ['a.test'] }, { protocols: "these sets are mutually exclusive: ('tcp', 'tls', 'udp'), ('tls_passthrough')" }],
    [{ protocols: ['https', 'tls'] }, { protocols: "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')" }],
    [{ protocols: ['https', 'tls'], snis: ['a.test'] }, { protocols: "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')" }],
    [{ protocols: ['tcp', 'http'], sources: [{ port: 1 }] }, { protocols: "these sets are mutually exclusive: ('tcp', 'tls', 'udp'), ('http', 'https')" }],
    // A field that fails the schema does not hide the protocol rules, which are field errors in Kong.
    [{ protocols: ['tcp', 'http'], sources: [{ ip: 1 }] }, { protocols: "these sets are mutually exclusive: ('tcp', 'tls', 'udp'), ('http', 'https')", sources: [{ ip: 'expected a string' }] }],
    // routes.lua's `snis` conditional: the entity error, and the field's own `len_eq = 0` error.
    [{ protocols: ['tcp', 'udp'], snis: ['example.org'] }, { '@entity': [SNIS], snis: 'length must be 0' }],
    [{ protocols: ['http'], snis: ['example.org'], paths: ['/'] }, { '@entity': [SNIS], snis: 'length must be 0' }],
    [{ protocols: ['grpc'], snis: ['example.org'], paths: ['/'] }, { '@entity': [SNIS], snis: 'length must be 0' }],
    // Kong 3.7+: the one subschema message that lists no fields, in every flavor.
    [{ protocols: ['tls_passthrough'] }, { '@entity': ["must set snis when 'protocols' is 'tls_passthrough'"] }],
    [{ protocols: ['tls_passthrough'], sources: [{ ip: '127.0.0.1' }] }, { '@entity': ["must set snis when 'protocols' is 'tls_passthrough'"] }],
  ])('%j', (input, fields) => {
    expect(routeErrors(input, flavor)?.fields).toEqual(fields)
  })

  it("lists the `snis` error before the subschema's, as Kong runs routes.lua's checks first", () => {
    const listed = flavor === 'expressions' ? "'methods', 'hosts', 'headers', 'paths', 'expression'" : "'methods', 'hosts', 'headers', 'paths'"
    expect(routeErrors({ protocols: ['http'], snis: ['example.org'] }, flavor)).toEqual({
      fields: { '@entity': [SNIS, `must set one of ${listed} when 'protocols' is 'http'`], snis: 'length must be 0' },
      message: `3 schema violations (${SNIS}; must set one of ${listed} when 'protocols' is 'http'; snis: length must be 0)`,
    })
  })
})

describe('an expression route (expressions flavor)', () => {
  it('gets the protocols error and the snis errors too', () => {
    expect(routeErrors({ expression: 'http.path == "/a"', protocols: ['http', 'tcp'] })?.fields).toEqual({
      protocols: "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')",
    })
    expect(routeErrors({ expression: 'http.path == "/a"', protocols: ['http'], snis: ['a.test'] })?.fields).toEqual({ '@entity': [SNIS], snis: 'length must be 0' })
  })
})

// 05-services_spec.lua (3.x) "rejects invalid hostnames" and friends: typedefs `validate_host` over
// kong/tools/ip.lua's normalize_ip.
describe('service host (the host typedef)', () => {
  it.each(['/example', '.example', 'example:', 'mock;bin', 'example.com/org', 'example-.org', 'example.org-', 'hello..example.com', 'hello-.example.com', '*example.com', '1.2.3.4:', 'a:b:c', '1::2::3', '12345::1', '::ffff:1.2.3.4', '[1:2:3]', 'example.com:abc', '256.1.1.1', '1.2.3', '[::1]:', '[[::1]]'])(
    '%j is invalid',
    (host) => {
      expect(serviceErrors({ host })?.fields).toEqual({ host: `invalid value: ${host}` })
    },
  )

  it.each(['example.com:80', 'example.com:1000000', '1.2.3.4:80', '[::1]:80', '[::1]:99999'])('%j has a port', (host) => {
    expect(serviceErrors({ host })?.fields).toEqual({ host: 'must not have a port' })
  })

  it.each(['hello.com', 'HELLO.com', 'example.123', 'example_api.com', 'localhost', '-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n', 'example.', '[::1]', '::1', '10.0.0.1', 'fe80::1', '2001:db8::8a2e:370:7334'])('%j is accepted', (host) => {
    expect(serviceErrors({ host })).toBeUndefined()
  })
})

// init.lua's `conditional` checker runs with invalid fields: its error replaces the field's own.
describe('service fields a protocol refuses', () => {
  it.each([
    [{ host: 'x.y', protocol: 'tcp', path: 'foo' }, 'path'],
    [{ host: 'x.y', protocol: 'http', tls_verify: 'yes' }, 'tls_verify'],
    [{ host: 'x.y', protocol: 'http', tls_verify_depth: 100 }, 'tls_verify_depth'],
    [{ host: 'x.y', protocol: 'http', ca_certificates: ['nope'] }, 'ca_certificates'],
  ])('%j: %s must be null, whatever its own error', (input, field) => {
    expect(serviceErrors(input)).toEqual({ fields: { '@entity': ["failed conditional validation given value of field 'protocol'"], [field]: 'value must be null' }, message: `2 schema violations (failed conditional validation given value of field 'protocol'; ${field}: value must be null)` })
  })
})

// 15-off_spec "flattens nested, entity field errors" (Kong's default, traditional_compatible flavor).
describe('what Kong checks first', () => {
  it('stops at protocols none of which is known, in the traditional flavor only', () => {
    expect(routeErrors({ protocols: ['nope'], hosts: ['invalid'], paths: ['/'] }, 'traditional_compatible')?.fields).toEqual({ protocols: 'unknown type: nope' })
    expect(routeErrors({ protocols: ['nope', 'http'], paths: ['/'] }, 'traditional_compatible')?.fields).toEqual({ protocols: ['expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp'] })
    expect(routeErrors({ protocols: ['nope'], paths: ['/'] }, 'expressions')?.fields).toEqual({ protocols: ['expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp'] })
  })

  it('checks an id\'s type before its form', () => {
    expect(serviceErrors({ id: 123456 as unknown as string, host: 'x.y' })?.fields).toEqual({ id: 'expected a string' })
  })
})

describe('list fields and references in the shapes Kong decodes', () => {
  it('takes an empty JSON object for an empty list (cjson decodes {} as an empty table)', () => {
    const prepared = prepareService({ host: 'x.y', protocol: 'https', tags: {}, ca_certificates: {} }, undefined, undefined, context())
    expect(prepared.ok && prepared.service).toMatchObject({ tags: [], ca_certificates: [] })
    expect(routeErrors({ protocols: ['http'], hosts: ['a.test'], paths: {}, methods: {} })).toBeUndefined()
  })

  it('checks an empty CA certificate id as a UUID first', () => {
    expect(serviceErrors({ host: 'x.y', protocol: 'https', ca_certificates: [''] })?.fields).toEqual({ ca_certificates: ['expected a valid UUID'] })
  })

  it('reads a string reference as a record without its key', () => {
    expect(serviceErrors({ host: 'x.y', protocol: 'https', client_certificate: 'abc' })?.fields).toEqual({ client_certificate: { id: 'missing primary key' } })
  })
})

describe('service path (the path typedef)', () => {
  it.each([
    ['a', 'should start with: /'],
    ['/a//b', 'must not have empty segments'],
    ['/a b', "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)"],
    ['/é', "invalid path: '/é' (characters outside of the reserved list of RFC 3986 found)"],
    ['/a%zz', "invalid url-encoded value: '%zz'"],
    ['/a%2', "invalid url-encoded value: '%2'"],
    ['/a%2%41', "invalid url-encoded value: '%2_'"],
  ])('%j → %s', (path, message) => {
    expect(serviceErrors({ host: 'a.test', path })).toEqual({ fields: { path: message }, message: `schema violation (path: ${message})` })
  })

  it.each(["/a-b_c.d~e/%41:@!$&'()*+,;=", '/'])('%j is accepted', (path) => {
    expect(serviceErrors({ host: 'a.test', path })).toBeUndefined()
  })
})

describe('sources and destinations', () => {
  it('are stored with both keys, an unset one null', () => {
    const prepared = prepareRoute({ protocols: ['tcp'], sources: [{ ip: '10.0.0.1' }], destinations: [{ port: 81 }] }, undefined, undefined, context())
    expect(prepared.ok && { sources: prepared.route.sources, destinations: prepared.route.destinations }).toEqual({
      sources: [{ ip: '10.0.0.1', port: null }],
      destinations: [{ ip: null, port: 81 }],
    })
  })

  it.each(FLAVORS)("report every element's errors (%s)", (flavor) => {
    expect(routeErrors({ protocols: ['tcp'], sources: [{ ip: '127.' }, { ip: '1.2.3.4', port: 65536 }] }, flavor)).toEqual({
      fields: { sources: [{ ip: "invalid ip or cidr range: '127.'" }, { port: 'value should be between 0 and 65535' }] },
      message: "2 schema violations (sources.1.ip: invalid ip or cidr range: '127.'; sources.2.port: value should be between 0 and 65535)",
    })
    expect(routeErrors({ protocols: ['tcp'], destinations: [{ ip: 'x', port: 70000 }] }, flavor)?.fields).toEqual({
      destinations: [{ ip: "invalid ip or cidr range: 'x'", port: 'value should be between 0 and 65535' }],
    })
  })

  it('refuse unknown keys in a record', () => {
    expect(routeErrors({ protocols: ['tcp'], sources: [{ ip: '10.0.0.1', zone: 'a' }] })?.fields).toEqual({ sources: [{ zone: 'unknown field' }] })
  })
})

describe('route headers', () => {
  it.each<[JsonObject, RenderedErrors]>([
    [{ location: true }, 'expected an array'],
    [{ location: 'v' }, 'expected an array'],
    [{ location: null }, 'required field missing'],
    [{ location: [''] }, ['length must be at least 1']],
    [{ location: ['a', true] }, [null, 'expected a string']],
    [{ 'x a': ['v'] }, "bad header name 'x a', allowed characters are A-Z, a-z, 0-9, '_', and '-'"],
    [{ HoSt: ['a'] }, "cannot contain 'host' header, which must be specified in the 'hosts' attribute"],
  ])('%j → headers: %j', (headers, error) => {
    expect(routeErrors({ paths: ['/h'], headers })?.fields).toEqual({ headers: error })
  })

  it('takes one form value as a list (a JSON body does not)', () => {
    const prepared = prepareRoute({ paths: ['/h'], headers: { 'x-foo': 'bar' } }, undefined, undefined, context('expressions', true))
    expect(prepared.ok && prepared.route.headers).toEqual({ 'x-foo': ['bar'] })
  })
})

describe("errors of the same field's items", () => {
  it("joins the schema's errors and the engine's", () => {
    expect(routeErrors({ paths: ['/x'], hosts: ['bad host', 5] })?.fields).toEqual({ hosts: ['invalid hostname: bad host', 'expected a string'] })
  })
})

// Kong's process_auto_fields fills a default only for an absent (nil) field and keeps ngx.null;
// `validate` then refuses null in a `required` field (spec 06-routes_spec.lua "fails when protocol
// is missing", "fails when priority is missing"). Nullable fields still accept null.
describe('null in a required field that has a default', () => {
  const ROUTE_FIELDS = ['https_redirect_status_code', 'strip_path', 'preserve_host', 'request_buffering', 'response_buffering']

  it.each(FLAVORS.flatMap((flavor) => ROUTE_FIELDS.map((field) => [flavor, field] as const)))('%s: route %s null is required field missing', (flavor, field) => {
    expect(routeErrors({ paths: ['/n'], [field]: null }, flavor)).toEqual({ fields: { [field]: 'required field missing' }, message: `schema violation (${field}: required field missing)` })
  })

  it.each(FLAVORS)('%s: an absent one takes its default', (flavor) => {
    const prepared = prepareRoute({ paths: ['/n'] }, undefined, undefined, context(flavor))
    expect(prepared.ok && prepared.route).toMatchObject({ protocols: ['http', 'https'], https_redirect_status_code: 426, strip_path: true, preserve_host: false, request_buffering: true, response_buffering: true })
  })

  it('expressions: protocols and priority null are refused, with the other fields still checked', () => {
    expect(routeErrors({ protocols: null, paths: ['/n'] })?.fields).toEqual({ protocols: 'required field missing' })
    expect(routeErrors({ priority: null, expression: 'http.path == "/"' })?.fields).toEqual({ priority: 'required field missing' })
    expect(routeErrors({ protocols: null, strip_path: null, paths: ['/n'] })?.fields).toEqual({ protocols: 'required field missing', strip_path: 'required field missing' })
  })

  it('traditional_compatible: a null protocols (the subschema key) is the only error, as Kong stops there', () => {
    expect(routeErrors({ protocols: null, paths: ['/n'] }, 'traditional_compatible')).toEqual({ fields: { protocols: 'required field missing' }, message: 'schema violation (protocols: required field missing)' })
    expect(routeErrors({ protocols: null, strip_path: null, paths: ['no-slash'], bogus: 1 }, 'traditional_compatible')?.fields).toEqual({ protocols: 'required field missing' })
  })

  it('a form value that is empty (null once decoded) is refused the same way', () => {
    const prepared = prepareRoute({ paths: ['/n'], strip_path: null, https_redirect_status_code: null }, undefined, undefined, context('expressions', true))
    expect(prepared.ok ? undefined : prepared.violation.fields).toEqual({ strip_path: 'required field missing', https_redirect_status_code: 'required field missing' })
  })

  it('nullable route fields keep accepting null (it clears them)', () => {
    const prepared = prepareRoute({ paths: ['/n'], name: null, hosts: null, methods: null, headers: null, tags: null, service: null, snis: null }, undefined, undefined, context())
    expect(prepared.ok && prepared.route).toMatchObject({ name: null, hosts: null, methods: null, headers: null, tags: null, service: null, snis: null })
  })

  it.each(['protocol', 'port', 'enabled'])('service %s null is required field missing; absent takes the default', (field) => {
    expect(serviceErrors({ host: 'n.example', [field]: null })).toEqual({ fields: { [field]: 'required field missing' }, message: `schema violation (${field}: required field missing)` })
    const prepared = prepareService({ host: 'n.example' }, undefined, undefined, context())
    expect(prepared.ok && prepared.service).toMatchObject({ protocol: 'http', port: 80, enabled: true })
  })

  it('nullable service fields keep accepting null', () => {
    const prepared = prepareService({ host: 'n.example', name: null, path: null, tags: null, client_certificate: null, tls_verify: null, tls_verify_depth: null, ca_certificates: null }, undefined, undefined, context())
    expect(prepared.ok && prepared.service).toMatchObject({ name: null, path: null, tags: null, client_certificate: null, tls_verify: null, tls_verify_depth: null, ca_certificates: null })
  })

  it('a service null host is still required field missing, with a null protocol beside it', () => {
    expect(serviceErrors({ host: null, protocol: null })?.fields).toEqual({ host: 'required field missing', protocol: 'required field missing' })
  })
})
