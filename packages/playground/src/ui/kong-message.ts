import { h } from './dom.ts'

// Pest's rendering of a parse error starts with its position (` --> 1:11`), then shows the source
// line and a caret under the character on lines of their own.
const PEST_POSITION = /--> \d+:\d+\n/

/**
 * A message from Kong or the engine, kept as written. One holding a pest-style parse error is a
 * monospace block that keeps every space and does not wrap: in a proportional font, or with its
 * lines wrapped, the `^---` caret sits under the wrong character. Other messages are a plain `tag`.
 */
export function kongMessage(text: string, tag: 'p' | 'span'): HTMLElement {
  return PEST_POSITION.test(text) ? h('pre', { class: 'kong-message pest' }, text) : h(tag, { class: 'kong-message' }, text)
}
