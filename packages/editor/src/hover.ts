import { operators, type Schema } from '@switchyard/core'
import type { EditorState, Extension } from '@codemirror/state'
import { hoverTooltip, type Tooltip } from '@codemirror/view'
import { describeField } from './fields.ts'
import { parseOf, tokenAt } from './parsed.ts'

/** What hovering over a position explains: a field's type and meaning, an operator, a transformation. */
export interface HoverInfo {
  readonly from: number
  readonly to: number
  /** First line, e.g. `http.path: String`. */
  readonly title: string
  /** The meaning, possibly empty. */
  readonly detail: string
}

const TRANSFORM_MEANINGS: Readonly<Record<string, string>> = {
  lower: 'Lower-cases each value of a String field before comparing; the literal is not lowered.',
  any: 'The predicate passes when at least one value passes (by default every value must).',
}

/** The hover explanation at a position from core's tokens, or undefined over anything else. */
export function hoverInfo(state: EditorState, position: number, schema: Schema): HoverInfo | undefined {
  const token = tokenAt(parseOf(state).tokens, position)
  if (token === undefined) return undefined
  const { start: from, end: to } = token.span
  const text = state.sliceDoc(from, to)
  switch (token.kind) {
    case 'field': {
      const info = describeField(text, schema)
      if (info === undefined) return { from, to, title: `${text}: unknown field`, detail: 'This schema has no such field.' }
      const family = info.name === text ? '' : ` (${info.name})`
      return { from, to, title: `${text}: ${info.type}${family}`, detail: info.meaning }
    }
    case 'operator': {
      const spec = Object.values(operators).find((s) => s.symbol === text)
      return spec === undefined ? undefined : { from, to, title: `${text}: operator`, detail: spec.description }
    }
    case 'transform': {
      const meaning = TRANSFORM_MEANINGS[text]
      return { from, to, title: `${text}(): transformation`, detail: meaning ?? 'Unknown transformation: only lower() and any() exist.' }
    }
    default:
      return undefined
  }
}

/** The hover tooltip extension for a schema. */
export function expressionHover(schema: Schema): Extension {
  return hoverTooltip((view, position): Tooltip | null => {
    const info = hoverInfo(view.state, position, schema)
    if (info === undefined) return null
    return {
      pos: info.from,
      end: info.to,
      above: true,
      create: () => {
        const dom = document.createElement('div')
        dom.className = 'cm-route-hover'
        const title = dom.appendChild(document.createElement('strong'))
        title.textContent = info.title
        if (info.detail !== '') dom.appendChild(document.createElement('div')).textContent = info.detail
        return { dom }
      },
    }
  })
}
