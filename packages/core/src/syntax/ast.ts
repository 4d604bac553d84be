import type { Span } from '../diagnostics/span.ts'
import type { IpAddr, IpCidr } from '../values/types.ts'
import type { OperatorName, Transform } from './operators.ts'

/** An expression: a predicate or a logical combination. Plain readonly data with a span on every node. */
export type Expr = And | Or | Not | Predicate

/** `left && right`. */
export interface And {
  readonly kind: 'And'
  readonly left: Expr
  readonly right: Expr
  readonly span: Span
}

/** `left || right` (binds tighter than `&&` in this language). */
export interface Or {
  readonly kind: 'Or'
  readonly left: Expr
  readonly right: Expr
  readonly span: Span
}

/** `!(operand)`: negation exists only in front of a parenthesised group. */
export interface Not {
  readonly kind: 'Not'
  readonly operand: Expr
  readonly span: Span
}

/** `field op literal`, e.g. `lower(http.host) == "example.com"`. */
export interface Predicate {
  readonly kind: 'Predicate'
  readonly field: FieldRef
  readonly op: OperatorName
  readonly opSpan: Span
  readonly value: Literal
  readonly span: Span
}

/** The left-hand side: a field name and its transformations, outermost first as written. */
export interface FieldRef {
  readonly name: string
  readonly transforms: readonly Transform[]
  /** The field name alone. */
  readonly nameSpan: Span
  /** The whole left-hand side including transformations. */
  readonly span: Span
}

/** A right-hand literal. */
export type Literal = StringLiteral | IntLiteral | IpAddrLiteral | IpCidrLiteral | SetLiteral

/** `"text"` or `r#"text"#`; `raw` remembers the spelling so printing keeps it. */
export interface StringLiteral {
  readonly kind: 'String'
  readonly value: string
  readonly raw: boolean
  readonly span: Span
}

/** A signed 64-bit integer, exact. */
export interface IntLiteral {
  readonly kind: 'Int'
  readonly value: bigint
  readonly span: Span
}

/** An IPv4 or IPv6 address. */
export interface IpAddrLiteral {
  readonly kind: 'IpAddr'
  readonly value: IpAddr
  readonly span: Span
}

/** A network with host bits zero. */
export interface IpCidrLiteral {
  readonly kind: 'IpCidr'
  readonly value: IpCidr
  readonly span: Span
}

/** `["GET", "HEAD"]` or `[80, 443]` on the right of `in` / `not in` (an extension to Kong's language). */
export interface SetLiteral {
  readonly kind: 'Set'
  readonly elements: readonly (StringLiteral | IntLiteral)[]
  readonly span: Span
}

/** Visits every predicate, left to right. */
export function forEachPredicate(expr: Expr, visit: (predicate: Predicate) => void): void {
  switch (expr.kind) {
    case 'Predicate':
      visit(expr)
      return
    case 'Not':
      forEachPredicate(expr.operand, visit)
      return
    default:
      forEachPredicate(expr.left, visit)
      forEachPredicate(expr.right, visit)
  }
}

/** The distinct field names an expression reads, in first-use order. */
export function fieldsOf(expr: Expr): string[] {
  const seen = new Set<string>()
  forEachPredicate(expr, (p) => seen.add(p.field.name))
  return [...seen]
}
