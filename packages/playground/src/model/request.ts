import { parseIpAddr } from '@switchyard/core'
import { takesHeaderName, type RequestLike, type UpstreamRequestInput } from '@switchyard/http'

/** The request builder's fields, as typed (all text, so a half-typed port is kept as is). */
export interface RequestDraft {
  readonly method: string
  /** The request target: path and query, as sent (`/a/b?x=1`). */
  readonly url: string
  /** The Host header, port included; empty for none. */
  readonly host: string
  /** One header per line, `Name: value`; repeated names give several values. */
  readonly headers: string
  /** `http` or `https`, or `tcp`/`tls`/`udp` for stream routes. */
  readonly scheme: string
  readonly srcIp: string
  readonly srcPort: string
  readonly dstIp: string
  readonly dstPort: string
  readonly sni: string
}

/** A sensible first request: a GET from a private client to a local listener. */
export const DEFAULT_REQUEST: RequestDraft = {
  method: 'GET',
  url: '/',
  host: 'example.com',
  headers: '',
  scheme: 'http',
  srcIp: '192.168.1.10',
  srcPort: '51234',
  dstIp: '10.0.0.1',
  dstPort: '8000',
  sni: '',
}

/** Schemes of Kong's stream (L4) subsystem. */
const STREAM_SCHEMES: ReadonlySet<string> = new Set(['tcp', 'tls', 'udp'])

/** Which router a request goes to: HTTP for http/https, stream for tcp/tls/udp. */
export function requestSubsystem(draft: RequestDraft): 'http' | 'stream' {
  return STREAM_SCHEMES.has(draft.scheme) ? 'stream' : 'http'
}

/** The name and the text after the colon of a `Name: value` line; undefined for a line with no name. */
export function headerLine(line: string): { readonly name: string; readonly value: string } | undefined {
  const colon = line.indexOf(':')
  const name = line.slice(0, Math.max(colon, 0)).trim()
  return name === '' ? undefined : { name, value: line.slice(colon + 1) }
}

/** Parses `Name: value` lines; blank and nameless lines are skipped, repeated names keep every value. */
export function parseHeaderLines(text: string): Record<string, string[]> {
  const headers: Record<string, string[]> = {}
  for (const line of text.split('\n')) {
    const header = headerLine(line)
    if (header !== undefined) (headers[header.name] ??= []).push(header.value.trim())
  }
  return headers
}

/**
 * A sentence about some lines of a headers box, `Line 3 …` or `Lines 1, 3 …`, whose rest `say`
 * words for one line or several; undefined when there are none.
 */
function aboutLines(lines: readonly (number | string)[], say: (one: boolean) => string): string | undefined {
  if (lines.length === 0) return undefined
  const one = lines.length === 1
  return `Line${one ? '' : 's'} ${lines.join(', ')} ${say(one)}`
}

/**
 * Which non-blank lines of a headers box have no `Name:` (no colon, or nothing before it), which
 * header parsing skips, and what becomes of them: `Lines 1, 3 have no "Name:" and are ignored.`
 * with `fate` "ignored". Undefined when every line has a name.
 */
export function unnamedHeaderLinesProblem(text: string, fate: string): string | undefined {
  const lines = text.split('\n').flatMap((line, i) => (line.trim() !== '' && headerLine(line) === undefined ? [i + 1] : []))
  return aboutLines(lines, (one) => `ha${one ? 's' : 've'} no "Name:" and ${one ? 'is' : 'are'} ${fate}.`)
}

/**
 * The header lines a gateway drops for their names, as nginx does by default (letters, digits and
 * `-` only), numbered; routes never see them.
 */
export function ignoredHeaderNamesProblem(text: string): string | undefined {
  const lines = text.split('\n').flatMap((line, i) => {
    const name = headerLine(line)?.name
    return name !== undefined && !takesHeaderName(name, 'nginx') ? [`${i + 1} (${name})`] : []
  })
  return aboutLines(
    lines,
    (one) =>
      `${one ? 'is' : 'are'} ignored: nginx, and so Kong and a Switchyard gateway, ignores header names with anything but letters, digits and "-" (a gateway with nginx_http_underscores_in_headers = on also takes "_").`,
  )
}

function port(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined
}

function text(value: string): string | undefined {
  return value.trim() === '' ? undefined : value.trim()
}

/** The request as the field extractor reads it (conformance names). Empty fields are absent. */
export function toRequestLike(draft: RequestDraft): RequestLike {
  const headers = parseHeaderLines(draft.headers)
  const host = text(draft.host)
  const entries: [string, unknown][] = [
    ['method', text(draft.method)],
    ['path', draft.url === '' ? '/' : draft.url],
    ['host', host],
    ['headers', host === undefined ? headers : { ...headers, Host: [host] }],
    ['scheme', text(draft.scheme)],
    ['src_ip', text(draft.srcIp)],
    ['src_port', port(draft.srcPort)],
    ['dst_ip', text(draft.dstIp)],
    ['dst_port', port(draft.dstPort)],
    ['sni', text(draft.sni)],
  ]
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as unknown as RequestLike
}

/** The request as the upstream computation reads it: target, Host, scheme and content type. */
export function toUpstreamInput(draft: RequestDraft): UpstreamRequestInput {
  const contentType = Object.entries(parseHeaderLines(draft.headers)).find(([name]) => name.toLowerCase() === 'content-type')?.[1][0]
  return {
    target: draft.url === '' ? '/' : draft.url,
    host: text(draft.host),
    scheme: text(draft.scheme),
    contentType,
    httpVersion: 2,
  }
}

/** Request builder fields that can hold something no real request has. */
export type CheckedRequestField = 'url' | 'headers' | 'sni' | 'srcIp' | 'srcPort' | 'dstIp' | 'dstPort'

/**
 * What is wrong with the typed request, field by field: such values are dropped (an IP, a port, a
 * header line) or never match a route (a target without `/`), so say so next to the field instead
 * of letting the result look like a routing decision.
 */
export function requestProblems(draft: RequestDraft): Partial<Record<CheckedRequestField, string>> {
  const problems: Partial<Record<CheckedRequestField, string>> = {}
  const url = draft.url.trim()
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) problems.url = 'Type only the path and query (e.g. /api?x=1): the host goes in Host and the scheme in Scheme.'
  else if (url !== '' && !url.startsWith('/')) problems.url = 'A request path starts with "/".'
  const headers = [unnamedHeaderLinesProblem(draft.headers, 'ignored'), ignoredHeaderNamesProblem(draft.headers)].filter((p) => p !== undefined)
  if (headers.length > 0) problems.headers = headers.join(' ')
  // Only a TLS handshake carries an SNI; on streams Kong even tells tls from tcp by the SNI alone.
  const sni = draft.sni.trim() !== ''
  if (sni && (draft.scheme === 'http' || draft.scheme === 'tcp' || draft.scheme === 'udp')) problems.sni = `A ${draft.scheme} connection has no TLS handshake, so no SNI: choose ${draft.scheme === 'http' ? 'https' : 'tls'} or clear it.`
  else if (!sni && draft.scheme === 'tls') problems.sni = 'Without an SNI Kong cannot tell a tls stream from tcp: it is routed as tcp.'
  for (const key of ['srcIp', 'dstIp'] as const) {
    const text = draft[key].trim()
    if (text !== '' && parseIpAddr(text) === undefined) problems[key] = `"${text}" is not an IPv4 or IPv6 address.`
  }
  for (const key of ['srcPort', 'dstPort'] as const) {
    const text = draft[key].trim()
    if (text !== '' && !(/^\d+$/.test(text) && Number(text) <= 65535)) problems[key] = 'A port is a whole number from 0 to 65535.'
  }
  return problems
}
