import { TAG_CHARACTER } from '../entities/schema.ts'
import { decodeOffset, type ListOptions, type Page, type TagFilter } from '../store/store.ts'
import { invalidOffset, invalidOption, invalidSize, type AdminResponse } from './problem.ts'

/** Kong's default and largest page sizes. */
export const DEFAULT_PAGE_SIZE = 100
const MAX_PAGE_SIZE = 1000
/** The most tags one `?tags=` filter may name (Kong's limit). */
const MAX_FILTER_TAGS = 5

// Kong's filter syntax (kong/api/endpoints.lua): `a,b` needs all the tags, `a/b` any of them; a
// mix of both, an empty tag or a character no tag can hold is refused.
const ALL_TAGS = new RegExp(`^(?:${TAG_CHARACTER}+(?:,|$))+$`, 'u')
const ANY_TAG = new RegExp(`^(?:${TAG_CHARACTER}+(?:/|$))+$`, 'u')

/** Where a list is read from: a top-level collection, or one nested under its parent (`/services/{s}/routes`). */
export type ListScope = 'collection' | 'nested'

/** Kong's `size`: a number (Lua tonumber, so blanks are not), an integer from 1 to 1000. */
export function pageSize(text: string | null): { ok: true; size: number } | { ok: false; response: AdminResponse } {
  if (text === null) return { ok: true, size: DEFAULT_PAGE_SIZE }
  const size = text.trim() === '' ? Number.NaN : Number(text)
  if (Number.isNaN(size)) return { ok: false, response: invalidSize('size must be a number') }
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) return { ok: false, response: invalidSize(`size must be an integer between 1 and ${MAX_PAGE_SIZE}`) }
  return { ok: true, size }
}

/** Checks an offset is one a store produced: base64 (either alphabet) of a JSON key; Kong's reason when not. */
export function offsetProblem(offset: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(offset) || offset.length % 4 === 1) return 'bad base64 encoding'
  return decodeOffset(offset) === undefined ? 'bad json encoding' : undefined
}

function tagFilter(text: string): TagFilter | undefined {
  if (ALL_TAGS.test(text)) return { mode: 'all', tags: text.split(',').filter((t) => t !== '') }
  if (ANY_TAG.test(text)) return { mode: 'any', tags: text.split('/').filter((t) => t !== '') }
  return undefined
}

/**
 * Reads `size`, `offset` and `tags` from a list request's query; or Kong's 400. A nested list checks
 * `tags` but does not filter by it: Kong ignores tags when a list is already filtered by its parent
 * (Kong issue #6779).
 */
export function listOptions(query: URLSearchParams, scope: ListScope = 'collection'): { ok: true; options: ListOptions } | { ok: false; response: AdminResponse } {
  const size = pageSize(query.get('size'))
  if (!size.ok) return size
  // Kong's order: size, then the options (tags), then the offset when the page is read.
  const tagsText = query.get('tags')
  // An empty query value is Kong's null (kong/api/arguments.lua), which the DAO refuses as an option.
  if (tagsText === '') return { ok: false, response: invalidOption('tags', 'cannot be null') }
  const tags = tagsText === null ? undefined : tagFilter(tagsText)
  if (tagsText !== null && tags === undefined) return { ok: false, response: invalidOption('tags', 'invalid filter syntax') }
  // Kong's DAO (validate_options_value) counts the tags of either mode, nested lists included.
  if (tags !== undefined && tags.tags.length > MAX_FILTER_TAGS) return { ok: false, response: invalidOption('tags', `cannot query more than ${MAX_FILTER_TAGS} tags`) }
  const offset = query.get('offset') ?? undefined
  const problem = offset === undefined ? undefined : offsetProblem(offset)
  if (offset !== undefined && problem !== undefined) return { ok: false, response: invalidOffset(offset, problem) }
  return { ok: true, options: { size: size.size, offset, tags: scope === 'nested' ? undefined : tags } }
}

/** ngx.escape_uri: every character but the unreserved ones (RFC 3986 §2.3) percent-encoded. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * The `next` link as Kong builds it (kong/api/endpoints.lua, get_collection_endpoint): a collection
 * gives `?offset=`, then `&tags=` and `&size=` when the request had them, and drops every other
 * query argument; a nested list (`/services/{service}/routes`, the parent as the request named it)
 * gives the offset alone, so its following pages have the default size.
 */
function nextPage(path: string, query: URLSearchParams, offset: string): string {
  const link = `${path}?offset=${escapeUri(offset)}`
  const isNested = path.split('/').length > 2
  if (isNested) return link
  const tags = query.get('tags')
  const size = query.get('size')
  return `${link}${tags === null ? '' : `&tags=${escapeUri(tags)}`}${size === null ? '' : `&size=${escapeUri(size)}`}`
}

/** Kong's list body: `{data, next, offset}` with `next` the path of the following page or null. */
export function listResponse<T>(path: string, query: URLSearchParams, page: Page<T>): AdminResponse {
  if (page.offset === undefined) return { status: 200, body: { data: page.data, next: null } }
  return { status: 200, body: { data: page.data, next: nextPage(path, query, page.offset), offset: page.offset } }
}
