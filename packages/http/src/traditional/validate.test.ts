// The route entity (traditional-routes.md §1): each rule names its field, errors have Kong's shape.
import { describe, expect, it } from 'vitest'
import { schemaViolation } from './errors.ts'
import type { Flavor } from './route.ts'
import { normalizeRoute } from './validate.ts'

const http = (fields: object): object => ({ protocols: ['http'], ...fields })

function errorsOf(route: object, flavor: Flavor = 'traditional_compatible'): string[] {
  const result = normalizeRoute(route, { flavor })
  return result.ok ? [] : result.errors.map((error) => `${error.field}: ${error.message}`)
}

describe('accepted routes', () => {
  it.each<[string, object, Flavor?]>([
    ['host with port', http({ hosts: ['example.com:8080'] })],
    ['single-label host', http({ hosts: ['localhost'] })],
    ['underscore, numeric label, trailing dot, mixed case', http({ hosts: ['example_api.com', 'example.123', 'a.b.', 'Example.COM'] })],
    ['wildcards with port', http({ hosts: ['*.example.org:321', 'example.*'] })],
    ['IPv4 and IPv6 hosts', http({ hosts: ['10.0.0.1:80', '[::1]', '[::1]:8080'] })],
    ['apex, unreserved, trailing slash, encoded reserved', http({ paths: ['/', '/abcd~user~2', '/ovo/', '/endel%2Fst'] })],
    ['regex paths valid for the engine', http({ paths: ['~/\\/*/user$', '~/users/(?<id>\\d+)'] })],
    ['custom method', http({ methods: ['CUSTOM'] })],
    ['headers', http({ headers: { 'x-version': ['v1', '~*^b'] } })],
    // validate_header_name's PCRE `$` also matches before a final newline; `host` is a Lua pattern.
    ['header names ending in one newline', http({ headers: { 'x-a\n': ['v'], 'Host\n': ['h'] } })],
    ['snis with wildcards on https', { snis: ['*.example.com', 'example.*', 'a.test.'] }],
    ['stream sources', { protocols: ['tcp'], sources: [{ ip: '10.0.0.0/8' }, { port: 1 }, { ip: '::1', port: 2 }, { ip: '0.0.0.0/0' }] }],
    ['tls_passthrough by sni', { protocols: ['tls_passthrough'], snis: ['a.test'] }],
    ['grpc without strip_path', { protocols: ['grpc'], hosts: ['g.test'] }],
    ['http sources in the expressions flavor', http({ sources: [{ ip: '10.0.0.1' }], paths: ['/'] }), 'expressions'],
    ['expression route', { expression: 'http.path == "/a"', priority: 5 }, 'expressions'],
    ['regex_priority on a prefix route', http({ paths: ['/'], regex_priority: -7 })],
  ])('%s', (_name, route, flavor) => expect(errorsOf(route, flavor)).toEqual([]))
})

describe('header names that objects inherit', () => {
  // Regression: `__proto__` (allowed by Kong's name rule) was assigned into the checked map, which
  // set its prototype instead, so the route lost its header condition and matched without it.
  it.each(['__proto__', 'constructor', 'toString'])('keeps a header named %s', (name) => {
    const result = normalizeRoute(http({ paths: ['/p'], headers: JSON.parse(`{"${name}": ["a"]}`) as object }), { flavor: 'traditional_compatible' })
    expect(result.ok).toBe(true)
    const headers = result.ok ? result.route.headers : undefined
    expect(Object.keys(headers ?? {})).toEqual([name])
    expect(Object.getOwnPropertyDescriptor(headers, name)?.value).toEqual(['a'])
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype)
  })
})

describe('rejected routes, by field', () => {
  it.each<[object, string, Flavor?]>([
    [http({ hosts: [''] }), 'hosts.1: length must be at least 1'],
    [http({ hosts: ['/example'] }), 'hosts.1: invalid hostname: /example'],
    [http({ hosts: ['ok.com', '.example'] }), 'hosts.2: invalid hostname: .example'],
    [http({ hosts: ['example:'] }), 'hosts.1: invalid hostname: example:'],
    // Kong's normalize_ipv4: a colon needs a port after it, an octet has at most three digits.
    [http({ hosts: ['1.2.3.4:'] }), 'hosts.1: invalid ipv4 address: 1.2.3.4:'],
    [http({ hosts: ['0001.2.3.4'] }), 'hosts.1: invalid ipv4 address: 0001.2.3.4'],
    [http({ hosts: ['1.2.3.256:80'] }), 'hosts.1: invalid ipv4 address: 1.2.3.256:80'],
    [http({ hosts: ['example-.org'] }), 'hosts.1: invalid hostname: example-.org'],
    [http({ hosts: ['hello..example.com'] }), 'hosts.1: invalid hostname: hello..example.com'],
    [http({ hosts: ['example.com:1000000'] }), 'hosts.1: invalid port number'],
    [http({ hosts: ['*example.com'] }), 'hosts.1: invalid wildcard: must be placed at leftmost or rightmost label'],
    [http({ hosts: ['example.*:80'] }), 'hosts.1: invalid wildcard: must be placed at leftmost or rightmost label'],
    [http({ hosts: ['*.example.*'] }), 'hosts.1: invalid wildcard: must have at most one wildcard'],
    [http({ paths: ['foo'] }), 'paths.1: should start with: / (fixed path) or ~/ (regex path)'],
    [http({ paths: ['/foo//bar'] }), 'paths.1: must not have empty segments'],
    [http({ paths: ['/some%2words'] }), "paths.1: invalid url-encoded value: '%2w'"],
    [http({ paths: ['/some%20words%'] }), "paths.1: invalid url-encoded value: '%'"],
    [http({ paths: ['/a/../b'] }), "paths.1: non-normalized path, consider use '/b' instead"],
    [http({ paths: ['/%7Efoo'] }), "paths.1: non-normalized path, consider use '/~foo' instead"],
    [http({ methods: ['get'] }), 'methods.1: invalid value: get'],
    [http({ methods: [' GET'] }), 'methods.1: invalid value:  GET'],
    [http({ methods: [''] }), 'methods.1: length must be at least 1'],
    [http({ headers: { HoSt: ['a'] } }), "headers: cannot contain 'host' header, which must be specified in the 'hosts' attribute"],
    // Kong's `headers` map: a value list's items are keyed by position under `headers`.
    [http({ headers: { location: [''] } }), 'headers.1: length must be at least 1'],
    [http({ headers: { location: ['a', 7] } }), 'headers.2: expected a string'],
    [http({ headers: { location: true } }), 'headers: expected an array'],
    [http({ headers: { location: null } }), 'headers: required field missing'],
    // 06-routes_spec "key must be a string": a list's integer keys fail the name's type.
    [http({ headers: [false] }), 'headers: expected a string'],
    [http({ headers: 'x-a' }), 'headers: expected a map'],
    [http({ headers: { 'a.b': ['1'] } }), "headers: bad header name 'a.b', allowed characters are A-Z, a-z, 0-9, '_', and '-'"],
    [http({ headers: { 'x a': ['v'] } }), "headers: bad header name 'x a', allowed characters are A-Z, a-z, 0-9, '_', and '-'"],
    [{ snis: ['1.2.3.4'] }, 'snis.1: must not be an IP'],
    [{ snis: ['a.test:443'] }, 'snis.1: must not have a port'],
    [{ snis: ['a.*.test'] }, 'snis.1: wildcard must be leftmost or rightmost character'],
    // typedefs.lua validate_wildcard_host, in its order (Kong's SNI entity tests use the same rules).
    [{ snis: ['*.example.*'] }, 'snis.1: only one wildcard must be specified'],
    [{ snis: ['*.exam*le.com'] }, 'snis.1: only one wildcard must be specified'],
    [{ snis: ['a.exam*le.com'] }, 'snis.1: wildcard must be leftmost or rightmost character'],
    [{ snis: ['foo!bar'] }, 'snis.1: invalid value: foo!bar'],
    [{ snis: ['*.foo!bar'] }, 'snis.1: invalid value: wildcard.foo!bar'],
    [{ snis: ['256.256.256.256'] }, 'snis.1: invalid value: 256.256.256.256'],
    [{ snis: ['127.0.0.1:443'] }, 'snis.1: must not be an IP'],
    [{ snis: ['[::1]'] }, 'snis.1: must not be an IP'],
    [{ snis: ['a.example.com:88888'] }, 'snis.1: must not have a port'],
    [{ snis: ['*.wildcard.com:8000'] }, 'snis.1: must not have a port'],
    [{ protocols: ['tcp'], sources: [{}] }, "sources.1: at least one of these fields must be non-empty: 'ip', 'port'"],
    [{ protocols: ['tcp'], sources: [{ ip: '0.0.0.0/33' }] }, "sources.1.ip: invalid ip or cidr range: '0.0.0.0/33'"],
    [{ protocols: ['tcp'], sources: [{ ip: '1/0' }] }, "sources.1.ip: invalid ip or cidr range: '1/0'"],
    // A null element of a list is a missing required value.
    [http({ hosts: ['a.com', null] }), 'hosts.2: required field missing'],
    [http({ methods: [null] }), 'methods.1: required field missing'],
    [http({ headers: { a: ['v', null] } }), 'headers.2: required field missing'],
    [{ protocols: ['tcp'], sources: [null] }, 'sources.1: required field missing'],
    // kong.tools.ip looks the length up among the texts of 0..32 / 0..128.
    [{ protocols: ['tcp'], sources: [{ ip: '10.0.0.0/08' }] }, "sources.1.ip: invalid ip or cidr range: '10.0.0.0/08'"],
    [{ protocols: ['tcp'], destinations: [{ ip: '::/00' }] }, "destinations.1.ip: invalid ip or cidr range: '::/00'"],
    [http({ headers: { 'x-a\n\n': ['v'] } }), "headers: bad header name 'x-a\n\n', allowed characters are A-Z, a-z, 0-9, '_', and '-'"],
    [http({ headers: { 'x-a\r\n': ['v'] } }), "headers: bad header name 'x-a\r\n', allowed characters are A-Z, a-z, 0-9, '_', and '-'"],
    [http({ paths: ['~/\\x{100}'] }), 'paths.1: invalid regex: \'/\\x{100}\' (PCRE returned: pcre2_compile() failed: character code point value in \\x{} or \\o{} is too large in "/\\x{100}")'],
    [{ protocols: ['tcp'], destinations: [{ port: 65536 }] }, 'destinations.1.port: value should be between 0 and 65535'],
    [{ protocols: ['tcp'], sources: [{ ip: '1.2.3.4', zone: 'a' }] }, 'sources.1.zone: unknown field'],
    [http({ paths: ['/'], https_redirect_status_code: 200 }), 'https_redirect_status_code: value must be one of: 426, 301, 302, 307, 308'],
    [http({ paths: ['/'], path_handling: 'v2' }), 'path_handling: expected one of: v0, v1'],
    [http({ paths: ['/'], strip_path: 'yes' }), 'strip_path: expected a boolean'],
    [http({ paths: ['/'], regex_priority: 1.5 }), 'regex_priority: expected an integer'],
    // Kong's `utf8_name` typedef.
    [http({ paths: ['/'], name: 'a b' }), "name: invalid value 'a b': the only accepted ascii characters are alphanumerics or ., -, _, and ~"],
    [http({ paths: ['/'], name: 'examp:le' }), "name: invalid value 'examp:le': the only accepted ascii characters are alphanumerics or ., -, _, and ~"],
    [http({ paths: ['/'], expression: 'http.path == "/"' }), 'expression: unknown field'],
    [{ expression: 'http.path == "/"', priority: 2 ** 46 }, 'priority: value should be between 0 and 70368744177663', 'expressions'],
  ])('%j → %s', (route, error, flavor) => expect(errorsOf(route, flavor)).toContain(error))
})

describe('regex paths the engine refuses', () => {
  // What PCRE refuses too is a `paths` error with PCRE2's text, as nginx formats it (06-routes_spec
  // "must dry-run values that are considered regexes"; offsets checked with PCRE2 itself).
  it.each([
    ['~/users/(foo/profile', 'paths.1: invalid regex: \'/users/(foo/profile\' (PCRE returned: pcre2_compile() failed: missing closing parenthesis in "/users/(foo/profile")'],
    ['~/[abc/*/user$', 'paths.1: invalid regex: \'/[abc/*/user$\' (PCRE returned: pcre2_compile() failed: missing terminating ] for character class in "/[abc/*/user$")'],
    ['~/a)b', 'paths.1: invalid regex: \'/a)b\' (PCRE returned: pcre2_compile() failed: unmatched closing parenthesis in "/a)b" at ")b")'],
    ['~/(*)', 'paths.1: invalid regex: \'/(*)\' (PCRE returned: pcre2_compile() failed: quantifier does not follow a repeatable item in "/(*)" at "*)")'],
    ['~/a{2,1}', 'paths.1: invalid regex: \'/a{2,1}\' (PCRE returned: pcre2_compile() failed: numbers out of order in {} quantifier in "/a{2,1}" at "}")'],
    ['~/a\\', 'paths.1: invalid regex: \'/a\\\' (PCRE returned: pcre2_compile() failed: \\ at end of pattern in "/a\\")'],
  ])('%s', (path, error) => {
    expect(errorsOf(http({ paths: [path] }))).toEqual([error])
  })

  // What PCRE compiles passes the field check; the router's validation of the route's expression
  // refuses it (traditional-routes.md §1.3, routes.lua `validate_route`). So does a mistake whose
  // PCRE text is not known (`(*a)` is a verb or assertion to PCRE).
  it.each([['~/(?=x)'], ['~/(a)\\1'], ['~/(?<=a)b'], ['~/a(?>b)'], ['~/a\\Z'], ['~/\\e'], ['~/a{,3}x'], ['~/(*a)']])('%s', (path) => {
    const errors = errorsOf(http({ paths: [path] }))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^@entity: Router Expression failed validation: /)
  })
})

describe('protocol rules (§1.4) and entity checks (§1.5)', () => {
  it.each<[object, string, Flavor?]>([
    [{ protocols: ['http'] }, "@entity: must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"],
    [{}, "@entity: must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"],
    [{}, "@entity: must set one of 'methods', 'hosts', 'headers', 'paths', 'snis', 'expression' when 'protocols' is 'https'", 'expressions'],
    [{ protocols: ['grpc'] }, "@entity: must set one of 'hosts', 'headers', 'paths' when 'protocols' is 'grpc'"],
    [{ protocols: ['grpcs'] }, "@entity: must set one of 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'grpcs'"],
    [{ protocols: ['grpc'], methods: ['GET'], paths: ['/foo'] }, "methods: cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'"],
    [{ protocols: ['grpcs'], hosts: ['g.test'], strip_path: true }, "strip_path: cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'"],
    [{ protocols: ['tcp'] }, "@entity: must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'"],
    // Kong 3.7+ (routes_subschemas.lua): this message never lists the fields, in every flavor.
    [{ protocols: ['tls_passthrough'] }, "@entity: must set snis when 'protocols' is 'tls_passthrough'"],
    [{ protocols: ['tls_passthrough'], sources: [{ ip: '127.0.0.1' }] }, "@entity: must set snis when 'protocols' is 'tls_passthrough'"],
    [{ protocols: ['tls_passthrough'] }, "@entity: must set snis when 'protocols' is 'tls_passthrough'", 'expressions'],
    [{ protocols: ['tcp'], paths: ['/'], sources: [{ port: 1 }] }, "paths: cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'"],

    [http({ sources: [{ ip: '10.0.0.1' }], paths: ['/'] }), "sources: cannot set 'sources' when 'protocols' is 'http' or 'https'"],
    // The traditional flavors' subschema key: no known protocol stops validation at once
    // (Schema:validate, 15-off_spec "flattens nested, entity field errors"); the expressions flavor has none.
    [{ protocols: ['ftp'], paths: ['/'] }, 'protocols: unknown type: ftp'],
    [{ protocols: [], paths: ['/'] }, 'protocols: unknown type: nil'],
    [{ protocols: {}, paths: ['/'] }, 'protocols: unknown type: nil'],
    [{ protocols: ['ftp'], paths: ['/'] }, 'protocols.1: expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp', 'expressions'],
    [{ protocols: [], paths: ['/'] }, 'protocols: length must be at least 1', 'expressions'],

    [
      { expression: 'http.path == "/"', paths: ['/'] },
      "@entity: Router Expression failed validation: cannot set 'expression' with 'methods', 'hosts', 'paths', 'headers', 'snis', 'sources' or 'destinations' simultaneously",
      'expressions',
    ],
    [{ expression: 'http.path == "/"', regex_priority: 1 }, "@entity: Router Expression failed validation: cannot set 'regex_priority' with 'expression' simultaneously", 'expressions'],
    [
      { paths: ['/'], priority: 1 },
      "@entity: Router Expression failed validation: cannot set 'priority' with 'methods', 'hosts', 'paths', 'headers', 'snis', 'sources' or 'destinations' simultaneously",
      'expressions',
    ],
  ])('%j → %s', (route, error, flavor) => expect(errorsOf(route, flavor)).toContain(error))

  // routes_subschemas.lua's `no_*` fields are `eq = null`, which Kong's validate_field checks before
  // the type: any value but null is refused with that message alone (06-routes_spec "errors if
  // methods attribute is set on grpc/grpcs" gives `methods = "GET"` exactly this one error).
  it.each<[object, Record<string, string>, Flavor?]>([
    [{ protocols: ['grpc'], methods: 'GET', paths: ['/foo'] }, { methods: "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'" }],
    [{ protocols: ['grpc'], methods: [], paths: ['/foo'] }, { methods: "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'" }],
    [{ protocols: ['tcp'], sources: [{ ip: '127.0.0.1' }], paths: [] }, { paths: "cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'" }],
    [{ protocols: ['tls'], snis: ['a.test'], headers: {} }, { headers: "cannot set 'headers' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'" }],
    [{ protocols: ['udp'], sources: [{ ip: '127.0.0.1' }], methods: [], hosts: 5 }, {
      methods: "cannot set 'methods' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'",
      hosts: "cannot set 'hosts' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'",
    }],
    [http({ paths: ['/foo'], sources: [] }), { sources: "cannot set 'sources' when 'protocols' is 'http' or 'https'" }],
    [{ paths: ['/foo'], destinations: 'x' }, { destinations: "cannot set 'destinations' when 'protocols' is 'http' or 'https'" }],
  ])('refuses %j whatever its value, with that error alone', (route, fields, flavor) => {
    const result = normalizeRoute(route, { flavor: flavor ?? 'traditional_compatible' })
    expect(result.ok ? {} : result.violation.fields).toEqual(fields)
  })

  it('allows sources and destinations on http and gRPC routes in the expressions flavor; the first known protocol names the subschema', () => {
    expect(normalizeRoute(http({ paths: ['/foo'], sources: [] }), { flavor: 'expressions' }).ok).toBe(true)
    // Kong's get_subschema: the first protocol that has one (routes_subschemas.lua says so too).
    expect(normalizeRoute({ protocols: ['ftp', 'grpc'], methods: ['GET'], paths: ['/a'] }, { flavor: 'traditional_compatible' })).toMatchObject({
      violation: { fields: { methods: "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'", protocols: ['expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp'] } },
    })
    expect(normalizeRoute({ protocols: ['ftp'], paths: [] }, { flavor: 'traditional_compatible' })).toMatchObject({ violation: { fields: { protocols: 'unknown type: ftp' } } })
  })

  // 06-routes_spec "fails when protocol is missing" / "fails when priority is missing": a null is
  // not an unset field where routes.lua requires one with a default.
  it.each<[object, string, Flavor?]>([
    [{ protocols: null, paths: ['/'] }, 'protocols'],
    [{ protocols: null, paths: ['/'] }, 'protocols', 'expressions'],
    [http({ paths: ['/'], strip_path: null }), 'strip_path'],
    [http({ paths: ['/'], preserve_host: null }), 'preserve_host'],
    [http({ paths: ['/'], https_redirect_status_code: null }), 'https_redirect_status_code'],
    [http({ paths: ['/'], request_buffering: null }), 'request_buffering'],
    [http({ paths: ['/'], response_buffering: null }), 'response_buffering'],
    [{ expression: 'http.path == "/"', priority: null }, 'priority', 'expressions'],
  ])('%j: %s is a required field', (route, field, flavor) => {
    expect(errorsOf(route, flavor)).toContain(`${field}: required field missing`)
  })

  it('takes the defaults of absent fields, and accepts null where a field has no default', () => {
    expect(normalizeRoute(http({ paths: ['/'], regex_priority: null, path_handling: null, name: null }), { flavor: 'traditional_compatible' }).ok).toBe(true)
    expect(normalizeRoute({ paths: ['/'] }, { flavor: 'traditional_compatible' })).toMatchObject({ ok: true, route: { protocols: ['http', 'https'], strip_path: true } })
  })

  it('validates the generated expression with the engine (§1.5 item 5)', () => {
    expect(errorsOf(http({ headers: { x: ['~*([a'] } }))[0]).toMatch(/^@entity: Router Expression failed validation: /)
    expect(errorsOf({ protocols: ['tcp'], sources: [{ ip: '10.1.2.3/0' }] })[0]).toMatch(/^@entity: Router Expression failed validation: /)
  })
})

describe('whole error lists, as Kong reports them (spec/01-unit/01-db/01-schema/06-routes_spec.lua)', () => {
  const SNIS = "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"
  const flavors: Flavor[] = ['traditional_compatible', 'expressions']

  describe.each(flavors)('%s', (flavor) => {
    it.each<[object, string[]]>([
      // Only the sets the protocols fall in, in the order the protocols name them; no entity check applies.
      [{ protocols: ['tls', 'tls_passthrough'], snis: ['a.test'] }, ["protocols: these sets are mutually exclusive: ('tcp', 'tls', 'udp'), ('tls_passthrough')"]],
      [{ protocols: ['https', 'tls'] }, ["protocols: these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')"]],
      [{ protocols: ['tcp', 'http'], sources: [{ port: 1 }] }, ["protocols: these sets are mutually exclusive: ('tcp', 'tls', 'udp'), ('http', 'https')"]],
      // The first protocol's subschema still rules the fields.
      [
        { protocols: ['tcp', 'http'], paths: ['/'] },
        ["paths: cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'", "protocols: these sets are mutually exclusive: ('tcp', 'tls', 'udp'), ('http', 'https')"],
      ],
      // routes.lua's `snis` conditional: an entity error and the field's `len_eq = 0` error.
      [{ protocols: ['tcp', 'udp'], snis: ['example.org'] }, [`@entity: ${SNIS}`, 'snis: length must be 0']],
      [{ protocols: ['http'], snis: ['example.org'], paths: ['/'] }, [`@entity: ${SNIS}`, 'snis: length must be 0']],
      [{ protocols: ['grpc'], snis: ['example.org'], paths: ['/'] }, [`@entity: ${SNIS}`, 'snis: length must be 0']],
      [{ protocols: ['tls_passthrough'], sources: [{ ip: '127.0.0.1' }] }, ["@entity: must set snis when 'protocols' is 'tls_passthrough'"]],
      // Every element's errors, and every failing key of one element.
      [
        { protocols: ['tcp'], sources: [{ ip: '127.' }, { ip: '1.2.3.4', port: 65536 }] },
        ["sources.1.ip: invalid ip or cidr range: '127.'", 'sources.2.port: value should be between 0 and 65535'],
      ],
      [{ protocols: ['tcp'], destinations: [{ ip: 'x', port: -1 }] }, ["destinations.1.ip: invalid ip or cidr range: 'x'", 'destinations.1.port: value should be between 0 and 65535']],
    ])('%j', (route, errors) => expect(errorsOf(route, flavor)).toEqual(errors))

    it("adds the subschema's `must set one of` after the `snis` error", () => {
      const listed = flavor === 'expressions' ? "'methods', 'hosts', 'headers', 'paths', 'expression'" : "'methods', 'hosts', 'headers', 'paths'"
      expect(errorsOf({ protocols: ['http'], snis: ['example.org'] }, flavor)).toEqual([
        `@entity: ${SNIS}`,
        'snis: length must be 0',
        `@entity: must set one of ${listed} when 'protocols' is 'http'`,
      ])
    })
  })

  it('runs the entity checks beside field errors, each unless one of its own fields failed', () => {
    const NO_MATCHER = "@entity: must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"
    expect(errorsOf({ strip_path: 'x' })).toEqual([NO_MATCHER, 'strip_path: expected a boolean'])
    // A failed matching field that is not empty counts as set; a failed `paths` item leaves out the router's checks.
    expect(errorsOf({ methods: ['get'], strip_path: 'x' })).toEqual(['methods.1: invalid value: get', 'strip_path: expected a boolean'])
    expect(errorsOf({ paths: ['/a', 'b'], priority: 3 }, 'expressions')).toEqual(['paths.2: should start with: / (fixed path) or ~/ (regex path)'])
    expect(errorsOf({ paths: ['/a'], priority: 3, preserve_host: 1 }, 'expressions')).toEqual([
      "@entity: Router Expression failed validation: cannot set 'priority' with 'methods', 'hosts', 'paths', 'headers', 'snis', 'sources' or 'destinations' simultaneously",
      'preserve_host: expected a boolean',
    ])
    // A failed `protocols` fails every condition on it.
    expect(errorsOf({ protocols: ['http', 'tcp'], strip_path: 'x' })).toEqual([
      "protocols: these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')",
      'strip_path: expected a boolean',
    ])
  })

  it('reports an invalid escape only in a path made of RFC 3986 characters, from the rewritten text', () => {
    expect(errorsOf(http({ paths: ['/a%2%41'] }))).toEqual(["paths.1: invalid url-encoded value: '%2_'"])
    expect(errorsOf(http({ paths: ['/a b%zz'] }))).not.toContain("paths.1: invalid url-encoded value: '%zz'")
  })

  it('stops at the first failing header', () => {
    expect(errorsOf(http({ headers: { 'x a': ['v'], location: [''] } }))).toEqual(["headers: bad header name 'x a', allowed characters are A-Z, a-z, 0-9, '_', and '-'"])
  })
})

describe('defaults and sets', () => {
  it('fills the Admin API defaults and de-duplicates sets in first-seen order', () => {
    const result = normalizeRoute({ methods: ['GET', 'POST', 'GET'], paths: ['/'] }, { flavor: 'traditional_compatible' })
    expect(result).toMatchObject({
      ok: true,
      route: { protocols: ['http', 'https'], methods: ['GET', 'POST'], strip_path: true, preserve_host: false, regex_priority: 0, path_handling: 'v0', https_redirect_status_code: 426 },
    })
  })

  it('defaults strip_path to false for gRPC', () => {
    expect(normalizeRoute({ protocols: ['grpc'], hosts: ['g'] }, { flavor: 'expressions' })).toMatchObject({ route: { strip_path: false } })
  })

  it('leaves unset fields unset with router defaults', () => {
    const result = normalizeRoute({ paths: ['/'] }, { flavor: 'expressions', defaults: 'router' })
    expect(result.ok && result.route.protocols).toBeUndefined()
  })
})

describe("Kong's error body", () => {
  it('has one message per problem and nests fields by position', () => {
    expect(schemaViolation([{ field: 'paths.2', message: 'must not have empty segments' }])).toEqual({
      code: 2,
      name: 'schema violation',
      message: 'schema violation (paths.2: must not have empty segments)',
      fields: { paths: [null, 'must not have empty segments'] },
    })
    expect(schemaViolation([{ field: '@entity', message: 'x' }, { field: 'sources.1.ip', message: 'y' }])).toEqual({
      code: 2,
      name: 'schema violation',
      message: '2 schema violations (x; sources.1.ip: y)',
      fields: { '@entity': ['x'], sources: [{ ip: 'y' }] },
    })
  })

  it('comes back from normalizeRoute', () => {
    const result = normalizeRoute({ protocols: ['http'], hosts: ['*example.com'] }, { flavor: 'expressions' })
    expect(result).toMatchObject({
      ok: false,
      violation: { code: 2, name: 'schema violation', fields: { hosts: ['invalid wildcard: must be placed at leftmost or rightmost label'] } },
    })
  })
})
