/**
 * `--check`: routes sample requests through the original and the converted configuration and
 * reports every request that reaches a different route, or the same route with a different
 * upstream request.
 */
import { Router, type Match } from '@switchyard/core'
import { createFieldExtractor, type FieldExtractor, type RequestLike } from '../request.ts'
import { httpSchema, streamSchema, type Subsystem } from '../schemas.ts'
import type { Flavor } from '../traditional/route.ts'
import { upstreamRequest, type ServiceLike } from '../upstream.ts'
import { isObject, type Json, type JsonObject } from './kong-config.ts'
import { loadConfig, type LoadedEntry } from './load.ts'
import { crossSamples, sampleRequests, type Sample } from './samples.ts'

/** What one configuration does with one request. */
export interface Outcome {
  /** The source route id (split parts map back to the route they came from), or null for no match. */
  readonly route: string | null
  readonly upstreamPath?: string
  readonly upstreamHost?: string
  /** `uri_captures` exposed to plugins. */
  readonly captures?: Readonly<Record<string, string>>
  /** Kong's own answer instead of proxying (426, redirect, …). */
  readonly status?: number
  readonly error?: string
}

/** A request the two configurations treat differently. */
export interface Difference {
  /** The route the sample was made from, and why. */
  readonly sampleOf: string
  readonly label: string
  readonly request: RequestLike
  readonly before: Outcome
  readonly after: Outcome
}

/** The check's result. */
export interface CheckReport {
  readonly requests: number
  readonly differences: readonly Difference[]
  /** Entries an engine refused to load (Kong logs and skips them), per configuration. */
  readonly skipped: readonly string[]
}

/** Options of `checkConversion`. */
export interface CheckOptions {
  /** The flavor the original configuration runs under. */
  readonly flavor: Flavor
  /** Converted route id → original route id (`Conversion.sourceOf`). */
  readonly sourceOf: ReadonlyMap<string, string>
}

interface LoadedRouter {
  readonly routers: Readonly<Record<Subsystem, Router>>
  readonly extractors: Readonly<Record<Subsystem, FieldExtractor>>
  readonly entries: ReadonlyMap<string, LoadedEntry>
  readonly skipped: readonly string[]
}

function buildRouter(config: JsonObject, flavor: Flavor): LoadedRouter {
  const loaded = loadConfig(config, { flavor, priority: 'effective' })
  const routers = { http: new Router(httpSchema), stream: new Router(streamSchema) }
  const entries = new Map<string, LoadedEntry>()
  const skipped: string[] = [...loaded.errors.map((error) => `${error.location}: ${error.message}`)]
  for (const entry of loaded.entries) {
    if (!entry.source.loaded) continue
    const added = routers[entry.subsystem].add({ id: entry.id, priority: entry.priority, expression: entry.expression })
    if (!added.ok) skipped.push(`${entry.id}: ${added.diagnostics.map((d) => d.message).join('; ')}`)
    else entries.set(entry.id, entry)
  }
  return {
    routers,
    extractors: {
      http: createFieldExtractor(routers.http.fields, { subsystem: 'http' }),
      stream: createFieldExtractor(routers.stream.fields, { subsystem: 'stream' }),
    },
    entries,
    skipped,
  }
}

function serviceOf(entry: LoadedEntry): ServiceLike | undefined {
  const service = entry.source.service
  if (service === undefined) return undefined
  const pick = <T>(key: string, type: 'string' | 'number'): T | undefined =>
    typeof service[key] === type ? (service[key] as T) : undefined
  return {
    url: pick<string>('url', 'string'),
    protocol: pick<string>('protocol', 'string'),
    host: pick<string>('host', 'string'),
    port: pick<number>('port', 'number'),
    path: pick<string>('path', 'string'),
  }
}

function outcome(loaded: LoadedRouter, sample: Sample, routeOf: (entry: LoadedEntry) => string): Outcome {
  const context = loaded.extractors[sample.subsystem](sample.request)
  if (!context.ok) return { route: null, error: context.error }
  const match: Match | undefined = loaded.routers[sample.subsystem].match(context.context)
  if (match === undefined) return { route: null }
  const entry = loaded.entries.get(match.id)
  if (entry === undefined) return { route: null, error: `unknown matcher ${match.id}` }
  const route = routeOf(entry)
  if (sample.subsystem === 'stream') return { route }
  const recorded = match.matches['http.path']
  const upstream = upstreamRequest(
    entry.route,
    serviceOf(entry),
    { target: sample.request.path, ...(sample.request.host === undefined ? {} : { host: sample.request.host }), scheme: sample.request.scheme ?? 'http' },
    { ...(typeof recorded === 'string' ? { path: recorded } : {}), captures: match.captures },
  )
  if (upstream.kind === 'respond') return { route, status: upstream.status }
  return {
    route,
    upstreamPath: upstream.path,
    ...(upstream.host === undefined ? {} : { upstreamHost: upstream.host }),
    ...(upstream.uriCaptures === undefined ? {} : { captures: upstream.uriCaptures }),
  }
}

function same(a: Outcome, b: Outcome): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Samples every traditional route of the original configuration (hits and near-misses, plus hosts ×
 * paths across routes) and routes each request through both configurations; the converted one runs
 * in the `expressions` flavor.
 */
export function checkConversion(original: Json, converted: JsonObject, options: CheckOptions): CheckReport {
  if (!isObject(original)) return { requests: 0, differences: [], skipped: ['the original configuration is not a mapping'] }
  const before = buildRouter(original, options.flavor)
  const after = buildRouter(converted, 'expressions')
  const samples: { of: string; sample: Sample }[] = []
  const sampled = new Set<string>()
  for (const entry of before.entries.values()) {
    if (entry.kind !== 'traditional' || sampled.has(entry.source.id)) continue
    sampled.add(entry.source.id)
    for (const sample of sampleRequests(routeWithAllPaths(entry))) samples.push({ of: entry.source.id, sample })
  }
  const traditional = [...before.entries.values()].filter((entry) => entry.kind === 'traditional').map(routeWithAllPaths)
  for (const sample of crossSamples(traditional)) samples.push({ of: 'all routes', sample })
  const differences: Difference[] = []
  for (const { of, sample } of samples) {
    const old = outcome(before, sample, (entry) => entry.source.id)
    const next = outcome(after, sample, (entry) => options.sourceOf.get(entry.id) ?? entry.id)
    if (!same(old, next)) differences.push({ sampleOf: of, label: sample.label, request: sample.request, before: old, after: next })
  }
  return { requests: samples.length, differences, skipped: [...before.skipped, ...after.skipped.map((s) => `converted ${s}`)] }
}

// A split matcher holds only its own paths; samples are made from the whole route.
function routeWithAllPaths(entry: LoadedEntry): LoadedEntry['route'] {
  const paths = entry.source.raw['paths']
  if (!Array.isArray(paths)) return entry.route
  return { ...entry.route, paths: paths.filter((path): path is string => typeof path === 'string') }
}

