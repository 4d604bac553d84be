import type { CheckedExpression } from '../check/checker.ts'
import type { Expr } from '../syntax/ast.ts'
import { partKey } from './matcher-cache.ts'
import { asStringComparison, compileComparisons, compilePredicate, type CompileOptions, type Matcher, type RouteMatcher, runMatcher, type StringComparison } from './predicate.ts'

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
  const { matcher } = compileRoute(expr, options)
  return typeof matcher === 'function' ? matcher : (context, record) => matcher.test(context, record)
}

/** A compiled expression, and whether every match of it records the same values. */
export interface CompiledRoute {
  readonly matcher: RouteMatcher
  /**
   * True when the matcher is a common comparison or an `&&` chain of them: each records the literal
   * it compared, so every match records the same values (an `||` or a regex depends on the request).
   * Decided where the matcher is chosen, so the two always agree.
   */
  readonly recordsConstant: boolean
}

/** Compiles any tree (the caller guarantees it passed the checker), telling whether its recordings are constant. */
export function compileRoute(expr: Expr, options: CompileOptions): CompiledRoute {
  return compileChain(expr) ?? compilePart(expr, options)
}

/** The common case (host, path, method comparisons, or an `&&` chain of them): a small object per route, not worth sharing. */
function compileChain(expr: Expr): CompiledRoute | undefined {
  if (expr.kind !== 'Predicate' && expr.kind !== 'And') return undefined
  const comparisons = comparisonsOf(flatten(expr, 'And'))
  return comparisons === undefined ? undefined : { matcher: compileComparisons(comparisons), recordsConstant: true }
}

/**
 * Compiles a tree that is not a chain of common comparisons, from its parts. A route's whole
 * expression is compiled for it alone (its key would be the longest, and routes seldom repeat one);
 * the parts below it are shared through `options.matchers`.
 */
function compilePart(expr: Expr, options: CompileOptions): CompiledRoute {
  switch (expr.kind) {
    case 'Predicate':
      return { matcher: compilePredicate(expr, options), recordsConstant: false }
    case 'And':
      return { matcher: every(flatten(expr, 'And').map((e) => compileTerm(e, options))), recordsConstant: false }
    case 'Not':
      return { matcher: not(compileTerm(expr.operand, options)), recordsConstant: false }
    case 'Or':
      return { matcher: some(flatten(expr, 'Or').map((e) => compileTerm(e, options))), recordsConstant: false }
  }
}

/** A part of an expression, in the form the combinators below take (comparisons stay objects), shared where it can be. */
function compileTerm(expr: Expr, options: CompileOptions): RouteMatcher {
  const chain = compileChain(expr)
  if (chain !== undefined) return chain.matcher
  const cache = options.matchers
  const key = cache === undefined ? undefined : partKey(expr)
  if (key !== undefined) {
    const shared = cache?.get(key)
    if (shared !== undefined) return shared
  }
  const { matcher } = compilePart(expr, options)
  if (key !== undefined) cache?.offer(key, matcher)
  return matcher
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

function every(terms: readonly RouteMatcher[]): Matcher {
  if (terms.length === 2) return both(terms[0] as RouteMatcher, terms[1] as RouteMatcher)
  return (context, record) => {
    for (let i = 0; i < terms.length; i++) if (!runMatcher(terms[i] as RouteMatcher, context, record)) return false
    return true
  }
}

// Separate functions, so each closure's context holds only its matchers and not the list or tree.
function not(operand: RouteMatcher): Matcher {
  return (context, record) => !runMatcher(operand, context, record)
}

function both(a: RouteMatcher, b: RouteMatcher): Matcher {
  return (context, record) => runMatcher(a, context, record) && runMatcher(b, context, record)
}

function either(a: RouteMatcher, b: RouteMatcher): Matcher {
  return (context, record) => runMatcher(a, context, record) || runMatcher(b, context, record)
}

function some(terms: readonly RouteMatcher[]): Matcher {
  if (terms.length === 2) return either(terms[0] as RouteMatcher, terms[1] as RouteMatcher)
  return (context, record) => {
    for (let i = 0; i < terms.length; i++) if (runMatcher(terms[i] as RouteMatcher, context, record)) return true
    return false
  }
}
