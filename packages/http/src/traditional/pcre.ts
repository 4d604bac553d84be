/**
 * What PCRE refuses in a pattern that Rust's `regex` accepts. Kong compiles every regex path with
 * PCRE when a route is written (traditional-routes.md §1.3) before the ATC flavors also hand it to
 * the engine, so a route must satisfy both. The engine's parser checks the Rust side; this reads the
 * pattern the way PCRE does and finds what only Rust accepts: the `\u` / `\U` code point escapes,
 * the `u` and `R` group flags, a quantifier on a quantifier (`a**`, `a{2}{3}`; PCRE's `?` and `+`
 * after one are its lazy and possessive forms), a repeat count above 65535, a class range whose
 * ends are out of order or a class (`[a--b]`, which Rust reads as a difference; `[[:alpha:]-z]`),
 * and group names that are not PCRE names (`(?<a.b>x)`, more than 32 characters), and `\x{...}` /
 * `\o{...}` code points above 255 (Kong compiles without UTF mode).
 */
import { regexErrorKind, type RegexError } from '@switchyard/core'

export interface PcreRefusal {
  /** PCRE's reason. */
  readonly message: string
  /** UTF-16 offset of the construct in the pattern. */
  readonly offset: number
}

// PCRE's flags (Rust's `i m s x U`, and `n` and `J`, which Rust lacks) and the negation; anything
// else in `(?...)` or `(?...:` is refused.
const PCRE_FLAGS = /^[imnsxJU-]*[:)]/

/** A counted repeat as PCRE reads one: `{n}`, `{n,}` or `{n,m}`; any other `{` is a literal. */
const COUNTED = /^\{(\d+)(?:,(\d*))?\}/

const NO_CODE_POINT_ESCAPES = 'PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u'

/** PCRE2's largest repeat count. */
const MAX_REPEAT = 65535

/** PCRE2's longest group name. */
const MAX_NAME = 32

/** Where the scan stands after an item: a quantifier may follow a repeatable item only once (plus one `?` or `+`). */
type After = 'item' | 'quantifier' | 'modified' | 'nothing'

/** PCRE's refusal of a pattern that Rust accepts, or undefined when PCRE compiles it too. */
export function pcreRefusal(pattern: string): PcreRefusal | undefined {
  let after: After = 'nothing'
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] as string
    if (c === '\\') {
      const next = pattern[i + 1]
      if (next !== undefined && UNSUPPORTED_ESCAPES.has(next)) return refusal(NO_CODE_POINT_ESCAPES, i + 2)
      const tooLarge = codePointTooLarge(pattern, i)
      if (tooLarge !== undefined) return tooLarge
      i = afterEscape(pattern, i)
      after = 'item'
      continue
    }
    if (c === '[') {
      // `[:name:]`, `[.x.]` and `[=x=]` belong inside a class.
      const posix = POSIX_SYNTAX.exec(pattern.slice(i))
      if (posix !== null) return refusal(posix[1] === ':' ? 'POSIX named classes are supported only within a class' : 'POSIX collating elements are not supported', i)
      const scanned = scanClass(pattern, i)
      if (typeof scanned !== 'number') return scanned
      i = scanned
      after = 'item'
      continue
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const group = groupRefusal(pattern, i)
      if (group !== undefined) return group
      after = 'nothing'
      i += 2
      continue
    }
    const counted = c === '{' ? COUNTED.exec(pattern.slice(i)) : null
    if (c === '*' || c === '+' || c === '?' || counted !== null) {
      if (after === 'quantifier' && (c === '?' || c === '+')) {
        after = 'modified'
        i++
        continue
      }
      // PCRE points at a quantifier's last character.
      const last = counted === null ? i : i + counted[0].length - 1
      if (after === 'quantifier' || after === 'modified') return refusal('quantifier does not follow a repeatable item', last)
      if (counted !== null) {
        for (const n of [counted[1], counted[2]]) if (n !== undefined && n !== '' && Number(n) > MAX_REPEAT) return refusal('number too big in {} quantifier', last)
        i += counted[0].length
      } else i++
      after = 'quantifier'
      continue
    }
    after = c === '(' || c === '|' ? 'nothing' : 'item'
    i++
  }
  return undefined
}

/**
 * `\x{...}` or `\o{...}` above 255 at `at`: Kong compiles without UTF mode (no `u` option), where a
 * code point is one byte, so PCRE2 refuses a larger one (pointing after the `}`); Rust reads it as
 * that character.
 */
function codePointTooLarge(pattern: string, at: number): PcreRefusal | undefined {
  const braced = /^\\(?:x\{([0-9A-Fa-f]+)\}|o\{([0-7]+)\})/.exec(pattern.slice(at))
  if (braced === null) return undefined
  const value = braced[1] !== undefined ? parseInt(braced[1], 16) : parseInt(braced[2] as string, 8)
  return value > 0xff ? refusal('character code point value in \\x{} or \\o{} is too large', at + braced[0].length) : undefined
}

function refusal(message: string, offset: number): PcreRefusal {
  return { message, offset }
}

/** The offset after an escape outside a class, braces included (`\x{41}`, `\p{L}`). */
function afterEscape(pattern: string, at: number): number {
  const letter = pattern[at + 1]
  if ((letter === 'x' || letter === 'p' || letter === 'P' || letter === 'o') && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at + 3)
    return close < 0 ? pattern.length : close + 1
  }
  return Math.min(pattern.length, at + 2)
}

/** A `(?` group's refusal: flags PCRE lacks, or a name PCRE does not take. */
function groupRefusal(pattern: string, at: number): PcreRefusal | undefined {
  const rest = pattern.slice(at + 2)
  const named = /^(?:P?<(?![=!])|')/.exec(rest)
  if (named !== null) {
    const start = at + 2 + named[0].length
    const close = pattern.indexOf(named[0].endsWith("'") ? "'" : '>', start)
    const name = pattern.slice(start, close < 0 ? pattern.length : close)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      const bad = name.search(/[^A-Za-z0-9_]/)
      return refusal('syntax error in subpattern name (missing terminator?)', start + Math.max(0, bad))
    }
    if (name.length > MAX_NAME) return refusal(`subpattern name is too long (maximum ${MAX_NAME} code units)`, start + MAX_NAME + 1)
    return undefined
  }
  // Look-arounds start with `=`, `!`, `<=`, `<!`: not flags. `(?R)` is PCRE's recursion (and
  // Rust's CRLF flag): both compile it; anything else after `(?R` PCRE refuses.
  if (rest.startsWith('R')) return rest.startsWith('R)') ? undefined : refusal('(?R (recursive pattern call) must be followed by a closing parenthesis', at + 3)
  if (!/^[a-zA-Z-]/.test(rest) || rest.startsWith('P') || PCRE_FLAGS.test(rest)) return undefined
  const flags = /^[imnsxJU-]*/.exec(rest)?.[0] ?? ''
  // Flags that run to the end leave the group open; otherwise PCRE points at the first it lacks.
  if (flags.length === rest.length) return refusal('missing closing parenthesis', pattern.length)
  return refusal('unrecognized character after (? or (?-', at + 2 + flags.length)
}

/** One member of a class as PCRE reads it: a character (its code point) or a set (`\d`, `[:alpha:]`). */
type Member = { readonly char: number; readonly end: number } | { readonly char: undefined; readonly end: number }

/** PCRE2's POSIX syntax: `[:name:]` (or `[:^name:]`), and the collating `[.x.]` and `[=x=]`, up to the first `]` or `\`. */
const POSIX_SYNTAX = /^\[([:.=])\^?([^\]\\]*?)\1\]/

/** Escapes PCRE2 refuses with one message (`\F`, `\L`, `\l`, `\U`, `\u`). */
const UNSUPPORTED_ESCAPES: ReadonlySet<string> = new Set(['F', 'L', 'l', 'U', 'u'])

/** The names PCRE2 knows in `[:name:]` (and `[:^name:]`) inside a class. */
const POSIX_CLASSES = new Set(['alpha', 'digit', 'alnum', 'ascii', 'blank', 'cntrl', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit'])

// Escapes that stand for a set of characters, not one: they cannot end a range.
const SET_ESCAPES = new Set(['d', 'D', 's', 'S', 'w', 'W', 'h', 'H', 'v', 'V', 'p', 'P', 'N', 'R', 'X'])
const CHAR_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, e: 27, f: 12, n: 10, r: 13, t: 9 }

/**
 * Reads a class the way PCRE does (it ends at the first `]` that is not its first member, and a
 * `[` inside is a plain character unless it opens `[:name:]`); returns the offset after it, or a
 * refusal for a range PCRE rejects or a `[:name:]` it does not know. Ranges between characters outside ASCII are not judged: PCRE
 * without UTF mode compares their bytes, not their code points.
 */
function scanClass(pattern: string, open: number): number | PcreRefusal {
  let i = open + 1
  if (pattern[i] === '^') i++
  let first = true
  while (i < pattern.length) {
    if (pattern[i] === ']' && !first) return i + 1
    first = false
    const unsupportedEscape = pattern[i] === '\\' && UNSUPPORTED_ESCAPES.has(pattern[i + 1] ?? '')
    if (unsupportedEscape) return refusal(NO_CODE_POINT_ESCAPES, i + 2)
    const tooLarge = pattern[i] === '\\' ? codePointTooLarge(pattern, i) : undefined
    if (tooLarge !== undefined) return tooLarge
    const posix = POSIX_SYNTAX.exec(pattern.slice(i))
    if (posix !== null && posix[1] !== ':') return refusal('POSIX collating elements are not supported', i)
    if (posix !== null && !POSIX_CLASSES.has(posix[2] as string)) return refusal('unknown POSIX class name', i + posix[0].indexOf(posix[2] as string, 2))
    const low = member(pattern, i)
    i = low.end
    if (pattern[i] !== '-' || i + 1 >= pattern.length || pattern[i + 1] === ']') continue
    const highTooLarge = codePointTooLarge(pattern, i + 1)
    if (highTooLarge !== undefined) return highTooLarge
    const high = member(pattern, i + 1)
    // PCRE points at the `-` after a set, and past a set that ends the range.
    if (low.char === undefined || high.char === undefined) return refusal('invalid range in character class', low.char === undefined ? i : high.end)
    if (low.char < 128 && high.char < 128 && low.char > high.char) return refusal('range out of order in character class', i + 1)
    i = high.end
  }
  // Never closed: Rust refuses that as well.
  return pattern.length
}

function member(pattern: string, at: number): Member {
  const c = pattern[at] as string
  if (c === '[' && pattern[at + 1] === ':') {
    const close = pattern.indexOf(':]', at + 2)
    if (close >= 0) return { char: undefined, end: close + 2 }
  }
  if (c !== '\\') {
    const code = pattern.codePointAt(at) as number
    return { char: code, end: at + (code > 0xffff ? 2 : 1) }
  }
  const letter = pattern[at + 1] ?? ''
  if (SET_ESCAPES.has(letter)) return { char: undefined, end: afterEscape(pattern, at) }
  if (letter === 'x') {
    const braced = /^\{([0-9A-Fa-f]+)\}/.exec(pattern.slice(at + 2))
    if (braced !== null) return { char: parseInt(braced[1] as string, 16), end: at + 2 + braced[0].length }
    const digits = /^[0-9A-Fa-f]{0,2}/.exec(pattern.slice(at + 2))?.[0] ?? ''
    return { char: digits === '' ? 0 : parseInt(digits, 16), end: at + 2 + digits.length }
  }
  const known = CHAR_ESCAPES[letter]
  if (known !== undefined) return { char: known, end: at + 2 }
  return { char: letter === '' ? 92 : (letter.codePointAt(0) as number), end: Math.min(pattern.length, at + 2) }
}

/**
 * PCRE2's error for a pattern Rust's regex refuses too, where PCRE2's text and offset for that
 * mistake are known (checked with PCRE2 itself): an unclosed group or class, a `\` at the end, a
 * `)` without its `(`, a quantifier with nothing to repeat, a class range or repeat count out of
 * order. `error` is the engine's, its offsets in `pattern`; `undefined` for any other mistake.
 */
export function pcreEquivalent(pattern: string, error: RegexError): PcreRefusal | undefined {
  switch (regexErrorKind(error)) {
    case 'groupUnclosed':
      return refusal('missing closing parenthesis', pattern.length)
    case 'classUnclosed':
      return refusal('missing terminating ] for character class', pattern.length)
    case 'escapeUnexpectedEof':
      return refusal('\\ at end of pattern', pattern.length)
    case 'groupUnopened':
      return refusal('unmatched closing parenthesis', error.start)
    case 'repetitionMissing':
      // `(*` and a letter or `:` is a verb or an assertion to PCRE, refused in other words.
      return pattern[error.start - 1] === '(' && /[A-Za-z:]/.test(pattern[error.start + 1] ?? '') ? undefined : refusal('quantifier does not follow a repeatable item', error.start)
    case 'repetitionCountInvalid':
      return refusal('numbers out of order in {} quantifier', error.end - 1)
    case 'classRangeInvalid':
      return refusal('range out of order in character class', error.end - 1)
    default:
      return undefined
  }
}

/**
 * A refusal as Kong reports a regex path PCRE does not compile: nginx's `pcre2_compile() failed:`
 * text with the pattern, and the rest of the pattern from the offset unless the offset is its end
 * (typedefs `validate_path_with_regexes`; 06-routes_spec "must dry-run values that are considered
 * regexes").
 */
export function pcreErrorText(pattern: string, refused: PcreRefusal): string {
  const at = refused.offset < pattern.length ? ` at "${pattern.slice(refused.offset)}"` : ''
  return `invalid regex: '${pattern}' (PCRE returned: pcre2_compile() failed: ${refused.message} in "${pattern}"${at})`
}
