import { checkTag } from '../entities/schema.ts'
import { decodeOffsetParts, encodeOffset, type ListOptions, type Page, type Store } from '../store/store.ts'
import { listResponse, offsetProblem, pageSize } from './list.ts'
import { invalidOffset, invalidOption, type AdminResponse } from './problem.ts'

/** One row of Kong's `/tags`: a tag of an entity. */
export interface TagRow {
  readonly entity_name: 'services' | 'routes'
  readonly entity_id: string
  readonly tag: string
}

/** A tagged entity as the listing reads it. */
interface Tagged {
  readonly id: string
  readonly tags: readonly string[] | null
}

/** Where the previous page stopped: the last row's entity and, for `/tags`, its tag's position (from 1). */
interface TagCursor {
  readonly id: string
  readonly ordinality: number | undefined
}

// The stores are read in pages of this many entities while a page of rows fills.
const READ_BATCH = 1000

/**
 * Kong's `GET /tags` (every tag of every service and route) and `GET /tags/{tag}` (the entities
 * with that tag): rows ordered by entity id, an entity's tags in their order (Kong's
 * `kong/db/strategies/postgres/tags.lua`), paged with `size` and an opaque `offset` that holds the
 * last row's entity id and, for `/tags`, its tag's position. Read from the entities themselves, so
 * every store answers alike and nothing is kept beside them.
 */
export function listTags(store: Store, query: URLSearchParams, tag?: string): AdminResponse {
  if (tag !== undefined) {
    // Kong's DAO checks the tag as the `tag` typedef does before reading (invalid_unique).
    const invalid = checkTag(tag)
    if (invalid !== undefined) return { status: 400, body: { code: 10, name: 'invalid unique tag', message: invalid } }
  }
  const size = pageSize(query.get('size'))
  if (!size.ok) return size.response
  if (query.get('tags') === '') return invalidOption('tags', 'cannot be null')
  const offset = query.get('offset') ?? undefined
  const cursor = offset === undefined ? undefined : decodeCursor(offset)
  if (offset !== undefined && typeof cursor === 'string') return invalidOffset(offset, cursor)
  const rows = tagRows(store, tag, cursor as TagCursor | undefined, size.size + 1)
  const shown = rows.slice(0, size.size)
  const last = shown[shown.length - 1]
  const page: Page<TagRow> = {
    data: shown.map(({ entity_name, entity_id, tag }) => ({ entity_name, entity_id, tag })),
    offset: rows.length > size.size && last !== undefined ? tag === undefined ? encodeOffset(last.entity_id, last.ordinality) : encodeOffset(last.entity_id) : undefined,
  }
  // Kong's next link names the tag as it was read, not escaped again (kong/api/routes/tags.lua).
  return listResponse(tag === undefined ? '/tags' : `/tags/${tag}`, query, page)
}

/** A row with its tag's position in the entity's tags (from 1), which the offset records. */
interface PlacedRow extends TagRow {
  readonly ordinality: number
}

/** Up to `limit` rows after the cursor, in Kong's order. */
function tagRows(store: Store, tag: string | undefined, cursor: TagCursor | undefined, limit: number): PlacedRow[] {
  const rows: PlacedRow[] = []
  // The stores skip the untagged entities themselves (most of a large configuration, often).
  const filter: Pick<ListOptions, 'tags' | 'tagged'> = tag === undefined ? { tagged: true } : { tags: { mode: 'any', tags: [tag] } }
  const add = (entityName: TagRow['entity_name'], entity: Tagged, after: number): void => {
    const tags = entity.tags ?? []
    for (let i = after; i < tags.length && rows.length < limit; i++) {
      const own = tags[i] as string
      if (tag === undefined || own === tag) rows.push({ entity_name: entityName, entity_id: entity.id, tag: own, ordinality: i + 1 })
      // `/tags/{tag}` gives an entity once, even if a tag was stored twice.
      if (tag !== undefined && own === tag) break
    }
  }
  // The rest of the tags of the entity where `/tags` stopped, then every entity after it.
  // (The stores find by id or name: only an entity whose id is the cursor's is the one.)
  if (cursor?.ordinality !== undefined) {
    const service = store.getService(cursor.id)
    if (service?.id === cursor.id) add('services', service, cursor.ordinality)
    else {
      const route = store.getRoute(cursor.id)
      if (route?.id === cursor.id) add('routes', route, cursor.ordinality)
    }
  }
  const services = entitiesAfter((options) => store.listServices({ ...options, ...filter }), cursor?.id)
  const routes = entitiesAfter((options) => store.listRoutes({ ...options, ...filter }), cursor?.id)
  let service = services.next().value
  let route = routes.next().value
  while (rows.length < limit && (service !== undefined || route !== undefined)) {
    if (service !== undefined && (route === undefined || service.id < route.id)) {
      add('services', service, 0)
      service = services.next().value
    } else if (route !== undefined) {
      add('routes', route, 0)
      route = routes.next().value
    }
  }
  return rows
}

/** The entities of one kind whose id follows `afterId`, in id order, read a batch at a time. */
function* entitiesAfter(list: (options: ListOptions) => Page<Tagged>, afterId: string | undefined): Generator<Tagged, void, undefined> {
  let offset = afterId === undefined ? undefined : encodeOffset(afterId)
  for (;;) {
    const page = list({ size: READ_BATCH, offset })
    yield* page.data
    if (page.offset === undefined) return
    offset = page.offset
  }
}

/** The cursor an offset holds (its entity id, then for `/tags` its tag's position), or Kong's reason it is not one. */
function decodeCursor(offset: string): TagCursor | string {
  const problem = offsetProblem(offset)
  if (problem !== undefined) return problem
  const [id, ordinality] = decodeOffsetParts(offset) as readonly [string, ...unknown[]]
  return { id, ordinality: typeof ordinality === 'number' && Number.isInteger(ordinality) && ordinality >= 0 ? ordinality : undefined }
}
