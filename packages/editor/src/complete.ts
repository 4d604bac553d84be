import { appliesInKong, operators, type Schema, type Token, type ValueType } from '@switchyard/core'
import { snippetCompletion, type Completion, type CompletionContext, type CompletionResult, type CompletionSource } from '@codemirror/autocomplete'
import type { EditorState } from '@codemirror/state'
import { familyCompletion } from './family-completion.ts'
import { FAMILY_EXAMPLES, FIELD_MEANINGS, familyPlaceholder, knownValues } from './fields.ts'
import { parseOf } from './parsed.ts'

/** Where the cursor is in the grammar, as far as completion cares; read from core's tokens. */
export type CompletionSituation =
  | { readonly kind: 'field'; readonly from: number }
  | { readonly kind: 'operator'; readonly from: number; readonly field: string }
  /** `operator` as written; `lowered` when the field is inside `lower(…)`, whose values are lower case. */
  | { readonly kind: 'value'; readonly from: number; readonly field: string; readonly operator: string; readonly lowered: boolean }
  | { readonly kind: 'logical'; readonly from: number }

// What the user may be in the middle of typing: a name, an operator's symbols, or a quoted value.
const PARTIAL_WORD = /[A-Za-z][\w.]*$|[=!^~<>&|]+$|"[^"\\\s]*$/

const LITERAL_KINDS: ReadonlySet<string> = new Set(['string', 'raw-string', 'int', 'ip', 'cidr', 'bracket'])

function textOf(state: EditorState, token: Token): string {
  return state.sliceDoc(token.span.start, token.span.end)
}

/**
 * The field of a left-hand side ending at `tokens[index]`: a bare field token, or the field inside
 * `lower(…)`/`any(…)` when the token is the transformation's closing parenthesis.
 */
function lhsFieldEndingAt(state: EditorState, tokens: readonly Token[], index: number): string | undefined {
  return lhsEndingAt(state, tokens, index)?.field
}

/** The field of a left-hand side ending at `tokens[index]`, and the transformations around it. */
function lhsEndingAt(state: EditorState, tokens: readonly Token[], index: number): { readonly field: string; readonly transforms: readonly string[] } | undefined {
  let i = index
  let closing = 0
  while (i >= 0 && tokens[i]?.kind === 'paren' && textOf(state, tokens[i]!) === ')') {
    closing++
    i--
  }
  const field = tokens[i]
  if (field?.kind !== 'field') return undefined
  // Each `)` must close a transformation's `(`; otherwise it closes a group and this is no lhs.
  const transforms: string[] = []
  for (let k = 0; k < closing; k++) {
    const open = tokens[i - 1 - 2 * k]
    const transform = tokens[i - 2 - 2 * k]
    if (open === undefined || textOf(state, open) !== '(' || transform?.kind !== 'transform') return undefined
    transforms.push(textOf(state, transform))
  }
  return { field: textOf(state, field), transforms }
}

/** Classifies the cursor position from core's tokens: what kind of thing may be typed here, from where. */
export function completionSituation(state: EditorState, position: number): CompletionSituation | undefined {
  const before = state.sliceDoc(Math.max(0, position - 200), position)
  const partial = PARTIAL_WORD.exec(before)?.[0] ?? ''
  const from = position - partial.length
  const tokens = parseOf(state).tokens
  let index = -1
  for (let i = 0; i < tokens.length && tokens[i]!.span.end <= from; i++) if (tokens[i]!.span.start < from) index = i
  const previous = tokens[index]
  if (previous === undefined) return { kind: 'field', from }
  const text = textOf(state, previous)
  switch (previous.kind) {
    case 'logical':
      return { kind: 'field', from }
    case 'not':
      // `!` only negates a parenthesised group: nothing but `(` may follow, so offer nothing.
      return undefined
    case 'field':
      return { kind: 'operator', from, field: text }
    case 'operator': {
      const lhs = lhsEndingAt(state, tokens, index - 1)
      return lhs === undefined ? undefined : { kind: 'value', from, field: lhs.field, operator: text, lowered: lhs.transforms.includes('lower') }
    }
    case 'paren': {
      if (text === '(') return { kind: 'field', from }
      const field = lhsFieldEndingAt(state, tokens, index)
      return field === undefined ? { kind: 'logical', from } : { kind: 'operator', from, field }
    }
    default:
      return LITERAL_KINDS.has(previous.kind) ? { kind: 'logical', from } : undefined
  }
}

/** Field names of the schema, wildcard families with a placeholder, plus `lower()` and `any()` as snippets. */
function fieldOptions(schema: Schema, typed: string): Completion[] {
  const options: Completion[] = []
  for (const [name, type] of schema.entries()) {
    const info = FIELD_MEANINGS[name]
    const described = info === undefined ? {} : { info }
    if (!name.endsWith('.*')) {
      options.push({ label: name, type: 'property', detail: type, ...described })
      continue
    }
    const prefix = name.slice(0, -1)
    const placeholder = familyPlaceholder(name)
    options.push(familyCompletion(prefix, placeholder, { label: `${prefix}<${placeholder}>`, type: 'property', detail: type, ...described }))
    // Once the family's prefix is typed, offer concrete members too (they must still type-check).
    if (typed.startsWith(prefix)) {
      for (const example of FAMILY_EXAMPLES[name] ?? []) {
        const member = prefix + example
        const memberType = schema.typeOf(member)
        if (memberType !== undefined && member !== name) options.push({ label: member, type: 'property', detail: memberType, ...described })
      }
    }
  }
  // Each snippet ends with an empty `${}` stop: with a single placeholder CodeMirror keeps no snippet
  // active, so Tab would leave the editor instead of moving past the `)`.
  options.push(
    snippetCompletion('lower(${field})${}', { label: 'lower()', type: 'function', detail: 'String fields', info: 'Lower-cases each value before comparing; the literal is not lowered.' }),
    snippetCompletion('any(${field})${}', { label: 'any()', type: 'function', detail: 'any field', info: 'At least one value must pass, instead of every value.' }),
  )
  return options
}

/** The operators Kong's language has for a field of this type (every operator when the field is unknown). */
export function operatorsForType(type: ValueType | undefined): { readonly symbol: string; readonly description: string }[] {
  return Object.values(operators)
    .filter((spec) => type === undefined || appliesInKong(spec, type))
    .map((spec) => ({ symbol: spec.symbol, description: spec.description }))
}

function operatorOptions(schema: Schema, field: string): Completion[] {
  return operatorsForType(schema.typeOf(field)).map(({ symbol, description }) => ({
    label: symbol,
    type: 'keyword',
    detail: description,
    apply: `${symbol} `,
  }))
}

/**
 * Known values of the field, quoted, where a quoted value fits the operator: not after `in` or
 * `not in`, which take an address range or a set, never one text; lower-cased inside `lower(…)`,
 * where an upper-case literal could never match.
 */
function valueOptions(schema: Schema, situation: Extract<CompletionSituation, { kind: 'value' }>): Completion[] {
  if (situation.operator === 'in' || situation.operator === 'not in') return []
  const values = knownValues(situation.field, schema).map((value) => (situation.lowered ? value.toLowerCase() : value))
  return [...new Set(values)].map((value) => ({ label: `"${value}"`, type: 'constant' }))
}

const LOGICAL_OPTIONS: readonly Completion[] = [
  { label: '&&', type: 'keyword', detail: 'and (the loosest operator)', apply: '&& ' },
  { label: '||', type: 'keyword', detail: 'or (binds tighter than &&)', apply: '|| ' },
]

/** The completions at a position, or null when there is nothing useful to offer. */
export function expressionCompletions(context: CompletionContext, schema: Schema): CompletionResult | null {
  const situation = completionSituation(context.state, context.pos)
  if (situation === undefined) return null
  const typed = context.state.sliceDoc(situation.from, context.pos)
  // Typing a space only opens the list where something must follow; `&&`/`||` wait for a request.
  if (typed === '' && !context.explicit && situation.kind === 'logical') return null
  let options: readonly Completion[]
  switch (situation.kind) {
    case 'field':
      options = fieldOptions(schema, typed)
      break
    case 'operator':
      options = operatorOptions(schema, situation.field)
      break
    case 'value':
      options = valueOptions(schema, situation)
      break
    case 'logical':
      options = LOGICAL_OPTIONS
  }
  if (options.length === 0) return null
  // closeBrackets typed the closing quote already: a quoted value replaces it instead of doubling it.
  const closingQuote = situation.kind === 'value' && typed.startsWith('"') && context.state.sliceDoc(context.pos, context.pos + 1) === '"'
  return closingQuote ? { from: situation.from, to: context.pos + 1, options } : { from: situation.from, options }
}

/** A CodeMirror completion source for expressions over `schema`. */
export function expressionCompletionSource(schema: Schema): CompletionSource {
  return (context) => expressionCompletions(context, schema)
}
