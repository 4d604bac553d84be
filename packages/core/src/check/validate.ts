import type { Diagnostic } from '../diagnostics/diagnostic.ts'
import type { Schema } from '../schema/schema.ts'
import { parseDetailed } from '../syntax/parser.ts'
import { check, checkPredicates } from './checker.ts'

/** What an editor or the Admin API shows for an expression. */
export interface Validation {
  /** True when there is no error (warnings allowed). */
  readonly ok: boolean
  /** Errors and warnings, in source order. */
  readonly diagnostics: readonly Diagnostic[]
  /** The distinct fields the expression reads (empty when it does not parse). */
  readonly fields: readonly string[]
}

/**
 * Parses and checks an expression against a schema, reporting every problem found: when the
 * expression does not parse, the predicates that did parse are still checked.
 */
export function validate(source: string, schema: Schema): Validation {
  const parsed = parseDetailed(source)
  if (parsed.expr === undefined) {
    const checked = checkPredicates(parsed.predicates, schema).diagnostics
    return { ok: false, diagnostics: [...parsed.diagnostics, ...checked].sort((a, b) => a.span.start - b.span.start), fields: [] }
  }
  const checked = check(parsed.expr, schema)
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics].sort((a, b) => a.span.start - b.span.start)
  return checked.ok
    ? { ok: true, diagnostics, fields: checked.value.fields }
    : { ok: false, diagnostics, fields: [] }
}
