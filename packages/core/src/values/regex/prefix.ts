/**
 * Literal prefixes of a resolved regex: used by `literalPrefix` (the route index) and as the Pike
 * VM's prefilter, which jumps to the next occurrence of the prefix instead of stepping through
 * text that cannot start a match.
 */
import { singleMember } from './charset.ts'
import type { Hir } from './hir.ts'

/** A literal every match of a node starts with. */
export interface Prefix {
  readonly text: string
  readonly complete: boolean // the node always matches exactly `text`
}

/** The literal text every match of `h` starts with (`complete` when `h` matches exactly it). */
export function prefixOf(h: Hir): Prefix {
  switch (h.k) {
    case 'empty':
    case 'look':
      return { text: '', complete: true }
    case 'set': {
      const cp = singleMember(h.set)
      return cp === undefined ? { text: '', complete: false } : { text: String.fromCodePoint(cp), complete: true }
    }
    case 'cap':
      return prefixOf(h.sub)
    case 'cat': {
      let text = ''
      for (const s of h.subs) {
        const p = prefixOf(s)
        text += p.text
        if (!p.complete) return { text, complete: false }
      }
      return { text, complete: true }
    }
    case 'alt': {
      const ps = h.subs.map(prefixOf)
      const common = commonPrefix(ps.map((p) => p.text))
      const complete = ps.every((p) => p.complete && p.text === common)
      return { text: common, complete }
    }
    case 'rep': {
      const p = prefixOf(h.sub)
      if (h.min === 0) return { text: '', complete: false }
      if (h.min === h.max && p.complete) return h.min <= 64 ? { text: p.text.repeat(h.min), complete: true } : { text: p.text, complete: false }
      return { text: p.text, complete: false }
    }
  }
}

function commonPrefix(texts: readonly string[]): string {
  if (texts.length === 0) return ''
  let p = texts[0] as string
  for (const t of texts) {
    let i = 0
    while (i < p.length && i < t.length && p.charCodeAt(i) === t.charCodeAt(i)) i++
    p = p.slice(0, i)
  }
  // Never split a surrogate pair.
  const last = p.charCodeAt(p.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? p.slice(0, -1) : p
}

/** For a pattern anchored with `\\A`/`^`, the literal after the anchor; undefined if not anchored. */
export function anchoredPrefix(h: Hir): string | undefined {
  switch (h.k) {
    case 'look':
      return h.look === 'start' ? '' : undefined
    case 'cap':
      return anchoredPrefix(h.sub)
    case 'alt': {
      const ps = h.subs.map(anchoredPrefix)
      if (ps.length === 0 || ps.some((p) => p === undefined)) return undefined
      return commonPrefix(ps as string[])
    }
    case 'cat': {
      const [head, ...rest] = h.subs
      if (head === undefined) return undefined
      if (head.k === 'look' && head.look === 'start') return prefixOf({ k: 'cat', subs: rest }).text
      if (head.k === 'cap' || head.k === 'alt') return anchoredPrefix(head)
      return undefined
    }
    default:
      return undefined
  }
}

