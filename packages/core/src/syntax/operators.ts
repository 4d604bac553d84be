import type { ValueType } from '../values/types.ts'

/** The type of a right-hand literal: the five value types, plus sets of String or Int (an extension). */
export type LiteralType = Exclude<ValueType, 'Regex'> | 'StringSet' | 'IntSet'

/** What one operator accepts and how it is written. */
export interface OperatorSpec {
  /** The exact source spelling. */
  readonly symbol: string
  /** Accepted (field type, literal type) pairs. `Regex` means a string literal compiled as a regex. */
  readonly operands: readonly (readonly [ValueType, LiteralType | 'Regex'])[]
  /** What a value recorded for the field is when the predicate passes (Kong's rules). */
  readonly records: 'literal' | 'match' | 'nothing'
  /** One line for completion and hover. */
  readonly description: string
}

/**
 * True when Kong's language has the operator for a field of this type: an operand pair whose literal
 * is not a set (sets exist only with the `lists` extension, so `in` on a String or Int field does
 * not). What hints and completion offer.
 */
export function appliesInKong(spec: OperatorSpec, type: ValueType): boolean {
  return spec.operands.some(([left, right]) => left === type && inKong(right))
}

/** True for a literal type Kong's language has (every one but the sets of the `lists` extension). */
export function inKong(literal: LiteralType | 'Regex'): boolean {
  return literal !== 'StringSet' && literal !== 'IntSet'
}

/**
 * The one operator table: the parser's spellings, the checker's type rules, the editor's completions.
 * Order is the order the grammar tries them (a longer spelling before its prefix).
 */
export const operators = {
  equals: {
    symbol: '==',
    operands: [['String', 'String'], ['Int', 'Int'], ['IpAddr', 'IpAddr'], ['IpCidr', 'IpCidr']],
    records: 'literal',
    description: 'equal to',
  },
  notEquals: {
    symbol: '!=',
    operands: [['String', 'String'], ['Int', 'Int'], ['IpAddr', 'IpAddr'], ['IpCidr', 'IpCidr']],
    records: 'nothing',
    description: 'not equal to (false when the field is absent)',
  },
  regex: { symbol: '~', operands: [['String', 'Regex']], records: 'match', description: 'matches the regex anywhere in the value' },
  prefix: { symbol: '^=', operands: [['String', 'String']], records: 'literal', description: 'starts with' },
  suffix: { symbol: '=^', operands: [['String', 'String']], records: 'literal', description: 'ends with' },
  greaterOrEqual: { symbol: '>=', operands: [['Int', 'Int']], records: 'nothing', description: 'greater than or equal to' },
  greater: { symbol: '>', operands: [['Int', 'Int']], records: 'nothing', description: 'greater than' },
  lessOrEqual: { symbol: '<=', operands: [['Int', 'Int']], records: 'nothing', description: 'less than or equal to' },
  less: { symbol: '<', operands: [['Int', 'Int']], records: 'nothing', description: 'less than' },
  in: {
    symbol: 'in',
    operands: [['IpAddr', 'IpCidr'], ['String', 'StringSet'], ['Int', 'IntSet']],
    records: 'nothing',
    description: 'inside the network (or one of the listed values)',
  },
  notIn: {
    symbol: 'not in',
    operands: [['IpAddr', 'IpCidr'], ['String', 'StringSet'], ['Int', 'IntSet']],
    records: 'nothing',
    description: 'outside the network (or none of the listed values)',
  },
  contains: { symbol: 'contains', operands: [['String', 'String']], records: 'nothing', description: 'contains the text' },
} as const satisfies Record<string, OperatorSpec>

/** An operator's name (`equals`, `prefix`, …), named for meaning rather than glyph. */
export type OperatorName = keyof typeof operators

/** Operator names in the order the grammar tries their spellings. */
export const OPERATOR_NAMES = Object.keys(operators) as OperatorName[]

/** The transformations that may wrap a field on the left-hand side. */
export type Transform = 'lower' | 'any'

/** True when `name` is a known transformation. */
export function isTransform(name: string): name is Transform {
  return name === 'lower' || name === 'any'
}
