/**
 * Per-process caches of sets and class sources derived from other immutable sets. The shared
 * Unicode sets (`\d`, `\w`, properties) are the same objects for every pattern, so what is
 * derived from them (negations, case-fold closures, printed JS classes) can be computed once
 * instead of once per route regex. Keys are held weakly: fresh per-pattern sets cost nothing.
 */
import type { CharSet } from './charset.ts'

/**
 * Sets with fewer ranges than this are cheaper to derive again than to look up and keep: only
 * the large shared Unicode sets are worth remembering.
 */
const MIN_RANGES = 16

/** Wraps a pure function of a set so that large sets are derived once per process. */
export function memoBySet<T>(f: (set: CharSet) => T): (set: CharSet) => T {
  const cache = new WeakMap<CharSet, T>()
  return (set) => {
    if (set.ranges.length < 2 * MIN_RANGES) return f(set)
    let v = cache.get(set)
    if (v === undefined) {
      v = f(set)
      cache.set(set, v)
    }
    return v
  }
}
