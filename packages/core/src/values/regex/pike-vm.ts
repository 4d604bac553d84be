/**
 * A Pike VM: Thompson NFA simulation with capture slots and leftmost-first priority, the engine
 * the regex crate falls back to. Time is O(input × states) for every pattern; no input can make
 * it backtrack. The NFA is built the way regex-automata builds it (same state order for each
 * repetition form), because that order decides which capture values win when several paths match.
 *
 * Input is read by code point over UTF-16 offsets, so capture offsets slice the JS string directly.
 */
import { type CharSet, contains, inRanges } from './charset.ts'
import { type Hir, type Look, nullable } from './hir.ts'
import { anchoredPrefix, prefixOf } from './prefix.ts'
import { perlWord } from './unicode.ts'

const SET = 0
const SPLIT = 1
const EMPTY = 2
const CAPTURE = 3
const LOOK = 4
const MATCH = 5

/** NFA state kinds, for engines that run the same program (lazy-dfa.ts). */
export const NFA = { SET, SPLIT, EMPTY, CAPTURE, LOOK, MATCH } as const

/** Look codes of `\A` and `\z` (a LOOK state's `arg`, plus 16 for the ASCII-only variants). */
export const LOOK_START = 0
export const LOOK_END = 1

/** A compiled NFA: what the Pike VM runs, shared with the lazy DFA. */
export interface NfaProgram {
  readonly kind: Int8Array
  readonly next: Int32Array
  /** SET: set index; CAPTURE: slot; LOOK: look code (+ 16 when ASCII). */
  readonly arg: Int32Array
  /** SPLIT: the alternatives in priority order. */
  readonly alts: readonly Int32Array[]
  readonly start: number
  /** True when every match starts at offset 0. */
  readonly anchored: boolean
  /** True when code point `cp` is in set number `set`. */
  inSet(set: number, cp: number): boolean
}

const LOOKS: readonly Look[] = ['start', 'end', 'startLF', 'endLF', 'startCRLF', 'endCRLF', 'word', 'notWord', 'wordStart', 'wordEnd', 'wordStartHalf', 'wordEndHalf']

interface Builder {
  kind: number[]
  next: number[]
  arg: number[] // SET: set index, CAPTURE: slot, LOOK: look code (+ 16 when ASCII)
  alts: number[][]
  reverse: boolean[]
  sets: CharSet[]
}

interface Ref {
  start: number
  end: number
}

function add(b: Builder, kind: number, arg = 0, reverse = false): number {
  b.kind.push(kind)
  b.next.push(-1)
  b.arg.push(arg)
  b.alts.push([])
  b.reverse.push(reverse)
  return b.kind.length - 1
}

/** Points `from` at `to`: sets the next state, or adds an alternative to a split. */
function patch(b: Builder, from: number, to: number): void {
  if (b.kind[from] === SPLIT) (b.alts[from] as number[]).push(to)
  else b.next[from] = to
}

function split(b: Builder, greedy: boolean): number {
  // A lazy split lists its alternatives in reverse: the first patched (the loop) is tried last.
  return add(b, SPLIT, 0, !greedy)
}

function compile(b: Builder, h: Hir): Ref {
  switch (h.k) {
    case 'empty': {
      const s = add(b, EMPTY)
      return { start: s, end: s }
    }
    case 'set': {
      b.sets.push(h.set)
      const s = add(b, SET, b.sets.length - 1)
      return { start: s, end: s }
    }
    case 'look': {
      const s = add(b, LOOK, LOOKS.indexOf(h.look) + (h.ascii ? 16 : 0))
      return { start: s, end: s }
    }
    case 'cap': {
      const open = add(b, CAPTURE, 2 * h.index)
      const inner = compile(b, h.sub)
      const close = add(b, CAPTURE, 2 * h.index + 1)
      patch(b, open, inner.start)
      patch(b, inner.end, close)
      return { start: open, end: close }
    }
    case 'cat': {
      if (h.subs.length === 0) return compile(b, { k: 'empty' })
      let first: Ref | undefined
      let last: Ref | undefined
      for (const sub of h.subs) {
        const r = compile(b, sub)
        if (last === undefined) first = r
        else patch(b, last.end, r.start)
        last = r
      }
      return { start: (first as Ref).start, end: (last as Ref).end }
    }
    case 'alt': {
      const u = add(b, SPLIT)
      const end = add(b, EMPTY)
      for (const sub of h.subs) {
        const r = compile(b, sub)
        patch(b, u, r.start)
        patch(b, r.end, end)
      }
      return { start: u, end }
    }
    case 'rep':
      return repetition(b, h.sub, h.min, h.max, h.greedy)
  }
}

function exactly(b: Builder, sub: Hir, n: number): Ref {
  if (n === 0) return compile(b, { k: 'empty' })
  return compile(b, { k: 'cat', subs: Array.from({ length: n }, () => sub) })
}

function repetition(b: Builder, sub: Hir, min: number, max: number, greedy: boolean): Ref {
  if (min === 0 && max === 1) {
    const u = split(b, greedy)
    const body = compile(b, sub)
    const empty = add(b, EMPTY)
    patch(b, u, body.start)
    patch(b, u, empty)
    patch(b, body.end, empty)
    return { start: u, end: empty }
  }
  if (max === Infinity) {
    if (min === 0) {
      if (!nullable(sub)) {
        const u = split(b, greedy)
        const body = compile(b, sub)
        patch(b, u, body.start)
        patch(b, body.end, u)
        return { start: u, end: u }
      }
      // x* where x can match empty is compiled as (x+)? to keep Perl's preference order.
      const body = compile(b, sub)
      const plus = split(b, greedy)
      patch(b, body.end, plus)
      patch(b, plus, body.start)
      const question = split(b, greedy)
      const empty = add(b, EMPTY)
      patch(b, question, body.start)
      patch(b, question, empty)
      patch(b, plus, empty)
      return { start: question, end: empty }
    }
    if (min === 1) {
      const body = compile(b, sub)
      const u = split(b, greedy)
      patch(b, body.end, u)
      patch(b, u, body.start)
      return { start: body.start, end: u }
    }
    const prefix = exactly(b, sub, min - 1)
    const last = compile(b, sub)
    const u = split(b, greedy)
    patch(b, prefix.end, last.start)
    patch(b, last.end, u)
    patch(b, u, last.start)
    return { start: prefix.start, end: u }
  }
  if (min === max) return exactly(b, sub, min)
  const prefix = exactly(b, sub, min)
  const empty = add(b, EMPTY)
  let prevEnd = prefix.end
  for (let i = min; i < max; i++) {
    const u = split(b, greedy)
    const body = compile(b, sub)
    patch(b, prevEnd, u)
    patch(b, u, body.start)
    patch(b, u, empty)
    prevEnd = body.end
  }
  patch(b, prevEnd, empty)
  return { start: prefix.start, end: empty }
}

/** True when every match must start at offset 0 (the pattern begins with `\A` on every path). */
function anchoredAtStart(h: Hir): boolean {
  switch (h.k) {
    case 'look':
      return h.look === 'start'
    case 'cap':
      return anchoredAtStart(h.sub)
    case 'cat':
      for (const s of h.subs) {
        if (anchoredAtStart(s)) return true
        if (!(s.k === 'look' || s.k === 'empty')) return false
      }
      return false
    case 'alt':
      return h.subs.length > 0 && h.subs.every(anchoredAtStart)
    case 'rep':
      return h.min > 0 && anchoredAtStart(h.sub)
    default:
      return false
  }
}

/** A compiled Pike VM program with reusable scratch space (matching allocates nothing for `test`). */
export class PikeVM implements NfaProgram {
  readonly kind: Int8Array
  readonly next: Int32Array
  readonly arg: Int32Array
  readonly alts: readonly Int32Array[]
  private readonly setRanges: readonly (readonly number[])[]
  private readonly setAscii: Uint32Array
  readonly start: number
  readonly anchored: boolean
  private readonly slotCount: number
  private readonly word: CharSet
  private readonly prefix: string
  // scratch
  private readonly dense: [Int32Array, Int32Array]
  private readonly sparse: [Int32Array, Int32Array]
  private readonly size: [number, number] = [0, 0]
  private readonly stack: Int32Array
  private tables: [Int32Array, Int32Array] | undefined
  private slots: Int32Array | undefined

  /** Builds the program for `hir`, which must already contain capture group 0. */
  constructor(hir: Hir, readonly groupCount: number) {
    const b: Builder = { kind: [], next: [], arg: [], alts: [], reverse: [], sets: [] }
    const body = compile(b, hir)
    const m = add(b, MATCH)
    patch(b, body.end, m)
    const n = b.kind.length
    this.kind = Int8Array.from(b.kind)
    this.next = Int32Array.from(b.next)
    this.arg = Int32Array.from(b.arg)
    this.alts = b.alts.map((a, i) => Int32Array.from(b.reverse[i] ? [...a].reverse() : a))
    this.setRanges = b.sets.map((s) => s.ranges)
    this.setAscii = new Uint32Array(b.sets.length * 4)
    b.sets.forEach((s, i) => {
      const r = s.ranges
      for (let k = 0; k < r.length && (r[k] as number) < 128; k += 2) {
        const hi = Math.min(r[k + 1] as number, 127)
        for (let c = r[k] as number; c <= hi; c++) (this.setAscii[i * 4 + (c >> 5)] as number) |= 1 << (c & 31)
      }
    })
    this.start = body.start
    this.anchored = anchoredAtStart(hir)
    // Every match starts with this literal, so the search can jump between its occurrences.
    this.prefix = this.anchored ? (anchoredPrefix(hir) ?? '') : prefixOf(hir).text
    this.slotCount = groupCount * 2
    this.word = b.kind.some((k, i) => k === LOOK && (b.arg[i] as number) >= 6 && (b.arg[i] as number) < 16) ? perlWord() : { ranges: [] }
    this.dense = [new Int32Array(n), new Int32Array(n)]
    this.sparse = [new Int32Array(n), new Int32Array(n)]
    const totalAlts = b.alts.reduce((t, a) => t + a.length, 0)
    this.stack = new Int32Array(3 * (n + totalAlts + 4))
  }

  /** Number of NFA states (for diagnostics and benchmarks). */
  get stateCount(): number {
    return this.kind.length
  }

  inSet(set: number, cp: number): boolean {
    if (cp < 128) return ((this.setAscii[set * 4 + (cp >> 5)] as number) >>> (cp & 31) & 1) === 1
    return inRanges(this.setRanges[set] as readonly number[], cp)
  }

  private isWord(cp: number, ascii: boolean): boolean {
    if (cp < 0) return false
    if (ascii || cp < 128) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f
    return contains(this.word, cp)
  }

  private look(code: number, s: string, at: number): boolean {
    const len = s.length
    const ascii = code >= 16
    const kind = ascii ? code - 16 : code
    switch (kind) {
      case 0:
        return at === 0
      case 1:
        return at === len
      case 2:
        return at === 0 || s.charCodeAt(at - 1) === 10
      case 3:
        return at === len || s.charCodeAt(at) === 10
      case 4: {
        if (at === 0) return true
        const p = s.charCodeAt(at - 1)
        return p === 10 || (p === 13 && (at === len || s.charCodeAt(at) !== 10))
      }
      case 5: {
        if (at === len) return true
        const n = s.charCodeAt(at)
        return n === 13 || (n === 10 && (at === 0 || s.charCodeAt(at - 1) !== 13))
      }
    }
    const before = this.isWord(codePointBefore(s, at), ascii)
    const after = this.isWord(at < len ? (s.codePointAt(at) as number) : -1, ascii)
    switch (kind) {
      case 6:
        return before !== after
      case 7:
        return before === after
      case 8:
        return !before && after
      case 9:
        return before && !after
      case 10:
        return !before
      default:
        return !after
    }
  }

  /**
   * Adds `sid` and every state reachable from it without consuming input to list `li`, in
   * priority order; `slots` holds the capture values along the path and is restored on return.
   */
  private closure(li: 0 | 1, sid0: number, s: string, at: number, slots: Int32Array | undefined, table: Int32Array | undefined): void {
    const dense = this.dense[li]
    const sparse = this.sparse[li]
    const stack = this.stack
    const kind = this.kind
    const next = this.next
    const arg = this.arg
    const S = this.slotCount
    let size = this.size[li]
    let sp = 0
    stack[sp++] = 0
    stack[sp++] = sid0
    stack[sp++] = 0
    while (sp > 0) {
      const c = stack[sp - 1] as number
      const b = stack[sp - 2] as number
      const a = stack[sp - 3] as number
      sp -= 3
      if (a === 1) {
        ;(slots as Int32Array)[b] = c
        continue
      }
      let sid = b
      for (;;) {
        const idx = sparse[sid] as number
        if (idx < size && dense[idx] === sid) break
        dense[size] = sid
        sparse[sid] = size
        size++
        const k = kind[sid]
        if (k === SET || k === MATCH) {
          if (table !== undefined && slots !== undefined) table.set(slots, sid * S)
          break
        }
        if (k === EMPTY) {
          sid = next[sid] as number
        } else if (k === LOOK) {
          if (!this.look(arg[sid] as number, s, at)) break
          sid = next[sid] as number
        } else if (k === SPLIT) {
          const alts = this.alts[sid] as Int32Array
          if (alts.length === 0) break
          for (let i = alts.length - 1; i >= 1; i--) {
            stack[sp++] = 0
            stack[sp++] = alts[i] as number
            stack[sp++] = 0
          }
          sid = alts[0] as number
        } else {
          // CAPTURE
          if (slots !== undefined) {
            const slot = arg[sid] as number
            stack[sp++] = 1
            stack[sp++] = slot
            stack[sp++] = slots[slot] as number
            slots[slot] = at
          }
          sid = next[sid] as number
        }
      }
    }
    this.size[li] = size
  }

  /** `closure` without capture slots, for `test`: one stack entry per pending state. */
  private closureNoSlots(li: 0 | 1, sid0: number, s: string, at: number): void {
    const dense = this.dense[li]
    const sparse = this.sparse[li]
    const stack = this.stack
    const kind = this.kind
    const next = this.next
    let size = this.size[li]
    let sp = 0
    stack[sp++] = sid0
    while (sp > 0) {
      let sid = stack[--sp] as number
      for (;;) {
        const idx = sparse[sid] as number
        if (idx < size && dense[idx] === sid) break
        dense[size] = sid
        sparse[sid] = size
        size++
        const k = kind[sid]
        if (k === SET || k === MATCH) break
        if (k === SPLIT) {
          const alts = this.alts[sid] as Int32Array
          if (alts.length === 0) break
          for (let i = alts.length - 1; i >= 1; i--) stack[sp++] = alts[i] as number
          sid = alts[0] as number
        } else if (k === LOOK) {
          if (!this.look(this.arg[sid] as number, s, at)) break
          sid = next[sid] as number
        } else {
          sid = next[sid] as number // EMPTY, CAPTURE
        }
      }
    }
    this.size[li] = size
  }

  /**
   * Runs the search. With `want` false it only answers whether a match exists and allocates
   * nothing; otherwise it returns the capture slots of the leftmost-first match. With `from`, only
   * matches starting at that offset are searched (the lazy DFAs found where the match starts).
   */
  run(s: string, want: boolean, from?: number): Int32Array | boolean {
    const S = this.slotCount
    let slots: Int32Array | undefined
    let tables: [Int32Array, Int32Array] | undefined
    let best: Int32Array | undefined
    if (want) {
      if (this.tables === undefined) {
        const n = this.kind.length
        this.tables = [new Int32Array(n * S), new Int32Array(n * S)]
        this.slots = new Int32Array(S)
      }
      tables = this.tables
      slots = this.slots as Int32Array
      best = new Int32Array(S)
    }
    this.size[0] = 0
    this.size[1] = 0
    let cur: 0 | 1 = 0
    let matched = false
    const len = s.length
    const anchored = this.anchored || from !== undefined
    const first = from ?? 0
    let at = first
    for (;;) {
      if (this.size[cur] === 0 && (matched || (anchored && at > first))) break
      if (this.size[cur] === 0 && this.prefix.length > 0 && from === undefined) {
        if (this.anchored) {
          if (!s.startsWith(this.prefix)) break
        } else {
          const next = s.indexOf(this.prefix, at)
          if (next < 0) break
          at = next
        }
      }
      if (!matched && (!anchored || at === first)) {
        if (slots !== undefined) {
          slots.fill(-1)
          this.closure(cur, this.start, s, at, slots, tables?.[cur])
        } else {
          this.closureNoSlots(cur, this.start, s, at)
        }
      }
      const nxt: 0 | 1 = cur === 0 ? 1 : 0
      let cp = -1
      let width = 1
      if (at < len) {
        cp = s.charCodeAt(at)
        if (cp >= 0xd800 && cp <= 0xdbff && at + 1 < len) {
          const lo = s.charCodeAt(at + 1)
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000
            width = 2
          }
        }
      }
      const dense = this.dense[cur]
      const n = this.size[cur]
      for (let i = 0; i < n; i++) {
        const sid = dense[i] as number
        const k = this.kind[sid]
        if (k === MATCH) {
          if (!want) return true
          ;(best as Int32Array).set((tables as [Int32Array, Int32Array])[cur].subarray(sid * S, sid * S + S))
          matched = true
          break
        }
        if (k === SET && cp >= 0 && this.inSet(this.arg[sid] as number, cp)) {
          if (slots !== undefined && tables !== undefined) {
            slots.set(tables[cur].subarray(sid * S, sid * S + S))
            this.closure(nxt, this.next[sid] as number, s, at + width, slots, tables[nxt])
          } else {
            this.closureNoSlots(nxt, this.next[sid] as number, s, at + width)
          }
        }
      }
      this.size[cur] = 0
      cur = nxt
      if (at >= len) break
      at += width
    }
    if (!want) return false
    return matched ? (best as Int32Array) : false
  }
}

/** The code point that ends at UTF-16 offset `at` (a lone surrogate stands for itself), -1 at 0. */
export function codePointBefore(s: string, at: number): number {
  if (at === 0) return -1
  const lo = s.charCodeAt(at - 1)
  if (lo >= 0xdc00 && lo <= 0xdfff && at >= 2) {
    const hi = s.charCodeAt(at - 2)
    if (hi >= 0xd800 && hi <= 0xdbff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000
  }
  return lo
}
