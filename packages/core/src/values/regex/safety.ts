/**
 * Decides whether a backtracking engine (V8's RegExp) runs `hir` in linear time and with Rust's
 * results. The proof is syntactic and conservative: anything it cannot show safe goes to the Pike
 * VM. Backtracking is only expensive when the engine has a choice it may have to undo; the rules
 * below remove every such choice except ones a single character decides.
 *
 * 1. A repetition's body never matches empty (JS refuses empty iterations, Rust does not, so
 *    their captures differ; and empty loops are where backtracking hides).
 * 2. A repetition that can loop (max > 1) contains no other variable repetition: `(a+)+`.
 * 3. Alternations whose branches may start alike (or match empty) are ambiguous: never inside a
 *    loop (`(a|ab)+c`), and together they may multiply the branches tried by at most 16.
 * 4. A variable repetition followed by something that may fail and may start with a character
 *    the repetition also takes is ambiguous: it gives back one character at a time and retries
 *    what follows. At most one such repetition, outside loops, with no loop after it:
 *    `^/api/(.*)/items$` is fine, `a*a*b`, `^(.*),(.*),x$`, `^.*\/[^?]+x$` go to the VM.
 * 5. Unanchored search: a loop that can be entered at many start positions (at the pattern start,
 *    or right after a character it also matches) and can fail after it would cost O(n²) over all
 *    start positions: `\d+x` unanchored goes to the VM.
 * 6. A loop whose body holds both an alternation and a capture group goes to the VM: JS resets
 *    captures at each iteration, Rust keeps the last value.
 * 7. An unanchored pattern that can match empty goes to the VM: V8 may report an empty match
 *    between the two halves of a surrogate pair, which Rust (matching code points) never does.
 */
import { type CharSet, overlaps, union } from './charset.ts'
import { type Hir, nullable } from './hir.ts'

/**
 * A union of character sets kept as its parts. The analysis only asks whether two such unions
 * share a character, which is answered part by part; merging the parts (hundreds of ranges for
 * `\d` or `\w`) at every node dominated compile time. Parts are shared set objects, not copies.
 */
type Chars = readonly CharSet[]

const NONE: Chars = []

/** Past this many parts a union is merged into one set, so overlap tests stay cheap. */
const MAX_PARTS = 16

function one(set: CharSet): Chars {
  return set.ranges.length === 0 ? NONE : [set]
}

function join(a: Chars, b: Chars): Chars {
  if (a.length === 0) return b
  if (b.length === 0 || a === b) return a
  const out = a.slice()
  for (const s of b) if (!out.includes(s)) out.push(s)
  return out.length > MAX_PARTS ? [out.reduce((x, y) => union(x, y))] : out
}

/** True when the two unions share a character. */
function meet(a: Chars, b: Chars): boolean {
  for (const x of a) for (const y of b) if (overlaps(x, y)) return true
  return false
}

function first(h: Hir): Chars {
  switch (h.k) {
    case 'empty':
    case 'look':
      return NONE
    case 'set':
      return one(h.set)
    case 'cap':
    case 'rep':
      return first(h.sub)
    case 'alt':
      return h.subs.reduce((acc, s) => join(acc, first(s)), NONE)
    case 'cat': {
      let acc = NONE
      for (const s of h.subs) {
        acc = join(acc, first(s))
        if (!nullable(s)) break
      }
      return acc
    }
  }
}

function last(h: Hir): Chars {
  switch (h.k) {
    case 'empty':
    case 'look':
      return NONE
    case 'set':
      return one(h.set)
    case 'cap':
    case 'rep':
      return last(h.sub)
    case 'alt':
      return h.subs.reduce((acc, s) => join(acc, last(s)), NONE)
    case 'cat': {
      let acc = NONE
      for (let i = h.subs.length - 1; i >= 0; i--) {
        const s = h.subs[i] as Hir
        acc = join(acc, last(s))
        if (!nullable(s)) break
      }
      return acc
    }
  }
}

function chars(h: Hir): Chars {
  switch (h.k) {
    case 'empty':
    case 'look':
      return NONE
    case 'set':
      return one(h.set)
    case 'cap':
    case 'rep':
      return chars(h.sub)
    case 'alt':
    case 'cat':
      return h.subs.reduce((acc, s) => join(acc, chars(s)), NONE)
  }
}

/** Matches empty at any position, so nothing after a loop can make it backtrack. */
function alwaysEmpty(h: Hir): boolean {
  switch (h.k) {
    case 'empty':
      return true
    case 'look':
    case 'set':
      return false
    case 'rep':
      return h.min === 0 || alwaysEmpty(h.sub)
    case 'cap':
      return alwaysEmpty(h.sub)
    case 'cat':
      return h.subs.every(alwaysEmpty)
    case 'alt':
      return h.subs.some(alwaysEmpty)
  }
}

function contains(h: Hir, pred: (x: Hir) => boolean): boolean {
  if (pred(h)) return true
  switch (h.k) {
    case 'cap':
    case 'rep':
      return contains(h.sub, pred)
    case 'cat':
    case 'alt':
      return h.subs.some((s) => contains(s, pred))
    default:
      return false
  }
}

/** What may come right after a node: its first characters and whether it can fail. */
interface Cont {
  readonly first: Chars
  readonly canFail: boolean
  readonly loopAhead: boolean // a repetition with max > 1 and min < max comes later
}

/** Where the walk is, and the ambiguity spent so far (shared by the whole walk). */
interface Ctx {
  readonly anchored: boolean
  readonly inLoop: boolean
  readonly budget: { ambiguousReps: number; altProduct: number }
}

/** Ambiguous alternations may multiply the work per start position by at most this much. */
const MAX_ALT_PRODUCT = 16

const isLoop = (x: Hir): boolean => x.k === 'rep' && x.min !== x.max && x.max > 1

/** What may come right before a node: its last characters, or the search start. */
interface Prev {
  readonly last: Chars
  readonly start: boolean
}

const isVariableRep = (x: Hir): boolean => x.k === 'rep' && x.min !== x.max
const isFixedSingle = (h: Hir & { k: 'rep' }): boolean => h.min === h.max && h.sub.k === 'set'

function check(h: Hir, cont: Cont, prev: Prev, ctx: Ctx): boolean {
  switch (h.k) {
    case 'empty':
    case 'set':
    case 'look':
      return true
    case 'cap':
      return check(h.sub, cont, prev, ctx)
    case 'alt': {
      const firsts: Chars[] = []
      let ambiguous = false
      for (const s of h.subs) {
        const f = first(s)
        if (nullable(s) || firsts.some((g) => meet(f, g))) ambiguous = true
        firsts.push(f)
      }
      if (ambiguous) {
        // Each branch may be tried in turn: affordable once, multiplicative when repeated.
        if (ctx.inLoop) return false
        ctx.budget.altProduct *= h.subs.length
        if (ctx.budget.altProduct > MAX_ALT_PRODUCT) return false
      }
      return h.subs.every((s) => check(s, cont, prev, ctx))
    }
    case 'cat': {
      // loopAfter[i]: some later element holds a loop. One backward pass instead of rescanning
      // the rest of the concatenation for every element (quadratic in long literal paths).
      const loopAfter: boolean[] = new Array<boolean>(h.subs.length)
      let seen = false
      for (let k = h.subs.length - 1; k >= 0; k--) {
        loopAfter[k] = seen
        if (!seen && contains(h.subs[k] as Hir, isLoop)) seen = true
      }
      for (let i = 0; i < h.subs.length; i++) {
        let f = NONE
        let canFail = false
        let reachedEnd = true
        const loopAhead = cont.loopAhead || loopAfter[i] === true
        if (h.subs.length - i > MAX_SCAN && h.subs.slice(i + 1, i + 1 + MAX_SCAN).every(nullable)) return false
        const sub = h.subs[i] as Hir
        if (sub.k === 'set' || sub.k === 'look' || sub.k === 'empty') {
          // A leaf is always safe: only its neighbours' limits apply, not its context.
          if (i > MAX_SCAN && h.subs.slice(i - MAX_SCAN, i).every(nullable)) return false
          continue
        }
        for (let k = i + 1; k < h.subs.length; k++) {
          const s = h.subs[k] as Hir
          f = join(f, first(s))
          if (!alwaysEmpty(s)) canFail = true
          if (!nullable(s)) {
            reachedEnd = false
            break
          }
        }
        if (reachedEnd) {
          f = join(f, cont.first)
          canFail = canFail || cont.canFail
        }
        let l = NONE
        let start = false
        let reachedBegin = true
        if (i > MAX_SCAN && h.subs.slice(i - MAX_SCAN, i).every(nullable)) return false
        for (let k = i - 1; k >= 0; k--) {
          const s = h.subs[k] as Hir
          l = join(l, last(s))
          if (!nullable(s)) {
            reachedBegin = false
            break
          }
        }
        if (reachedBegin) {
          l = join(l, prev.last)
          start = prev.start
        }
        if (!check(sub, { first: f, canFail, loopAhead }, { last: l, start }, ctx)) return false
      }
      return true
    }
    case 'rep': {
      if (nullable(h.sub)) return false
      if (isFixedSingle(h)) return true
      const body = chars(h.sub)
      const loops = h.max > 1
      if (loops) {
        if (contains(h.sub, isVariableRep)) return false
        if (contains(h.sub, (x) => x.k === 'alt') && contains(h.sub, (x) => x.k === 'cap')) return false
      }
      if (h.min !== h.max && cont.canFail && meet(body, cont.first)) {
        // An ambiguous repetition gives back one character at a time, retrying what follows:
        // linear if what follows has no loop of its own and this happens once, not inside a loop.
        if (ctx.inLoop || cont.loopAhead) return false
        ctx.budget.ambiguousReps += 1
        if (ctx.budget.ambiguousReps > 1) return false
      }
      if (!ctx.anchored && loops && h.min !== h.max && (prev.start || meet(prev.last, body)) && cont.canFail) return false
      const innerCont: Cont = loops ? { first: join(first(h.sub), cont.first), canFail: true, loopAhead: true } : cont
      const innerPrev: Prev = loops ? { last: join(last(h.sub), prev.last), start: prev.start } : prev
      return check(h.sub, innerCont, innerPrev, loops ? { ...ctx, inLoop: true } : ctx)
    }
  }
}

function anchoredStart(h: Hir): boolean {
  switch (h.k) {
    case 'look':
      return h.look === 'start'
    case 'cap':
      return anchoredStart(h.sub)
    case 'cat':
      for (const s of h.subs) {
        if (anchoredStart(s)) return true
        if (s.k !== 'look' && s.k !== 'empty') return false
      }
      return false
    case 'alt':
      return h.subs.length > 0 && h.subs.every(anchoredStart)
    default:
      return false
  }
}

function size(h: Hir, limit: number): number {
  let n = 1
  if (h.k === 'cap' || h.k === 'rep') n += size(h.sub, limit)
  else if (h.k === 'cat' || h.k === 'alt') for (const s of h.subs) if ((n += size(s, limit)) > limit) break
  return n
}

/** Larger patterns skip the analysis (its cost grows faster than linearly) and run on the VM. */
const MAX_ANALYSED_NODES = 5000

/** How many nullable neighbours the analysis looks through before giving up (keeps it linear). */
const MAX_SCAN = 32

/** True when a backtracking engine is proven to run `hir` in linear time with Rust's results. */
export function isBacktrackSafe(hir: Hir): boolean {
  if (size(hir, MAX_ANALYSED_NODES) > MAX_ANALYSED_NODES) return false
  const anchored = anchoredStart(hir)
  if (!anchored && nullable(hir)) return false
  const ctx: Ctx = { anchored, inLoop: false, budget: { ambiguousReps: 0, altProduct: 1 } }
  return check(hir, { first: NONE, canFail: false, loopAhead: false }, { last: NONE, start: !anchored }, ctx)
}
