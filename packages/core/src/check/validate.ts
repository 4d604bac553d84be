import type { Diagnostic } from '../diagnostics/diagnostic.ts'
import type { Schema } from '../schema/schema.ts'
import { parse } from '../syntax/parser.ts'
import { check } from './checker.ts'

/** What an editor or the Admin API shows for an expression. */
export interface Validation {
  /** True when there is no error (warnings allowed). */
  readonly ok: boolean
  /** Errors and warnings, in source order. */
  readonly diagnostics: readonly Diagnostic[]
  /** The distinct fields the expression reads (empty when it does not parse). */
  readonly fields: readonly string[]
}

/** Parses and checks an expression against a schema, reporting every problem found. */
export function validate(source: string, schema: Schema): Validation {
  const parsed = parse(source)
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics, fields: [] }
  const checked = check(parsed.value, schema)
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics].sort((a, b) => a.span.start - b.span.start)
  return checked.ok
    ? { ok: true, diagnostics, fields: checked.value.fields }
    : { ok: false, diagnostics, fields: [] }
}
