/**
 * Plugins attached to a route that the conversion splits into several routes: Kong would find no
 * route with the old id, so each plugin is copied onto every part (copies after the first get a
 * derived id when the plugin has one, since plugin ids must stay unique).
 */
import { uuidV5 } from '../traditional/uuid.ts'
import { isObject, type Json, type JsonObject } from './kong-config.ts'

/** Namespace of the ids given to plugin copies (stable across runs). */
export const PLUGIN_COPY_NAMESPACE = '5c1e0b7a-2f4d-4e9b-8a36-0d7f1c2b3e4a'

/** A split route: its old id and name, and each part's id and name. */
export interface SplitRoute {
  readonly id: string
  readonly name: string | undefined
  readonly parts: readonly { readonly id: string; readonly name: string | undefined }[]
}

/** The plugin for part `index` (0-based): the plugin itself for the first, else a copy with a derived id. */
export function pluginCopy(plugin: JsonObject, index: number): JsonObject {
  const id = plugin['id']
  if (index === 0 || typeof id !== 'string') return plugin
  return { ...plugin, id: uuidV5(PLUGIN_COPY_NAMESPACE, `${id}#${index + 1}`) }
}

function referenced(reference: Json | undefined, routes: readonly SplitRoute[]): SplitRoute | undefined {
  const key = isObject(reference) ? (reference['id'] ?? reference['name']) : reference
  if (typeof key !== 'string') return undefined
  return routes.find((route) => route.id === key || (route.name !== undefined && route.name === key))
}

function pointAt(reference: Json, route: SplitRoute, part: SplitRoute['parts'][number]): Json {
  if (isObject(reference)) return reference['id'] !== undefined ? { ...reference, id: part.id } : { ...reference, name: part.name ?? part.id }
  return reference === route.id || part.name === undefined ? part.id : part.name
}

/**
 * Top-level plugins with every plugin that names a split route (by id or name, as a string or an
 * `{id}`/`{name}` record) replaced by one copy per part; returns the list and how many were copied.
 */
export function splitTopLevelPlugins(plugins: readonly Json[], routes: readonly SplitRoute[]): { plugins: Json[]; copied: number } {
  let copied = 0
  const out = plugins.flatMap((plugin): Json[] => {
    if (!isObject(plugin)) return [plugin]
    const reference = plugin['route']
    const route = referenced(reference, routes)
    if (route === undefined || reference === undefined) return [plugin]
    copied++
    return route.parts.map((part, index) => ({ ...pluginCopy(plugin, index), route: pointAt(reference, route, part) }))
  })
  return { plugins: out, copied }
}
