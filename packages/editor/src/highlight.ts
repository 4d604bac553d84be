import type { Token, TokenKind } from '@switchyard/core'
import { highlightingFor } from '@codemirror/language'
import { RangeSetBuilder, type EditorState } from '@codemirror/state'
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view'
import { tags, type Tag } from '@lezer/highlight'
import { parseOf } from './parsed.ts'

/**
 * The highlighting tag of each of core's token kinds, so any `HighlightStyle` (the default one,
 * a theme's) colours expressions like other languages.
 */
export const TOKEN_TAGS: Readonly<Record<TokenKind, Tag>> = {
  field: tags.propertyName,
  transform: tags.function(tags.variableName),
  operator: tags.compareOperator,
  logical: tags.logicOperator,
  not: tags.logicOperator,
  paren: tags.paren,
  bracket: tags.squareBracket,
  comma: tags.separator,
  string: tags.string,
  'raw-string': tags.special(tags.string),
  int: tags.integer,
  ip: tags.atom,
  cidr: tags.special(tags.atom),
  invalid: tags.invalid,
}

/** The CSS classes of one token: the stable `cm-route-<kind>` plus whatever the active highlighters assign. */
function tokenClass(state: EditorState, token: Token): string {
  const styled = highlightingFor(state, [TOKEN_TAGS[token.kind]])
  return styled === null ? `cm-route-${token.kind}` : `cm-route-${token.kind} ${styled}`
}

/** Mark decorations for every token of core's parse, in document order. */
export function tokenDecorations(state: EditorState): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>()
  let last = 0
  for (const token of parseOf(state).tokens) {
    const { start, end } = token.span
    // Tokens come sorted; skip empty or overlapping ones, which RangeSetBuilder would reject.
    if (end <= start || start < last) continue
    builder.add(start, end, Decoration.mark({ class: tokenClass(state, token) }))
    last = end
  }
  return builder.finish()
}

/** Highlights the document from core's tokens, recomputed whenever the document changes. */
export const tokenHighlighter = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet
    constructor(view: EditorView) {
      this.decorations = tokenDecorations(view.state)
    }
    update(update: ViewUpdate): void {
      // A reconfiguration may bring another highlight style, whose classes the marks must carry.
      if (update.docChanged || update.transactions.some((transaction) => transaction.reconfigured)) {
        this.decorations = tokenDecorations(update.state)
      }
    }
  },
  { decorations: (plugin) => plugin.decorations },
)
