/**
 * Applies flags and resolves classes: AST → HIR, following regex-syntax's translator. Flags set
 * with `(?i)` last until the end of the enclosing group and, as in Rust, carry over into later
 * alternation branches (`a(?i)b|c` matches `C`).
 */
import type { Ast, AssertionKind, Bracketed, ClassItem, ClassSet, FlagItem, Literal, PerlKind, ReError, ReSpan, UnicodeQuery } from './ast.ts'
import { type CharSet, difference, intersect, isAscii, negate, setFromRanges, setOf, symmetricDifference, union } from './charset.ts'
import type { Hir, Look } from './hir.ts'
import { HINTS, MESSAGES } from './messages.ts'
import { memoBySet } from './memo.ts'
import { caseFoldAscii, caseFoldSimple, perlDigit, perlSpace, perlWord, resolveName, resolveNameValue } from './unicode.ts'
import { keepShape } from '../../keep-shape.ts'

interface Flags {
  i: boolean
  m: boolean
  s: boolean
  R: boolean
  U: boolean
  u: boolean
}

class Fail {
  constructor(readonly error: ReError) {}
}

function fail(message: string, span: ReSpan, hint?: string): never {
  throw new Fail(hint === undefined ? { message, start: span.start, end: span.end } : { message, start: span.start, end: span.end, hint })
}

const ASCII_CLASS_RANGES: Record<string, readonly number[]> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
}

// `.` in its three meanings, built once: every route with `.*` would otherwise rebuild them.
const DOT_ALL = setFromRanges([0, 0xd7ff, 0xe000, 0x10ffff])
const DOT_NO_LF = negate(setOf(0x0a))
const DOT_NO_CRLF = negate(setFromRanges([0x0a, 0x0a, 0x0d, 0x0d]))

const ASCII_PERL: Record<PerlKind, readonly number[]> = {
  digit: [0x30, 0x39],
  space: [0x09, 0x0d, 0x20, 0x20],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
}

// HIR nodes are immutable too: a plain ASCII literal lowers to one shared node per character.
const ASCII_LITERALS: readonly Hir[] = Array.from({ length: 128 }, (_, cp): Hir => ({ k: 'set', set: setOf(cp) }))

class Lowerer {
  private flags: Flags = { i: false, m: false, s: false, R: false, U: false, u: true }

  private apply(items: readonly FlagItem[]): void {
    let on = true
    for (const item of items) {
      if (item.flag === '-') on = false
      else if (item.flag !== 'x') this.flags[item.flag] = on
    }
  }

  lower(ast: Ast): Hir {
    switch (ast.kind) {
      case 'empty':
        return { k: 'empty' }
      case 'flags':
        this.apply(ast.items)
        return { k: 'empty' }
      case 'literal': {
        const set = this.literal(ast)
        return ast.cp < ASCII_LITERALS.length && set === setOf(ast.cp) ? (ASCII_LITERALS[ast.cp] as Hir) : { k: 'set', set }
      }
      case 'dot':
        return { k: 'set', set: this.dot(ast.span) }
      case 'assertion':
        return this.assertion(ast.assertion)
      case 'perl':
        return { k: 'set', set: this.perl(ast.perl, ast.negated, ast.span) }
      case 'unicode':
        return { k: 'set', set: this.unicode(ast.query, ast.negated, ast.span) }
      case 'bracketed':
        return { k: 'set', set: this.bracketed(ast) }
      case 'repetition':
        return repetition(ast.min, ast.max, this.flags.U ? !ast.greedy : ast.greedy, this.lower(ast.sub))
      case 'group': {
        const saved = { ...this.flags }
        if (ast.flags !== undefined) this.apply(ast.flags)
        const sub = this.lower(ast.sub)
        this.flags = saved
        return ast.capture === undefined ? sub : { k: 'cap', index: ast.capture.index, sub }
      }
      case 'concat': {
        const subs = ast.subs.map((s) => this.lower(s)).filter((h) => h.k !== 'empty')
        return subs.length === 0 ? { k: 'empty' } : subs.length === 1 ? (subs[0] as Hir) : { k: 'cat', subs }
      }
      case 'alternation':
        return { k: 'alt', subs: ast.subs.map((s) => this.lower(s)) }
    }
  }

  private literal(lit: Literal): CharSet {
    let cp = lit.cp
    if (!this.flags.u && lit.hexByte && cp > 0x7f) fail(MESSAGES.invalidUtf8, lit.span)
    const set = setOf(cp)
    if (!this.flags.i) return set
    return this.flags.u ? caseFoldSimple(set) : caseFoldAscii(set)
  }

  private dot(span: ReSpan): CharSet {
    if (!this.flags.u) fail(MESSAGES.invalidUtf8, span)
    return this.flags.s ? DOT_ALL : this.flags.R ? DOT_NO_CRLF : DOT_NO_LF
  }

  private assertion(kind: AssertionKind): Hir {
    const ascii = !this.flags.u
    let look: Look
    switch (kind) {
      case 'startLine':
        look = this.flags.m ? (this.flags.R ? 'startCRLF' : 'startLF') : 'start'
        break
      case 'endLine':
        look = this.flags.m ? (this.flags.R ? 'endCRLF' : 'endLF') : 'end'
        break
      case 'startText':
        look = 'start'
        break
      case 'endText':
        look = 'end'
        break
      case 'wordBoundary':
        look = 'word'
        break
      case 'notWordBoundary':
        look = 'notWord'
        break
      default:
        look = kind
    }
    return { k: 'look', look, ascii }
  }

  private perl(kind: PerlKind, negated: boolean, span: ReSpan): CharSet {
    if (!this.flags.u) {
      if (negated) fail(MESSAGES.invalidUtf8, span)
      return setFromRanges(ASCII_PERL[kind])
    }
    const set = kind === 'digit' ? perlDigit() : kind === 'space' ? perlSpace() : perlWord()
    return negated ? negate(set) : set
  }

  private unicode(query: UnicodeQuery, negated: boolean, span: ReSpan): CharSet {
    if (!this.flags.u) fail(MESSAGES.unicodeNotAllowed, span)
    const r = query.kind === 'name' ? resolveName(query.name) : resolveNameValue(query.name, query.value)
    if (!r.ok) {
      if (r.reason === 'unsupported') fail(MESSAGES.propertyUnsupported, span, HINTS.propertyUnsupported)
      fail(r.reason === 'value' ? MESSAGES.propertyValueNotFound : MESSAGES.propertyNotFound, span)
    }
    const neg = negated !== (query.kind === 'value' && query.notEqual)
    return this.foldAndNegate(r.set, neg)
  }

  private fold(set: CharSet): CharSet {
    if (!this.flags.i) return set
    return this.flags.u ? caseFoldSimple(set) : caseFoldAscii(set)
  }

  private foldAndNegate(set: CharSet, negated: boolean): CharSet {
    const folded = this.fold(set)
    return negated ? negate(folded) : folded
  }

  private bracketed(b: Bracketed): CharSet {
    // Like regex-syntax, every bracketed class is checked as it closes, nested ones included, so
    // `(?-u)[a-z&&[^aeiou]]` is rejected even though the intersection is ASCII.
    return this.asciiOnly(this.foldAndNegate(this.classSet(b.set), b.negated), b.span)
  }

  /** Without `u`, a class must stay ASCII: anything else could match inside a UTF-8 sequence. */
  private asciiOnly(set: CharSet, span: ReSpan): CharSet {
    if (!this.flags.u && !isAscii(set)) fail(MESSAGES.invalidUtf8, span)
    return set
  }

  private classSet(s: ClassSet): CharSet {
    if (s.kind === 'item') return this.classItem(s.item)
    const lhs = this.fold(this.classSet(s.lhs))
    const rhs = this.fold(this.classSet(s.rhs))
    if (s.op === '&&') return intersect(lhs, rhs)
    if (s.op === '--') return difference(lhs, rhs)
    return symmetricDifference(lhs, rhs)
  }

  private classLiteral(lit: Literal): number {
    if (!this.flags.u && lit.cp > 0x7f) fail(lit.hexByte ? MESSAGES.invalidUtf8 : MESSAGES.unicodeNotAllowed, lit.span)
    return lit.cp
  }

  private classItem(item: ClassItem): CharSet {
    switch (item.kind) {
      case 'literal':
        return setOf(this.classLiteral(item))
      case 'range':
        return setFromRanges([this.classLiteral(item.from), this.classLiteral(item.to)])
      case 'ascii':
        return this.asciiOnly(this.foldAndNegate(setFromRanges(ASCII_CLASS_RANGES[item.name] ?? []), item.negated), item.span)
      case 'perl':
        return this.perl(item.perl, item.negated, item.span)
      case 'unicode':
        return this.unicode(item.query, item.negated, item.span)
      case 'bracketed':
        return this.bracketed(item)
      case 'union': {
        let acc: CharSet = { ranges: [] }
        for (const x of item.items) acc = union(acc, this.classItem(x))
        return acc
      }
    }
  }
}

/** True when `h` can only ever match the empty string (regex-syntax: `maximum_len() == Some(0)`). */
function onlyEmpty(h: Hir): boolean {
  switch (h.k) {
    case 'empty':
    case 'look':
      return true
    case 'set':
      return false
    case 'cap':
      return onlyEmpty(h.sub)
    case 'rep':
      return h.max === 0 || onlyEmpty(h.sub)
    case 'cat':
    case 'alt':
      return h.subs.every(onlyEmpty)
  }
}

/**
 * regex-syntax's `Hir::repetition`: a repetition of something that only matches empty repeats at
 * most once, `x{0}` is the empty regex (its capture groups disappear, as in Rust), `x{1}` is `x`.
 */
function repetition(min: number, max: number, greedy: boolean, sub: Hir): Hir {
  if (onlyEmpty(sub)) {
    min = Math.min(min, 1)
    max = Math.min(max, 1)
  }
  if (min === 0 && max === 0) return { k: 'empty' }
  if (min === 1 && max === 1) return sub
  return { k: 'rep', min, max, greedy, sub }
}

/** UTF-8 length of each range's last code point, summed: a class's share of the size estimate. */
const setBytes: (set: CharSet) => number = memoBySet((set) => {
  let bytes = 0
  const r = set.ranges
  for (let i = 0; i < r.length; i += 2) {
    const hi = r[i + 1] as number
    bytes += hi < 0x80 ? 1 : hi < 0x800 ? 2 : hi < 0x10000 ? 3 : 4
  }
  return bytes
})

/** Estimated compiled size in bytes, modelled on the regex crate's Thompson NFA. */
export function estimateSize(h: Hir): number {
  const STATE = 24
  switch (h.k) {
    case 'empty':
      return STATE
    case 'look':
      return STATE
    case 'set':
      return STATE + 8 * setBytes(h.set)
    case 'cap':
      return 2 * STATE + estimateSize(h.sub)
    case 'cat':
      return h.subs.reduce((n, s) => n + estimateSize(s), 0)
    case 'alt':
      return STATE + h.subs.reduce((n, s) => n + estimateSize(s) + 8, 0)
    case 'rep': {
      const copies = h.max === Infinity ? Math.max(h.min, 1) : Math.max(h.max, 1)
      return STATE * (copies + 1) + copies * estimateSize(h.sub)
    }
  }
}

/** The regex crate's default `size_limit`. */
export const SIZE_LIMIT = 10 * 1024 * 1024

/** Applies flags and resolves classes; returns Rust's translation error when there is one. */
export function lowerAst(ast: Ast, source: string): { ok: true; hir: Hir } | { ok: false; error: ReError } {
  try {
    const hir = new Lowerer().lower(ast)
    if (estimateSize(hir) > SIZE_LIMIT) {
      return { ok: false, error: { message: MESSAGES.sizeLimit, start: 0, end: source.length, hint: HINTS.sizeLimit } }
    }
    return { ok: true, hir }
  } catch (e) {
    if (e instanceof Fail) return { ok: false, error: e.error }
    throw e
  }
}

// Lowerers live for one call; see keep-shape.ts.
keepShape(new Lowerer())
