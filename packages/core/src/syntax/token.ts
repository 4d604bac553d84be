import type { Span } from '../diagnostics/span.ts'

/** What a stretch of source is, for highlighting; produced by the parser itself so editor and router agree. */
export type TokenKind =
  | 'field'
  | 'transform'
  | 'operator'
  | 'logical'
  | 'not'
  | 'paren'
  | 'bracket'
  | 'comma'
  | 'string'
  | 'raw-string'
  | 'int'
  | 'ip'
  | 'cidr'
  | 'invalid'

/** One classified stretch of source. */
export interface Token {
  readonly kind: TokenKind
  readonly span: Span
}
