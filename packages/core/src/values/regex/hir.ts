/**
 * The regex after flags are applied (regex-syntax calls this the HIR): case folding is already in
 * the sets, `^`/`$` are resolved to their exact line or text meaning, greediness is final. Both
 * engines and the safety analysis read only this form.
 */
import type { CharSet } from './charset.ts'

/** Zero-width assertions with their exact meaning. */
export type Look =
  | 'start' // \A, ^ without (?m)
  | 'end' // \z, $ without (?m)
  | 'startLF' // (?m)^
  | 'endLF' // (?m)$
  | 'startCRLF' // (?mR)^
  | 'endCRLF' // (?mR)$
  | 'word'
  | 'notWord'
  | 'wordStart'
  | 'wordEnd'
  | 'wordStartHalf'
  | 'wordEndHalf'

/** A node of the resolved regex. */
export type Hir =
  | { readonly k: 'empty' }
  | { readonly k: 'set'; readonly set: CharSet }
  | { readonly k: 'look'; readonly look: Look; readonly ascii: boolean }
  | { readonly k: 'rep'; readonly min: number; readonly max: number; readonly greedy: boolean; readonly sub: Hir }
  | { readonly k: 'cap'; readonly index: number; readonly sub: Hir }
  | { readonly k: 'cat'; readonly subs: readonly Hir[] }
  | { readonly k: 'alt'; readonly subs: readonly Hir[] }

/** True when the node can match without consuming input. */
export function nullable(h: Hir): boolean {
  switch (h.k) {
    case 'empty':
    case 'look':
      return true
    case 'set':
      return false
    case 'rep':
      return h.min === 0 || nullable(h.sub)
    case 'cap':
      return nullable(h.sub)
    case 'cat':
      return h.subs.every(nullable)
    case 'alt':
      return h.subs.some(nullable)
  }
}

/**
 * The regex that matches the reversed strings of `h`'s matches: concatenations run backwards and
 * `\A`/`\z` trade places. Group numbers and priorities stay; only match existence and extent are
 * meaningful (the lazy DFA's reverse search reads it).
 */
export function reversed(h: Hir): Hir {
  switch (h.k) {
    case 'empty':
    case 'set':
      return h
    case 'look':
      return h.look === 'start' ? { ...h, look: 'end' } : h.look === 'end' ? { ...h, look: 'start' } : h
    case 'rep':
      return { ...h, sub: reversed(h.sub) }
    case 'cap':
      return { ...h, sub: reversed(h.sub) }
    case 'cat':
      return { k: 'cat', subs: h.subs.map(reversed).reverse() }
    case 'alt':
      return { k: 'alt', subs: h.subs.map(reversed) }
  }
}
