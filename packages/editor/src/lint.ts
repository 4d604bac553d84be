import type { Diagnostic as CoreDiagnostic, Span } from '@switchyard/core'
import type { ChangeSpec, EditorState } from '@codemirror/state'
import type { Command, EditorView } from '@codemirror/view'
import type { Action, Diagnostic } from '@codemirror/lint'

/** Produces core diagnostics for a source text: core's `validate`, or a caller's route-level check. */
export type ExpressionValidator = (source: string) => readonly CoreDiagnostic[]

/** The change that wraps a span in parentheses: the quick fix for `mixed-and-or`. */
export function parenthesize(span: Span): ChangeSpec {
  return [
    { from: span.start, insert: '(' },
    { from: span.end, insert: ')' },
  ]
}

const ADD_PARENTHESES: Action = {
  name: 'Add parentheses',
  apply: (view: EditorView, from: number, to: number) => {
    view.dispatch({ changes: parenthesize({ start: from, end: to }), userEvent: 'input.fix' })
  },
}

/** The quick fixes core's diagnostic codes have; only `mixed-and-or` has one today. */
function actionsFor(diagnostic: CoreDiagnostic): readonly Action[] {
  return diagnostic.code === 'mixed-and-or' ? [ADD_PARENTHESES] : []
}

/**
 * Converts one core diagnostic unchanged: `from`/`to` are its span, `source` its code, the message
 * its message; the hint (when any) is appended as a second line. Spans past the end of the document
 * (which a caller's validator could produce for stale text) are clamped rather than dropped.
 */
export function toLintDiagnostic(diagnostic: CoreDiagnostic, length: number): Diagnostic {
  const from = Math.min(diagnostic.span.start, length)
  const to = Math.min(Math.max(diagnostic.span.end, from), length)
  const actions = actionsFor(diagnostic)
  return {
    from,
    to,
    severity: diagnostic.severity,
    source: diagnostic.code,
    message: diagnostic.hint === undefined ? diagnostic.message : `${diagnostic.message}\n${diagnostic.hint}`,
    markClass: `cm-route-diagnostic-${diagnostic.code}`,
    ...(actions.length > 0 ? { actions } : {}),
  }
}

/** The lint diagnostics of a state's document under a validator. */
export function expressionDiagnostics(state: EditorState, validator: ExpressionValidator): Diagnostic[] {
  const source = state.doc.toString()
  return validator(source).map((d) => toLintDiagnostic(d, source.length))
}

/**
 * The quick-fix transaction for the first diagnostic with an action at `position`: used by tests and
 * keyboard shortcuts that fix without opening the lint panel. Undefined when there is none.
 */
export function quickFixAt(state: EditorState, validator: ExpressionValidator, position: number): { changes: ChangeSpec } | undefined {
  const found = validator(state.doc.toString()).find((d) => actionsFor(d).length > 0 && d.span.start <= position && position <= d.span.end)
  return found === undefined ? undefined : { changes: parenthesize(found.span) }
}

/**
 * A command applying the quick fix under the cursor (bound to Mod-. by `routeExpression`), so a fix
 * needs neither the mouse nor the lint panel. Returns false, letting other bindings run, when there is none.
 */
export function applyQuickFix(validator: ExpressionValidator): Command {
  return (view) => {
    const fix = quickFixAt(view.state, validator, view.state.selection.main.head)
    if (fix === undefined) return false
    view.dispatch({ ...fix, userEvent: 'input.fix' })
    return true
  }
}
