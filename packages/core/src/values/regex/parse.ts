/**
 * Hand-written parser for Rust `regex` 1.11 syntax. It follows regex-syntax's parser: the same
 * grammar, the same error for each malformed construct, and the same error spans (converted from
 * byte offsets to UTF-16 offsets). Groups and classes are parsed with explicit stacks rather than
 * recursion, so a pattern of 100 000 `(` yields the nest-limit error instead of a stack overflow.
 */
import type { Ast, AssertionKind, Bracketed, ClassItem, ClassSet, FlagChar, FlagItem, Literal, PerlKind, ReError, ReSpan, UnicodeQuery } from './ast.ts'
import { MESSAGES, HINTS } from './messages.ts'
import { keepShape } from '../../keep-shape.ts'

/** Rust's default nest limit (`RegexBuilder::nest_limit`). */
export const NEST_LIMIT = 250

/** A parsed pattern and its capture groups (index 0 is the whole match). */
export interface Parsed {
  readonly ast: Ast
  readonly captureCount: number // including group 0
  readonly names: readonly (string | undefined)[]
}

class Fail {
  constructor(readonly error: ReError) {}
}

function fail(message: string, span: ReSpan, hint?: string): never {
  throw new Fail(hint === undefined ? { message, start: span.start, end: span.end } : { message, start: span.start, end: span.end, hint })
}

const WHITE_SPACE = /^\p{White_Space}$/u
const ALPHABETIC = /^\p{Alphabetic}$/u
const ALPHANUMERIC = /^[\p{Alphabetic}\p{N}]$/u

function isWhitespace(cp: number): boolean {
  return cp < 0x80 ? cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) : WHITE_SPACE.test(String.fromCodePoint(cp))
}

function isCaptureChar(cp: number, first: boolean): boolean {
  if (cp < 0x80) {
    // ASCII without a RegExp per character: alphabetic is a letter, alphanumeric adds digits.
    const letter = (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)
    if (cp === 0x5f || letter) return true
    return !first && ((cp >= 0x30 && cp <= 0x39) || cp === 0x2e || cp === 0x5b || cp === 0x5d)
  }
  const s = String.fromCodePoint(cp)
  if (cp === 0x5f) return true
  if (first) return ALPHABETIC.test(s)
  return cp === 0x2e || cp === 0x5b || cp === 0x5d || ALPHANUMERIC.test(s)
}

const META = new Set('\\.+*?()|[]{}^$#&-~')

function isMeta(cp: number): boolean {
  return cp < 0x80 && META.has(String.fromCharCode(cp))
}

/** Rust's `is_escapeable_character`: meta characters and ASCII punctuation other than `<` `>`. */
function isEscapeable(cp: number): boolean {
  if (isMeta(cp)) return true
  if (cp >= 0x80) return false
  const isAlnum = (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)
  return !isAlnum && cp !== 0x3c && cp !== 0x3e
}

function isHex(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x46) || (cp >= 0x61 && cp <= 0x66)
}

const ASCII_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit'])

interface Concat {
  start: number
  subs: Ast[]
}

interface GroupHead {
  span: ReSpan // the opening `(`
  capture: { index: number; name?: string } | undefined
  flags: readonly FlagItem[] | undefined
}

type GroupState =
  | { kind: 'group'; concat: Concat; head: GroupHead; ignoreWhitespace: boolean }
  | { kind: 'alt'; start: number; subs: Ast[] }

interface Union {
  start: number
  end: number
  items: ClassItem[]
}

type ClassState =
  | { kind: 'open'; union: Union; start: number; headerEnd: number; negated: boolean }
  | { kind: 'op'; op: '&&' | '--' | '~~'; lhs: ClassSet }

type Primitive =
  | Literal
  | { kind: 'dot'; span: ReSpan }
  | { kind: 'assertion'; span: ReSpan; assertion: AssertionKind }
  | { kind: 'perl'; span: ReSpan; perl: PerlKind; negated: boolean }
  | { kind: 'unicode'; span: ReSpan; query: UnicodeQuery; negated: boolean }

function concatAst(c: Concat, end: number): Ast {
  if (c.subs.length === 0) return { kind: 'empty', span: { start: c.start, end } }
  if (c.subs.length === 1) return c.subs[0] as Ast
  return { kind: 'concat', span: { start: c.start, end }, subs: c.subs }
}

function unionItem(u: Union): ClassItem {
  if (u.items.length === 1) return u.items[0] as ClassItem
  return { kind: 'union', span: { start: u.start, end: u.end }, items: u.items }
}

function classSetSpan(s: ClassSet): ReSpan {
  return s.kind === 'op' ? s.span : s.item.span
}

class Parser {
  private pos = 0
  private ignoreWhitespace = false
  private captureIndex = 0
  private readonly names = new Map<string, ReSpan>()
  private readonly nameList: (string | undefined)[] = [undefined]
  private readonly groups: GroupState[] = []
  private readonly classes: ClassState[] = []

  constructor(private readonly p: string) {}

  // -- cursor ------------------------------------------------------------------------------

  private eof(): boolean {
    return this.pos >= this.p.length
  }

  private ch(): number {
    return this.p.codePointAt(this.pos) as number
  }

  private width(at: number): number {
    const c = this.p.codePointAt(at)
    return c !== undefined && c > 0xffff ? 2 : 1
  }

  private spanChar(): ReSpan {
    return { start: this.pos, end: this.pos + this.width(this.pos) }
  }

  private here(): ReSpan {
    return { start: this.pos, end: this.pos }
  }

  /** Advances one code point; false when the end is reached. */
  private bump(): boolean {
    if (this.eof()) return false
    this.pos += this.width(this.pos)
    return !this.eof()
  }

  private bumpIf(prefix: string): boolean {
    if (this.p.startsWith(prefix, this.pos)) {
      this.pos += prefix.length
      return true
    }
    return false
  }

  /** In `x` mode, skips whitespace and `#` comments. */
  private bumpSpace(): void {
    if (!this.ignoreWhitespace) return
    while (!this.eof()) {
      const c = this.ch()
      if (isWhitespace(c)) {
        this.bump()
      } else if (c === 0x23) {
        this.bump()
        while (!this.eof()) {
          const d = this.ch()
          this.bump()
          if (d === 0x0a) break
        }
      } else {
        break
      }
    }
  }

  private bumpAndBumpSpace(): boolean {
    if (!this.bump()) return false
    this.bumpSpace()
    return !this.eof()
  }

  private peek(): number | undefined {
    if (this.eof()) return undefined
    return this.p.codePointAt(this.pos + this.width(this.pos))
  }

  /**
   * Like `peek`, skipping whitespace in `x` mode. This reproduces regex-syntax exactly, including
   * its quirk that a `#` comment ends at the next non-whitespace character rather than at `\n`.
   */
  private peekSpace(): number | undefined {
    if (!this.ignoreWhitespace) return this.peek()
    if (this.eof()) return undefined
    const start = this.pos + this.width(this.pos)
    let i = start
    let inComment = false
    while (i < this.p.length) {
      const c = this.p.codePointAt(i) as number
      if (isWhitespace(c)) {
        // skipped
      } else if (!inComment && c === 0x23) {
        inComment = true
      } else {
        return c
      }
      i += c > 0xffff ? 2 : 1
    }
    return this.p.codePointAt(start)
  }

  private is(c: string): boolean {
    return !this.eof() && this.p.charCodeAt(this.pos) === c.charCodeAt(0)
  }

  // -- top level ---------------------------------------------------------------------------

  parse(): Parsed {
    let concat: Concat = { start: 0, subs: [] }
    for (;;) {
      this.bumpSpace()
      if (this.eof()) break
      const c = this.p[this.pos]
      if (c === '(') concat = this.pushGroup(concat)
      else if (c === ')') concat = this.popGroup(concat)
      else if (c === '|') concat = this.pushAlternate(concat)
      else if (c === '[') concat.subs.push(this.parseSetClass())
      else if (c === '?') concat = this.uncounted(concat, 0, 1)
      else if (c === '*') concat = this.uncounted(concat, 0, Infinity)
      else if (c === '+') concat = this.uncounted(concat, 1, Infinity)
      else if (c === '{') concat = this.counted(concat)
      else concat.subs.push(this.parsePrimitive())
    }
    const ast = this.popGroupEnd(concat)
    checkNesting(ast)
    return { ast, captureCount: this.captureIndex + 1, names: this.nameList }
  }

  private pushAlternate(concat: Concat): Concat {
    const ast = concatAst(concat, this.pos)
    const top = this.groups[this.groups.length - 1]
    if (top !== undefined && top.kind === 'alt') top.subs.push(ast)
    else this.groups.push({ kind: 'alt', start: concat.start, subs: [ast] })
    this.bump()
    return { start: this.pos, subs: [] }
  }

  private pushGroup(concat: Concat): Concat {
    const head = this.parseGroup()
    if (head.kind === 'flags') {
      const x = flagState(head.items, 'x')
      if (x !== undefined) this.ignoreWhitespace = x
      concat.subs.push(head)
      return concat
    }
    const old = this.ignoreWhitespace
    const x = head.flags === undefined ? undefined : flagState(head.flags, 'x')
    this.groups.push({ kind: 'group', concat, head, ignoreWhitespace: old })
    if (x !== undefined) this.ignoreWhitespace = x
    return { start: this.pos, subs: [] }
  }

  private popGroup(groupConcat: Concat): Concat {
    let top = this.groups.pop()
    let alt: { start: number; subs: Ast[] } | undefined
    if (top !== undefined && top.kind === 'alt') {
      alt = top
      top = this.groups.pop()
    }
    if (top === undefined || top.kind !== 'group') fail(MESSAGES.groupUnopened, this.spanChar())
    this.ignoreWhitespace = top.ignoreWhitespace
    const innerEnd = this.pos
    this.bump()
    const inner = concatAst(groupConcat, innerEnd)
    const sub: Ast =
      alt === undefined ? inner : { kind: 'alternation', span: { start: alt.start, end: innerEnd }, subs: [...alt.subs, inner] }
    const { head } = top
    top.concat.subs.push({
      kind: 'group',
      span: { start: head.span.start, end: this.pos },
      capture: head.capture,
      flags: head.flags,
      sub,
    })
    return top.concat
  }

  private popGroupEnd(concat: Concat): Ast {
    const end = this.pos
    const top = this.groups.pop()
    let ast: Ast
    if (top === undefined) ast = concatAst(concat, end)
    else if (top.kind === 'alt') ast = { kind: 'alternation', span: { start: top.start, end }, subs: [...top.subs, concatAst(concat, end)] }
    else fail(MESSAGES.groupUnclosed, top.head.span, HINTS.groupUnclosed)
    const next = this.groups.pop()
    if (next !== undefined && next.kind === 'group') fail(MESSAGES.groupUnclosed, next.head.span, HINTS.groupUnclosed)
    return ast
  }

  private parseGroup(): { kind: 'flags'; span: ReSpan; items: readonly FlagItem[] } | ({ kind: 'head' } & GroupHead) {
    const open = this.spanChar()
    this.bump()
    this.bumpSpace()
    for (const prefix of ['?=', '?!', '?<=', '?<!']) {
      if (this.bumpIf(prefix)) fail(MESSAGES.lookAround, { start: open.start, end: this.pos }, HINTS.lookAround)
    }
    const innerSpan = this.here()
    if (this.bumpIf('?P<') || this.bumpIf('?<')) {
      const index = this.nextCaptureIndex()
      const name = this.parseCaptureName()
      this.nameList[index] = name
      return { kind: 'head', span: open, capture: { index, name }, flags: undefined }
    }
    if (this.bumpIf('?')) {
      if (this.eof()) fail(MESSAGES.groupUnclosed, open, HINTS.groupUnclosed)
      const items = this.parseFlags()
      const end = this.p[this.pos]
      this.bump()
      if (end === ')') {
        if (items.length === 0) fail(MESSAGES.repetitionMissing, innerSpan)
        return { kind: 'flags', span: { start: open.start, end: this.pos }, items }
      }
      return { kind: 'head', span: open, capture: undefined, flags: items }
    }
    const index = this.nextCaptureIndex()
    this.nameList[index] = undefined
    return { kind: 'head', span: open, capture: { index }, flags: undefined }
  }

  private nextCaptureIndex(): number {
    this.captureIndex += 1
    return this.captureIndex
  }

  private parseCaptureName(): string {
    if (this.eof()) fail(MESSAGES.groupNameUnexpectedEof, this.here())
    const start = this.pos
    for (;;) {
      if (this.is('>')) break
      if (!isCaptureChar(this.ch(), this.pos === start)) fail(MESSAGES.groupNameInvalid, this.spanChar(), HINTS.groupName)
      if (!this.bump()) break
    }
    const end = this.pos
    if (this.eof()) fail(MESSAGES.groupNameUnexpectedEof, this.here())
    this.bump()
    const name = this.p.slice(start, end)
    if (name.length === 0) fail(MESSAGES.groupNameEmpty, { start, end: start })
    if (this.names.has(name)) fail(MESSAGES.groupNameDuplicate, { start, end })
    this.names.set(name, { start, end })
    return name
  }

  private parseFlags(): FlagItem[] {
    const items: FlagItem[] = []
    let lastNegation: ReSpan | undefined
    while (!this.is(':') && !this.is(')')) {
      const span = this.spanChar()
      const c = this.p[this.pos] as string
      if (c === '-') {
        lastNegation = span
        if (items.some((i) => i.flag === '-')) fail(MESSAGES.flagRepeatedNegation, span)
        items.push({ span, flag: '-' })
      } else {
        lastNegation = undefined
        if (!'imsRUux'.includes(c) || this.ch() > 0x7f) fail(MESSAGES.flagUnrecognized, span, flagHint(c))
        const flag = c as FlagChar
        if (items.some((i) => i.flag === flag)) fail(MESSAGES.flagDuplicate, span)
        items.push({ span, flag })
      }
      if (!this.bump()) fail(MESSAGES.flagUnexpectedEof, this.here())
    }
    if (lastNegation !== undefined) fail(MESSAGES.flagDanglingNegation, lastNegation)
    return items
  }

  // -- repetition --------------------------------------------------------------------------

  private takeOperand(concat: Concat): Ast {
    const ast = concat.subs.pop()
    if (ast === undefined || ast.kind === 'empty' || ast.kind === 'flags') fail(MESSAGES.repetitionMissing, this.here(), HINTS.repetitionMissing)
    return ast
  }

  private uncounted(concat: Concat, min: number, max: number): Concat {
    const opStart = this.pos
    const sub = this.takeOperand(concat)
    let greedy = true
    if (this.bump() && this.is('?')) {
      greedy = false
      this.bump()
    }
    concat.subs.push({ kind: 'repetition', span: { start: sub.span.start, end: this.pos }, opSpan: { start: opStart, end: this.pos }, min, max, greedy, sub })
    return concat
  }

  private counted(concat: Concat): Concat {
    const start = this.pos
    const sub = this.takeOperand(concat)
    const unclosed = (): never => fail(MESSAGES.repetitionCountUnclosed, { start, end: this.pos }, HINTS.repetitionCountUnclosed)
    if (!this.bumpAndBumpSpace()) unclosed()
    const min = this.parseDecimal()
    let max = min
    if (this.eof()) unclosed()
    if (this.is(',')) {
      if (!this.bumpAndBumpSpace()) unclosed()
      max = this.is('}') ? Infinity : this.parseDecimal()
    }
    if (this.eof() || !this.is('}')) unclosed()
    let greedy = true
    if (this.bumpAndBumpSpace() && this.is('?')) {
      greedy = false
      this.bump()
    }
    const opSpan = { start, end: this.pos }
    if (min > max) fail(MESSAGES.repetitionCountInvalid, opSpan)
    concat.subs.push({ kind: 'repetition', span: { start: sub.span.start, end: this.pos }, opSpan, min, max, greedy, sub })
    return concat
  }

  /** Rust trims whitespace around the digits even without the `x` flag. */
  private parseDecimal(): number {
    while (!this.eof() && isWhitespace(this.ch())) this.bump()
    const start = this.pos
    let digits = ''
    while (!this.eof() && this.ch() >= 0x30 && this.ch() <= 0x39) {
      digits += this.p[this.pos]
      this.bumpAndBumpSpace()
    }
    const span = { start, end: this.pos }
    while (!this.eof() && isWhitespace(this.ch())) this.bumpAndBumpSpace()
    if (digits.length === 0) fail(MESSAGES.repetitionCountDecimalEmpty, span)
    const n = Number(digits)
    if (n > 0xffffffff) fail(MESSAGES.decimalInvalid, span)
    return n
  }

  // -- primitives --------------------------------------------------------------------------

  private parsePrimitive(): Ast {
    const c = this.p[this.pos]
    if (c === '\\') return this.parseEscape()
    const span = this.spanChar()
    const cp = this.ch()
    this.bump()
    if (c === '.') return { kind: 'dot', span }
    if (c === '^') return { kind: 'assertion', span, assertion: 'startLine' }
    if (c === '$') return { kind: 'assertion', span, assertion: 'endLine' }
    return { kind: 'literal', span, cp, hexByte: false }
  }

  private parseEscape(): Primitive {
    const start = this.pos
    if (!this.bump()) fail(MESSAGES.escapeUnexpectedEof, { start, end: this.pos })
    const cp = this.ch()
    const c = this.p[this.pos] as string
    if (cp >= 0x30 && cp <= 0x39) fail(MESSAGES.backreference, { start, end: this.spanChar().end }, HINTS.backreference)
    if (c === 'x' || c === 'u' || c === 'U') return this.parseHex(start, c)
    if (c === 'p' || c === 'P') return this.parseUnicodeClass(start, c === 'P')
    if ('dswDSW'.includes(c)) {
      this.bump()
      const lower = c.toLowerCase()
      const perl: PerlKind = lower === 'd' ? 'digit' : lower === 's' ? 'space' : 'word'
      return { kind: 'perl', span: { start, end: this.pos }, perl, negated: c !== lower }
    }
    this.bump()
    const span = { start, end: this.pos }
    if (isEscapeable(cp)) return { kind: 'literal', span, cp, hexByte: false }
    const special: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 }
    const code = special[c]
    if (code !== undefined) return { kind: 'literal', span, cp: code, hexByte: false }
    const assertions: Record<string, AssertionKind> = { A: 'startText', z: 'endText', B: 'notWordBoundary', '<': 'wordStart', '>': 'wordEnd' }
    const a = assertions[c]
    if (a !== undefined) return { kind: 'assertion', span, assertion: a }
    if (c === 'b') {
      const special = !this.eof() && this.is('{') ? this.maybeSpecialWordBoundary(start) : undefined
      return { kind: 'assertion', span: { start, end: special === undefined ? span.end : this.pos }, assertion: special ?? 'wordBoundary' }
    }
    fail(MESSAGES.escapeUnrecognized, span, escapeHint(c))
  }

  private maybeSpecialWordBoundary(wbStart: number): AssertionKind | undefined {
    const valid = (cp: number): boolean => (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x2d
    const start = this.pos
    if (!this.bumpAndBumpSpace()) fail(MESSAGES.specialWordOrRepetitionUnexpectedEof, { start: wbStart, end: this.pos })
    const contentStart = this.pos
    if (!valid(this.ch())) {
      this.pos = start
      return undefined
    }
    let name = ''
    while (!this.eof() && valid(this.ch())) {
      name += this.p[this.pos]
      this.bumpAndBumpSpace()
    }
    if (this.eof() || !this.is('}')) fail(MESSAGES.specialWordBoundaryUnclosed, { start, end: this.pos })
    const end = this.pos
    this.bump()
    const kinds: Record<string, AssertionKind> = { start: 'wordStart', end: 'wordEnd', 'start-half': 'wordStartHalf', 'end-half': 'wordEndHalf' }
    const kind = kinds[name]
    if (kind === undefined) fail(MESSAGES.specialWordBoundaryUnrecognized, { start: contentStart, end }, HINTS.specialWordBoundary)
    return kind
  }

  private parseHex(start: number, c: string): Literal {
    if (!this.bumpAndBumpSpace()) fail(MESSAGES.escapeUnexpectedEof, this.here())
    if (this.is('{')) {
      const brace = this.pos
      const digitsStart = this.pos + 1
      let hex = ''
      while (this.bumpAndBumpSpace() && !this.is('}')) {
        if (!isHex(this.ch())) fail(MESSAGES.escapeHexInvalidDigit, this.spanChar())
        hex += this.p[this.pos]
      }
      if (this.eof()) fail(MESSAGES.escapeUnexpectedEof, { start: brace, end: this.pos })
      const end = this.pos
      this.bumpAndBumpSpace()
      if (hex.length === 0) fail(MESSAGES.escapeHexEmpty, { start: brace, end: this.pos })
      const cp = scalar(hex)
      if (cp === undefined) fail(MESSAGES.escapeHexInvalid, { start: digitsStart, end })
      return { kind: 'literal', span: { start, end: this.pos }, cp, hexByte: false }
    }
    const digits = c === 'x' ? 2 : c === 'u' ? 4 : 8
    const digitsStart = this.pos
    let hex = ''
    for (let i = 0; i < digits; i++) {
      if (i > 0 && !this.bumpAndBumpSpace()) fail(MESSAGES.escapeUnexpectedEof, this.here())
      if (!isHex(this.ch())) fail(MESSAGES.escapeHexInvalidDigit, this.spanChar())
      hex += this.p[this.pos]
    }
    this.bumpAndBumpSpace()
    const cp = scalar(hex)
    if (cp === undefined) fail(MESSAGES.escapeHexInvalid, { start: digitsStart, end: this.pos })
    return { kind: 'literal', span: { start, end: this.pos }, cp, hexByte: c === 'x' }
  }

  private parseUnicodeClass(start: number, negated: boolean): Primitive {
    if (!this.bumpAndBumpSpace()) fail(MESSAGES.escapeUnexpectedEof, this.here())
    let query: UnicodeQuery
    if (this.is('{')) {
      let text = ''
      while (this.bumpAndBumpSpace() && !this.is('}')) text += String.fromCodePoint(this.ch())
      if (this.eof()) fail(MESSAGES.escapeUnexpectedEof, this.here())
      this.bump()
      const ne = text.indexOf('!=')
      const colon = text.indexOf(':')
      const eq = text.indexOf('=')
      if (ne >= 0) query = { kind: 'value', name: text.slice(0, ne), value: text.slice(ne + 2), notEqual: true }
      else if (colon >= 0) query = { kind: 'value', name: text.slice(0, colon), value: text.slice(colon + 1), notEqual: false }
      else if (eq >= 0) query = { kind: 'value', name: text.slice(0, eq), value: text.slice(eq + 1), notEqual: false }
      else query = { kind: 'name', name: text }
    } else {
      if (this.is('\\')) fail(MESSAGES.unicodeClassInvalid, this.spanChar())
      const letter = String.fromCodePoint(this.ch())
      this.bumpAndBumpSpace()
      query = { kind: 'name', name: letter }
    }
    return { kind: 'unicode', span: { start, end: this.pos }, query, negated }
  }

  // -- classes -----------------------------------------------------------------------------

  private unclosedClass(): never {
    for (let i = this.classes.length - 1; i >= 0; i--) {
      const s = this.classes[i] as ClassState
      if (s.kind === 'open') fail(MESSAGES.classUnclosed, { start: s.start, end: s.headerEnd }, HINTS.classUnclosed)
    }
    fail(MESSAGES.classUnclosed, this.here())
  }

  private parseSetClass(): Bracketed {
    let union: Union = { start: this.pos, end: this.pos, items: [] }
    for (;;) {
      this.bumpSpace()
      if (this.eof()) this.unclosedClass()
      const c = this.p[this.pos]
      if (c === '[') {
        if (this.classes.length > 0) {
          const ascii = this.maybeAsciiClass()
          if (ascii !== undefined) {
            union.items.push(ascii)
            union.end = this.pos
            continue
          }
        }
        union = this.pushClassOpen(union)
      } else if (c === ']') {
        const r = this.popClass(union)
        if (r.kind === 'done') return r.set
        union = r.union
      } else if ((c === '&' || c === '-' || c === '~') && this.peek() === c.charCodeAt(0)) {
        this.pos += 2
        union = this.pushClassOp(c === '&' ? '&&' : c === '-' ? '--' : '~~', union)
      } else {
        union.items.push(this.parseSetClassRange())
        union.end = this.pos
      }
    }
  }

  private pushClassOpen(parent: Union): Union {
    const start = this.pos
    const unclosed = (): never => fail(MESSAGES.classUnclosed, { start, end: this.pos }, HINTS.classUnclosed)
    if (!this.bumpAndBumpSpace()) unclosed()
    let negated = false
    if (this.is('^')) {
      negated = true
      if (!this.bumpAndBumpSpace()) unclosed()
    }
    const union: Union = { start: this.pos, end: this.pos, items: [] }
    while (this.is('-')) {
      union.items.push({ kind: 'literal', span: this.spanChar(), cp: 0x2d, hexByte: false })
      if (!this.bumpAndBumpSpace()) unclosed()
    }
    if (union.items.length === 0 && this.is(']')) {
      union.items.push({ kind: 'literal', span: this.spanChar(), cp: 0x5d, hexByte: false })
      if (!this.bumpAndBumpSpace()) unclosed()
    }
    union.end = this.pos
    this.classes.push({ kind: 'open', union: parent, start, headerEnd: this.pos, negated })
    return union
  }

  private popClassOp(rhs: ClassSet): ClassSet {
    const top = this.classes[this.classes.length - 1]
    if (top === undefined || top.kind !== 'op') return rhs
    this.classes.pop()
    return { kind: 'op', span: { start: classSetSpan(top.lhs).start, end: classSetSpan(rhs).end }, op: top.op, lhs: top.lhs, rhs }
  }

  private pushClassOp(op: '&&' | '--' | '~~', next: Union): Union {
    const lhs = this.popClassOp({ kind: 'item', item: unionItem(next) })
    this.classes.push({ kind: 'op', op, lhs })
    return { start: this.pos, end: this.pos, items: [] }
  }

  private popClass(nested: Union): { kind: 'done'; set: Bracketed } | { kind: 'more'; union: Union } {
    const set = this.popClassOp({ kind: 'item', item: unionItem(nested) })
    const open = this.classes.pop()
    if (open === undefined || open.kind !== 'open') throw new Error('regex parser: class stack out of order')
    this.bump()
    const bracketed: Bracketed = { kind: 'bracketed', span: { start: open.start, end: this.pos }, negated: open.negated, set }
    if (this.classes.length === 0) return { kind: 'done', set: bracketed }
    open.union.items.push(bracketed)
    open.union.end = this.pos
    return { kind: 'more', union: open.union }
  }

  private maybeAsciiClass(): ClassItem | undefined {
    const start = this.pos
    const reset = (): undefined => {
      this.pos = start
      return undefined
    }
    if (!this.bump() || !this.is(':')) return reset()
    if (!this.bump()) return reset()
    let negated = false
    if (this.is('^')) {
      negated = true
      if (!this.bump()) return reset()
    }
    const nameStart = this.pos
    while (!this.is(':') && this.bump()) {
      // scan to the closing colon
    }
    if (this.eof()) return reset()
    const name = this.p.slice(nameStart, this.pos)
    if (!this.bumpIf(':]')) return reset()
    if (!ASCII_CLASSES.has(name)) return reset()
    return { kind: 'ascii', span: { start, end: this.pos }, name, negated }
  }

  private parseSetClassRange(): ClassItem {
    const first = this.parseSetClassItem()
    this.bumpSpace()
    if (this.eof()) this.unclosedClass()
    if (!this.is('-') || this.peekSpace() === 0x5d || this.peekSpace() === 0x2d) return asClassItem(first)
    if (!this.bumpAndBumpSpace()) this.unclosedClass()
    const second = this.parseSetClassItem()
    const from = asRangeEnd(first)
    const to = asRangeEnd(second)
    const span = { start: first.span.start, end: second.span.end }
    if (from.cp > to.cp) fail(MESSAGES.classRangeInvalid, span, HINTS.classRangeInvalid)
    return { kind: 'range', span, from, to }
  }

  private parseSetClassItem(): Primitive {
    if (this.is('\\')) return this.parseEscape()
    const lit: Literal = { kind: 'literal', span: this.spanChar(), cp: this.ch(), hexByte: false }
    this.bump()
    return lit
  }
}

function asClassItem(p: Primitive): ClassItem {
  if (p.kind === 'dot' || p.kind === 'assertion') fail(MESSAGES.classEscapeInvalid, p.span)
  return p
}

function asRangeEnd(p: Primitive): Literal {
  if (p.kind !== 'literal') fail(MESSAGES.classRangeLiteral, p.span)
  return p
}

function scalar(hex: string): number | undefined {
  if (hex.length > 8) return undefined
  const n = parseInt(hex, 16)
  if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined
  return n
}

/** The value a flag list gives `flag`, if it mentions it. */
export function flagState(items: readonly FlagItem[], flag: FlagChar): boolean | undefined {
  let on = true
  for (const item of items) {
    if (item.flag === '-') on = false
    else if (item.flag === flag) return on
  }
  return undefined
}

function flagHint(c: string): string | undefined {
  if (c === '>') return HINTS.atomic
  if (c === '(') return HINTS.conditional
  if (c === '#') return HINTS.comment
  if (c === 'P') return HINTS.backreference
  return HINTS.flags
}

function escapeHint(c: string): string | undefined {
  if (c === 'Z') return HINTS.bigZ
  if (c === 'k' || c === 'g') return HINTS.backreference
  if (c === 'G' || c === 'K') return HINTS.unsupportedPerl
  return HINTS.escape
}

/** Rust's NestLimiter: depth counts groups, repetitions, concatenations, alternations and classes. */
function checkNesting(root: Ast): void {
  type Node = Ast | ClassItem | ClassSet
  // Two parallel stacks rather than a frame object and a child list per node: this runs for every
  // regex of every route added.
  const nodes: Node[] = [root]
  const depths: number[] = [0]
  while (nodes.length > 0) {
    const node = nodes.pop() as Node
    let d = depths.pop() as number
    let span: ReSpan | undefined
    const base = nodes.length
    switch (node.kind) {
      case 'repetition':
      case 'group':
        span = node.span
        nodes.push(node.sub)
        break
      case 'concat':
      case 'alternation':
        span = node.span
        for (const sub of node.subs) nodes.push(sub)
        break
      case 'bracketed':
        span = node.span
        nodes.push(node.set)
        break
      case 'union':
        // Rust's empty union is an `Empty` item, which does not count as a level.
        if (node.items.length >= 2) span = node.span
        for (const item of node.items) nodes.push(item)
        break
      case 'op':
        span = node.span
        nodes.push(node.lhs, node.rhs)
        break
      case 'item':
        nodes.push(node.item)
        break
      default:
        break
    }
    if (span !== undefined) {
      d += 1
      if (d > NEST_LIMIT) fail(MESSAGES.nestLimit, span, HINTS.nestLimit)
    }
    // Order does not matter for a depth check, so children stay in the order they were pushed.
    for (let i = base; i < nodes.length; i++) depths.push(d)
  }
}

/** Parses a Rust regex, or returns the first error Rust would report. */
export function parsePattern(pattern: string): { ok: true; parsed: Parsed } | { ok: false; error: ReError } {
  try {
    return { ok: true, parsed: new Parser(pattern).parse() }
  } catch (e) {
    if (e instanceof Fail) return { ok: false, error: e.error }
    throw e
  }
}

// Parsers live for one call; see keep-shape.ts.
keepShape(new Parser(''))
