/**
 * Shares one string instance between routes for text that repeats across a configuration (field
 * names, methods, tenants): 10k routes otherwise hold 10k copies of `"http.path"`. The table is
 * bounded, so arbitrary input (bad expressions in a long-running process) cannot grow it without
 * limit; past the bound, strings are simply not shared.
 */
const MAX_ENTRIES = 8192
const table = new Map<string, string>()

/**
 * The shared instance of `text` when it is at most `maxLength` long. Callers pass a small bound for
 * literal values: long ones (paths, hosts) rarely repeat, and tracking them costs time for nothing.
 */
export function intern(text: string, maxLength: number): string {
  if (text.length > maxLength) return text
  const shared = table.get(text)
  if (shared !== undefined) return shared
  if (table.size >= MAX_ENTRIES) return text
  const own = engineShared(text)
  table.set(own, own)
  return own
}

/**
 * The engine's own copy of `text`: JavaScript engines keep one instance of each property name, and
 * a name read back from an object is that instance. Field names in that form are the same string
 * as the names in callers' code, so a lookup by name compares pointers instead of characters.
 */
function engineShared(text: string): string {
  const holder: Record<string, true> = { [text]: true }
  for (const name in holder) return name
  return text
}

/**
 * `intern(source.slice(start, end), maxLength)` without the slice when the text is one of the few
 * names seen last: a configuration's expressions name the same handful of fields over and over, and
 * comparing in place skips cutting and hashing a new string for each.
 */
export function internSlice(source: string, start: number, end: number, maxLength: number): string {
  const length = end - start
  for (let r = 0; r < RECENT; r++) {
    const name = recentNames[r]
    if (name !== undefined && name.length === length && source.startsWith(name, start)) return name
  }
  const name = intern(source.slice(start, end), maxLength)
  recentNames[nextName] = name
  nextName = (nextName + 1) % RECENT
  return name
}

const recentNames: (string | undefined)[] = []
let nextName = 0

const lists = new Map<string, readonly string[]>()

/**
 * The shared, frozen instance of a short list of names (the fields a route reads: most routes of a
 * configuration read the same two or three). Bounded like the string table.
 */
export function internList(items: readonly string[]): readonly string[] {
  // Most lists are one of a few seen just before: compared in place (names are shared strings)
  // before a key is built.
  for (let r = 0; r < recent.length; r++) {
    const list = recent[r] as readonly string[]
    if (sameItems(list, items)) return list
  }
  const key = items.join('\u0000')
  let list = lists.get(key)
  if (list === undefined) {
    list = Object.freeze(items.slice())
    if (lists.size < MAX_ENTRIES) lists.set(key, list)
  }
  recent[next] = list
  next = (next + 1) % RECENT
  return list
}

const RECENT = 8
const recent: (readonly string[])[] = []
let next = 0

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** V8 keeps a slice of at least this many characters as a view into the string it was cut from. */
const VIEW_FROM = 13

/**
 * `text` as a string of its own. A view costs an extra object elsewhere in memory on every read, and
 * literals and index labels are read on every request (a few percent of a match, measured); a view
 * also keeps its whole source alive. Joining two parts builds one new flat string (V8 joins an
 * array into a sequential string; `+` would build a rope), in about 70 ns for 25 characters where
 * copying the code units through `String.fromCharCode` took 165 (measured).
 */
export function ownString(text: string): string {
  if (text.length < VIEW_FROM) return text
  return [text.slice(0, 1), text.slice(1)].join('')
}
