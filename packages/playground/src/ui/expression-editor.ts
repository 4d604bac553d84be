import type { Diagnostic, Schema } from '@switchyard/core'
import { routeExpression, toLintDiagnostic, type ExpressionValidator } from '@switchyard/editor'
import { closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete'
import { Compartment, EditorState } from '@codemirror/state'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { lintKeymap, setDiagnostics } from '@codemirror/lint'
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
      view.dispatch(setDiagnostics(view.state, converted))
    },
  }
}
