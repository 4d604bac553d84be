import type { Flavor } from '@switchyard/http'
import { DEFAULT_REQUEST, type RequestDraft } from './request.ts'
import { isRecord, previewJson, readRoute, type PlaygroundRoute } from './route.ts'

/** Everything a share link reproduces: the routes, the request and the router flavor. */
export interface PlaygroundState {
  readonly routes: readonly PlaygroundRoute[]
  readonly request: RequestDraft
  /** Kong's `router_flavor` the routes are read with; `expressions` when absent. */
  readonly flavor?: Flavor
}

const FLAVORS: readonly Flavor[] = ['expressions', 'traditional_compatible']

/** A router flavor named in text (a share link, a select, the gateway's `router_flavor`); `expressions` for anything else. */
export function asFlavor(text: unknown): Flavor {
  return FLAVORS.find((f) => f === text) ?? 'expressions'
}

/** The hash prefix of a shared playground: `#playground/<state>`. */
export const SHARE_PREFIX = '#playground/'

// base64url of UTF-8 JSON: safe in a URL without escaping, and any text survives the round trip.
function toBase64Url(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(encoded: string): string {
  const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'))
  return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)))
}

/** The URL hash that reproduces a state. */
export function encodeState(state: PlaygroundState): string {
  const flavor = state.flavor === undefined || state.flavor === 'expressions' ? {} : { flavor: state.flavor }
  return SHARE_PREFIX + toBase64Url(JSON.stringify({ v: 1, routes: state.routes, request: state.request, ...flavor }))
}

/** What a share link holds: its state, or why it cannot be read, in words for the person who opened it. */
export type SharedState = { readonly ok: true; readonly state: PlaygroundState } | { readonly ok: false; readonly problem: string }

const unreadable = (problem: string): SharedState => ({ ok: false, problem })

/**
 * The state in a URL hash, undefined when the hash holds no share link. A link that cannot be read
 * (cut short, or holding values of the wrong type) says why, naming the route and field: the views
 * are never handed a value they cannot draw. Request fields missing from an older link take their
 * defaults; route values of the right type are taken as they are (the engine reports whatever else
 * is wrong with them, as for typed-in routes).
 */
export function decodeState(hash: string): SharedState | undefined {
  if (!hash.startsWith(SHARE_PREFIX)) return undefined
  let data: unknown
  try {
    data = JSON.parse(fromBase64Url(hash.slice(SHARE_PREFIX.length)))
  } catch {
    return unreadable('it may have been cut short when copied')
  }
  if (!isRecord(data)) return unreadable(`the link holds ${previewJson(data)}, not an object with routes and a request`)
  const { routes: routeValues, request: requestValue } = data
  if (!Array.isArray(routeValues)) return unreadable(`routes is ${previewJson(routeValues)}, not a list of routes`)
  if (!isRecord(requestValue)) return unreadable(`the request is ${previewJson(requestValue)}, not an object`)
  const request: Record<string, string> = { ...DEFAULT_REQUEST }
  for (const key of Object.keys(DEFAULT_REQUEST)) {
    const value = Object.hasOwn(requestValue, key) ? requestValue[key] : undefined
    if (value === undefined) continue
    if (typeof value !== 'string') return unreadable(`the request’s ${key} is ${previewJson(value)}, not text`)
    request[key] = value
  }
  const routes: PlaygroundRoute[] = []
  for (const [index, value] of routeValues.entries()) {
    const read = readRoute(value)
    if (read.ok) {
      routes.push(read.route)
      continue
    }
    const name = isRecord(value) && typeof value['name'] === 'string' ? ` ("${value['name']}")` : ''
    return unreadable(`route ${index + 1}${name}${read.field === undefined ? '' : `: ${read.field}`} ${read.problem}`)
  }
  return { ok: true, state: { routes, request: request as unknown as RequestDraft, flavor: asFlavor(data['flavor']) } }
}
