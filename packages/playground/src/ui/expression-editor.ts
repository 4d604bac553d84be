import type { Diagnostic, Schema } from '@switchyard/core'
import { routeExpression, toLintDiagnostic, type ExpressionValidator } from '@switchyard/editor'
import { closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete'
import { Compartment, EditorState, StateEffect, StateField } from '@codemirror/state'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { linter, lintKeymap, setDiagnostics, type Diagnostic as LintDiagnostic } from '@codemirror/lint'
import { minimalSetup } from 'codemirror'

/** Options of an expression editor. */
export interface ExpressionEditorOptions {
  readonly doc: string
  readonly schema: Schema
  readonly validate?: ExpressionValidator
  /** The accessible name of the editable area. */
  readonly label: string
  readonly onChange: (text: string) => void
}

/** An embedded expression editor whose schema and validator can change (protocols, priority). */
export interface ExpressionEditor {
  readonly view: EditorView
  /** Switches schema or validator, e.g. when the route's protocols change. */
  configure(schema: Schema, validate?: ExpressionValidator): void
  /** Shows diagnostics that came from elsewhere (the Admin API) at their spans, until the next edit. */
  showDiagnostics(diagnostics: readonly Diagnostic[]): void
}

/** Diagnostics the Admin API gave for the current text: kept until the next edit. */
const setApiDiagnostics = StateEffect.define<readonly LintDiagnostic[]>()
const apiDiagnostics = StateField.define<readonly LintDiagnostic[]>({
  create: () => [],
  update: (value, transaction) => {
    for (const effect of transaction.effects) if (effect.is(setApiDiagnostics)) return effect.value
    return transaction.docChanged ? [] : value
  },
})

/**
 * The Admin API's diagnostics as one more lint source: every lint run (the editor's own lint can
 * finish after the API answered) shows them beside the editor's, instead of replacing them.
 */
const apiLint = [
  apiDiagnostics,
  linter((view) => [...view.state.field(apiDiagnostics)], {
    needsRefresh: (update) => update.transactions.some((transaction) => transaction.effects.some((effect) => effect.is(setApiDiagnostics))),
  }),
]

function language(schema: Schema, validate: ExpressionValidator | undefined) {
  return routeExpression(validate === undefined ? { schema } : { schema, validate })
}

/** Creates an expression editor inside `parent`. */
export function createExpressionEditor(parent: HTMLElement, options: ExpressionEditorOptions): ExpressionEditor {
  const compartment = new Compartment()
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        minimalSetup,
        closeBrackets(),
        keymap.of([...closeBracketsKeymap, ...completionKeymap, ...lintKeymap]),
        EditorView.lineWrapping,
        placeholder('http.path ^= "/api" && http.method == "GET"'),
        EditorView.contentAttributes.of({ 'aria-label': options.label, 'aria-multiline': 'true' }),
        compartment.of(language(options.schema, options.validate)),
        apiLint,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString())
        }),
      ],
    }),
  })
  return {
    view,
    configure: (schema, validate) => view.dispatch({ effects: compartment.reconfigure(language(schema, validate)) }),
    showDiagnostics: (diagnostics) => {
      const length = view.state.doc.length
      const converted = diagnostics.map((d) => {
        const lint = toLintDiagnostic(d, length)
        return { ...lint, markClass: `${lint.markClass ?? ''} cm-route-from-api` }
      })
      view.dispatch({ effects: setApiDiagnostics.of(converted) })
      // Shown at once; the lint run the effect schedules then adds the editor's own beside them.
      view.dispatch(setDiagnostics(view.state, converted))
    },
  }
}
