import { parseDetailed, type ParseOutcome, type Token } from '@switchyard/core'
import { StateField, type EditorState } from '@codemirror/state'

/**
 * Core's parse of the current document (tokens and syntax diagnostics), recomputed on each change.
 * Highlighting, completion and hover all read this one outcome, so they agree with the gateway.
 * A full re-parse per keystroke is cheap for expressions (at most 1 MiB, almost always under 1 KiB); nothing incremental.
 */
export const parsedExpression = StateField.define<ParseOutcome>({
  create: (state) => parseDetailed(state.doc.toString()),
  update: (value, transaction) => (transaction.docChanged ? parseDetailed(transaction.state.doc.toString()) : value),
})

/** The parse outcome of a state, also when the state lacks the field (then parsed on demand). */
export function parseOf(state: EditorState): ParseOutcome {
  return state.field(parsedExpression, false) ?? parseDetailed(state.doc.toString())
}

/** The token covering `position` (start inclusive, end inclusive so a cursor right after a word counts). */
export function tokenAt(tokens: readonly Token[], position: number): Token | undefined {
  return tokens.find((token) => token.span.start <= position && position <= token.span.end && token.span.start < token.span.end)
}
