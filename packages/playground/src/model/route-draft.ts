import { MAX_EXPRESSION_PRIORITY } from '@switchyard/http'
import type { AdminRoute } from '../admin/client.ts'
import { formatAddresses, parseAddresses } from './addresses.ts'
import { headerLine, unnamedHeaderLinesProblem } from './request.ts'

/** What the route form edits: the Admin API's route fields, as typed. */
export interface RouteDraft {
  mode: 'expression' | 'traditional'
  name: string
  service: string
  protocols: string
  expression: string
  priority: string
  methods: string
  hosts: string
  paths: string
  headers: string
  snis: string
  /** Comma-separated `IP`, `CIDR`, `:PORT` or `IP:PORT` (stream routes). */
  sources: string
  destinations: string
  regexPriority: string
  stripPath: boolean
  preserveHost: boolean
}

/** Splits a comma-separated list, dropping empty items. */
export function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

/**
 * A route's headers box (`name: value, value` per line) as Kong's `headers`; null when it names
 * none. Lines without a name are skipped: `unnamedHeaderLinesProblem` says which.
 */
export function routeHeaders(text: string): Record<string, string[]> | null {
  const headers: Record<string, string[]> = {}
  for (const line of text.split('\n')) {
    const header = headerLine(line)
    if (header !== undefined) headers[header.name] = list(header.value)
  }
  return Object.keys(headers).length === 0 ? null : headers
}

/** What the route form says of header lines without a name, which it refuses to send. */
export function routeHeadersProblem(text: string): string | undefined {
  return unnamedHeaderLinesProblem(text, 'refused: write each header as "name: value, value"')
}

/** The form's starting point: an existing route's fields, or a new route's defaults. */
export function draftOf(route: AdminRoute | undefined, flavor: string): RouteDraft {
  const traditional = route !== undefined && (route.expression === undefined || route.expression === null)
  return {
    mode: flavor !== 'expressions' || traditional ? 'traditional' : 'expression',
    name: route?.name ?? '',
    service: route?.service?.id ?? '',
    protocols: (route?.protocols ?? ['http', 'https']).join(', '),
    expression: route?.expression ?? '',
    priority: String(route?.priority ?? 0),
    methods: (route?.methods ?? []).join(', '),
    hosts: (route?.hosts ?? []).join(', '),
    paths: (route?.paths ?? []).join(', '),
    headers: Object.entries(route?.headers ?? {}).map(([k, v]) => `${k}: ${v.join(', ')}`).join('\n'),
    snis: (route?.snis ?? []).join(', '),
    sources: formatAddresses(route?.sources),
    destinations: formatAddresses(route?.destinations),
    regexPriority: String(route?.regex_priority ?? 0),
    stripPath: route?.strip_path ?? true,
    preserveHost: route?.preserve_host ?? false,
  }
}

/**
 * Why a typed priority cannot be sent, or undefined when it can: an expression route's priority is
 * a whole number from 0 to 2^46 − 1 (an empty field means 0, Kong's default).
 */
export function priorityProblem(text: string): string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  return /^\d+$/.test(trimmed) && BigInt(trimmed) <= MAX_EXPRESSION_PRIORITY ? undefined : `The priority is a whole number from 0 to ${MAX_EXPRESSION_PRIORITY} (2^46 − 1).`
}

/**
 * A typed priority (or regex priority) as a route holds it: a number when the text is one (empty
 * meaning 0), else the text itself, which the engine reports and a share link keeps as typed.
 */
export function typedNumber(text: string): number | string {
  const trimmed = text.trim()
  if (trimmed === '') return 0
  const value = Number(trimmed)
  return Number.isNaN(value) ? trimmed : value
}

/** Why a typed regex priority cannot be sent, or undefined: any whole number, empty meaning 0. */
export function regexPriorityProblem(text: string): string | undefined {
  const trimmed = text.trim()
  return trimmed === '' || /^-?\d+$/.test(trimmed) ? undefined : 'The regex priority is a whole number, e.g. 0 or 10.'
}

function whole(text: string): number {
  return text.trim() === '' ? 0 : Number(text.trim())
}

/**
 * The Admin API body for a draft: only the fields of its mode, plus what clears the other mode's
 * fields on update, since Kong refuses a route that mixes them. In the expressions flavor that is
 * `expression: null` and priority 0 for a traditional route, and null traditional fields and
 * regex priority 0 for an expression route; `traditional_compatible` has no `expression` or
 * `priority` field at all, so they are never sent there.
 */
export function bodyOf(draft: RouteDraft, flavor: string): Record<string, unknown> {
  const common = {
    name: draft.name.trim() === '' ? null : draft.name.trim(),
    protocols: list(draft.protocols),
    service: draft.service === '' ? null : { id: draft.service },
    strip_path: draft.stripPath,
    preserve_host: draft.preserveHost,
  }
  if (draft.mode === 'expression') {
    return { ...common, expression: draft.expression, priority: whole(draft.priority), regex_priority: 0, methods: null, hosts: null, paths: null, headers: null, snis: null, sources: null, destinations: null }
  }
  const orNull = (values: string[]) => (values.length === 0 ? null : values)
  return {
    ...common,
    ...(flavor === 'expressions' ? { expression: null, priority: 0 } : {}),
    methods: orNull(list(draft.methods)),
    hosts: orNull(list(draft.hosts)),
    paths: orNull(list(draft.paths)),
    headers: routeHeaders(draft.headers),
    snis: orNull(list(draft.snis)),
    sources: parseAddresses(draft.sources),
    destinations: parseAddresses(draft.destinations),
    regex_priority: whole(draft.regexPriority),
  }
}
