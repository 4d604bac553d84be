/**
 * HIR → JS `RegExp` source (flag `u`). Nothing is left to JS's own reading of `\d \w \s \b .`,
 * `^ $` or case folding, which all differ from Rust: every class is printed as explicit code point
 * ranges (or as the exact property expression it was read from), case folding is already in the
 * sets, and line anchors and word boundaries become look-arounds over Rust's definitions.
 * Capture groups are plain numbered groups in the same order; names are kept outside the RegExp,
 * because Rust allows `.`, `[` and `]` in names.
 */
import { type CharSet, singleMember } from './charset.ts'
import type { Hir } from './hir.ts'
import { perlWord } from './unicode.ts'

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`
}

function isPlain(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)
}

function char(cp: number): string {
  return isPlain(cp) ? String.fromCharCode(cp) : hex(cp)
}

/** A class for `set`: short sets as ranges, large ones as their property expression when known. */
export function classSource(set: CharSet): string {
  const r = set.ranges
  const js = set.js
  // V8 builds `\p{..}` sets from ICU at construction (about 140 µs each) but explicit ranges cost
  // about 0.7 µs per range, so only large sets are printed as property escapes.
  if (r.length > 400 && js !== undefined) {
    // Only `u`-mode syntax: a union of property escapes, or one negated union.
    if (!js.includes('[')) return `[${js}]`
    if (js.startsWith('[^') && js.indexOf('[', 1) === -1) return js
  }
  let body = ''
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i] as number
    const hi = r[i + 1] as number
    body += lo === hi ? char(lo) : `${char(lo)}-${char(hi)}`
  }
  return `[${body}]`
}

function setSource(set: CharSet): string {
  const one = singleMember(set)
  return one !== undefined ? char(one) : classSource(set)
}

function wordClass(ascii: boolean): string {
  return ascii ? '[0-9A-Za-z_]' : classSource(perlWord())
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
      return `(?:${toJsSource(h.sub)})${q}${h.greedy || h.min === h.max ? '' : '?'}`
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
