import type { CheckedExpression } from '../check/checker.ts'
import type { Expr } from '../syntax/ast.ts'
import { asStringComparison, compileComparisons, compilePredicate, type CompileOptions, type Matcher, type StringComparison } from './predicate.ts'

/**
 * Compiles a checked expression into one closure. Regexes are compiled (and shared through the
 * cache) here, once; nothing is parsed or allocated per request. `&&` and `||` short-circuit left to
 * right, which is observable through what the match records (Kong never rolls recordings back).
 */
export function compile(checked: CheckedExpression, options: CompileOptions): Matcher {
  return compileExpr(checked.expr, options)
}

/** Compiles any tree (the caller guarantees it passed the checker). */
export function compileExpr(expr: Expr, options: CompileOptions): Matcher {
  switch (expr.kind) {
    case 'Predicate':
      return compilePredicate(expr, options)
    case 'Not': {
      const operand = compileExpr(expr.operand, options)
      return (context, record) => !operand(context, record)
    }
    case 'And': {
      const chain = flatten(expr, 'And')
      const comparisons = comparisonsOf(chain)
      if (comparisons !== undefined) return compileComparisons(comparisons)
      return every(chain.map((e) => compileExpr(e, options)))
    }
    case 'Or': {
      const terms = flatten(expr, 'Or').map((e) => compileExpr(e, options))
      return some(terms)
    }
  }
}

/**
 * True when a match of the expression always records the same values: a plain string comparison or
 * an `&&` chain of them records each literal it compared (an `||` or a regex depends on the request).
 */
export function recordsConstant(expr: Expr): boolean {
  if (expr.kind === 'Predicate') return asStringComparison(expr) !== undefined
  return expr.kind === 'And' && comparisonsOf(flatten(expr, 'And')) !== undefined
}

/** The chain's predicates as common comparisons, when every one of them is one. */
function comparisonsOf(chain: readonly Expr[]): StringComparison[] | undefined {
  const out = new Array<StringComparison>(chain.length)
  for (let i = 0; i < chain.length; i++) {
    const term = chain[i] as Expr
    const comparison = term.kind === 'Predicate' ? asStringComparison(term) : undefined
    if (comparison === undefined) return undefined
    out[i] = comparison
  }
  return out
}

/** Left-deep chains (`a && b && c`) become one list, so long chains do not nest closures deeply. */
function flatten(expr: Expr, kind: 'And' | 'Or'): Expr[] {
  let depth = 0
  let node: Expr = expr
  while (node.kind === kind) {
    depth++
    node = node.left
  }
  // Filled from the right end: an exact-size array, no intermediate lists (this runs for every route).
  const out = new Array<Expr>(depth + 1)
  node = expr
  for (let i = depth; i > 0; i--) {
    const chain = node as Expr & { left: Expr; right: Expr }
    out[i] = chain.right
    node = chain.left
  }
  out[0] = node
  return out
}

function every(terms: readonly Matcher[]): Matcher {
  if (terms.length === 2) return both(terms[0] as Matcher, terms[1] as Matcher)
  return (context, record) => {
    for (let i = 0; i < terms.length; i++) if (!(terms[i] as Matcher)(context, record)) return false
    return true
  }
}

// Separate functions, so the closure's context holds only the two matchers and not the list.
function both(a: Matcher, b: Matcher): Matcher {
  return (context, record) => a(context, record) && b(context, record)
}

function either(a: Matcher, b: Matcher): Matcher {
  return (context, record) => a(context, record) || b(context, record)
}

function some(terms: readonly Matcher[]): Matcher {
  if (terms.length === 2) return either(terms[0] as Matcher, terms[1] as Matcher)
  return (context, record) => {
    for (let i = 0; i < terms.length; i++) if ((terms[i] as Matcher)(context, record)) return true
    return false
  }
}
