import { span, type Span } from '../diagnostics/span.ts'
import type { And, Expr, FieldRef, Literal, Not, Or, Predicate, StringLiteral } from './ast.ts'
import type { OperatorName, Transform } from './operators.ts'

const NOWHERE: Span = span(0, 0)

/** Builds `left && right` for generated expressions (spans cover both operands when they have them). */
export function and(left: Expr, right: Expr): And {
  return { kind: 'And', left, right, span: joinSpans(left.span, right.span) }
}

/** Builds `left || right`. */
export function or(left: Expr, right: Expr): Or {
  return { kind: 'Or', left, right, span: joinSpans(left.span, right.span) }
}

/** Builds `!(operand)`. */
export function not(operand: Expr): Not {
  return { kind: 'Not', operand, span: operand.span }
}

/** Builds a predicate on a field with optional transformations (outermost first). */
export function predicate(field: string, op: OperatorName, value: Literal, transforms: readonly Transform[] = []): Predicate {
  const ref: FieldRef = { name: field, transforms, nameSpan: NOWHERE, span: NOWHERE }
  return { kind: 'Predicate', field: ref, op, opSpan: NOWHERE, value, span: NOWHERE }
}

/** Builds a string literal; `raw` prints it as `r#"…"#` when the text allows. */
export function stringLiteral(value: string, raw = true): StringLiteral {
  return { kind: 'String', value, raw, span: NOWHERE }
}

/** Joins any number of expressions with `||` (left-associative); at least one is required. */
export function anyOf(exprs: readonly Expr[]): Expr {
  const [first, ...rest] = exprs
  if (first === undefined) throw new Error('anyOf needs at least one expression')
  return rest.reduce<Expr>((left, right) => or(left, right), first)
}

/** Joins any number of expressions with `&&` (left-associative); at least one is required. */
export function allOf(exprs: readonly Expr[]): Expr {
  const [first, ...rest] = exprs
  if (first === undefined) throw new Error('allOf needs at least one expression')
  return rest.reduce<Expr>((left, right) => and(left, right), first)
}

function joinSpans(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) }
}

/** A copy of an expression with every span set to zero: for comparing trees regardless of layout. */
export function withoutSpans(expr: Expr): Expr {
  switch (expr.kind) {
    case 'Predicate':
      return {
        ...expr,
        field: { ...expr.field, nameSpan: NOWHERE, span: NOWHERE },
        opSpan: NOWHERE,
        value: literalWithoutSpan(expr.value),
        span: NOWHERE,
      }
    case 'Not':
      return { kind: 'Not', operand: withoutSpans(expr.operand), span: NOWHERE }
    default:
      return { kind: expr.kind, left: withoutSpans(expr.left), right: withoutSpans(expr.right), span: NOWHERE }
  }
}

function literalWithoutSpan(literal: Literal): Literal {
  if (literal.kind === 'Set') return { kind: 'Set', elements: literal.elements.map((e) => ({ ...e, span: NOWHERE })), span: NOWHERE }
  return { ...literal, span: NOWHERE }
}
