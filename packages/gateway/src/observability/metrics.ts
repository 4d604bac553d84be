import type { RequestRecord } from '../proxy/server.ts'
import type { StreamRecord } from '../stream/server.ts'

/** Latency histogram bucket bounds in milliseconds (Prometheus `le` labels). */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]

/** One histogram's plain-data state, so worker processes can send it to the primary. */
export interface HistogramData {
  /** Count per bucket (not cumulative), plus one for +Inf at the end. */
  readonly counts: number[]
  sum: number
  count: number
}

/** Everything one process counted; plain data, mergeable across workers. */
export interface MetricsData {
  /** `route\tservice\tclass` → requests. */
  readonly requests: Record<string, number>
  /** `route\tservice` → total latency histogram. */
  readonly latency: Record<string, HistogramData>
  /** `route\tservice` → upstream latency histogram. */
  readonly upstreamLatency: Record<string, HistogramData>
  total: number
  /** Stream sessions: `route\tservice\tstatus` → sessions. */
  readonly streams: Record<string, number>
  /** Stream bytes: `route\tservice\tdirection` (`received` from clients, `sent` to them) → bytes. */
  readonly streamBytes: Record<string, number>
}

/** An empty metrics record. */
export function emptyMetrics(): MetricsData {
  return { requests: {}, latency: {}, upstreamLatency: {}, total: 0, streams: {}, streamBytes: {} }
}

function observe(map: Record<string, HistogramData>, key: string, value: number): void {
  let histogram = map[key]
  if (histogram === undefined) map[key] = histogram = { counts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), sum: 0, count: 0 }
  let index = LATENCY_BUCKETS_MS.findIndex((bound) => value <= bound)
  if (index < 0) index = LATENCY_BUCKETS_MS.length
  histogram.counts[index] = (histogram.counts[index] ?? 0) + 1
  histogram.sum += value
  histogram.count++
}

/** `route\tservice` of a request or a session: their names, else their ids, else empty. */
function routeServiceKey(record: RequestRecord | StreamRecord): string {
  return `${record.routeName ?? record.routeId ?? ''}\t${record.serviceName ?? record.serviceId ?? ''}`
}

/** Counts one finished request. */
export function recordRequest(data: MetricsData, record: RequestRecord): void {
  const key = routeServiceKey(record)
  add(data.requests, `${key}\t${Math.floor(record.status / 100)}xx`, 1)
  observe(data.latency, key, record.totalLatency)
  if (record.upstreamLatency !== undefined) observe(data.upstreamLatency, key, record.upstreamLatency)
  data.total++
}

/** Counts one finished stream session. */
export function recordStream(data: MetricsData, record: StreamRecord): void {
  const key = routeServiceKey(record)
  add(data.streams, `${key}\t${record.status}`, 1)
  add(data.streamBytes, `${key}\treceived`, record.received)
  add(data.streamBytes, `${key}\tsent`, record.sent)
}

function add(counts: Record<string, number>, key: string, value: number): void {
  counts[key] = (counts[key] ?? 0) + value
}

/** Adds `from` into `into` (cluster primary collecting worker data). */
export function mergeMetrics(into: MetricsData, from: MetricsData): void {
  for (const [k, v] of Object.entries(from.requests)) add(into.requests, k, v)
  for (const [k, v] of Object.entries(from.streams)) add(into.streams, k, v)
  for (const [k, v] of Object.entries(from.streamBytes)) add(into.streamBytes, k, v)
  for (const kind of ['latency', 'upstreamLatency'] as const) {
    for (const [k, h] of Object.entries(from[kind])) {
      const target = (into[kind][k] ??= { counts: new Array<number>(h.counts.length).fill(0), sum: 0, count: 0 })
      h.counts.forEach((c, i) => (target.counts[i] = (target.counts[i] ?? 0) + c))
      target.sum += h.sum
      target.count += h.count
    }
  }
  into.total += from.total
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function histogramLines(name: string, map: Record<string, HistogramData>): string[] {
  const lines: string[] = []
  for (const [key, h] of Object.entries(map)) {
    const [route = '', service = ''] = key.split('\t')
    const labels = `route="${label(route)}",service="${label(service)}"`
    let cumulative = 0
    LATENCY_BUCKETS_MS.forEach((bound, i) => {
      cumulative += h.counts[i] ?? 0
      lines.push(`${name}_bucket{${labels},le="${bound}"} ${cumulative}`)
    })
    lines.push(`${name}_bucket{${labels},le="+Inf"} ${h.count}`, `${name}_sum{${labels}} ${h.sum.toFixed(3)}`, `${name}_count{${labels}} ${h.count}`)
  }
  return lines
}

/** A counter keyed `route\tservice\tthird`, with its help line; `third` is the third label's name. */
function counterLines(name: string, help: string, third: string, counts: Record<string, number>): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} counter`]
  for (const [key, count] of Object.entries(counts)) {
    const [route = '', service = '', value = ''] = key.split('\t')
    lines.push(`${name}{route="${label(route)}",service="${label(service)}",${third}="${value}"} ${count}`)
  }
  return lines
}

/** Router figures exported next to the request metrics. */
export interface RouterFigures {
  readonly size: number
  /** Milliseconds since the epoch. */
  readonly updatedAt: number
}

/** Renders Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(data: MetricsData, router: RouterFigures): string {
  const lines = counterLines('switchyard_http_requests_total', 'Proxied requests by route, service and status class.', 'status_class', data.requests)
  lines.push('# HELP switchyard_request_latency_ms Total request latency in milliseconds.', '# TYPE switchyard_request_latency_ms histogram')
  lines.push(...histogramLines('switchyard_request_latency_ms', data.latency))
  lines.push('# HELP switchyard_upstream_latency_ms Upstream latency (request sent to response headers) in milliseconds.', '# TYPE switchyard_upstream_latency_ms histogram')
  lines.push(...histogramLines('switchyard_upstream_latency_ms', data.upstreamLatency))
  lines.push(...counterLines('switchyard_stream_sessions_total', 'Stream (L4) sessions by route, service and status (500 no route, 502 service not reached).', 'status', data.streams))
  lines.push(...counterLines('switchyard_stream_bytes_total', 'Stream (L4) bytes by route, service and direction (received from clients, sent to them).', 'direction', data.streamBytes))
  lines.push('# HELP switchyard_router_routes Router entries (matchers) loaded.', '# TYPE switchyard_router_routes gauge', `switchyard_router_routes ${router.size}`)
  lines.push('# HELP switchyard_router_last_update_seconds Time of the last router update, seconds since the epoch.', '# TYPE switchyard_router_last_update_seconds gauge', `switchyard_router_last_update_seconds ${(router.updatedAt / 1000).toFixed(3)}`)
  return lines.join('\n') + '\n'
}
