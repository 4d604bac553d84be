import { FieldContext, parseIpAddr } from '@switchyard/core'
import { bytesToText, checkText, type Utf8Result } from './bytes.ts'
import { createHeaderLookup, HEADERS_PREFIX, type HeaderLookup, type HeaderNames, type HeaderRecord } from './headers.ts'
import { splitHost } from './host.ts'
import { normalizePathBytes, stripQuery } from './path.ts'
import { createQueryLookup, QUERIES_PREFIX, queryOf, type QueryLookup } from './query.ts'
import type { Subsystem } from './schemas.ts'
import { parseSegmentSelector, SEGMENTS_PREFIX, selectSegments, splitSegments, type SegmentSelector } from './segments.ts'

/**
 * A request as a gateway receives it, with the same names as the conformance `request` object.
 * Everything is optional except the raw request target.
 */
export interface RequestLike {
  /** The method as sent (case kept). */
  readonly method?: string
  /** The raw request target, query included (nginx `$request_uri`), e.g. `/a/%2e%2e/b?x=1`. */
  readonly path: string
  /** The Host value, port included; when absent, the first `Host` header is used. */
  readonly host?: string
  /** Header name (any case) → value or values of repeated lines, in arrival order. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>
  /** `http` or `https` for HTTP (default `http`); `udp` for UDP streams. */
  readonly scheme?: string
  /** Client address (text IPv4 or IPv6) and port. */
  readonly src_ip?: string
  readonly src_port?: number
  /** Address and port of the listener that accepted the connection. */
  readonly dst_ip?: string
  readonly dst_port?: number
  /** The SNI the client sent in the TLS handshake. */
  readonly sni?: string
}

/**
 * The outcome of extraction: the filled context, or the first field whose value the router cannot
 * accept (a String that is not UTF-8 after decoding, an unparsable IP, a port that is not an
 * integer). Kong fails the whole routing attempt then and answers 404.
 */
export type ExtractionResult =
  | { readonly ok: true; readonly context: FieldContext }
  | { readonly ok: false; readonly field: string; readonly error: string }

/** How to read a request. */
export interface ExtractorOptions {
  /** `http` (default) or `stream`: decides `net.protocol` and which fields exist. */
  readonly subsystem?: Subsystem
  /**
   * Which header lines count (see `HeaderNames`): `all` by default, as Kong's router reads the
   * header table it is given; a gateway in front of which nothing else filters passes `nginx` (or
   * `nginx-underscores`), so that the lines nginx would ignore are ignored here too.
   */
  readonly headerNames?: HeaderNames
}

/** Fills a context with the values of a fixed set of fields for one request. */
export type FieldExtractor = (request: RequestLike, into?: FieldContext) => ExtractionResult

interface SegmentField {
  readonly field: string
  readonly selector: SegmentSelector
}

interface Plan {
  readonly stream: boolean
  readonly method: boolean
  readonly host: boolean
  readonly path: boolean
  readonly segments: readonly SegmentField[]
  readonly headers: HeaderLookup | undefined
  readonly queries: QueryLookup | undefined
  readonly protocol: boolean
  readonly sni: boolean
  readonly srcIp: boolean
  readonly srcPort: boolean
  readonly dstIp: boolean
  /** `net.dst.port` and/or the deprecated `net.port`, which reads the same value. */
  readonly dstPortFields: readonly string[]
}

function makePlan(fields: Iterable<string>, subsystem: Subsystem, takenHeaders: HeaderNames): Plan {
  const stream = subsystem === 'stream'
  const names = new Set(fields)
  const segments: SegmentField[] = []
  const headerNames: string[] = []
  const queryNames: string[] = []
  for (const field of names) {
    if (stream) break
    if (field.startsWith(SEGMENTS_PREFIX)) {
      segments.push({ field, selector: parseSegmentSelector(field.slice(SEGMENTS_PREFIX.length)) })
    } else if (field.startsWith(HEADERS_PREFIX)) {
      headerNames.push(field.slice(HEADERS_PREFIX.length))
    } else if (field.startsWith(QUERIES_PREFIX)) {
      queryNames.push(field.slice(QUERIES_PREFIX.length))
    }
  }
  return {
    stream,
    method: !stream && names.has('http.method'),
    host: !stream && names.has('http.host'),
    path: !stream && names.has('http.path'),
    segments,
    headers: headerNames.length > 0 ? createHeaderLookup(headerNames, takenHeaders) : undefined,
    queries: queryNames.length > 0 ? createQueryLookup(queryNames) : undefined,
    protocol: names.has('net.protocol'),
    sni: names.has('tls.sni'),
    srcIp: names.has('net.src.ip'),
    srcPort: names.has('net.src.port'),
    dstIp: names.has('net.dst.ip'),
    dstPortFields: ['net.dst.port', 'net.port'].filter((name) => names.has(name)),
  }
}

/** The request's Host: its `host`, else its first `Host` header, any name case (as `RequestLike.host` says). */
export function hostOfRequest(request: Pick<RequestLike, 'host' | 'headers'>): string | undefined {
  return request.host ?? hostHeader(request.headers)
}

/**
 * The request's header lines. `host` is the value of its Host header line (`RequestLike.host`), so
 * when `headers` has no Host line of its own, `host` is that line, first, where clients put it:
 * `http.headers.host` reads it as Kong's header table would (spec §7.4, §7.6), and it counts
 * towards the lines read.
 */
function headerLines(request: Pick<RequestLike, 'host' | 'headers'>): HeaderRecord | undefined {
  const headers = request.headers
  // The gateway's requests (Node's header record, names lower-cased) have their Host line under
  // `host`: one read, on every request of a router that reads headers, before any scan of the names.
  if (headers?.['host'] !== undefined || request.host === undefined || hostHeader(headers) !== undefined) return headers
  return { host: request.host, ...headers }
}

/** The first `Host` header value, any name case. */
function hostHeader(headers: HeaderRecord | undefined): string | undefined {
  if (headers === undefined) return undefined
  for (const name in headers) {
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue
    const value = headers[name]
    if (value === undefined) continue
    return typeof value === 'string' ? value : value[0]
  }
  return undefined
}

/**
 * Precomputes how to read the given fields (normally a router's `fields`) and returns a function that
 * computes **only** those for each request, as Kong does (spec §6.6, §7). Field meanings:
 * - `http.path`: the normalised path (§7.2); `http.path.segments.*` from it (§7.3);
 * - `http.headers.NAME` (§7.4), `http.queries.NAME` (§7.5), `http.method`, `http.host` with a
 *   numeric port removed (§7.6);
 * - `net.protocol`: HTTP — the scheme, default `http`; stream — `udp` when the scheme says so, else
 *   `tls` when an SNI is known, else `tcp`. As in Kong, the SNI is only known when `tls.sni` is one of
 *   the fields (§7.7);
 * - `net.dst.port` (and the deprecated `net.port`): HTTP — the Host port, else `dst_port`; stream —
 *   `dst_port`. Ports are Int numbers, IPs parsed IpAddr values.
 * Fields outside the subsystem's schema are ignored. Absent request data leaves the field absent.
 */
export function createFieldExtractor(fields: Iterable<string>, options: ExtractorOptions = {}): FieldExtractor {
  const plan = makePlan(fields, options.subsystem ?? 'http', options.headerNames ?? 'all')
  return (request, into) => extract(plan, request, into ?? new FieldContext())
}

/**
 * Extracts the given fields of one request into a context (a new one unless `into` is given). A
 * convenience over `createFieldExtractor`, which should be used on hot paths: this rebuilds the plan
 * on every call.
 */
export function extractFields(
  request: RequestLike,
  fields: Iterable<string>,
  into?: FieldContext,
  options: ExtractorOptions = {},
): ExtractionResult {
  return createFieldExtractor(fields, options)(request, into)
}

function failure(field: string, error: string): ExtractionResult {
  return { ok: false, field, error }
}

// Hot path: runs once per request; only planned fields are computed and each input is read once.
function extract(plan: Plan, request: RequestLike, context: FieldContext): ExtractionResult {
  let text: Utf8Result
  if (plan.method && request.method !== undefined) {
    text = checkText(request.method)
    if (!text.ok) return failure('http.method', text.error)
    context.add('http.method', text.text)
  }

  let hostPort: number | undefined
  if (!plan.stream && (plan.host || plan.dstPortFields.length > 0)) {
    const value = hostOfRequest(request)
    if (value !== undefined) {
      const parts = splitHost(value)
      hostPort = parts.port
      if (plan.host) {
        text = checkText(parts.host)
        if (!text.ok) return failure('http.host', text.error)
        context.add('http.host', text.text)
      }
    }
  }

  if (plan.path || plan.segments.length > 0) {
    const bytes = normalizePathBytes(stripQuery(request.path))
    if (plan.path) {
      text = bytesToText(bytes)
      if (!text.ok) return failure('http.path', text.error)
      context.add('http.path', text.text)
    }
    if (plan.segments.length > 0) {
      const segments = splitSegments(bytes)
      for (const { field, selector } of plan.segments) {
        const value = selectSegments(segments, selector)
        if (value === undefined) continue
        if (typeof value === 'number') {
          context.add(field, value)
          continue
        }
        text = bytesToText(value)
        if (!text.ok) return failure(field, text.error)
        context.add(field, text.text)
      }
    }
  }

  const headers = plan.headers === undefined ? undefined : headerLines(request)
  if (plan.headers !== undefined && headers !== undefined) {
    for (const [name, values] of plan.headers.collect(headers)) {
      const field = HEADERS_PREFIX + name
      for (const value of values) {
        text = checkText(value)
        if (!text.ok) return failure(field, text.error)
        context.add(field, text.text)
      }
    }
  }

  if (plan.queries !== undefined) {
    const query = queryOf(request.path)
    if (query !== undefined) {
      for (const [name, values] of plan.queries.collect(query)) {
        const field = QUERIES_PREFIX + name
        for (const value of values) {
          text = bytesToText(value)
          if (!text.ok) return failure(field, text.error)
          context.add(field, text.text)
        }
      }
    }
  }

  const sni = plan.sni && request.sni !== undefined && request.sni !== '' ? request.sni : undefined
  if (plan.protocol) {
    let protocol: string
    if (!plan.stream) protocol = request.scheme ?? 'http'
    else if (request.scheme === 'udp') protocol = 'udp'
    else protocol = sni !== undefined ? 'tls' : 'tcp'
    text = checkText(protocol)
    if (!text.ok) return failure('net.protocol', text.error)
    context.add('net.protocol', text.text)
  }
  if (sni !== undefined) {
    text = checkText(sni)
    if (!text.ok) return failure('tls.sni', text.error)
    context.add('tls.sni', text.text)
  }

  if (plan.srcIp && request.src_ip !== undefined) {
    const ip = parseIpAddr(request.src_ip)
    if (ip === undefined) return failure('net.src.ip', `invalid IP address "${request.src_ip}"`)
    context.add('net.src.ip', ip)
  }
  if (plan.dstIp && request.dst_ip !== undefined) {
    const ip = parseIpAddr(request.dst_ip)
    if (ip === undefined) return failure('net.dst.ip', `invalid IP address "${request.dst_ip}"`)
    context.add('net.dst.ip', ip)
  }
  if (plan.srcPort && request.src_port !== undefined) {
    if (!Number.isSafeInteger(request.src_port)) return failure('net.src.port', `invalid port ${request.src_port}`)
    context.add('net.src.port', request.src_port)
  }
  if (plan.dstPortFields.length > 0) {
    const port = hostPort ?? request.dst_port
    if (port !== undefined) {
      if (!Number.isSafeInteger(port)) return failure('net.dst.port', `invalid port ${port}`)
      for (const field of plan.dstPortFields) context.add(field, port)
    }
  }
  return { ok: true, context }
}
