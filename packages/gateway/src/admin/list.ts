import type { ListOptions, Page, TagFilter } from '../store/store.ts'
import { fieldViolation, type AdminResponse } from './problem.ts'

/** Kong's default and largest page sizes. */
export const DEFAULT_PAGE_SIZE = 100
const MAX_PAGE_SIZE = 1000

/** Reads `size`, `offset` and `tags` from a list request's query; or a 400. */
export function listOptions(query: URLSearchParams): { ok: true; options: ListOptions } | { ok: false; response: AdminResponse } {
  const sizeText = query.get('size')
  const size = sizeText === null ? DEFAULT_PAGE_SIZE : Number(sizeText)
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) return { ok: false, response: fieldViolation('size', `must be an integer between 1 and ${MAX_PAGE_SIZE}`) }
  const tagsText = query.get('tags')
  let tags: TagFilter | undefined
  if (tagsText !== null) {
    // Kong: `a,b` means all of them, `a/b` any of them; mixing the two is refused.
    if (tagsText.includes(',') && tagsText.includes('/')) return { ok: false, response: fieldViolation('tags', 'invalid filter: cannot mix "," and "/"') }
    const mode = tagsText.includes('/') ? 'any' : 'all'
    tags = { mode, tags: tagsText.split(mode === 'any' ? '/' : ',').filter((t) => t !== '') }
  }
  const offset = query.get('offset') ?? undefined
  return { ok: true, options: { size, offset, tags } }
}

/** Kong's list body: `{data, next, offset}` with `next` the path of the following page or null. */
export function listResponse<T>(path: string, query: URLSearchParams, page: Page<T>): AdminResponse {
  if (page.offset === undefined) return { status: 200, body: { data: page.data, next: null } }
  const next = new URLSearchParams(query)
  next.set('offset', page.offset)
  return { status: 200, body: { data: page.data, next: `${path}?${next.toString()}`, offset: page.offset } }
}
