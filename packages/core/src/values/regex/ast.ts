/**
 * Syntax tree of a Rust regex, as written (before flags are applied). It mirrors regex-syntax's
 * `ast` module closely enough that errors can be reported at the same places. Spans are UTF-16
 * offsets into the pattern.
 */

/** A half-open range of UTF-16 offsets into the pattern. */
export interface ReSpan {
  readonly start: number
  readonly end: number
}

/** One of the inline flags `imsRUux`. */
export type FlagChar = 'i' | 'm' | 's' | 'R' | 'U' | 'u' | 'x'

/** A flag group's items in order, `-` included: `(?i-s)` is `[i, -, s]`. */
export interface FlagItem {
  readonly span: ReSpan
  readonly flag: FlagChar | '-'
}

/** Zero-width assertions. */
export type AssertionKind =
  | 'startLine' // ^
  | 'endLine' // $
  | 'startText' // \A
  | 'endText' // \z
  | 'wordBoundary' // \b
  | 'notWordBoundary' // \B
  | 'wordStart' // \b{start}, \<
  | 'wordEnd' // \b{end}, \>
  | 'wordStartHalf' // \b{start-half}
  | 'wordEndHalf' // \b{end-half}

/** `\d \s \w` and their negations. */
export type PerlKind = 'digit' | 'space' | 'word'

/** The text inside `\p{...}` (or the letter after `\p`). */
export type UnicodeQuery =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'value'; readonly name: string; readonly value: string; readonly notEqual: boolean }

/** A literal code point; `hexByte` is set for a two-digit `\xNN`, which `(?-u)` reads as a byte. */
export interface Literal {
  readonly kind: 'literal'
  readonly span: ReSpan
  readonly cp: number
  readonly hexByte: boolean
}

/** Items of a bracketed class. */
export type ClassItem =
  | Literal
  | { readonly kind: 'range'; readonly span: ReSpan; readonly from: Literal; readonly to: Literal }
  | { readonly kind: 'ascii'; readonly span: ReSpan; readonly name: string; readonly negated: boolean }
  | { readonly kind: 'perl'; readonly span: ReSpan; readonly perl: PerlKind; readonly negated: boolean }
  | { readonly kind: 'unicode'; readonly span: ReSpan; readonly query: UnicodeQuery; readonly negated: boolean }
  | Bracketed
  | { readonly kind: 'union'; readonly span: ReSpan; readonly items: readonly ClassItem[] }

/** A class expression: a union of items, or `&&`, `--`, `~~` of two expressions. */
export type ClassSet =
  | { readonly kind: 'item'; readonly item: ClassItem }
  | { readonly kind: 'op'; readonly span: ReSpan; readonly op: '&&' | '--' | '~~'; readonly lhs: ClassSet; readonly rhs: ClassSet }

/** `[...]` or `[^...]`. */
export interface Bracketed {
  readonly kind: 'bracketed'
  readonly span: ReSpan
  readonly negated: boolean
  readonly set: ClassSet
}

/** A node of the pattern. */
export type Ast =
  | { readonly kind: 'empty'; readonly span: ReSpan }
  | { readonly kind: 'flags'; readonly span: ReSpan; readonly items: readonly FlagItem[] }
  | Literal
  | { readonly kind: 'dot'; readonly span: ReSpan }
  | { readonly kind: 'assertion'; readonly span: ReSpan; readonly assertion: AssertionKind }
  | { readonly kind: 'perl'; readonly span: ReSpan; readonly perl: PerlKind; readonly negated: boolean }
  | { readonly kind: 'unicode'; readonly span: ReSpan; readonly query: UnicodeQuery; readonly negated: boolean }
  | Bracketed
  | {
      readonly kind: 'repetition'
      readonly span: ReSpan
      readonly opSpan: ReSpan
      readonly min: number
      readonly max: number // Infinity when unbounded
      readonly greedy: boolean
      readonly sub: Ast
    }
  | {
      readonly kind: 'group'
      readonly span: ReSpan
      readonly capture: { readonly index: number; readonly name?: string } | undefined
      readonly flags: readonly FlagItem[] | undefined // (?flags:...)
      readonly sub: Ast
    }
  | { readonly kind: 'alternation'; readonly span: ReSpan; readonly subs: readonly Ast[] }
  | { readonly kind: 'concat'; readonly span: ReSpan; readonly subs: readonly Ast[] }

/** A compile error: one sentence, the offending span, and advice where there is some. */
export interface ReError {
  readonly message: string
  readonly start: number
  readonly end: number
  readonly hint?: string
}
