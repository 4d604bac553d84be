import type { Context } from '../context/context.ts'
import { MatchRecord } from '../context/match.ts'
import type { Span } from '../diagnostics/span.ts'
import type { Expr, Predicate } from '../syntax/ast.ts'
import { printField, printLiteral } from '../syntax/print.ts'
import { operators } from '../syntax/operators.ts'
import type { FieldValue } from '../values/types.ts'
import { compilePredicate, type CompileOptions, type Matcher } from './predicate.ts'

/** How one node of an expression evaluated for a request. */
export type Trace = PredicateTrace | LogicTrace

/** A predicate's outcome and the values it saw. */
export interface PredicateTrace {
  readonly kind: 'Predicate'
  readonly span: Span
  /** The predicate as canonical text, e.g. `lower(http.host) == "a.com"`. */
  readonly text: string
  readonly field: string
  /** The request's values for the field; empty when the field is absent. */
  readonly values: readonly FieldValue[]
  /** Whether `any()` was used (at least one value must pass) or all values must pass. */
  readonly mode: 'all' | 'any'
  /** `undefined` when short-circuiting skipped the predicate. */
  readonly result: boolean | undefined
  /** A sentence saying why it came out that way. */
  readonly reason: string
}

/** An `&&`, `||` or `!` node with its children in evaluation order. */
export interface LogicTrace {
  readonly kind: 'And' | 'Or' | 'Not'
  readonly span: Span
  readonly result: boolean | undefined
  readonly children: readonly Trace[]
}

/** The explanation of one expression against one request. */
export interface ExpressionTrace {
  readonly result: boolean
  readonly root: Trace
  /** The predicate that decided the outcome: the first whose result fixed the expression's result. */
  readonly decidedBy: PredicateTrace | undefined
}

/**
 * Evaluates an expression step by step, recording each predicate's values and outcome. Predicates are
 * evaluated by the same compiled closures the router uses, so an explanation cannot disagree with a match.
 */
export function explainExpr(expr: Expr, context: Context, options: CompileOptions): ExpressionTrace {
  const record = new MatchRecord()
  const cache = new Map<Predicate, Matcher>()
  const predicateMatcher = (p: Predicate): Matcher => {
    let m = cache.get(p)
    if (m === undefined) {
      m = compilePredicate(p, options)
      cache.set(p, m)
    }
    return m
  }
  const root = evaluate(expr, context, record, predicateMatcher)
  return { result: root.result === true, root, decidedBy: decisive(root) }
}

function evaluate(expr: Expr, context: Context, record: MatchRecord, matcher: (p: Predicate) => Matcher): Trace {
  switch (expr.kind) {
    case 'Predicate': {
      const values = context.values(expr.field.name) ?? []
      const result = matcher(expr)(context, record)
      return predicateTrace(expr, values, result)
    }
    case 'Not': {
      const inner = evaluate(expr.operand, context, record, matcher)
      return { kind: 'Not', span: expr.span, result: !inner.result, children: [inner] }
    }
    default: {
      const left = evaluate(expr.left, context, record, matcher)
      const shortCircuit = expr.kind === 'And' ? left.result === false : left.result === true
      const right = shortCircuit ? skipped(expr.right, context) : evaluate(expr.right, context, record, matcher)
      const result = expr.kind === 'And' ? left.result === true && right.result === true : left.result === true || right.result === true
      return { kind: expr.kind, span: expr.span, result, children: [left, right] }
    }
  }
}

function skipped(expr: Expr, context: Context): Trace {
  if (expr.kind === 'Predicate') return predicateTrace(expr, context.values(expr.field.name) ?? [], undefined)
  const children = expr.kind === 'Not' ? [skipped(expr.operand, context)] : [skipped(expr.left, context), skipped(expr.right, context)]
  return { kind: expr.kind, span: expr.span, result: undefined, children }
}

function predicateTrace(p: Predicate, values: readonly FieldValue[], result: boolean | undefined): PredicateTrace {
  const mode = p.field.transforms.includes('any') ? 'any' : 'all'
  const text = `${printField(p.field)} ${operators[p.op].symbol} ${printLiteral(p.value)}`
  let reason: string
  if (result === undefined) reason = 'not evaluated: the outcome was already decided'
  else if (values.length === 0) reason = `\`${p.field.name}\` is absent, so the predicate is false whatever the operator`
  else if (result) reason = mode === 'any' ? 'at least one value passes' : values.length > 1 ? 'every value passes' : 'the value passes'
  else reason = mode === 'any' ? 'no value passes' : values.length > 1 ? 'not every value passes (use any() to accept one)' : 'the value does not pass'
  return { kind: 'Predicate', span: p.span, text, field: p.field.name, values, mode, result, reason }
}

/** The first evaluated predicate that fixed the outcome of the tree. */
function decisive(trace: Trace): PredicateTrace | undefined {
  if (trace.kind === 'Predicate') return trace.result === undefined ? undefined : trace
  if (trace.kind === 'Not') return trace.children[0] === undefined ? undefined : decisive(trace.children[0])
  const [left, right] = trace.children as [Trace, Trace]
  // For `&&`: a false result is fixed by the first false operand; a true one by the last operand.
  // For `||`: a true result is fixed by the first true operand; a false one by the last operand.
  const fixedByLeft = trace.kind === 'And' ? left.result === false : left.result === true
  return fixedByLeft ? decisive(left) : decisive(right)
}
