import { readFileSync } from 'node:fs'
import { FieldContext, formatIpAddr, Router, type FieldValue, type PredicateTrace } from '@switchyard/core'
import { createFieldExtractor, httpSchema, upstreamRequest, type RequestLike } from '@switchyard/http'
import type { RouterFlavor } from '../config.ts'
import { createRouteChecker, createRouteCompiler } from '../engine.ts'
import type { Route } from '../entities/route.ts'
import { loadDeclarative, parseConfigText } from '../store/declarative.ts'
import type { CliOutput } from './check.ts'

function show(value: FieldValue): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  return 'value' in value ? formatIpAddr(value) : JSON.stringify(value)
}

function routeLabel(route: Route | undefined, id: string): string {
  return route?.name ?? route?.id ?? id
}

/** The router priority, plus the route's own `priority` for expression routes (the router adds 0xFF << 56). */
function priorityLabel(route: Route | undefined, priority: bigint): string {
  return typeof route?.expression === 'string' ? `priority ${route.priority ?? 0}, router priority ${priority}` : `router priority ${priority}`
}

function reasonOf(decidedBy: PredicateTrace | undefined): string {
  if (decidedBy === undefined) return 'no predicate decided'
  const seen = decidedBy.values.length === 0 ? 'absent' : decidedBy.values.map(show).join(', ')
  return `${decidedBy.text} → ${String(decidedBy.result)} (request value: ${seen}): ${decidedBy.reason}`
}

/**
 * `switchyard match --config FILE --request JSON [--explain]`: loads a declarative config, routes
 * one request (JSON with `method`, `path`, `host`, `headers`, `scheme`, `src_ip`, `sni`, …) and
 * prints the route, recorded matches, captures and upstream URL; `--explain` adds why each
 * higher-priority route did not match. Exit code 1 when nothing matches.
 */
export function match(args: readonly string[], io: CliOutput, flavor: RouterFlavor = 'expressions'): number {
  let file: string | undefined
  let requestText: string | undefined
  let explain = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--config') file = args[++i]
    else if (arg === '--request') requestText = args[++i]
    else if (arg === '--explain') explain = true
    else return io.err(`switchyard match: unknown argument ${String(arg)}\n`), 2
  }
  if (file === undefined || requestText === undefined) return io.err('usage: switchyard match --config FILE --request JSON [--explain]\n'), 2
  let request: RequestLike
  try {
    request = JSON.parse(requestText) as RequestLike
    if (typeof request.path !== 'string') throw new Error('"path" is required')
  } catch (error) {
    return io.err(`switchyard match: bad --request: ${(error as Error).message}\n`), 2
  }
  const parsed = parseConfigText(readFileSync(file, 'utf8'))
  const loaded = parsed.ok ? loadDeclarative(parsed.value, { flavor, checkRoute: createRouteChecker(flavor) }) : parsed
  if (!loaded.ok) {
    io.err(loaded.problems.map((p) => `${p.location}: ${p.message}`).join('\n') + '\n')
    return 2
  }
  const { services, routes } = loaded.snapshot
  const router = new Router(httpSchema)
  const owner = new Map<string, Route>()
  const compile = createRouteCompiler(flavor)
  for (const route of routes) {
    const compiled = compile(route)
    if (!compiled.ok) continue
    for (const entry of compiled.entries) if (router.add(entry).ok) owner.set(entry.id, route)
  }
  const context = new FieldContext()
  const extracted = createFieldExtractor(router.fields)(request, context)
  if (!extracted.ok) return io.err(`no match: field ${extracted.field} cannot be read (${extracted.error})\n`), 1
  const explanation = router.explain(context)
  if (explain) {
    for (const tried of explanation.routes) {
      if (tried.matched) continue
      io.out(`✗ ${routeLabel(owner.get(tried.id), tried.id)} (${priorityLabel(owner.get(tried.id), tried.priority)}): ${reasonOf(tried.trace.decidedBy)}\n`)
    }
  }
  const found = explanation.match
  if (found === undefined) return io.out('no route matched\n'), 1
  const route = owner.get(found.id)
  const service = route?.service === null || route === undefined ? undefined : services.find((s) => s.id === route.service?.id)
  io.out(`route: ${routeLabel(route, found.id)} (id ${route?.id ?? found.id}, ${priorityLabel(route, found.priority)})\n`)
  const matches = Object.entries(found.matches)
  io.out(`matches: ${matches.length === 0 ? '(none)' : matches.map(([k, v]) => `${k} = ${show(v)}`).join(', ')}\n`)
  const captures = Object.entries(found.captures)
  io.out(`captures: ${captures.length === 0 ? '(none)' : captures.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}\n`)
  if (route !== undefined) {
    const recorded = found.matches['http.path']
    const upstream = upstreamRequest(route, service, { target: request.path, host: request.host, scheme: request.scheme }, { path: typeof recorded === 'string' ? recorded : undefined, captures: found.captures })
    if (upstream.kind === 'proxy' && upstream.service !== undefined) {
      io.out(`upstream: ${upstream.service.protocol}://${upstream.service.host}:${upstream.service.port}${upstream.path} (Host: ${upstream.host ?? ''})\n`)
    } else if (upstream.kind === 'proxy') io.out('upstream: none (route has no service: 503)\n')
    else if (upstream.kind === 'respond') io.out(`response: ${upstream.status} ${upstream.message}\n`)
  }
  return 0
}
