/**
 * HIR → JS `RegExp` source (flag `u`). Nothing is left to JS's own reading of `\d \w \s \b .`,
 * `^ $` or case folding, which all differ from Rust: every class is printed as explicit code point
 * ranges (or, for huge sets, as the exact property expression it was read from), case folding is already in the
 * sets, and line anchors and word boundaries become look-arounds over Rust's definitions.
 * Capture groups are plain numbered groups in the same order; names are kept outside the RegExp,
 * because Rust allows `.`, `[` and `]` in names.
 */
import { type CharSet, singleMember } from './charset.ts'
import type { Hir } from './hir.ts'
import { memoBySet } from './memo.ts'
import { perlWord } from './unicode.ts'

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`
}

/** ASCII characters with a meaning in `u`-mode patterns; `\` + char is their identity escape. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/')

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

function setSource(set: CharSet): string {
  const one = singleMember(set)
  return one !== undefined ? char(one, false) : classSource(set)
}

let unicodeWordClass: string | undefined

function wordClass(ascii: boolean): string {
  if (ascii) return '[0-9A-Za-z_]'
  if (unicodeWordClass === undefined) unicodeWordClass = classSource(perlWord())
  return unicodeWordClass
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
