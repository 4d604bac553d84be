/**
 * Kong's declarative configuration (`_format_version: "3.0"`) as the conversion tool reads it:
 * services with nested routes, top-level routes that name their service, and everything else kept
 * untouched. Values are plain JSON, as a YAML or JSON parser returns them.
 */
import { uuidV5 } from '../traditional/uuid.ts'

/** A JSON value. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json }

/** A JSON object. */
export type JsonObject = { readonly [key: string]: Json }

/** One route of the file with what routing needs to know about it. */
export interface ConfigRoute {
  /** The route object as written. */
  readonly raw: JsonObject
  /** Where it sits: `services[2].routes[0]` or `routes[5]`. */
  readonly location: string
  /** Its id: as written, or assigned (see `assignedId`). */
  readonly id: string
  /** True when the file gave no id and one was derived from the route's name or position. */
  readonly assignedId: boolean
  /** The service object it proxies to, if any. */
  readonly service: JsonObject | undefined
  /** False when its service has `enabled: false` (Kong does not load the route). */
  readonly loaded: boolean
}

/** Namespace for ids the tool assigns to routes that have none (stable across runs). */
export const ASSIGNED_ID_NAMESPACE = 'a3f2c7e4-5b1d-4c8e-9f60-1d2e3b4c5a69'

/** True when a JSON value is an object (not an array, not null). */
export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function list(value: Json | undefined): readonly Json[] {
  return Array.isArray(value) ? (value as readonly Json[]) : []
}

function text(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** Checks the format version: the error text, or `undefined` for `"3.0"`. */
export function checkFormatVersion(config: Json): string | undefined {
  if (!isObject(config)) return 'the configuration is not a mapping'
  const version = config['_format_version']
  if (version !== '3.0') return `unsupported _format_version ${JSON.stringify(version ?? null)}: expected "3.0"`
  return undefined
}

/**
 * Every route of the file in file order (nested under services first, then top-level), with its
 * service resolved by id or name. Routes without id get `uuidV5(ASSIGNED_ID_NAMESPACE, "route:" +
 * (name or location))`, so the tie-break on ids is reproducible.
 */
export function collectRoutes(config: JsonObject): ConfigRoute[] {
  const services = list(config['services']).filter(isObject)
  const byKey = new Map<string, JsonObject>()
  for (const service of services) {
    const id = text(service['id'])
    const name = text(service['name'])
    if (id !== undefined) byKey.set(id, service)
    if (name !== undefined) byKey.set(name, service)
  }
  const routes: ConfigRoute[] = []
  const add = (raw: JsonObject, location: string, service: JsonObject | undefined): void => {
    const written = text(raw['id'])
    const id = written ?? uuidV5(ASSIGNED_ID_NAMESPACE, `route:${text(raw['name']) ?? location}`)
    routes.push({ raw, location, id, assignedId: written === undefined, service, loaded: service?.['enabled'] !== false })
  }
  services.forEach((service, serviceIndex) => {
    list(service['routes']).forEach((route, routeIndex) => {
      if (isObject(route)) add(route, `services[${serviceIndex}].routes[${routeIndex}]`, service)
    })
  })
  list(config['routes']).forEach((route, index) => {
    if (!isObject(route)) return
    const reference = route['service']
    const key = isObject(reference) ? (text(reference['id']) ?? text(reference['name'])) : text(reference)
    add(route, `routes[${index}]`, key === undefined ? undefined : byKey.get(key))
  })
  return routes
}

/**
 * Rebuilds the configuration with each route replaced by the routes `replace` returns for it (the
 * same object, or one or more new ones), preserving every other value and the order of keys.
 */
export function replaceRoutes(config: JsonObject, replace: (route: JsonObject, location: string) => readonly JsonObject[]): JsonObject {
  const mapList = (routes: Json | undefined, prefix: string): Json[] =>
    list(routes).flatMap((route, index): Json[] => (isObject(route) ? [...replace(route, `${prefix}[${index}]`)] : [route]))
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(config)) {
    if (key === 'services' && Array.isArray(value))
      out[key] = (value as readonly Json[]).map((service, serviceIndex) => {
        if (!isObject(service) || !Array.isArray(service['routes'])) return service
        const routes: Json = mapList(service['routes'], `services[${serviceIndex}].routes`)
        return { ...service, routes }
      })
    else if (key === 'routes' && Array.isArray(value)) out[key] = mapList(value, 'routes')
    else out[key] = value
  }
  return out
}
