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
  if (set === perlWord()) return unicodeWord()
  // `\W` (the memoised negation, so the same object every time): "not a word character" as a
  // look-ahead over the short `\w` atom, instead of about 800 printed ranges.
  if (set === negate(perlWord())) return `(?:(?!${unicodeWord()})[^\\u{d800}-\\u{dfff}])`
  return classSource(set)
}

let unicodeWordAtom: string | undefined

/**
 * Unicode `\w` as a short atom. Printed as ranges it is about 800 ranges (2,800 characters), and
 * a `\b` needs it four times: V8 took 300-400 µs to build such a RegExp. `\p{ID_Continue}` is
 * almost the same set and cheap for V8 (ICU caches binary properties), so `\w` is written as
 * `(?:(?![X])\p{ID_Continue}|[Y])` with X = ID_Continue − \w and Y = \w − ID_Continue (about ten
 * ranges each). Both are computed from this platform's own tables, so the atom denotes exactly
 * the `\w` set whatever the Unicode version; if they are not small, the ranges are printed.
 * Inside a look-behind the look-ahead still tests the character just matched (it runs forwards
 * from that character's start), so the atom is exact in every position.
 */
function unicodeWord(): string {
  if (unicodeWordAtom === undefined) {
    const word = perlWord()
    let atom = classSource(word)
    try {
      const idc = propertySet('\\p{ID_Continue}')
      const extra = difference(idc, word)
      const missing = difference(word, idc)
      if (extra.ranges.length + missing.ranges.length <= 2 * WORD_PATCH_RANGES) {
        const base = extra.ranges.length === 0 ? '\\p{ID_Continue}' : `(?!${classSource(extra)})\\p{ID_Continue}`
        atom = missing.ranges.length === 0 ? `(?:${base})` : `(?:${base}|${classSource(missing)})`
      }
    } catch {
      // A platform without ID_Continue keeps the printed ranges.
    }
    unicodeWordAtom = atom
  }
  return unicodeWordAtom
}

/** The most ranges the ID_Continue-based `\w` may patch before printing ranges is cheaper. */
const WORD_PATCH_RANGES = 64

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
