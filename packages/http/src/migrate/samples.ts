/**
 * Sample requests for one route: hits built from each host, path, method, header value, SNI and
 * address it lists, and near-misses that change one of them (wrong host, port or scheme, a path
 * just outside the prefix, another method, a header missing or different).
 */
import type { RequestLike } from '../request.ts'
import { splitHostPort } from '../traditional/hosts.ts'
import { isPresent, isRegexPath, isStreamRoute, type AddressMatch, type TraditionalRoute } from '../traditional/route.ts'
import { regexSample } from './regex-sample.ts'
import { setOwn } from '../set-own.ts'

/** One sample request and why it was made. */
export interface Sample {
  readonly label: string
  readonly subsystem: 'http' | 'stream'
  readonly request: RequestLike
}

const OTHER_METHODS = ['GET', 'POST', 'DELETE', 'PATCH', 'OPTIONS']

/** A Host header a route host accepts (`*.x` → `a.x`, `x.*` → `x.com`, ports kept). */
export function hostSample(host: string): string {
  const { host: name, port } = splitHostPort(host)
  const plain = name.startsWith('*') ? `sample${name.slice(1)}` : name.endsWith('*') ? `${name.slice(0, -1)}com` : name
  return port === undefined ? plain : `${plain}:${port}`
}

/** A raw request path a route path accepts: the prefix itself, or a string the regex probably matches. */
export function pathSample(path: string): string {
  return isRegexPath(path) ? regexSample(path.slice(1)) : path
}

function headerSample(value: string): string {
  return value.startsWith('~*') ? regexSample(value.slice(2)) : value
}

function sniSample(sni: string): string {
  if (sni.startsWith('*')) return `sample${sni.slice(1)}`
  if (sni.endsWith('*')) return `${sni.slice(0, -1)}com`
  return sni
}

/** Every sample for a route (entity with defaults). */
export function sampleRequests(route: TraditionalRoute): Sample[] {
  return isStreamRoute(route) ? streamSamples(route) : httpSamples(route)
}

function httpSamples(route: TraditionalRoute): Sample[] {
  const protocols = route.protocols ?? ['http', 'https']
  const secure = protocols.includes('https') || protocols.includes('grpcs')
  const scheme = protocols.includes('http') || protocols.includes('grpc') ? 'http' : 'https'
  const headers: Record<string, string> = {}
  // Defined, not assigned, so that a header named `__proto__` stays a header.
  if (route.headers) for (const [name, values] of Object.entries(route.headers)) setOwn(headers, name, headerSample(values[0] ?? ''))
  const base: RequestLike = {
    method: isPresent(route.methods) ? route.methods[0]! : 'GET',
    path: isPresent(route.paths) ? pathSample(route.paths[0]!) : '/',
    host: isPresent(route.hosts) ? hostSample(route.hosts[0]!) : 'unlisted.test',
    headers,
    scheme,
    ...(isPresent(route.snis) ? { sni: sniSample(route.snis[0]!), scheme: 'https' } : {}),
    ...addressFields(route),
  }
  const samples: Sample[] = []
  const add = (label: string, change: Partial<RequestLike>): void => {
    samples.push({ label, subsystem: 'http', request: { ...base, ...change } })
  }
  add('hit', {})
  add('hit, other scheme', { scheme: scheme === 'http' ? 'https' : 'http' })
  if (secure) add('hit over https', { scheme: 'https' })
  for (const host of route.hosts ?? []) {
    const sample = hostSample(host)
    add(`hit host ${host}`, { host: sample })
    const { host: name, port } = splitHostPort(sample)
    add(`near-miss host ${host}: other port`, { host: `${name}:${port === undefined ? 8000 : port + 1}` })
    add(`near-miss host ${host}: upper case`, { host: sample.toUpperCase() })
    add(`near-miss host ${host}: other name`, { host: `x${sample}` })
    if (host.startsWith('*.')) add(`near-miss host ${host}: bare domain`, { host: host.slice(2) })
  }
  for (const path of route.paths ?? []) {
    const sample = pathSample(path)
    add(`hit path ${path}`, { path: sample })
    add(`hit path ${path} + /more?q=1`, { path: `${sample.replace(/\/$/, '')}/more?q=1` })
    add(`hit path ${path} + suffix`, { path: `${sample}x` })
    add(`near-miss path ${path}: shorter`, { path: sample.length > 1 ? sample.slice(0, -1) : '/x' })
    add(`near-miss path ${path}: under another root`, { path: `/other${sample}` })
    add(`near-miss path ${path}: upper case`, { path: sample.toUpperCase() })
  }
  for (const method of route.methods ?? []) add(`hit method ${method}`, { method })
  const other = OTHER_METHODS.find((method) => !(route.methods ?? []).includes(method))
  if (isPresent(route.methods) && other !== undefined) add(`near-miss method ${other}`, { method: other })
  // Routes without methods also take requests that method-specific routes do not.
  if (!isPresent(route.methods)) for (const method of ['POST', 'PUT']) add(`hit method ${method}`, { method })
  for (const [name, values] of Object.entries(route.headers ?? {})) {
    for (const value of values) add(`hit header ${name}: ${value}`, { headers: { ...headers, [name]: headerSample(value) } })
    add(`hit header ${name} upper case`, { headers: { ...headers, [name.toUpperCase()]: (headers[name] ?? '').toUpperCase() } })
    const without = { ...headers }
    delete without[name]
    add(`near-miss header ${name}: missing`, { headers: without })
    add(`near-miss header ${name}: other value`, { headers: { ...headers, [name]: 'zz-other' } })
  }
  for (const sni of route.snis ?? []) {
    add(`hit sni ${sni}`, { sni: sniSample(sni), scheme: 'https' })
    add(`near-miss sni ${sni}`, { sni: `x${sniSample(sni)}z`, scheme: 'https' })
    add(`hit sni ${sni} over http (ignored)`, { scheme: 'http' })
  }
  return samples
}

function addressFields(route: TraditionalRoute): Partial<RequestLike> {
  const source = isPresent(route.sources) ? addressSample(route.sources[0]!) : {}
  const destination = isPresent(route.destinations) ? addressSample(route.destinations[0]!) : {}
  return {
    ...(source.ip === undefined ? {} : { src_ip: source.ip }),
    ...(source.port === undefined ? {} : { src_port: source.port }),
    ...(destination.ip === undefined ? {} : { dst_ip: destination.ip }),
    ...(destination.port === undefined ? {} : { dst_port: destination.port }),
  }
}

function addressSample(element: AddressMatch): { ip?: string; port?: number } {
  const out: { ip?: string; port?: number } = {}
  if (element.ip) {
    const [address] = element.ip.split('/')
    out.ip = address === '0.0.0.0' ? '10.9.8.7' : address!
  }
  if (element.port !== undefined && element.port !== null) out.port = element.port
  return out
}

function streamSamples(route: TraditionalRoute): Sample[] {
  const protocols = route.protocols ?? []
  const scheme = protocols.includes('udp') ? 'udp' : isPresent(route.snis) ? 'tls' : 'tcp'
  const source = isPresent(route.sources) ? addressSample(route.sources[0]!) : {}
  const destination = isPresent(route.destinations) ? addressSample(route.destinations[0]!) : {}
  const base: RequestLike = {
    path: '/',
    scheme,
    src_ip: source.ip ?? '192.0.2.1',
    src_port: source.port ?? 40000,
    dst_ip: destination.ip ?? '192.0.2.200',
    dst_port: destination.port ?? 9000,
    ...(isPresent(route.snis) ? { sni: sniSample(route.snis[0]!) } : {}),
  }
  const samples: Sample[] = [{ label: 'hit', subsystem: 'stream', request: base }]
  const add = (label: string, change: Partial<RequestLike>): void => {
    samples.push({ label, subsystem: 'stream', request: { ...base, ...change } })
  }
  for (const element of route.sources ?? []) {
    const sample = addressSample(element)
    add(`hit source ${JSON.stringify(element)}`, { ...(sample.ip ? { src_ip: sample.ip } : {}), ...(sample.port ? { src_port: sample.port } : {}) })
  }
  for (const element of route.destinations ?? []) {
    const sample = addressSample(element)
    add(`hit destination ${JSON.stringify(element)}`, { ...(sample.ip ? { dst_ip: sample.ip } : {}), ...(sample.port ? { dst_port: sample.port } : {}) })
  }
  add('near-miss: other source', { src_ip: '198.51.100.7', src_port: 1 })
  add('near-miss: other destination', { dst_ip: '198.51.100.8', dst_port: 2 })
  for (const sni of route.snis ?? []) add(`near-miss sni ${sni}`, { sni: `x${sniSample(sni)}z` })
  add('near-miss: plain tcp', { scheme: 'tcp' })
  return samples
}

/** The most cross samples made; beyond it, host/path pairs are taken at an even stride. */
export const MAX_CROSS_SAMPLES = 6000

/**
 * Requests that combine one route's host with another route's path, so overlaps between routes
 * (a host-only route against a wildcard host + path route, say) are exercised: every distinct host
 * sample × every distinct path sample, thinned to `MAX_CROSS_SAMPLES` at an even stride.
 */
export function crossSamples(routes: readonly TraditionalRoute[]): Sample[] {
  const hosts = new Set<string>()
  const paths = new Set<string>(['/'])
  for (const route of routes) {
    if (isStreamRoute(route)) continue
    for (const host of route.hosts ?? []) hosts.add(hostSample(host))
    for (const path of route.paths ?? []) paths.add(pathSample(path))
  }
  const pairs: [string, string][] = []
  for (const host of hosts) for (const path of paths) pairs.push([host, path])
  const stride = Math.max(1, Math.ceil(pairs.length / MAX_CROSS_SAMPLES))
  const samples: Sample[] = []
  for (let i = 0; i < pairs.length; i += stride) {
    const [host, path] = pairs[i]!
    samples.push({ label: 'cross host × path', subsystem: 'http', request: { method: 'GET', path, host, scheme: 'http' } })
  }
  return samples
}
