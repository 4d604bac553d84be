import { diagnostic, NO_DIAGNOSTICS, type Diagnostic, type Result } from '../diagnostics/diagnostic.ts'
import type { Expr, Literal, Predicate } from '../syntax/ast.ts'
import { appliesInKong, inKong, operators, type LiteralType } from '../syntax/operators.ts'
import { Schema } from '../schema/schema.ts'
import { internList } from '../syntax/intern.ts'
import { keepShape } from '../keep-shape.ts'
import { predicate, stringLiteral } from '../syntax/build.ts'
import type { ValueType } from '../values/types.ts'

/** An expression that passed the checker, with the distinct fields it reads (first-use order). */
export interface CheckedExpression {
  readonly expr: Expr
  readonly fields: readonly string[]
  /** The schema type of every field read. */
  readonly fieldTypes: ReadonlyMap<string, ValueType>
}

/**
 * Checks an expression against a schema with atc-router's rules (spec §4.2), but reports every
 * problem rather than the first: unknown fields at the field name, type mismatches at the operator,
 * `lower()` on a non-String field at the transformation.
 */
export function check(expr: Expr, schema: Schema): Result<CheckedExpression> {
  // Walks the tree directly and collects field names in a plain array: this runs for every route
  // added, and a predicate list plus a Map per route were most of its cost.
  const diagnostics: Diagnostic[] = []
  const fields: string[] = []
  // Depth first, left before right, on a stack of its own: a chain of n `||` parses n levels deep.
  const pending: Expr[] = [expr]
  while (pending.length > 0) {
    const node = pending.pop() as Expr
    if (node.kind === 'Predicate') {
      const type = checkPredicate(node, schema, diagnostics)
      if (type !== undefined && !fields.includes(node.field.name)) fields.push(node.field.name)
    } else if (node.kind === 'Not') pending.push(node.operand)
    else pending.push(node.right, node.left)
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics }
  return { ok: true, value: new CheckedTree(expr, internList(fields), schema), diagnostics: NO_DIAGNOSTICS }
}

/** A checked expression; the field types are looked up only when asked for. */
class CheckedTree implements CheckedExpression {
  constructor(
    readonly expr: Expr,
    readonly fields: readonly string[],
    readonly schema: Schema,
  ) {}

  get fieldTypes(): ReadonlyMap<string, ValueType> {
    return new Map(this.fields.map((name) => [name, this.schema.typeOf(name) as ValueType]))
  }
}

// Checked trees usually live for one call (a router keeps only what it compiled); see keep-shape.ts.
keepShape(new CheckedTree(predicate('http.path', 'equals', stringLiteral('/')), [], new Schema([])))

/** Checks predicates one by one; used on the predicates of an expression that did not fully parse too. */
export function checkPredicates(predicates: readonly Predicate[], schema: Schema): { diagnostics: Diagnostic[]; fieldTypes: Map<string, ValueType> } {
  const diagnostics: Diagnostic[] = []
  const fieldTypes = new Map<string, ValueType>()
  for (const predicate of predicates) {
    const type = checkPredicate(predicate, schema, diagnostics)
    if (type !== undefined) fieldTypes.set(predicate.field.name, type)
  }
  return { diagnostics, fieldTypes }
}

/** The type of a right-hand literal as the checker sees it. */
export function literalType(literal: Literal): LiteralType {
  if (literal.kind !== 'Set') return literal.kind
  return literal.elements[0]?.kind === 'Int' ? 'IntSet' : 'StringSet'
}

function checkPredicate(predicate: Predicate, schema: Schema, out: Diagnostic[]): ValueType | undefined {
  const { field, op, value } = predicate
  const fieldType = schema.typeOf(field.name)
  if (fieldType === undefined) {
    out.push(diagnostic('unknown-field', field.nameSpan, `\`${field.name}\` is not a field of this schema.`, suggestField(field.name, schema)))
    return undefined
  }
  const rhs = literalType(value)
  const spec = operators[op]
  const symbol = spec.symbol
  // Kong checks "same type on both sides" first, except for the operators whose sides differ by design.
  const sidesMayDiffer = op === 'regex' || op === 'in' || op === 'notIn'
  if (!sidesMayDiffer && rhs !== fieldType) {
    out.push(
      diagnostic(
        'operator-type-mismatch',
        predicate.opSpan,
        `\`${field.name}\` is ${article(fieldType)} but the value is ${article(rhs)}, and \`${symbol}\` compares values of the same type.`,
        hintForMismatch(fieldType),
      ),
    )
  } else if (!spec.operands.some(([l, r]) => l === fieldType && (r === rhs || (r === 'Regex' && rhs === 'String')))) {
    const accepted = acceptedBy(op)
    out.push(
      diagnostic(
        'operator-type-mismatch',
        predicate.opSpan,
        `\`${symbol}\` does not apply to ${article(fieldType)} field with ${article(rhs)} value; it takes ${accepted}.`,
        operatorsFor(fieldType),
      ),
    )
  }
  if (field.transforms.includes('lower') && fieldType !== 'String') {
    out.push(diagnostic('lower-needs-string', field.span, `\`lower()\` applies only to String fields, and \`${field.name}\` is ${article(fieldType)}.`))
  }
  return fieldType
}

/** The operand pairs of an operator in Kong's language (sets are an extension: see `appliesInKong`). */
function acceptedBy(op: keyof typeof operators): string {
  return operators[op].operands
    .filter(([, r]) => inKong(r))
    .map(([l, r]) => `${l} ${operators[op].symbol} ${r}`)
    .join(', ')
}

/** Lists the operators Kong's language has for a field type, for hints and completion. */
export function operatorsFor(type: ValueType): string {
  const symbols = Object.values(operators)
    .filter((spec) => appliesInKong(spec, type))
    .map((spec) => spec.symbol)
  return `${type} fields take ${symbols.join(' ')}`
}

function hintForMismatch(fieldType: ValueType): string {
  switch (fieldType) {
    case 'String':
      return 'write the value as a string: "..."'
    case 'Int':
      return 'write the value as an integer, without quotes'
    case 'IpAddr':
      return 'write an address without quotes, or use `in` with a CIDR'
    default:
      return operatorsFor(fieldType)
  }
}

function article(type: string): string {
  const names: Record<string, string> = {
    String: 'a String',
    Int: 'an Int',
    IpAddr: 'an IpAddr',
    IpCidr: 'an IpCidr',
    Regex: 'a Regex',
    StringSet: 'a list of strings',
    IntSet: 'a list of integers',
  }
  return names[type] ?? type
}

function suggestField(name: string, schema: Schema): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const [known] of schema.entries()) {
    const candidate = known.endsWith('.*') ? known.slice(0, -2) : known
    const distance = editDistance(name, candidate)
    if (distance < bestDistance) {
      bestDistance = distance
      best = known
    }
  }
  if (best === undefined || bestDistance > Math.max(2, name.length / 3)) return undefined
  return best.endsWith('.*') ? `did you mean ${best.slice(0, -1)}<name>?` : `did you mean ${best}?`
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length] as number
}
