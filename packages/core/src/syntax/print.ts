import { formatIpAddr, formatIpCidr } from '../values/ip.ts'
import type { Expr, FieldRef, Literal } from './ast.ts'
import { formatStringLiteral } from './literal-text.ts'
import { operators } from './operators.ts'

/**
 * Prints an expression in canonical form: single spaces, parentheses only where the grammar needs
 * them (`||` binds tighter than `&&`, both left-associative), so `parse(print(e))` gives back `e`.
 */
export function print(expr: Expr): string {
  return printAt(expr, 'top')
}

/** Prints with every `&&`/`||` group parenthesised, for people who do not know the precedence. */
export function printExplicit(expr: Expr): string {
  switch (expr.kind) {
    case 'Predicate':
      return printPredicate(expr.field, expr.op, expr.value)
    case 'Not':
      return `!(${printExplicit(expr.operand)})`
    default: {
      const wrap = (e: Expr): string => (e.kind === 'And' || e.kind === 'Or' ? `(${printExplicit(e)})` : printExplicit(e))
      return `${wrap(expr.left)} ${expr.kind === 'And' ? '&&' : '||'} ${wrap(expr.right)}`
    }
  }
}

type Position = 'top' | 'and-left' | 'and-right' | 'or-left' | 'or-right'

function printAt(expr: Expr, position: Position): string {
  switch (expr.kind) {
    case 'Predicate':
      return printPredicate(expr.field, expr.op, expr.value)
    case 'Not':
      return `!(${printAt(expr.operand, 'top')})`
    case 'And': {
      const text = `${printAt(expr.left, 'and-left')} && ${printAt(expr.right, 'and-right')}`
      // `&&` is the loosest operator: it needs parentheses anywhere but at the top or as a left `&&` operand.
      return position === 'top' || position === 'and-left' ? text : `(${text})`
    }
    case 'Or': {
      const text = `${printAt(expr.left, 'or-left')} || ${printAt(expr.right, 'or-right')}`
      return position === 'or-right' ? `(${text})` : text
    }
  }
}

function printPredicate(field: FieldRef, op: keyof typeof operators, value: Literal): string {
  return `${printField(field)} ${operators[op].symbol} ${printLiteral(value)}`
}

/** Prints a field reference with its transformations, outermost first. */
export function printField(field: FieldRef): string {
  let text = field.name
  for (let i = field.transforms.length - 1; i >= 0; i--) text = `${field.transforms[i]}(${text})`
  return text
}

/** Prints a literal in canonical form. */
export function printLiteral(literal: Literal): string {
  switch (literal.kind) {
    case 'String':
      return formatStringLiteral(literal.value, literal.raw)
    case 'Int':
      return literal.value.toString()
    case 'IpAddr':
      return formatIpAddr(literal.value)
    case 'IpCidr':
      return formatIpCidr(literal.value)
    case 'Set':
      return `[${literal.elements.map(printLiteral).join(', ')}]`
  }
}
