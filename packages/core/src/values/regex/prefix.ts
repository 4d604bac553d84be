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


/** At most this many texts in a prefix set: more would file a route in too many index lists. */
const MAX_PREFIXES = 16
/** A class of at most this many single characters (`[12]`, `[-_]`) is spelled out in a prefix set. */
const MAX_SPELLED_SET = 4

/**
 * Literal texts such that every match of `h` starts with one of them: `^/(users|teams)/\d+` gives
 * `/users/` and `/teams/` where `prefixOf` gives only `/`. Alternations and small classes are
 * spelled out while the set stays within MAX_PREFIXES; past that, the texts gathered so far are
 * kept as they are, each still a prefix of every match through it.
 */
export function prefixesOf(h: Hir): Prefix[] {
  switch (h.k) {
    case 'empty':
    case 'look':
      return [{ text: '', complete: true }]
    case 'set': {
      const members = spelledMembers(h.set.ranges)
      return members === undefined ? [{ text: '', complete: false }] : members.map((cp) => ({ text: String.fromCodePoint(cp), complete: true }))
    }
    case 'cap':
      return prefixesOf(h.sub)
    case 'cat': {
      let acc: { text: string; complete: boolean }[] = [{ text: '', complete: true }]
      for (const s of h.subs) {
        if (!acc.some((p) => p.complete)) break
        if (s.k === 'look' || s.k === 'empty') continue
        // A literal character (most of a route pattern) extends the open texts in place.
        const single = s.k === 'set' ? singleMember(s.set) : undefined
        if (single !== undefined) {
          const ch = String.fromCodePoint(single)
          for (const p of acc) if (p.complete) p.text += ch
          continue
        }
        const next = prefixesOf(s)
        const grown: { text: string; complete: boolean }[] = []
        for (const p of acc) {
          if (!p.complete) grown.push(p)
          else for (const q of next) grown.push({ text: p.text + q.text, complete: q.complete })
        }
        if (grown.length > MAX_PREFIXES) return acc.map((p) => ({ text: p.text, complete: false }))
        acc = grown
      }
      return acc
    }
    case 'alt': {
      const all = h.subs.flatMap(prefixesOf)
      return all.length > MAX_PREFIXES ? [prefixOf(h)] : all
    }
    case 'rep': {
      if (h.min === 0) return [{ text: '', complete: false }]
      const sub = prefixesOf(h.sub)
      return h.min === 1 && h.max === 1 ? sub : sub.map((p) => ({ text: p.text, complete: false }))
    }
  }
}

/**
 * The members of a set of at most MAX_SPELLED_SET single characters, or undefined. The spellings of
 * one letter under `(?i)` (`c`/`C`, `s`/`S`/`ſ`) are not spelled out: a case-insensitive word would
 * give 2^n texts, and the route index files such patterns by their case-folded prefix instead.
 */
function spelledMembers(ranges: readonly number[]): number[] | undefined {
  const members: number[] = []
  for (let i = 0; i < ranges.length; i += 2) {
    for (let cp = ranges[i] as number; cp <= (ranges[i + 1] as number); cp++) {
      if (members.length === MAX_SPELLED_SET) return undefined
      members.push(cp)
    }
  }
  if (members.length === 0 || (members.length > 1 && members.every((cp) => folded(cp) === folded(members[0] as number)))) return undefined
  return members
}

/** A character's simple case fold, enough to tell the case spellings of one letter apart from other sets. */
function folded(cp: number): string {
  return String.fromCodePoint(cp).toUpperCase().toLowerCase()
}

/**
 * For a pattern anchored with `\\A`/`^`, the set of literals one of which every match starts with
 * (see `prefixesOf`), the shortest of any two where one begins the other; undefined if not anchored
 * or when some match may start with no literal at all.
 */
export function anchoredPrefixes(h: Hir): string[] | undefined {
  const texts = anchoredTexts(h)
  if (texts === undefined || texts.length === 0 || texts.includes('')) return undefined
  // `/a` covers `/ab`: a route filed under both would be looked at twice for nothing.
  const sorted = [...new Set(texts)].sort()
  const kept: string[] = []
  for (const t of sorted) if (kept.length === 0 || !t.startsWith(kept[kept.length - 1] as string)) kept.push(t)
  return kept
}

function anchoredTexts(h: Hir): string[] | undefined {
  switch (h.k) {
    case 'look':
      return h.look === 'start' ? [''] : undefined
    case 'cap':
      return anchoredTexts(h.sub)
    case 'alt': {
      const out: string[] = []
      for (const s of h.subs) {
        const texts = anchoredTexts(s)
        if (texts === undefined) return undefined
        out.push(...texts)
      }
      return out.length > MAX_PREFIXES ? undefined : out
    }
    case 'cat': {
      const [head, ...rest] = h.subs
      if (head === undefined) return undefined
      if (head.k === 'look' && head.look === 'start') return prefixesOf({ k: 'cat', subs: rest }).map((p) => p.text)
      if (head.k === 'cap' || head.k === 'alt') return anchoredTexts(head)
      return undefined
    }
    default:
      return undefined
  }
}

/**
 * Whether `anchoredPrefixes` can give more than `anchoredPrefix`: an alternation or a small class
 * where the run of literal characters ends. Most route patterns have neither (`^/users/\d+$`), and
 * this walk tells so without building any text.
 */
export function prefixMayBranch(h: Hir): boolean {
  switch (h.k) {
    case 'alt':
      return true
    case 'cap':
      return prefixMayBranch(h.sub)
    case 'set':
      return singleMember(h.set) === undefined && spelledMembers(h.set.ranges) !== undefined
    case 'rep':
      return h.min > 0 && prefixMayBranch(h.sub)
    case 'cat':
      for (const s of h.subs) {
        if (s.k === 'look' || s.k === 'empty' || (s.k === 'set' && singleMember(s.set) !== undefined)) continue
        return prefixMayBranch(s)
      }
      return false
    default:
      return false
  }
}
