import { validate, type Schema } from '@switchyard/core'
import { autocompletion } from '@codemirror/autocomplete'
import { LanguageSupport, StreamLanguage, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { linter } from '@codemirror/lint'
import { EditorView, keymap } from '@codemirror/view'
import { expressionCompletionSource } from './complete.ts'
import { familyNameSupport } from './family-completion.ts'
import { tokenHighlighter } from './highlight.ts'
import { expressionHover } from './hover.ts'
import { applyQuickFix, expressionDiagnostics, type ExpressionValidator } from './lint.ts'
import { parsedExpression } from './parsed.ts'

/** Options of `routeExpression`. */
export interface RouteExpressionOptions {
  /** The fields and types expressions are checked and completed against (e.g. `httpSchema`). */
  readonly schema: Schema
  /**
   * The check behind lint; default core's `validate(source, schema)`. Pass a route-level check
   * (priority, `net.port` rewrite, segment names) to show exactly what an Admin API would report.
   */
  readonly validate?: ExpressionValidator
  /** Milliseconds between the last edit and linting; default 150. */
  readonly lintDelay?: number
}

/**
 * The language's container. It classifies nothing itself: highlighting comes from core's tokens (see
 * `tokenHighlighter`), so there is no second grammar to disagree with the gateway's.
 */
const routeExpressionLanguage = StreamLanguage.define<null>({
  name: 'route-expression',
  startState: () => null,
  token: (stream) => {
    stream.skipToEnd()
    return null
  },
  languageData: { closeBrackets: { brackets: ['(', '[', '"'] } },
})

// Fallback colours for when no highlight style is active; the marks also carry `cm-route-<kind>`.
const theme = EditorView.baseTheme({
  '.cm-route-hover': { padding: '4px 8px', maxWidth: '28em' },
  '.cm-route-hover strong': { fontFamily: 'monospace' },
})

// The completion kinds as plain characters: CodeMirror's own icons are emoji and symbols that
// browsers without an emoji font (many Linux installs, headless ones) draw as empty boxes. A theme,
// not a base theme, so that it wins over the completion package's base theme.
const completionIcons = EditorView.theme({
  '.cm-completionIcon': { fontFamily: 'monospace', fontWeight: 'bold', opacity: '0.7' },
  '.cm-completionIcon-property:after': { content: "'f'" },
  '.cm-completionIcon-keyword:after': { content: "'='" },
  '.cm-completionIcon-function:after': { content: "'λ'" },
  '.cm-completionIcon-constant:after': { content: "'v'" },
})

/**
 * CodeMirror 6 support for route expressions: highlighting from core's lexer, completion of the
 * schema's fields (wildcard families included), operators by field type, known values and
 * `lower()`/`any()`, lint with core's diagnostics at their exact spans (with a quick fix for mixed
 * `&&`/`||`, applied from the lint panel or with Mod-. at the cursor), and hover with a field's type
 * and meaning.
 */
export function routeExpression(options: RouteExpressionOptions): LanguageSupport {
  const { schema } = options
  const validator: ExpressionValidator = options.validate ?? ((source) => validate(source, schema).diagnostics)
  return new LanguageSupport(routeExpressionLanguage, [
    parsedExpression,
    tokenHighlighter,
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    routeExpressionLanguage.data.of({ autocomplete: expressionCompletionSource(schema) }),
    autocompletion(),
    familyNameSupport,
    linter((view) => expressionDiagnostics(view.state, validator), { delay: options.lintDelay ?? 150 }),
    expressionHover(schema),
    keymap.of([{ key: 'Mod-.', run: applyQuickFix(validator) }]),
    theme,
    completionIcons,
  ])
}
