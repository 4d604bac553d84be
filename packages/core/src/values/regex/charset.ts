/**
 * Sets of Unicode scalar values as sorted, disjoint, non-adjacent inclusive ranges.
 *
 * Both engines read the same sets: the Pike VM tests membership with a binary search (plus an
 * ASCII bitmap), the RegExp translation prints them as class ranges. Keeping one representation
 * is what makes the two engines agree on every class, including case folding and `&&`/`--`/`~~`.
 */
import { memoBySet } from './memo.ts'

/** The largest Unicode scalar value. */
export const MAX_CODE_POINT = 0x10ffff

/**
 * A set of code points: `ranges` holds `[lo0, hi0, lo1, hi1, ...]`, sorted, disjoint and never
 * adjacent. `js` optionally holds JS class syntax denoting exactly this set: a body of property
 * escapes (`\p{Nd}`, `\p{L}\p{M}`), or for set algebra a nested (`v`-mode) expression that the
 * translation does not use. It lets a large set be printed as property escapes instead of
 * hundreds of ranges; any operation that cannot keep it exact drops it.
 */
export interface CharSet {
  readonly ranges: readonly number[]
  readonly js?: string
}

/** The empty set. */
export const EMPTY_SET: CharSet = { ranges: [] }

/** Builds a set from arbitrary (possibly overlapping, unsorted) inclusive ranges. */
export function setFromRanges(pairs: readonly number[], js?: string): CharSet {
  // Most inputs (class items, literal folds) arrive sorted: merge them in place, allocating
  // no pair objects and sorting nothing.
  let sorted = true
  for (let i = 2; i + 1 < pairs.length; i += 2) {
    if ((pairs[i] as number) < (pairs[i - 2] as number)) {
      sorted = false
      break
    }
  }
  let out: number[]
  if (sorted) {
    out = []
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const lo = pairs[i] as number
      const hi = pairs[i + 1] as number
      if (lo > hi) continue
      const n = out.length
      if (n > 0 && lo <= (out[n - 1] as number) + 1) {
        if (hi > (out[n - 1] as number)) out[n - 1] = hi
      } else {
        out.push(lo, hi)
      }
    }
  } else {
    out = sortAndMerge(pairs)
  }
  return js === undefined ? { ranges: out } : { ranges: out, js }
}

function sortAndMerge(pairs: readonly number[]): number[] {
  const items: [number, number][] = []
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const lo = pairs[i] as number
    const hi = pairs[i + 1] as number
    if (lo <= hi) items.push([lo, hi])
  }
  items.sort((a, b) => a[0] - b[0])
  const out: number[] = []
  for (const [lo, hi] of items) appendRange(out, lo, hi)
  return out
}

/** The set holding one code point. */
export function setOf(cp: number): CharSet {
  if (cp < ASCII_SINGLETONS.length) return ASCII_SINGLETONS[cp] as CharSet
  return { ranges: [cp, cp] }
}

// Sets are immutable, so the one-character ASCII sets (every literal character of most route
// regexes) are shared instead of built per character per pattern.
const ASCII_SINGLETONS: readonly CharSet[] = Array.from({ length: 128 }, (_, cp) => ({ ranges: [cp, cp] }))

/** Union of two sets. */
export function union(a: CharSet, b: CharSet): CharSet {
  if (a.ranges.length === 0) return b
  if (b.ranges.length === 0) return a
  const js = a.js !== undefined && b.js !== undefined ? a.js + b.js : undefined
  const out = mergeRanges(a.ranges, b.ranges)
  return js === undefined ? { ranges: out } : { ranges: out, js }
}

/**
 * Union of two normalised range lists by a linear merge: the safety analysis unions first/last
 * sets at every node, and sorting pairs (as `setFromRanges` must for arbitrary input) dominated
 * compile time. Same result as `setFromRanges([...x, ...y])`.
 */
function mergeRanges(x: readonly number[], y: readonly number[]): number[] {
  // Bulk copying only pays off when the large side is large (`\w`, not `[a-z0-9-]`).
  if (x.length >= 64 && y.length <= 8) return mergeSmall(x, y)
  if (y.length >= 64 && x.length <= 8) return mergeSmall(y, x)
  return mergeGeneral(x, y)
}

/**
 * Merges a few ranges (`small`, like the `-` of `[\w-]`) into a large list: the untouched head
 * and tail are copied in bulk, and only the ranges near the small ones are merged one by one.
 */
function mergeSmall(large: readonly number[], small: readonly number[]): number[] {
  // The first large range that could touch small's first range (ends at or after its start - 1).
  let a = 0
  let b = large.length >> 1
  const first = (small[0] as number) - 1
  while (a < b) {
    const mid = (a + b) >> 1
    if ((large[2 * mid + 1] as number) < first) a = mid + 1
    else b = mid
  }
  // The first large range entirely past small's last range (starts after its end + 1).
  const last = (small[small.length - 1] as number) + 1
  let c = a
  let d = large.length >> 1
  while (c < d) {
    const mid = (c + d) >> 1
    if ((large[2 * mid] as number) <= last) c = mid + 1
    else d = mid
  }
  return large.slice(0, 2 * a).concat(mergeGeneral(large.slice(2 * a, 2 * c), small), large.slice(2 * c))
}

function mergeGeneral(x: readonly number[], y: readonly number[]): number[] {
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < x.length || j < y.length) {
    let lo: number
    let hi: number
    if (j >= y.length || (i < x.length && (x[i] as number) <= (y[j] as number))) {
      lo = x[i] as number
      hi = x[i + 1] as number
      i += 2
    } else {
      lo = y[j] as number
      hi = y[j + 1] as number
      j += 2
    }
    appendRange(out, lo, hi)
  }
  return out
}

/**
 * Complement within the Unicode scalar values. Surrogates are never members: Rust matches `&str`,
 * which cannot hold them, so `[^a]` and `.` must not match a lone surrogate in a JS string either.
 */
export const negate: (a: CharSet) => CharSet = memoBySet(negateUncached)

function negateUncached(a: CharSet): CharSet {
  const out: number[] = []
  let next = 0
  const r = a.ranges
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i] as number
    const hi = r[i + 1] as number
    if (lo > next) out.push(next, lo - 1)
    next = hi + 1
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT)
  const body = subtractSurrogates(out)
  return a.js !== undefined ? { ranges: body, js: `[^${a.js}\u{D800}-\u{DFFF}]` } : { ranges: body }
}

function subtractSurrogates(r: readonly number[]): number[] {
  const out: number[] = []
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i] as number
    const hi = r[i + 1] as number
    if (hi < 0xd800 || lo > 0xdfff) {
      out.push(lo, hi)
      continue
    }
    if (lo < 0xd800) out.push(lo, 0xd7ff)
    if (hi > 0xdfff) out.push(0xe000, hi)
  }
  return out
}

/** Intersection of two sets. */
export function intersect(a: CharSet, b: CharSet): CharSet {
  const out: number[] = []
  const x = a.ranges
  const y = b.ranges
  let i = 0
  let j = 0
  while (i < x.length && j < y.length) {
    const lo = Math.max(x[i] as number, y[j] as number)
    const hi = Math.min(x[i + 1] as number, y[j + 1] as number)
    if (lo <= hi) out.push(lo, hi)
    if ((x[i + 1] as number) < (y[j + 1] as number)) i += 2
    else j += 2
  }
  const js = a.js !== undefined && b.js !== undefined ? `[${a.js}]&&[${b.js}]` : undefined
  return js === undefined ? { ranges: out } : { ranges: out, js: `[${js}]` }
}

/** Members of `a` that are not in `b`. */
export function difference(a: CharSet, b: CharSet): CharSet {
  const inter = intersect(a, negateRaw(b))
  const js = a.js !== undefined && b.js !== undefined ? `[[${a.js}]--[${b.js}]]` : undefined
  return js === undefined ? { ranges: inter.ranges } : { ranges: inter.ranges, js }
}

/** Members of exactly one of the two sets. */
export function symmetricDifference(a: CharSet, b: CharSet): CharSet {
  const u = union({ ranges: a.ranges }, { ranges: b.ranges })
  const i = intersect({ ranges: a.ranges }, { ranges: b.ranges })
  return { ranges: difference(u, i).ranges }
}

/** Complement over all code points including surrogates (used only for set algebra). */
function negateRaw(a: CharSet): CharSet {
  const out: number[] = []
  let next = 0
  const r = a.ranges
  for (let i = 0; i < r.length; i += 2) {
    if ((r[i] as number) > next) out.push(next, (r[i] as number) - 1)
    next = (r[i + 1] as number) + 1
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT)
  return { ranges: out }
}

/** True when `cp` is in the set (binary search). */
export function contains(set: CharSet, cp: number): boolean {
  return inRanges(set.ranges, cp)
}

/** True when `cp` lies in one of the sorted, disjoint `[lo, hi, lo, hi, …]` ranges (binary search). */
export function inRanges(r: readonly number[], cp: number): boolean {
  let lo = 0
  let hi = (r.length >> 1) - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (cp < (r[2 * mid] as number)) hi = mid - 1
    else if (cp > (r[2 * mid + 1] as number)) lo = mid + 1
    else return true
  }
  return false
}

/**
 * True when the two sets share a member, allocating nothing: a few binary searches when one set
 * is small (a literal against `\w`), else a merge walk.
 */
export function overlaps(a: CharSet, b: CharSet): boolean {
  const x = a.ranges
  const y = b.ranges
  if (x.length === 0 || y.length === 0) return false
  if (x.length <= 8 || y.length <= 8) {
    const [small, large] = x.length <= y.length ? [x, y] : [y, x]
    for (let i = 0; i < small.length; i += 2) if (meetsRange(large, small[i] as number, small[i + 1] as number)) return true
    return false
  }
  let i = 0
  let j = 0
  while (i < x.length && j < y.length) {
    if ((x[i + 1] as number) < (y[j] as number)) i += 2
    else if ((y[j + 1] as number) < (x[i] as number)) j += 2
    else return true
  }
  return false
}

/** True when some range of `r` intersects `[lo, hi]`: the first range ending at or after `lo`. */
function meetsRange(r: readonly number[], lo: number, hi: number): boolean {
  let a = 0
  let b = (r.length >> 1) - 1
  while (a < b) {
    const mid = (a + b) >> 1
    if ((r[2 * mid + 1] as number) < lo) a = mid + 1
    else b = mid
  }
  return (r[2 * a + 1] as number) >= lo && (r[2 * a] as number) <= hi
}

/** True when the sets have the same members. */
export function sameSet(a: CharSet, b: CharSet): boolean {
  if (a.ranges.length !== b.ranges.length) return false
  for (let i = 0; i < a.ranges.length; i++) if (a.ranges[i] !== b.ranges[i]) return false
  return true
}

/** The single member of a one-element set, or undefined. */
export function singleMember(set: CharSet): number | undefined {
  return set.ranges.length === 2 && set.ranges[0] === set.ranges[1] ? set.ranges[0] : undefined
}

/** True when every member is ASCII. */
export function isAscii(set: CharSet): boolean {
  const n = set.ranges.length
  return n === 0 || (set.ranges[n - 1] as number) <= 0x7f
}

/** Appends `[lo, hi]` to ranges built in ascending order, merging it into the last range when they touch. */
function appendRange(out: number[], lo: number, hi: number): void {
  const n = out.length
  if (n > 0 && lo <= (out[n - 1] as number) + 1) {
    if (hi > (out[n - 1] as number)) out[n - 1] = hi
  } else out.push(lo, hi)
}
