import type { AddressEntry } from './addresses.ts'

/**
 * A route as the playground holds it: the Admin API's route shape (Kong-compatible), with the
 * service's URL carried along so a typed-in route needs no gateway.
 */
export interface PlaygroundRoute {
  readonly id: string
  readonly name?: string | null
  /** Set for expression routes; traditional routes leave it unset and use the fields below. */
  readonly expression?: string | null
  /**
   * Expression routes only: 0 to 2^46 − 1. Text that is no number stays as typed, so that the
   * engine reports it and a share link reproduces it.
   */
  readonly priority?: number | string | null
  readonly protocols?: readonly string[] | null
  readonly methods?: readonly string[] | null
  readonly hosts?: readonly string[] | null
  readonly paths?: readonly string[] | null
  readonly headers?: Readonly<Record<string, readonly string[]>> | null
  readonly snis?: readonly string[] | null
  readonly sources?: readonly AddressEntry[] | null
  readonly destinations?: readonly AddressEntry[] | null
  /** As `priority`: typed text that is no number stays text. */
  readonly regex_priority?: number | string | null
  readonly strip_path?: boolean | null
  readonly preserve_host?: boolean | null
  readonly path_handling?: string | null
  readonly https_redirect_status_code?: number | null
  /** The upstream service, by URL (`http://host:port/path`); null for a serviceless route. */
  readonly service?: { readonly url: string } | null
}

/** What one route field takes in JSON (besides null, Kong's unset), and the words for it in messages. */
export interface FieldShape {
  readonly expected: string
  readonly accepts: (value: unknown) => boolean
}

/** True for a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const isText = (value: unknown): value is string => typeof value === 'string'
const isNumberOrText = (value: unknown): boolean => typeof value === 'number' || isText(value)
const isTextList = (value: unknown): boolean => Array.isArray(value) && value.every(isText)
const isAbsentOr = (value: unknown, accepts: (value: unknown) => boolean): boolean => value === undefined || value === null || accepts(value)

const TEXT: FieldShape = { expected: 'text', accepts: isText }
const NUMBER: FieldShape = { expected: 'a number', accepts: (value) => typeof value === 'number' }
const NUMBER_OR_TEXT: FieldShape = { expected: 'a number or text', accepts: isNumberOrText }
const BOOLEAN: FieldShape = { expected: 'true or false', accepts: (value) => typeof value === 'boolean' }
const TEXT_LIST: FieldShape = { expected: 'a list of text', accepts: isTextList }
const ADDRESSES: FieldShape = {
  expected: 'a list of {"ip", "port"} objects',
  accepts: (value) => Array.isArray(value) && value.every((entry) => isRecord(entry) && isAbsentOr(entry['ip'], isText) && isAbsentOr(entry['port'], isNumberOrText)),
}

/**
 * Every field of a `PlaygroundRoute` and the JSON it takes, for routes from outside the app (share
 * links): the views call `.join`, `.split` and `.map` on these, so a wrongly typed one must be
 * refused before it reaches them.
 */
export const ROUTE_SHAPE = {
  id: TEXT,
  name: TEXT,
  expression: TEXT,
  priority: NUMBER_OR_TEXT,
  protocols: TEXT_LIST,
  methods: TEXT_LIST,
  hosts: TEXT_LIST,
  paths: TEXT_LIST,
  headers: { expected: 'an object of header names to lists of text', accepts: (value) => isRecord(value) && Object.values(value).every(isTextList) },
  snis: TEXT_LIST,
  sources: ADDRESSES,
  destinations: ADDRESSES,
  regex_priority: NUMBER_OR_TEXT,
  strip_path: BOOLEAN,
  preserve_host: BOOLEAN,
  path_handling: TEXT,
  https_redirect_status_code: NUMBER,
  service: { expected: 'an object with a "url" text', accepts: (value) => isRecord(value) && isText(value['url']) },
} as const satisfies Record<keyof PlaygroundRoute, FieldShape>

/** The route fields routing and upstream computation read: all but the playground's own `service`. */
export const ROUTING_FIELDS = (Object.keys(ROUTE_SHAPE) as (keyof PlaygroundRoute)[]).filter((key) => key !== 'service')

/** A JSON value as a message quotes it, cut after 40 characters; `missing` for none. */
export function previewJson(value: unknown): string {
  if (value === undefined) return 'missing'
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

/**
 * A route from JSON written outside the app (a share link), or what is wrong with it: the field
 * and what it is instead (`is 5, not text`), or the route as a whole (`has no id`). Fields a `PlaygroundRoute` does not have are dropped, as they are for
 * routes loaded from the gateway.
 */
export function readRoute(
  value: unknown,
): { readonly ok: true; readonly route: PlaygroundRoute } | { readonly ok: false; readonly field?: string; readonly problem: string } {
  if (!isRecord(value)) return { ok: false, problem: `is ${previewJson(value)}, not an object` }
  if (!Object.hasOwn(value, 'id')) return { ok: false, problem: 'has no id' }
  const route: Record<string, unknown> = {}
  for (const [key, shape] of Object.entries(ROUTE_SHAPE)) {
    if (!Object.hasOwn(value, key)) continue
    const field = value[key]
    // Null is Kong's unset, for every field but the id.
    if (!(field === null && key !== 'id') && !shape.accepts(field)) return { ok: false, field: key, problem: `is ${previewJson(field)}, not ${shape.expected}` }
    route[key] = field
  }
  return { ok: true, route: route as unknown as PlaygroundRoute }
}

/** True when the route matches by expression rather than by traditional fields. */
export function isExpressionRoute(route: PlaygroundRoute): boolean {
  return route.expression !== undefined && route.expression !== null
}

/** A short label for lists: the name, else the first 8 characters of the id. */
export function routeLabel(route: PlaygroundRoute): string {
  return route.name !== undefined && route.name !== null && route.name !== '' ? route.name : route.id.slice(0, 8)
}

/** The route without playground-only data, as the Admin API stores it (service left to the caller). */
export function routeForAdmin(route: PlaygroundRoute): Record<string, unknown> {
  const { service: _service, id: _id, ...rest } = route
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined))
}
