/**
 * Unicode data for the Rust dialect, read from the platform's own tables through `RegExp`
 * property escapes, so that `core` bundles no Unicode data and both engines use identical sets.
 * Sets are computed once per property on first use and cached.
 */
import { type CharSet, setFromRanges, union, contains } from './charset.ts'
import { memoBySet } from './memo.ts'
import { BINARY_PROPERTIES, GENERAL_CATEGORIES, SCRIPTS, SCRIPTS_WITHOUT_TABLE, UNSUPPORTED_PROPERTIES, normalizeName } from './unicode-names.ts'

/**
 * Code point segments that are scanned one by one. Planes 4-13 are unassigned and planes 15-16
 * private use: every property is uniform there except at the noncharacters, so one sample per
 * plane stands for the whole plane (see `scan`), which keeps a first scan around 10 ms.
 */
const SEGMENTS: readonly (readonly [number, number])[] = [
  [0, 0xd7ff],
  [0xe000, 0xffff],
  [0x10000, 0x3ffff],
  [0xe0000, 0xeffff],
]
const UNIFORM_PLANES: readonly (readonly [number, number])[] = [
  [0x40000, 0xdffff],
  [0xf0000, 0x10ffff],
]

let haystacks: string[] | undefined

function segmentText(lo: number, hi: number): string {
  const parts: string[] = []
  const chunk: number[] = []
  for (let c = lo; c <= hi; c++) {
    chunk.push(c)
    if (chunk.length === 4096) {
      parts.push(String.fromCodePoint(...chunk))
      chunk.length = 0
    }
  }
  if (chunk.length > 0) parts.push(String.fromCodePoint(...chunk))
  return parts.join('')
}

function getHaystacks(): string[] {
  if (haystacks === undefined) haystacks = SEGMENTS.map(([lo, hi]) => segmentText(lo, hi))
  return haystacks
}

/** Code points matched by a JS class body (`\p{Nd}`, `\p{L}\p{M}`), as ranges. */
function scan(body: string): number[] {
  const out: number[] = []
  const texts = getHaystacks()
  const re = new RegExp(`[${body}]+`, 'gu')
  for (let s = 0; s < SEGMENTS.length; s++) {
    const text = texts[s] as string
    re.lastIndex = 0
    let m: RegExpExecArray | null
    while ((m = re.exec(text)) !== null) {
      const end = m.index + m[0].length
      const last = text.charCodeAt(end - 1)
      const first = text.codePointAt(m.index) as number
      const lastCp = last >= 0xdc00 && last <= 0xdfff ? (text.codePointAt(end - 2) as number) : last
      out.push(first, lastCp)
    }
  }
  const single = new RegExp(`^[${body}]$`, 'u')
  const drop: number[] = []
  for (const [lo, hi] of UNIFORM_PLANES) {
    const inside = single.test(String.fromCodePoint(lo))
    if (inside) out.push(lo, hi)
    for (let plane = lo >> 16; plane <= hi >> 16; plane++) {
      for (const low of [0xfffe, 0xffff]) {
        const cp = (plane << 16) | low
        const actual = single.test(String.fromCodePoint(cp))
        if (actual && !inside) out.push(cp, cp)
        if (!actual && inside) drop.push(cp)
      }
    }
  }
  const set = setFromRanges(out)
  if (drop.length === 0) return [...set.ranges]
  const kept: number[] = []
  const r = set.ranges
  for (let i = 0; i < r.length; i += 2) {
    let lo = r[i] as number
    const hi = r[i + 1] as number
    for (const d of drop) {
      if (d >= lo && d <= hi) {
        if (d > lo) kept.push(lo, d - 1)
        lo = d + 1
      }
    }
    if (lo <= hi) kept.push(lo, hi)
  }
  return kept
}

const cache = new Map<string, CharSet>()

/**
 * The set denoted by a JS class body made of property escapes, cached; the body is kept as `js`
 * so the translation can print a large set as `[body]` instead of hundreds of ranges.
 */
export function propertySet(body: string): CharSet {
  let set = cache.get(body)
  if (set === undefined) {
    // Rust classes never hold surrogates; a body that matches one (`\p{C}`) cannot stand for the
    // set in a RegExp, so only its ranges are kept.
    const hasSurrogates = new RegExp(`[${body}]`, 'u').test('\uD800') || new RegExp(`[${body}]`, 'u').test('\uDC00')
    set = setFromRanges(scan(body), hasSurrogates ? undefined : body)
    cache.set(body, set)
  }
  return set
}

/** Rust `\d` with Unicode: the Decimal_Number category. */
export function perlDigit(): CharSet {
  return propertySet('\\p{Nd}')
}

/** Rust `\s` with Unicode: the White_Space property. */
export function perlSpace(): CharSet {
  return propertySet('\\p{White_Space}')
}

/** Rust `\w` with Unicode (also the word characters of `\b`): Alphabetic, M, Nd, Pc, Join_Control. */
export function perlWord(): CharSet {
  return propertySet('\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}')
}

/** What a `\p{...}` query resolved to: a set, or the reason it did not resolve. */
export type PropertyResult =
  | { readonly ok: true; readonly set: CharSet }
  | { readonly ok: false; readonly reason: 'property' | 'value' | 'unsupported' }

type Table = ReadonlyMap<string, string>

function table(rows: readonly (readonly string[])[], jsOf: (row: readonly string[]) => string): Table {
  const map = new Map<string, string>()
  for (const row of rows) {
    const js = jsOf(row)
    for (const name of row) map.set(normalizeName(name), js)
  }
  return map
}

let tables: { gc: Table; script: Table; scx: Table; binary: Table; props: Map<string, string>; scriptWithoutTable: Set<string> } | undefined

function getTables(): NonNullable<typeof tables> {
  if (tables !== undefined) return tables
  const gc = table(GENERAL_CATEGORIES, (row) => `\\p{General_Category=${row[1] as string}}`)
  const script = table(SCRIPTS, (row) => `\\p{Script=${row[0] as string}}`)
  const scx = table(SCRIPTS, (row) => `\\p{Script_Extensions=${row[0] as string}}`)
  const binary = table(BINARY_PROPERTIES, (row) => `\\p{${row[0] as string}}`)
  const props = new Map<string, string>()
  for (const n of ['General_Category', 'gc']) props.set(normalizeName(n), 'gc')
  for (const n of ['Script', 'sc']) props.set(normalizeName(n), 'sc')
  for (const n of ['Script_Extensions', 'scx']) props.set(normalizeName(n), 'scx')
  for (const row of BINARY_PROPERTIES) for (const n of row) props.set(normalizeName(n), 'binary')
  for (const n of UNSUPPORTED_PROPERTIES) props.set(normalizeName(n), 'unsupported')
  const scriptWithoutTable = new Set(SCRIPTS_WITHOUT_TABLE.map(normalizeName))
  tables = { gc, script, scx, binary, props, scriptWithoutTable }
  return tables
}

function specialGc(norm: string): CharSet | undefined {
  if (norm === 'any') return setFromRanges([0, 0xd7ff, 0xe000, 0x10ffff])
  if (norm === 'ascii') return setFromRanges([0, 0x7f])
  if (norm === 'assigned') return propertySet('\\P{General_Category=Cn}')
  return undefined
}

function fromJs(js: string | undefined): PropertyResult | undefined {
  if (js === undefined) return undefined
  try {
    return { ok: true, set: propertySet(js) }
  } catch {
    // The platform's Unicode version lacks this value: treat it as unsupported, not as Rust's error.
    return { ok: false, reason: 'unsupported' }
  }
}

/** Resolves `\pX`/`\p{name}` the way regex-syntax does: binary property, then category, then script. */
export function resolveName(name: string): PropertyResult {
  const t = getTables()
  const norm = normalizeName(name)
  // `cf`, `sc` and `lc` are both property and category abbreviations; Rust reads them as categories.
  if (norm !== 'cf' && norm !== 'sc' && norm !== 'lc') {
    const kind = t.props.get(norm)
    if (kind === 'binary') return fromJs(t.binary.get(norm)) ?? { ok: false, reason: 'property' }
    if (kind === 'unsupported') return { ok: false, reason: 'unsupported' }
    if (kind !== undefined) return { ok: false, reason: 'property' }
  }
  const special = specialGc(norm)
  if (special !== undefined) return { ok: true, set: special }
  return fromJs(t.gc.get(norm)) ?? fromJs(t.script.get(norm)) ?? { ok: false, reason: t.scriptWithoutTable.has(norm) ? 'value' : 'property' }
}

/** Resolves `\p{name=value}` (also `name:value`). */
export function resolveNameValue(name: string, value: string): PropertyResult {
  const t = getTables()
  const kind = t.props.get(normalizeName(name))
  const v = normalizeName(value)
  if (kind === undefined) return { ok: false, reason: 'property' }
  if (kind === 'unsupported') return { ok: false, reason: 'unsupported' }
  if (kind === 'gc') {
    const special = specialGc(v)
    if (special !== undefined) return { ok: true, set: special }
    return fromJs(t.gc.get(v)) ?? { ok: false, reason: 'value' }
  }
  if (kind === 'sc') return fromJs(t.script.get(v)) ?? { ok: false, reason: 'value' }
  if (kind === 'scx') return fromJs(t.scx.get(v)) ?? { ok: false, reason: 'value' }
  return { ok: false, reason: 'value' }
}

// ---------------------------------------------------------------------------------------------
// Simple case folding

let orbits: Map<number, readonly number[]> | undefined
let foldable: CharSet | undefined

/**
 * Cased letters added after Unicode 16, the version of regex 1.11's tables: platforms with newer
 * data (Node 20.20 has Unicode 17) would otherwise fold them, and Rust does not. These are
 * Unicode 17's new case pairs (U+A7D3 and U+A7D5 are older lowercase letters whose capitals are
 * new, so they had no pair in Unicode 16 either).
 */
const NEWER_CASED: readonly number[] = [0xa7ce, 0xa7cf, 0xa7d2, 0xa7d5, 0x16ea0, 0x16ed3]

/**
 * Simple case folding pairs that neither `toLowerCase` nor `toUpperCase` reveal: Unicode 16 gave
 * these canonically or compatibly equivalent letters `S` entries in CaseFolding.txt (before, they
 * only had full foldings), so regex 1.11 folds them together. The platform confirms each pair
 * before it is used.
 */
const FOLD_ONLY_PAIRS: readonly (readonly [number, number])[] = [
  [0x1fd3, 0x0390],
  [0x1fe3, 0x03b0],
  [0xfb05, 0xfb06],
]

function isNewerCased(c: number): boolean {
  for (let i = 0; i < NEWER_CASED.length; i += 2) if (c >= (NEWER_CASED[i] as number) && c <= (NEWER_CASED[i + 1] as number)) return true
  return false
}

const SAME_FOLD = /^([^])\1$/iu

function buildOrbits(): Map<number, readonly number[]> {
  const parent = new Map<number, number>()
  const find = (x: number): number => {
    let r = x
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as number
    return r
  }
  const join = (a: number, b: number): void => {
    const ra = find(a)
    const rb = find(b)
    if (!parent.has(ra)) parent.set(ra, ra)
    if (!parent.has(rb)) parent.set(rb, rb)
    if (ra !== rb) parent.set(ra, rb)
  }
  // JS `u`+`i` canonicalizes with simple case folding, exactly the relation Rust uses.
  // A backreference under `ui` compares canonicalized characters exactly as a literal does, so
  // one shared RegExp answers for every pair (building a RegExp per pair took most of the time).
  const sameFold = (a: number, b: number): boolean => SAME_FOLD.test(String.fromCodePoint(a) + String.fromCodePoint(b))
  // One scan of the platform tables for both properties (each scan walks every code point).
  const candidates = propertySet('\\p{Changes_When_Casemapped}\\p{Changes_When_Casefolded}')
  const r = candidates.ranges
  for (let i = 0; i < r.length; i += 2) {
    for (let c = r[i] as number; c <= (r[i + 1] as number); c++) {
      const s = String.fromCodePoint(c)
      for (const m of [s.toLowerCase(), s.toUpperCase()]) {
        const d = m.codePointAt(0) as number
        if (m.length === String.fromCodePoint(d).length && d !== c && !isNewerCased(c) && !isNewerCased(d) && sameFold(c, d)) join(c, d)
      }
    }
  }
  for (const [c, d] of FOLD_ONLY_PAIRS) if (sameFold(c, d)) join(c, d)
  const groups = new Map<number, number[]>()
  for (const c of parent.keys()) {
    const root = find(c)
    let g = groups.get(root)
    if (g === undefined) groups.set(root, (g = []))
    g.push(c)
  }
  const result = new Map<number, readonly number[]>()
  for (const g of groups.values()) {
    g.sort((a, b) => a - b)
    for (const c of g) result.set(c, g)
  }
  return result
}

function getOrbits(): Map<number, readonly number[]> {
  if (orbits === undefined) {
    orbits = buildOrbits()
    foldable = setFromRanges([...orbits.keys()].flatMap((c) => [c, c]))
  }
  return orbits
}

/**
 * Simple case variants of the ASCII letters, the same orbits `buildOrbits` finds (checked by a
 * test): `k` also folds with U+212A KELVIN SIGN and `s` with U+017F LONG S. Patterns whose
 * folded classes are ASCII (`(?i)^/api/v[0-9]+/…`) use this and never build the full orbit
 * table (about 70 ms on first use).
 */
function asciiOrbit(c: number): readonly number[] | undefined {
  const lower = c | 0x20
  if (lower < 0x61 || lower > 0x7a) return undefined
  if (lower === 0x6b) return [0x4b, 0x6b, 0x212a]
  if (lower === 0x73) return [0x53, 0x73, 0x17f]
  return [lower - 0x20, lower]
}

/** The simple case orbit of `c` from the platform's tables (the test checks `asciiOrbit` with it). */
export function simpleOrbitOf(c: number): readonly number[] | undefined {
  return getOrbits().get(c)
}

/** Rust's `case_fold_simple`: adds every simple case variant of every member. */
export const caseFoldSimple: (set: CharSet) => CharSet = memoBySet(caseFoldSimpleUncached)

/**
 * Folds of single code points (the literals of `(?i)` patterns), built lazily: one shared,
 * immutable set per code point instead of a fresh union per literal per pattern.
 */
const literalFolds = new Map<number, CharSet>()
const LITERAL_FOLD_CACHE = 65536

function caseFoldSimpleUncached(set: CharSet): CharSet {
  const r = set.ranges
  if (r.length === 0) return set
  if (r.length === 2 && r[0] === r[1]) return cachedFold(literalFolds, LITERAL_FOLD_CACHE, r[0] as number, set)
  if (r.length > 2 * SMALL_FOLD_RANGES) return foldRanges(set)
  // Route classes repeat across routes (`(?i)[a-z0-9-]+` in thousands of them): small sets are
  // cached by content, so each distinct class is folded once.
  return cachedFold(smallFolds, SMALL_FOLD_CACHE, r.join(','), set)
}

/**
 * The fold of `set` from a bounded cache (cleared when full, so arbitrary patterns cannot grow it
 * without limit). An unchanged set is returned as given, keeping its `js`; only real folds are shared.
 */
function cachedFold<K>(cache: Map<K, CharSet>, limit: number, key: K, set: CharSet): CharSet {
  let folded = cache.get(key)
  if (folded === undefined) {
    folded = foldRanges(set)
    if (folded === set) return set
    if (cache.size >= limit) cache.clear()
    cache.set(key, folded)
  }
  return folded
}

/** Sets of at most this many ranges are cached by content in `smallFolds`. */
const SMALL_FOLD_RANGES = 8
/** Bound on `smallFolds`: cleared when full, so arbitrary patterns cannot grow it without limit. */
const SMALL_FOLD_CACHE = 4096
const smallFolds = new Map<string, CharSet>()

function foldRanges(set: CharSet): CharSet {
  const r = set.ranges
  if ((r[r.length - 1] as number) <= 0x7f) {
    const extra: number[] = []
    for (let i = 0; i < r.length; i += 2) {
      for (let c = r[i] as number; c <= (r[i + 1] as number); c++) for (const o of asciiOrbit(c) ?? []) extra.push(o, o)
    }
    return withExtra(set, extra)
  }
  const map = getOrbits()
  const f = foldable as CharSet
  const extra: number[] = []
  let size = 0
  for (let i = 0; i < r.length; i += 2) size += (r[i + 1] as number) - (r[i] as number) + 1
  if (size <= 512) {
    // Small sets (literals, short ranges): look each member up.
    for (let i = 0; i < r.length; i += 2) {
      for (let c = r[i] as number; c <= (r[i + 1] as number); c++) for (const o of map.get(c) ?? []) extra.push(o, o)
    }
  } else {
    // Large sets: walk the (small) foldable set instead.
    const fr = f.ranges
    for (let i = 0; i < fr.length; i += 2) {
      for (let c = fr[i] as number; c <= (fr[i + 1] as number); c++) {
        if (contains(set, c)) for (const o of map.get(c) ?? []) extra.push(o, o)
      }
    }
  }
  return withExtra(set, extra)
}

function withExtra(set: CharSet, extra: readonly number[]): CharSet {
  if (extra.length === 0) return set
  const folded = union({ ranges: set.ranges }, pointSet(extra))
  return folded.ranges.length === set.ranges.length && folded.ranges.every((v, i) => v === set.ranges[i])
    ? set
    : folded
}

/**
 * The set of the code points in `pairs` (`[c, c, d, d, ...]`). Sorting plain numbers and merging
 * is much cheaper than sorting range pairs, and folds produce many single points.
 */
function pointSet(pairs: readonly number[]): CharSet {
  // A typed array sorts numerically without a comparator call per step.
  const points = new Int32Array(pairs.length >> 1)
  for (let i = 0; i < points.length; i++) points[i] = pairs[2 * i] as number
  points.sort()
  const out: number[] = []
  for (const c of points) {
    const n = out.length
    if (n > 0 && c <= (out[n - 1] as number) + 1) {
      if (c > (out[n - 1] as number)) out[n - 1] = c
    } else {
      out.push(c, c)
    }
  }
  return { ranges: out }
}

/** ASCII-only case folding, for `(?i-u)`. */
export function caseFoldAscii(set: CharSet): CharSet {
  const extra: number[] = []
  for (let c = 0x41; c <= 0x5a; c++) {
    if (contains(set, c)) extra.push(c + 32, c + 32)
    if (contains(set, c + 32)) extra.push(c, c)
  }
  return withExtra(set, extra)
}
