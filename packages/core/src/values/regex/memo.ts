/**
 * Per-process caches of sets and class sources derived from other immutable sets. The shared
 * Unicode sets (`\d`, `\w`, properties) are the same objects for every pattern, so what is
 * derived from them (negations, case-fold closures, printed JS classes) can be computed once
 * instead of once per route regex. Keys are held weakly: fresh per-pattern sets cost nothing.
 * Large fresh sets that recur with the same members (`[\w-]` in many routes builds a new
 * 800-range set each time) are also found by content, through a hash and an exact comparison.
 */
import type { CharSet } from './charset.ts'

/**
 * Sets with fewer ranges than this are cheaper to derive again than to look up and keep: only
 * the large shared Unicode sets are worth remembering.
 */
const MIN_RANGES = 16

/** Sets with at least this many ranges are also looked up by content. */
const CONTENT_MIN_RANGES = 128

/** Bound on each content cache (entries); it is emptied when full, so it cannot grow unbounded. */
const CONTENT_CACHE_SIZE = 256

function hashRanges(r: readonly number[]): number {
  let h = 0x811c9dc5
  for (let i = 0; i < r.length; i++) h = Math.imul(h ^ (r[i] as number), 0x01000193)
  return h
}

function sameContent(a: CharSet, b: CharSet): boolean {
  if (a.js !== b.js || a.ranges.length !== b.ranges.length) return false
  for (let i = 0; i < a.ranges.length; i++) if (a.ranges[i] !== b.ranges[i]) return false
  return true
}

/**
 * Wraps a function of a set so that large sets are derived once per process. `f` must depend only
 * on the set's members and `js` (equal sets may share one result).
 */
export function memoBySet<T>(f: (set: CharSet) => T): (set: CharSet) => T {
  const cache = new WeakMap<CharSet, T>()
  const byContent = new Map<number, { readonly set: CharSet; readonly value: T }[]>()
  let contentEntries = 0
  return (set) => {
    if (set.ranges.length < 2 * MIN_RANGES) return f(set)
    let v = cache.get(set)
    if (v !== undefined) return v
    if (set.ranges.length < 2 * CONTENT_MIN_RANGES) {
      v = f(set)
      cache.set(set, v)
      return v
    }
    const h = hashRanges(set.ranges)
    const bucket = byContent.get(h)
    const hit = bucket?.find((e) => sameContent(e.set, set))
    if (hit !== undefined) {
      cache.set(set, hit.value)
      return hit.value
    }
    v = f(set)
    cache.set(set, v)
    if (contentEntries >= CONTENT_CACHE_SIZE) {
      byContent.clear()
      contentEntries = 0
    }
    const entry = { set, value: v }
    const b = byContent.get(h)
    if (b === undefined) byContent.set(h, [entry])
    else b.push(entry)
    contentEntries++
    return v
  }
}
