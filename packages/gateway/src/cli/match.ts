import { FieldContext, formatIpAddr, parseIpAddr, Router, type FieldValue, type PredicateTrace } from '@switchyard/core'
import { createFieldExtractor, formatRouterPriority, hostOfRequest, httpSchema, requestHeadOf, requestRefusal, streamSchema, upstreamRequest, type RequestLike } from '@switchyard/http'
import type { RouterFlavor } from '../config.ts'
import { createRouteChecker, createRouteCompiler } from '../engine.ts'
import type { Route } from '../entities/route.ts'
import { loadDeclarative } from '../store/declarative.ts'
import { parseConfigText } from '../store/config-text.ts'
import { describeProblems, problemCount } from '../store/declarative-report.ts'
import type { CliOutput } from './check.ts'
import { readCommandInput } from '../input-file.ts'

const STRING_FIELDS = ['method', 'path', 'host', 'scheme', 'src_ip', 'dst_ip', 'sni'] as const
const PORT_FIELDS = ['src_port', 'dst_port'] as const
const REQUEST_KEYS: ReadonlySet<string> = new Set([...STRING_FIELDS, ...PORT_FIELDS, 'headers'])
/** The schemes of the HTTP requests `match` routes (gRPC travels over them). */
const HTTP_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'grpc', 'grpcs'])
/** The schemes of stream (L4) connections, routed by the stream routes as the stream listeners route them. */
const STREAM_SCHEMES: ReadonlySet<string> = new Set(['tcp', 'tls', 'udp'])
/** What a stream connection has: no method, path, host or headers. */
const STREAM_KEYS: ReadonlySet<string> = new Set(['scheme', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'sni'])

const USAGE = `usage: switchyard match --config FILE --request JSON [--explain]
  FILE - reads the configuration from standard input
  JSON keys: path (required), ${[...STRING_FIELDS.slice(0, 1), ...STRING_FIELDS.slice(2)].join(', ')}, ${PORT_FIELDS.join(', ')} (integers), headers (name → string or array)
  A stream connection (scheme tcp, tls or udp) is routed by the stream routes: ${[...STREAM_KEYS].join(', ')}
`

/** The `--request` JSON as a RequestLike, or why it is not one (each field of the wrong type is named). */
function parseRequest(text: string): RequestLike | string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return `not JSON: ${(error as Error).message}`
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object such as {"method":"GET","path":"/"}'
  const request = value as Record<string, unknown>
  // A misspelt key would be a field the request silently lacks.
  const unknown = Object.keys(request).filter((key) => !REQUEST_KEYS.has(key))
  if (unknown.length > 0) return `unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}: the keys are ${[...REQUEST_KEYS].join(', ')}`
  const stream = typeof request['scheme'] === 'string' && STREAM_SCHEMES.has(request['scheme'])
  if (stream) {
    const foreign = Object.keys(request).filter((key) => !STREAM_KEYS.has(key))
    if (foreign.length > 0) return `a stream connection (scheme ${String(request['scheme'])}) has no ${foreign.map((k) => `"${k}"`).join(', ')}: its keys are ${[...STREAM_KEYS].join(', ')}`
  } else if (typeof request['path'] !== 'string') return '"path" is required and must be a string'
  for (const name of STRING_FIELDS) if (request[name] !== undefined && typeof request[name] !== 'string') return `"${name}" must be a string`
  for (const name of PORT_FIELDS) {
    const port = request[name]
    if (port !== undefined && !(Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65535)) return `"${name}" must be an integer from 0 to 65535`
  }
  // A value no request can carry would be routed as if it were one (an address the extractor drops).
  for (const name of ['src_ip', 'dst_ip'] as const) {
    const address = request[name]
    if (typeof address === 'string' && parseIpAddr(address) === undefined) return `"${name}" must be an IPv4 or IPv6 address, not "${address}"`
  }
  const scheme = request['scheme']
  if (typeof scheme === 'string' && !HTTP_SCHEMES.has(scheme) && !stream) return `"scheme" must be one of ${[...HTTP_SCHEMES, ...STREAM_SCHEMES].join(', ')}, not "${scheme}"`
  const headers = request['headers']
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return '"headers" must be an object of name → string or array of strings'
    for (const [name, given] of Object.entries(headers)) {
      const isText = typeof given === 'string' || (Array.isArray(given) && given.every((item) => typeof item === 'string'))
      if (!isText) return `header "${name}" must be a string or an array of strings`
    }
  }
  return (stream ? { path: '', ...request } : request) as unknown as RequestLike
}

function show(value: FieldValue): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  return 'value' in value ? formatIpAddr(value) : JSON.stringify(value)
}

function routeLabel(route: Route | undefined, id: string): string {
  return route?.name ?? route?.id ?? id
}

/**
 * The router priority in hexadecimal, as the GUI and traditional-routes.md write it, plus the route's
 * own `priority` (decimal, as written) for expression routes (the router adds 0xFF << 56).
 */
function priorityLabel(route: Route | undefined, priority: bigint): string {
  const router = `router priority ${formatRouterPriority(priority)}`
  return typeof route?.expression === 'string' ? `priority ${route.priority ?? 0}, ${router}` : router
}

function reasonOf(decidedBy: PredicateTrace | undefined): string {
  if (decidedBy === undefined) return 'no predicate decided'
  const seen = decidedBy.values.length === 0 ? 'absent' : decidedBy.values.map(show).join(', ')
  return `${decidedBy.text} → ${String(decidedBy.result)} (request value: ${seen}): ${decidedBy.reason}`
}

/**
 * `switchyard match --config FILE --request JSON [--explain]`: loads a declarative config (FILE `-`:
 * standard input, named `<stdin>` in its problems), routes
 * one request (JSON with `method`, `path`, `host`, `headers`, `scheme`, `src_ip`, `sni`, …) and
 * prints the route, recorded matches, captures and upstream URL; `--explain` adds why each
 * higher-priority route did not match, and what each route after the winner would have done (it
 * would match too, or the predicate it fails on). Exit code 1 when nothing matches.
 */
export function match(args: readonly string[], io: CliOutput, flavor: RouterFlavor = 'expressions'): number {
  let file: string | undefined
  let requestText: string | undefined
  let explain = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    const value = (): string | undefined => (eq > 0 && name !== arg ? arg.slice(eq + 1) : args[++i])
    if (name === '--config' || name === '--request') {
      const given = value()
      if (given === undefined) return io.err(`switchyard match: ${name} needs a value\n${USAGE}`), 2
      if (name === '--config') file = given
      else requestText = given
    } else if (arg === '--explain') explain = true
    else if (arg === '--help' || arg === '-h') return io.out(USAGE), 0
    else return io.err(`switchyard match: unknown argument ${arg}\n${USAGE}`), 2
  }
  if (file === undefined || requestText === undefined) return io.err(`switchyard match: ${file === undefined ? '--config' : '--request'} is required\n${USAGE}`), 2
  const request = parseRequest(requestText)
  if (typeof request === 'string') return io.err(`switchyard match: bad --request: ${request}\n`), 2
  const input = readCommandInput(file)
  if (!input.ok) return io.err(`switchyard match: ${input.message}\n`), 2
  const parsed = parseConfigText(input.text, input.name)
  const loaded = parsed.ok ? loadDeclarative(parsed.value, { flavor, checkRoute: createRouteChecker(flavor) }) : parsed
  if (!loaded.ok) {
    io.err(describeProblems(input.name, input.text, loaded.problems) + problemCount(loaded.problems.length))
    return 2
  }
  const { services, routes } = loaded.snapshot
  const stream = request.scheme !== undefined && STREAM_SCHEMES.has(request.scheme)
  const router = new Router(stream ? streamSchema : httpSchema)
  const owner = new Map<string, Route>()
  const compile = createRouteCompiler(flavor, stream ? 'stream' : 'http')
  for (const route of routes) {
    const compiled = compile(route)
    if (!compiled.ok) continue
    for (const entry of compiled.entries) if (router.add(entry).ok) owner.set(entry.id, route)
  }
  // The gateway answers these itself before routing; saying which route matched would mislead.
  // A request given with no host and no Host header is not refused for it (most calls name only a
  // path): it is read as HTTP/1.0, which needs no Host.
  const refusal = stream ? undefined : requestRefusal(requestHeadOf(request, hostOfRequest(request) !== undefined))
  if (refusal !== undefined) return io.out(`no match: the gateway answers ${refusal.status} before routing: ${refusal.reason}\n`), 1
  const context = new FieldContext()
  const extracted = createFieldExtractor(router.fields, { subsystem: stream ? 'stream' : 'http' })(request, context)
  if (!extracted.ok) return io.err(`no match: field ${extracted.field} cannot be read (${extracted.error})\n`), 1
  // With --explain, also the routes after the winner, which the router never tries: to tell why a route lost.
  const explanation = router.explain(context, { all: explain })
  const winnerAt = explanation.routes.findIndex((route) => route.matched)
  const tried = winnerAt < 0 ? explanation.routes : explanation.routes.slice(0, winnerAt)
  const later = winnerAt < 0 ? [] : explanation.routes.slice(winnerAt + 1)
  const label = (route: (typeof explanation.routes)[number]): string => `${routeLabel(owner.get(route.id), route.id)} (${priorityLabel(owner.get(route.id), route.priority)})`
  if (explain) for (const route of tried) io.out(`✗ ${label(route)}: ${reasonOf(route.trace.decidedBy)}\n`)
  const found = explanation.match
  if (found === undefined) return io.out('no route matched\n'), 1
  const route = owner.get(found.id)
  const service = route?.service === null || route === undefined ? undefined : services.find((s) => s.id === route.service?.id)
  io.out(`route: ${routeLabel(route, found.id)} (id ${route?.id ?? found.id}, ${priorityLabel(route, found.priority)})\n`)
  const matches = Object.entries(found.matches)
  io.out(`matches: ${matches.length === 0 ? '(none)' : matches.map(([k, v]) => `${k} = ${show(v)}`).join(', ')}\n`)
  const captures = Object.entries(found.captures)
  io.out(`captures: ${captures.length === 0 ? '(none)' : captures.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}\n`)
  if (route !== undefined && stream) {
    // The stream listeners pass the bytes to the service as they are: no path, no Host.
    io.out(service === undefined ? 'upstream: none (route has no service: the connection is closed)\n' : `upstream: ${service.protocol}://${service.host}:${service.port}\n`)
  } else if (route !== undefined) {
    const recorded = found.matches['http.path']
    const upstream = upstreamRequest(route, service, { target: request.path, host: request.host, scheme: request.scheme }, { path: typeof recorded === 'string' ? recorded : undefined, captures: found.captures })
    if (upstream.kind === 'proxy' && upstream.service !== undefined) {
      io.out(`upstream: ${upstream.service.protocol}://${upstream.service.host}:${upstream.service.port}${upstream.path} (Host: ${upstream.host ?? ''})\n`)
    } else if (upstream.kind === 'proxy') io.out('upstream: none (route has no service: 503)\n')
    else if (upstream.kind === 'respond') io.out(`response: ${upstream.status} ${upstream.message}\n`)
  }
  if (later.length > 0) {
    io.out(`after it, not tried (${routeLabel(route, found.id)} comes first):\n`)
    for (const route of later) io.out(`${route.matched ? '·' : '✗'} ${label(route)}: ${route.matched ? 'would match too' : reasonOf(route.trace.decidedBy)}\n`)
  }
  return 0
}
