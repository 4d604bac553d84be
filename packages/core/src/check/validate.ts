import type { Diagnostic } from '../diagnostics/diagnostic.ts'
import type { Schema } from '../schema/schema.ts'
import { parseDetailed, type ParseOptions } from '../syntax/parser.ts'
import { check, checkPredicates } from './checker.ts'

/** What an editor or the Admin API shows for an expression. */
export interface Validation {
  /** True when there is no error (warnings allowed). */
  readonly ok: boolean
  /** Errors and warnings, in source order. */
  readonly diagnostics: readonly Diagnostic[]
  /**
   * The error the engine reports, as atc-router reports one: the first syntax error when the
   * expression does not parse (the types of the predicates that did parse are still checked, for
   * editors, but such an expression is a syntax error first), else the checker's first error.
   * Undefined when `ok`.
   */
  readonly error: Diagnostic | undefined
  /** The distinct fields the expression reads (empty when it does not parse). */
  readonly fields: readonly string[]
}

/**
 * Parses and checks an expression against a schema, reporting every problem found: when the
 * expression does not parse, the predicates that did parse are still checked.
 */
export function validate(source: string, schema: Schema, options: Pick<ParseOptions, 'lists'> = {}): Validation {
  const parsed = parseDetailed(source, options)
  if (parsed.expr === undefined) {
    const checked = checkPredicates(parsed.predicates, schema).diagnostics
    return { ok: false, diagnostics: inSourceOrder([...parsed.diagnostics, ...checked]), error: firstError(inSourceOrder(parsed.diagnostics)), fields: [] }
  }
  const checked = check(parsed.expr, schema)
  const diagnostics = inSourceOrder([...parsed.diagnostics, ...checked.diagnostics])
  return checked.ok
    ? { ok: true, diagnostics, error: undefined, fields: checked.value.fields }
    : { ok: false, diagnostics, error: firstError(diagnostics), fields: [] }
}

function inSourceOrder(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.span.start - b.span.start)
}

function firstError(diagnostics: readonly Diagnostic[]): Diagnostic | undefined {
  return diagnostics.find((d) => d.severity === 'error')
}
