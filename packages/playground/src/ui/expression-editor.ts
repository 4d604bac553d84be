import { lineColumn, type Diagnostic, type Schema } from '@switchyard/core'
import { routeExpression, toLintDiagnostic, type ExpressionValidator } from '@switchyard/editor'
import { closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete'
import { Compartment, EditorState, StateEffect, StateField } from '@codemirror/state'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { forEachDiagnostic, linter, lintKeymap, setDiagnostics, type Diagnostic as LintDiagnostic } from '@codemirror/lint'
import { minimalSetup } from 'codemirror'
import { h, replaceChildren, uniqueId } from './dom.ts'

/**
 * Lines longer than this are not wrapped. A wrapped line is laid out whole on every keystroke
 * (CodeMirror renders only the lines in view, but a line entirely): a one-line expression of 12,000
 * characters took 113 ms a keystroke wrapped and 31 ms scrolled sideways (headless Chromium), one
 * of 4,000 30 ms wrapped. Converted traditional routes with many hosts and paths reach such lengths.
 */
export const WRAP_UP_TO = 4000

/** Wraps lines as long as every line is at most WRAP_UP_TO characters (the check reads line lengths only past that total). */
const wrapShortLines = EditorView.contentAttributes.compute(['doc'], (state): Record<string, string> => {
  const doc = state.doc
  if (doc.length <= WRAP_UP_TO) return WRAPPING
  for (let line = 1; line <= doc.lines; line++) if (doc.line(line).length > WRAP_UP_TO) return {}
  return WRAPPING
})
const WRAPPING = { class: 'cm-lineWrapping' }

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
  /** Renames the editable area, e.g. when its route is renamed. */
  setLabel(label: string): void
  /** Frees the editor (its view and its colour-scheme listener) when its route goes away. */
  destroy(): void
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

/** One diagnostic as the list under the editor shows it. */
interface Listed {
  readonly from: number
  readonly to: number
  readonly severity: string
  readonly message: string
  readonly source: string
}

function listedDiagnostics(view: EditorView): Listed[] {
  const found: Listed[] = []
  forEachDiagnostic(view.state, (d, from, to) => found.push({ from, to, severity: d.severity, message: d.message, source: d.source ?? '' }))
  // The editor's own lint and the Admin API can report the same problem; list it once.
  const seen = new Set<string>()
  return found.filter((d) => {
    const key = `${d.from}:${d.to}:${d.source}:${d.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The diagnostics in words under the editor: a mark alone says nothing to a screen reader or to a
 * keyboard user, and a problem at the very end of the text is a barely visible point. Each entry
 * selects its span in the editor.
 */
function renderDiagnostics(list: HTMLElement, view: EditorView, listed: readonly Listed[]): void {
  list.hidden = listed.length === 0
  replaceChildren(
    list,
    ...listed.map((d) => {
      // Columns count code points, as core's diagnostics and the Admin API's do: not UTF-16 units.
      const { line, column } = lineColumn(view.state.doc.toString(), d.from)
      const where = view.state.doc.lines > 1 ? `Line ${line}, column ${column}` : `Column ${column}`
      const [message, ...hint] = d.message.split('\n')
      return h(
        'li',
        { class: `diagnostic ${d.severity}`, 'data-code': d.source },
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              const length = view.state.doc.length
              view.dispatch({ selection: { anchor: Math.min(d.from, length), head: Math.min(d.to, length) }, scrollIntoView: true })
              view.focus()
            },
          },
          `${d.severity === 'error' ? 'Error' : d.severity === 'warning' ? 'Warning' : 'Note'}, ${where.toLowerCase()}`,
        ),
        `: ${message ?? ''}`,
        hint.length === 0 ? null : h('span', { class: 'muted' }, ` (${hint.join(' ')})`),
        d.source === '' ? null : h('code', { class: 'muted code' }, ` ${d.source}`),
      )
    }),
  )
}

/** Creates an expression editor inside `parent`. */
export function createExpressionEditor(parent: HTMLElement, options: ExpressionEditorOptions): ExpressionEditor {
  const compartment = new Compartment()
  const labelled = new Compartment()
  // CodeMirror draws its caret, selection, tooltips and completion list for a light page unless told
  // otherwise: in a dark colour scheme the caret would be black on black, tooltips light on white.
  const scheme = new Compartment()
  const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined
  const list = h('ul', { class: 'diagnostics', id: uniqueId('diagnostics'), hidden: true })
  let shown = ''
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        minimalSetup,
        closeBrackets(),
        keymap.of([...closeBracketsKeymap, ...completionKeymap, ...lintKeymap]),
        wrapShortLines,
        placeholder('http.path ^= "/api" && http.method == "GET"'),
        labelled.of(EditorView.contentAttributes.of({ 'aria-label': options.label })),
        scheme.of(EditorView.darkTheme.of(darkQuery?.matches ?? false)),
        EditorView.contentAttributes.of({ 'aria-multiline': 'true', 'aria-describedby': list.id }),
        compartment.of(language(options.schema, options.validate)),
        apiLint,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString())
          const listed = listedDiagnostics(update.view)
          const key = JSON.stringify(listed)
          if (key !== shown) {
            shown = key
            renderDiagnostics(list, update.view, listed)
          }
        }),
      ],
    }),
  })
  if (parent.parentNode === null) parent.append(list)
  else parent.after(list)
  const followScheme = (event: MediaQueryListEvent) => {
    if (!view.dom.isConnected) darkQuery?.removeEventListener('change', followScheme)
    else view.dispatch({ effects: scheme.reconfigure(EditorView.darkTheme.of(event.matches)) })
  }
  darkQuery?.addEventListener('change', followScheme)
  return {
    view,
    destroy: () => {
      darkQuery?.removeEventListener('change', followScheme)
      view.destroy()
      list.remove()
    },
    configure: (schema, validate) => view.dispatch({ effects: compartment.reconfigure(language(schema, validate)) }),
    setLabel: (label) => view.dispatch({ effects: labelled.reconfigure(EditorView.contentAttributes.of({ 'aria-label': label })) }),
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
