import { catalog, type DiagnosticCode, type DiagnosticKind } from './catalog.ts'
import type { Span } from './span.ts'

/** Whether a diagnostic rejects the expression (`error`) or only advises (`warning`). */
export type Severity = 'error' | 'warning'

/** One problem found in an expression: what (code, kind, message), where (span) and how to fix (hint). */
export interface Diagnostic {
  readonly code: DiagnosticCode
  readonly kind: DiagnosticKind
  readonly severity: Severity
  /** One sentence, no position in it. */
  readonly message: string
  readonly span: Span
  /** How to fix it, when there is something useful to say. */
  readonly hint?: string
}

/** Builds an error diagnostic from the catalog. */
export function diagnostic(code: DiagnosticCode, span: Span, message: string, hint?: string): Diagnostic {
  return hint === undefined
    ? { code, kind: catalog[code], severity: 'error', message, span }
    : { code, kind: catalog[code], severity: 'error', message, span, hint }
}

/** Builds a warning diagnostic from the catalog: reported, but the expression stays valid. */
export function warning(code: DiagnosticCode, span: Span, message: string, hint?: string): Diagnostic {
  return { ...diagnostic(code, span, message, hint), severity: 'warning' }
}

/** True when any of the diagnostics is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error')
}

/**
 * The outcome of a stage that can fail on what a user wrote. Bad input is a value, not an exception;
 * a successful result may still carry warnings.
 */
export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }

/** The diagnostics of a clean result, shared (a result's list is read-only). */
export const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([])

/** A successful result. */
export function ok<T>(value: T, diagnostics: readonly Diagnostic[] = []): Result<T> {
  return { ok: true, value, diagnostics }
}

/** A failed result. */
export function fail<T>(diagnostics: readonly Diagnostic[]): Result<T> {
  return { ok: false, diagnostics }
}
