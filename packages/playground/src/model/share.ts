import type { Flavor } from '@switchyard/http'
import { DEFAULT_REQUEST, type RequestDraft } from './request.ts'
import type { PlaygroundRoute } from './route.ts'

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The state in a URL hash, or undefined when the hash holds none or cannot be read. Request fields
 * missing from an older link take their defaults; routes are taken as they are (the engine reports
 * whatever is wrong with them, as for typed-in routes).
 */
export function decodeState(hash: string): PlaygroundState | undefined {
  if (!hash.startsWith(SHARE_PREFIX)) return undefined
  let data: unknown
  try {
    data = JSON.parse(fromBase64Url(hash.slice(SHARE_PREFIX.length)))
  } catch {
    return undefined
  }
  if (!isRecord(data) || !Array.isArray(data['routes']) || !isRecord(data['request'])) return undefined
  const request: Record<string, string> = { ...DEFAULT_REQUEST }
  for (const key of Object.keys(DEFAULT_REQUEST)) {
    const value = data['request'][key]
    if (typeof value === 'string') request[key] = value
  }
  const routes = data['routes'].filter((r): r is PlaygroundRoute => isRecord(r) && typeof r['id'] === 'string')
  return { routes, request: request as unknown as RequestDraft, flavor: asFlavor(data['flavor']) }
}
