import { pickedCompletion, type Completion } from '@codemirror/autocomplete'
import { EditorSelection, Prec, StateEffect, StateField, type Extension } from '@codemirror/state'
import { keymap, type Command } from '@codemirror/view'

/** The part of the document that replaced a completed wildcard family's placeholder. */
interface NameRange {
  readonly from: number
  readonly to: number
}

const setNameRange = StateEffect.define<NameRange | null>()

/**
 * Where the name typed over a wildcard family's placeholder is. CodeMirror's snippets cannot do
 * this: a final `${}` stop right after the placeholder grows with every character typed after the
 * first (both fields claim the boundary between them), so Tab would select the rest of the name.
 */
const nameRange = StateField.define<NameRange | null>({
  create: () => null,
  update(value, transaction) {
    for (const effect of transaction.effects) if (effect.is(setNameRange)) return effect.value
    if (value === null) return null
    // Text typed at either end belongs to the name, as in a snippet field.
    const range = transaction.docChanged
      ? { from: transaction.changes.mapPos(value.from, -1), to: transaction.changes.mapPos(value.to, 1) }
      : value
    // Moving the cursor out of the name ends it, as leaving a snippet field does.
    const inside = transaction.selection?.ranges.every((r) => r.from >= range.from && r.to <= range.to) ?? true
    return inside ? range : null
  },
})

/** Tab while a completed family's name is being typed: the caret goes after the whole name. */
export const leaveFamilyName: Command = ({ state, dispatch }) => {
  const range = state.field(nameRange, false)
  if (range === undefined || range === null) return false
  dispatch(state.update({ selection: EditorSelection.cursor(range.to), effects: setNameRange.of(null), scrollIntoView: true }))
  return true
}

/**
 * What a family completion needs in the editor: the name's range and Tab. Highest precedence and
 * listed before snippets activate, so inside `lower(…)` the first Tab ends the name and the next
 * one moves past the `)`.
 */
export const familyNameSupport: Extension = [nameRange, Prec.highest(keymap.of([{ key: 'Tab', run: leaveFamilyName }]))]

/**
 * A completion that inserts a wildcard family's prefix with `placeholder` after it, selected, so
 * the name is typed over it; Tab (with `familyNameSupport`) then leaves the caret after the name.
 */
export function familyCompletion(prefix: string, placeholder: string, completion: Omit<Completion, 'apply'>): Completion {
  return {
    ...completion,
    apply: (view, picked, from, to) => {
      const start = from + prefix.length
      const end = start + placeholder.length
      const { main } = view.state.selection
      view.dispatch(view.state.update({
        // A selection that extends past the typed prefix is replaced too, as snippets do.
        changes: { from, to: to === main.from ? main.to : to, insert: prefix + placeholder },
        selection: EditorSelection.range(start, end),
        effects: setNameRange.of({ from: start, to: end }),
        annotations: pickedCompletion.of(picked),
        userEvent: 'input.complete',
        scrollIntoView: true,
      }))
    },
  }
}
