/**
 * HIR → JS `RegExp` source (flag `u`). Nothing is left to JS's own reading of `\d \w \s \b .`,
 * `^ $` or case folding, which all differ from Rust: every class is printed as explicit code point
 * ranges (or, for huge sets, as the exact property expression it was read from), case folding is already in the
 * sets, and line anchors and word boundaries become look-arounds over Rust's definitions.
 * Capture groups are plain numbered groups in the same order; names are kept outside the RegExp,
 * because Rust allows `.`, `[` and `]` in names.
 */
import { type CharSet, difference, negate, singleMember } from './charset.ts'
import type { Hir } from './hir.ts'
import { memoBySet } from './memo.ts'
import { perlWord, propertySet } from './unicode.ts'

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`
}

/**
 * ASCII characters with a meaning in `u`-mode patterns; `\` + char is their identity escape.
 * `/` has none in a `RegExp` source (only literals need `\/`), so route paths print unescaped.
 */
const SYNTAX = new Set('^$\\.*+?()[]{}|')

/**
 * One code point as pattern text. V8's RegExp construction cost grows with the source length
 * (a `\u{..}` escape costs about twice a literal character), so printable characters are written
 * as themselves: everything from U+00A0 up except surrogates (never set members, but kept as
 * escapes so that a range ending at one cannot pair up with a neighbour). Controls and U+007F-
 * U+009F stay escaped. `-` needs an escape only inside a class, where `u` mode allows `\-`.
 */
function char(cp: number, inClass: boolean): string {
  if (cp < 0xa0) return ((inClass ? ASCII_IN_CLASS : ASCII) as readonly string[])[cp] as string
  return cp >= 0xd800 && cp <= 0xdfff ? hex(cp) : String.fromCodePoint(cp)
}

function asciiChar(cp: number, inClass: boolean): string {
  if (cp < 0x20 || cp >= 0x7f) return hex(cp)
  const c = String.fromCharCode(cp)
  if (SYNTAX.has(c)) return `\\${c}`
  return c === '-' && inClass ? '\\-' : c
}

// The text of every code point below U+00A0, outside and inside a class, computed once.
const ASCII = Array.from({ length: 0xa0 }, (_, cp) => asciiChar(cp, false))
const ASCII_IN_CLASS = Array.from({ length: 0xa0 }, (_, cp) => asciiChar(cp, true))

/** Above this many ranges a property expression is cheaper for V8 than printed ranges. */
const PROPERTY_MIN_RANGES = 2000

/**
 * A class for `set`: printed ranges, or for very large sets their property expression when known.
 * Memoised: the shared Unicode sets (`\d`, `\w`) are printed once per process, not per pattern.
 */
export const classSource: (set: CharSet) => string = memoBySet(classSourceUncached)

function classSourceUncached(set: CharSet): string {
  const r = set.ranges
  const js = set.js
  // V8 builds `\p{..}` sets from ICU at construction (about 10-360 µs each, more inside a class
  // with other members) while printed ranges cost about 0.06 µs per range, so property escapes
  // only pay off for sets of thousands of ranges.
  if (r.length > 2 * PROPERTY_MIN_RANGES && js !== undefined) {
    // Only `u`-mode syntax: a union of property escapes, or one negated union.
    if (!js.includes('[')) return `[${js}]`
    if (js.startsWith('[^') && js.indexOf('[', 1) === -1) return js
  }
  let body = ''
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i] as number
    const hi = r[i + 1] as number
    body += lo === hi ? char(lo, true) : hi === lo + 1 ? char(lo, true) + char(hi, true) : `${char(lo, true)}-${char(hi, true)}`
  }
  return `[${body}]`
}

/** An atom (class or group) matching exactly one member of `set`. */
function setSource(set: CharSet): string {
  const one = singleMember(set)
  if (one !== undefined) return char(one, false)
  // `\W` (the memoised negation, so the same object every time): "not a word character" as a
  // look-ahead over the short `\w` atom, instead of about 800 printed ranges.
  if (set === negate(perlWord())) return `(?:(?!${unicodeWord()})[^\\u{d800}-\\u{dfff}])`
  return atomSource(set)
}

/**
 * Binary properties that V8 builds cheaply (ICU caches them) and that large route classes are
 * close to: `\w` and `[\w-]` differ from ID_Continue, `\pL` from ID_Start, by a few ranges.
 */
const BASES: readonly string[] = ['\\p{ID_Continue}', '\\p{ID_Start}']

let baseSets: { readonly escape: string; readonly set: CharSet }[] | undefined

function getBases(): readonly { readonly escape: string; readonly set: CharSet }[] {
  if (baseSets === undefined) {
    baseSets = []
    for (const escape of BASES) {
      try {
        baseSets.push({ escape, set: propertySet(escape) })
      } catch {
        // A platform without this property simply has one base fewer.
      }
    }
  }
  return baseSets
}

/** Sets with more ranges than this are worth trying to write as a patched property. */
const PATCH_MIN_RANGES = 48
/** The most ranges a patch (both halves together) may have. */
const PATCH_MAX_RANGES = 64

/**
 * An atom for `set`. Large sets are printed as hundreds of ranges, and V8's construction cost
 * grows with them (about 50 µs for `\w`, four more copies for each `\b`). When a cheap base
 * property B is close to the set, the atom is `(?:(?![X])\p{B}|[Y])` with X = B − set and
 * Y = set − B: exactly the set, since both patches come from this platform's own tables, whatever
 * its Unicode version. Inside a look-behind the look-ahead still tests the character just matched
 * (it runs forwards from that character's start), so the atom is exact in every position.
 * Memoised, so `\w` and other shared sets are worked out once per process.
 */
const atomSource: (set: CharSet) => string = memoBySet(atomSourceUncached)

function atomSourceUncached(set: CharSet): string {
  const n = set.ranges.length >> 1
  if (n > PATCH_MIN_RANGES) {
    let best: { readonly escape: string; readonly set: CharSet } | undefined
    let bestCost = Math.min(PATCH_MAX_RANGES, n >> 2)
    for (const base of getBases()) {
      const extra = countDifference(base.set.ranges, set.ranges, bestCost)
      const cost = extra > bestCost ? extra : extra + countDifference(set.ranges, base.set.ranges, bestCost - extra)
      if (cost <= bestCost) {
        best = base
        bestCost = cost
      }
    }
    if (best !== undefined) {
      const extra = difference(best.set, set)
      const missing = difference(set, best.set)
      const head = extra.ranges.length === 0 ? best.escape : `(?!${classSource(extra)})${best.escape}`
      return missing.ranges.length === 0 ? `(?:${head})` : `(?:${head}|${classSource(missing)})`
    }
  }
  return classSource(set)
}

/**
 * The number of ranges in `a − b` (both normalised), or any number above `limit` once it is
 * exceeded: sizes up candidate patches without building them.
 */
function countDifference(a: readonly number[], b: readonly number[], limit: number): number {
  let count = 0
  let j = 0
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i] as number
    const hi = a[i + 1] as number
    while (j < b.length && (b[j + 1] as number) < lo) j += 2
    let k = j
    while (lo <= hi) {
      if (k >= b.length || (b[k] as number) > hi) {
        count++
        break
      }
      if ((b[k] as number) > lo) count++
      lo = (b[k + 1] as number) + 1
      k += 2
    }
    if (count > limit) return count
  }
  return count
}

/** Unicode `\w`, as the atom above (ID_Continue patched by about ten ranges each way). */
function unicodeWord(): string {
  return atomSource(perlWord())
}

function wordClass(ascii: boolean): string {
  return ascii ? '[0-9A-Za-z_]' : unicodeWord()
}

function lookSource(h: Hir & { k: 'look' }): string {
  switch (h.look) {
    case 'start':
      return '^'
    case 'end':
      return '$'
    case 'startLF':
      return '(?<![^\\n])'
    case 'endLF':
      return '(?![^\\n])'
    case 'startCRLF':
      return '(?:(?<![^\\n])|(?<=\\r)(?!\\n))'
    case 'endCRLF':
      return '(?:(?![^\\r])|(?=\\n)(?<!\\r))'
  }
  const w = wordClass(h.ascii)
  switch (h.look) {
    case 'word':
      return `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`
    case 'notWord':
      return `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`
    case 'wordStart':
      return `(?<!${w})(?=${w})`
    case 'wordEnd':
      return `(?<=${w})(?!${w})`
    case 'wordStartHalf':
      return `(?<!${w})`
    case 'wordEndHalf':
      return `(?!${w})`
  }
}

/** JS source for `h`; capture group `index` becomes the JS group of the same number. */
export function toJsSource(h: Hir): string {
  switch (h.k) {
    case 'empty':
      return '(?:)'
    case 'set':
      return setSource(h.set)
    case 'look':
      return lookSource(h)
    case 'cap':
      return `(${toJsSource(h.sub)})`
    case 'cat':
      return h.subs.map(toJsSource).join('')
    case 'alt':
      return `(?:${h.subs.map(toJsSource).join('|')})`
    case 'rep': {
      const q =
        h.min === 0 && h.max === Infinity ? '*'
        : h.min === 1 && h.max === Infinity ? '+'
        : h.min === 0 && h.max === 1 ? '?'
        : h.max === Infinity ? `{${h.min},}`
        : h.min === h.max ? `{${h.min}}`
        : `{${h.min},${h.max}}`
      // A single character or class needs no group around it: a shorter source is cheaper to build.
      const sub = h.sub.k === 'set' ? setSource(h.sub.set) : `(?:${toJsSource(h.sub)})`
      return `${sub}${q}${h.greedy || h.min === h.max ? '' : '?'}`
    }
  }
}

/**
 * Builds the RegExp, or undefined if the platform rejects it. Flag `u`, not `v`: V8 11 (Node 20)
 * mis-evaluates `(?:(?<![^\n])a-)+` under `v`, and the sets never need `v`-only syntax.
 */
export function toRegExp(h: Hir): RegExp | undefined {
  try {
    return new RegExp(toJsSource(h), 'u')
  } catch {
    return undefined
  }
}
