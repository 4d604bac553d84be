/**
 * Kong's deprecated-`net.port` rewrite (language.md §8.4, kong `router/transform.lua`
 * `amending_expression`): every `net.port` followed by optional whitespace and one of `= > < !`
 * becomes `net.dst.port`. It is textual, so it also rewrites inside string values
 * (`"/net.port=1"` → `"/net.dst.port=1"`), and it leaves `any(net.port)` and `net.port in …`
 * alone (they stay unknown fields).
 */
import type { Diagnostic } from '@switchyard/core'

// Lua's `%s` (ASCII white space), not JavaScript's `\s`, which also takes Unicode spaces.
const NET_PORT = /net\.port(?=[ \t\n\v\f\r]*[=><!])/g
const INSERTED = '.dst'

export function rewriteNetPort(expression: string): string {
  return expression.replace(NET_PORT, 'net.dst.port')
}

/** True when `rewriteNetPort` changes the text. */
export function usesNetPort(expression: string): boolean {
  NET_PORT.lastIndex = 0
  const found = NET_PORT.test(expression)
  // A global pattern keeps where `test` stopped, and `matchAll` starts its copy there.
  NET_PORT.lastIndex = 0
  return found
}

/** The rewritten text, and the way back from its offsets to the text as written. */
export interface NetPortRewrite {
  readonly text: string
  /** The offset in the written text of an offset in the rewritten one (inside `.dst`: where it was inserted). */
  toWritten(offset: number): number
}

/** A diagnostic found in the rewritten text, pointing into the text as written. */
export function writtenDiagnostic(rewrite: NetPortRewrite, diagnostic: Diagnostic): Diagnostic {
  return { ...diagnostic, span: { start: rewrite.toWritten(diagnostic.span.start), end: rewrite.toWritten(diagnostic.span.end) } }
}

/**
 * `rewriteNetPort` for text whose diagnostics are shown to the person who wrote it: their spans
 * are computed on the rewritten text and mapped back with `toWritten`.
 */
export function rewriteNetPortMapped(expression: string): NetPortRewrite {
  // Offsets in the written text where `.dst` goes (right after `net`).
  const insertions: number[] = []
  NET_PORT.lastIndex = 0
  for (const match of expression.matchAll(NET_PORT)) insertions.push(match.index + 'net'.length)
  if (insertions.length === 0) return { text: expression, toWritten: (offset) => offset }
  return {
    text: rewriteNetPort(expression),
    toWritten(offset) {
      let shift = 0
      for (const at of insertions) {
        const rewrittenAt = at + shift
        if (offset <= rewrittenAt) break
        if (offset < rewrittenAt + INSERTED.length) return at
        shift += INSERTED.length
      }
      return offset - shift
    },
  }
}
