/**
 * Lazy DFAs over the Pike VM's program: each DFA state is the set of NFA states a search can be in,
 * built the first time a search needs it and then reused, so a character costs one table read
 * instead of one step per live NFA state. This is how the regex crate runs most searches; the Pike
 * VM alone costs O(input × states), which for patterns like `(a|b){500}x` is a second on a 16 KB
 * header. Three searches, as in the regex crate:
 * - `exists`: is there a match at all (stops at the first match state);
 * - `first-end`: where the leftmost-first match ends (the Pike VM's choice: states kept in
 *   priority order, lower-priority ones dropped once a match is seen);
 * - `reverse-start`: run on the reversed program backwards from that end, where the match starts.
 * The Pike VM then computes the groups on that span only.
 *
 * Bounded: each DFA holds at most STATE_BUDGET bytes of states (the regex crate's default cache
 * capacity) and all DFAs together at most the process budget, 64 MB unless set (when that is full, the DFAs holding the most
 * give their states up). A full DFA forgets its states and goes on, and a search that keeps filling
 * it (nearly every character a new state) gives up, so the caller runs the Pike VM, as the regex
 * crate does. Only `\A` and `\z` are supported among look-arounds; other programs are not eligible.
 */
import { codePointBefore, LOOK_END, LOOK_START, NFA, type NfaProgram } from './pike-vm.ts'

/** Characters below this code point have a transition table per state; others are computed each time. */
const TABLE = 128
const UNKNOWN = -1
/** Bytes of states one DFA may hold before it forgets them. */
const STATE_BUDGET = 2 << 20
/** Bytes of states all DFAs of the process may hold together. */
let totalBudget = 64 << 20
/** Times one search may fill its DFA before it gives the input to the Pike VM. */
const MAX_CLEARS_PER_SEARCH = 3

/**
 * When the process budget is full, DFAs are cleared until this much is held, not just until the new
 * state fits: each scan of the holders then frees a quarter of the budget, so its cost is spread over
 * thousands of new states instead of paid by every one (with tens of thousands of patterns in use,
 * one scan per state made compiling and matching them quadratic).
 */
const lowWater = (): number => (totalBudget / 4) * 3

let totalBytes = 0
/** What one DFA holds, shared with the finalizer that gives it back when the DFA is collected. */
interface Held {
  bytes: number
  readonly ref: WeakRef<LazyDfa> | undefined
}
/** Every DFA that holds states, weakly: when the process budget is full, the largest give theirs up. */
const holders = new Map<WeakRef<LazyDfa>, Held>()
/**
 * Runtimes without weak references (some edge runtimes) cannot tell when a DFA is collected: there,
 * each DFA keeps to its own budget only, and nothing is counted against the process's.
 */
const weak = typeof WeakRef === 'function' && typeof FinalizationRegistry === 'function'
const released = weak ? new FinalizationRegistry<Held>((held) => release(held)) : undefined

/** Gives what a DFA holds back to the process budget (it forgot its states). */
function giveBack(held: Held): void {
  if (weak) totalBytes -= held.bytes
  held.bytes = 0
}

/** Forgets a collected DFA: its bytes go back to the budget, and it is no longer a holder. */
function release(held: Held): void {
  giveBack(held)
  if (held.ref !== undefined) holders.delete(held.ref)
}

/** Bytes of states all DFAs of the process hold now, and the most they may hold (for diagnostics and tests). */
export function dfaMemory(): { readonly held: number; readonly budget: number; readonly holders: number; readonly scans: number } {
  return { held: totalBytes, budget: totalBudget, holders: holders.size, scans }
}

/**
 * Sets the bytes of states all DFAs of the process may hold together (64 MB by default), e.g. for
 * an edge runtime with little memory; DFAs holding more give states up as new ones are needed.
 * Returns the previous budget.
 */
export function setDfaMemoryBudget(bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes < STATE_BUDGET) throw new RangeError(`the DFA memory budget must be a whole number of bytes, at least ${STATE_BUDGET}`)
  const previous = totalBudget
  totalBudget = bytes
  return previous
}

/** How many times the holders were scanned to make room (diagnostics and tests). */
let scans = 0

/**
 * Makes room for `bytes` more in the process budget, so that DFAs built early cannot keep every
 * later pattern on the Pike VM: first gives back what collected DFAs held (their finalizers run only
 * between event-loop turns, so a long synchronous load would otherwise count them until it ends),
 * then clears other DFAs, largest first, down to three quarters of the budget. Returns whether `bytes` fit now.
 */
function makeRoom(bytes: number, asking: LazyDfa): boolean {
  scans++
  const others: LazyDfa[] = []
  for (const [ref, held] of holders) {
    const dfa = ref.deref()
    if (dfa === undefined) release(held)
    else if (dfa !== asking && held.bytes > 0) others.push(dfa)
  }
  if (totalBytes + bytes <= lowWater()) return true
  others.sort((a, b) => b.heldBytes - a.heldBytes)
  for (const dfa of others) {
    if (totalBytes + bytes <= lowWater()) break
    dfa.forget()
  }
  return totalBytes + bytes <= totalBudget
}

/**
 * Scratch for computing closures, shared by every DFA (searches run one at a time): visit stamps, a
 * stack and the states found, grown to the largest program seen. Per DFA they were three typed
 * arrays for each of the thousands of patterns a large configuration holds.
 */
const scratch = { mark: new Int32Array(64), stack: new Int32Array(64), found: new Int32Array(64) }
let stamp = 0

function scratchFor(nfaStates: number, edges: number): typeof scratch {
  if (scratch.mark.length < nfaStates) {
    const size = Math.max(nfaStates, 2 * scratch.mark.length)
    scratch.mark = new Int32Array(size)
    scratch.found = new Int32Array(size)
    stamp = 0
  }
  if (scratch.stack.length < edges) scratch.stack = new Int32Array(Math.max(edges, 2 * scratch.stack.length))
  return scratch
}

/** A stamp no mark holds yet: the marks start over before the counter would overflow. */
function nextStamp(): number {
  if (stamp === 0x7fffffff) {
    scratch.mark.fill(0)
    stamp = 0
  }
  return ++stamp
}

/** Which search a DFA runs (see the module comment). */
export type DfaSearch = 'exists' | 'first-end' | 'reverse-start'

interface DfaState {
  /** The NFA's SET and MATCH states: in priority order for `first-end`, ascending otherwise. */
  readonly ids: Int32Array
  /** Where MATCH is in `ids`, or -1. */
  readonly matchAt: number
  readonly match: boolean
  /** `first-end`: a match was seen earlier in the search, so no new search starts. */
  readonly matched: boolean
  /** Where this state's row of next states by character below TABLE starts in the DFA's table. */
  readonly row: number
  /** Next state by character below TABLE at the end of the input, made on first use. */
  atEnd: Int32Array | undefined
}

/** True when the lazy DFA can run the program: no look-around other than `\A` and `\z`. */
export function dfaEligible(program: NfaProgram): boolean {
  for (let sid = 0; sid < program.kind.length; sid++) {
    if (program.kind[sid] !== NFA.LOOK) continue
    const look = (program.arg[sid] as number) % 16
    if (look !== LOOK_START && look !== LOOK_END) return false
  }
  return true
}

export class LazyDfa {
  readonly #program: NfaProgram
  readonly #search: DfaSearch
  #states: DfaState[] = []
  /** State numbers by a hash of their NFA states (and `matched`); equal hashes are told apart by comparing. */
  #index = new Map<number, number | number[]>()
  // Shared with the finalizer: what this DFA holds, released when it is collected.
  readonly #held: Held
  #clears = 0
  /** Initial states, by whether the first position is at the start and at the end of the input. */
  #initial = [UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]
  /**
   * Every state's row of next states, one after the other: one allocation that doubles as states
   * are added, where a typed array per state cost an allocation and a backing store to sweep each.
   */
  #table = new Int32Array(0)
  /** Sizes of the shared closure scratch this program needs. */
  readonly #nfaStates: number
  readonly #edges: number

  /** A DFA for one search over `program` (for `reverse-start`, the reversed program). */
  constructor(program: NfaProgram, search: DfaSearch = 'exists') {
    this.#program = program
    this.#search = search
    const n = program.kind.length
    let edges = n
    for (const alts of program.alts) edges += alts.length
    this.#nfaStates = n
    this.#edges = edges + 1
    const ref = weak ? new WeakRef(this) : undefined
    this.#held = { bytes: 0, ref }
    if (ref !== undefined && released !== undefined) {
      holders.set(ref, this.#held)
      released.register(this, this.#held)
    }
  }

  /** `exists`: true when the program matches somewhere in `s`; undefined when the search gave up. */
  test(s: string): boolean | undefined {
    const clearsBefore = this.#clears
    const len = s.length
    let current = this.#start(true, len === 0)
    if (current === UNKNOWN) return undefined
    if ((this.#states[current] as DfaState).match) return true
    const anchored = this.#program.anchored
    let at = 0
    while (at < len) {
      const cp = s.codePointAt(at) as number
      at += cp > 0xffff ? 2 : 1
      current = this.#next(current, cp, at === len)
      if (current === UNKNOWN || this.#clears - clearsBefore > MAX_CLEARS_PER_SEARCH) return undefined
      const reached = this.#states[current] as DfaState
      if (reached.match) return true
      if (anchored && reached.ids.length === 0) return false
    }
    return false
  }

  /** `first-end`: the end of the leftmost-first match in `s`, -1 when none; undefined when the search gave up. */
  matchEnd(s: string): number | undefined {
    const clearsBefore = this.#clears
    const len = s.length
    let current = this.#start(true, len === 0)
    let end = -1
    let at = 0
    for (;;) {
      if (current === UNKNOWN || this.#clears - clearsBefore > MAX_CLEARS_PER_SEARCH) return undefined
      const state = this.#states[current] as DfaState
      if (state.match) end = at
      // Nothing left that could match later: no thread, or only lower-priority ones after a match.
      if (state.matchAt === 0 || (state.ids.length === 0 && (state.matched || this.#program.anchored)) || at >= len) return end
      const cp = s.codePointAt(at) as number
      at += cp > 0xffff ? 2 : 1
      current = this.#next(current, cp, at === len)
    }
  }

  /**
   * `reverse-start`, on the reversed program: the smallest offset from which a match of the
   * original program ends at `end` (-1 when none); undefined when the search gave up.
   */
  matchStart(s: string, end: number): number | undefined {
    const clearsBefore = this.#clears
    // The reversed program reads `s` backwards from `end`: its start is the original's end of
    // input only when `end` is the end of `s`, and its end is the original's offset 0.
    let current = this.#start(end === s.length, end === 0)
    let start = -1
    let at = end
    for (;;) {
      if (current === UNKNOWN || this.#clears - clearsBefore > MAX_CLEARS_PER_SEARCH) return undefined
      const state = this.#states[current] as DfaState
      if (state.match) start = at
      if (state.ids.length === (state.match ? 1 : 0) || at === 0) return start
      const cp = codePointBefore(s, at)
      at -= cp > 0xffff ? 2 : 1
      current = this.#next(current, cp, at === 0)
    }
  }

  /** Number of DFA states held now (for tests and diagnostics). */
  get stateCount(): number {
    return this.#states.length
  }

  #start(atStart: boolean, atEnd: boolean): number {
    const which = (atStart ? 2 : 0) + (atEnd ? 1 : 0)
    const known = this.#initial[which] as number
    if (known !== UNKNOWN) return known
    const state = this.#intern(this.#closure([this.#program.start], atStart, atEnd), false)
    this.#initial[which] = state
    return state
  }

  /** The state after reading `cp` in state number `current` (which must exist), from its table when known. */
  #next(current: number, cp: number, atEnd: boolean): number {
    const state = this.#states[current] as DfaState
    if (cp >= TABLE) return this.#step(state, cp, atEnd)
    const table = atEnd ? (state.atEnd ?? this.#endTable(state)) : this.#table
    const at = atEnd ? cp : state.row + cp
    let next = table[at] as number
    if (next !== UNKNOWN) return next
    next = this.#step(state, cp, atEnd)
    // A step that filled the DFA started over: the old state's table is gone with it. A new state
    // may have moved the rows to a larger table: write to the current one.
    if (next !== UNKNOWN && this.#states[current] === state) (atEnd ? table : this.#table)[at] = next
    return next
  }

  /** The state after reading `cp` in `state`: the NFA's moves, then (unanchored) a new start. */
  #step(state: DfaState, cp: number, atEnd: boolean): number {
    const { kind, next, arg, start, anchored } = this.#program
    const seeds: number[] = []
    const ids = state.ids
    // Leftmost-first: threads after a match have lower priority and are dropped.
    const count = this.#search === 'first-end' && state.matchAt >= 0 ? state.matchAt : ids.length
    for (let i = 0; i < count; i++) {
      const sid = ids[i] as number
      if (kind[sid] === NFA.SET && this.#program.inSet(arg[sid] as number, cp)) seeds.push(next[sid] as number)
    }
    const matched = state.matched || state.match
    // A new search starts at every offset, until a leftmost-first search has its match; a reverse
    // search is anchored at its end.
    if (!anchored && this.#search !== 'reverse-start' && !(this.#search === 'first-end' && matched)) seeds.push(start)
    return this.#intern(this.#closure(seeds, false, atEnd), this.#search === 'first-end' && matched)
  }

  /** Collects into `#found` the SET and MATCH states reachable from the seeds without input; returns how many. */
  #closure(seeds: readonly number[], atStart: boolean, atEnd: boolean): number {
    const { kind, next, arg, alts } = this.#program
    const { mark, stack, found } = scratchFor(this.#nfaStates, this.#edges)
    const stamp = nextStamp()
    let count = 0
    let sp = 0
    for (let i = seeds.length - 1; i >= 0; i--) stack[sp++] = seeds[i] as number
    while (sp > 0) {
      let sid = stack[--sp] as number
      for (;;) {
        if (mark[sid] === stamp) break
        mark[sid] = stamp
        const k = kind[sid]
        if (k === NFA.SET || k === NFA.MATCH) {
          found[count++] = sid
          break
        }
        if (k === NFA.SPLIT) {
          const choices = alts[sid] as Int32Array
          if (choices.length === 0) break
          for (let i = choices.length - 1; i >= 1; i--) stack[sp++] = choices[i] as number
          sid = choices[0] as number
        } else if (k === NFA.LOOK) {
          const look = (arg[sid] as number) % 16
          if (look === LOOK_START ? !atStart : !atEnd) break
          sid = next[sid] as number
        } else sid = next[sid] as number // EMPTY, CAPTURE
      }
    }
    return count
  }

  /** The DFA state for the first `count` states of `#found`, created if new. */
  #intern(count: number, matched: boolean): number {
    const ids = scratch.found.slice(0, count)
    // Priority order matters only to leftmost-first; elsewhere equal sets are one state.
    if (this.#search !== 'first-end') ids.sort()
    const hash = hashIds(ids, matched)
    const known = this.#find(hash, ids, matched)
    if (known !== UNKNOWN) return known
    const bytes = 96 + 4 * count + 4 * TABLE
    if (this.#held.bytes + bytes > STATE_BUDGET) this.#clear()
    if (totalBytes + bytes > totalBudget && !makeRoom(bytes, this)) this.#clear()
    // Still no room (a state beyond the budget by itself): this search gives up.
    if (totalBytes + bytes > totalBudget || bytes > STATE_BUDGET) return UNKNOWN
    let matchAt = -1
    for (let i = 0; i < count && matchAt < 0; i++) if (this.#program.kind[ids[i] as number] === NFA.MATCH) matchAt = i
    const number = this.#states.length
    const row = number * TABLE
    if (row + TABLE > this.#table.length) {
      const grown = new Int32Array(Math.max(4 * TABLE, 2 * this.#table.length))
      grown.set(this.#table)
      this.#table = grown
    }
    this.#table.fill(UNKNOWN, row, row + TABLE)
    this.#states.push({ ids, matchAt, match: matchAt >= 0, matched, row, atEnd: undefined })
    const same = this.#index.get(hash)
    if (same === undefined) this.#index.set(hash, number)
    else if (typeof same === 'number') this.#index.set(hash, [same, number])
    else same.push(number)
    this.#held.bytes += bytes
    if (weak) totalBytes += bytes
    return number
  }

  #find(hash: number, ids: Int32Array, matched: boolean): number {
    const same = this.#index.get(hash)
    if (same === undefined) return UNKNOWN
    if (typeof same === 'number') return this.#isState(same, ids, matched) ? same : UNKNOWN
    for (const number of same) if (this.#isState(number, ids, matched)) return number
    return UNKNOWN
  }

  #isState(number: number, ids: Int32Array, matched: boolean): boolean {
    const state = this.#states[number] as DfaState
    if (state.matched !== matched || state.ids.length !== ids.length) return false
    for (let i = 0; i < ids.length; i++) if (state.ids[i] !== ids[i]) return false
    return true
  }

  /** The table of transitions into the end of the input, made on first use (most states never need one). */
  #endTable(state: DfaState): Int32Array {
    state.atEnd = new Int32Array(TABLE).fill(UNKNOWN)
    this.#held.bytes += 4 * TABLE
    if (weak) totalBytes += 4 * TABLE
    return state.atEnd
  }

  /** Bytes of states this DFA holds now. */
  get heldBytes(): number {
    return this.#held.bytes
  }

  /** Drops every state (another DFA needs the process's budget); later searches build them again. */
  forget(): void {
    if (this.#held.bytes > 0) this.#clear()
  }

  #clear(): void {
    giveBack(this.#held)
    this.#states = []
    this.#table = new Int32Array(0)
    this.#index = new Map()
    this.#initial = [UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]
    this.#clears++
  }
}

/** FNV-1a over the state numbers, and the `matched` flag. */
function hashIds(ids: Int32Array, matched: boolean): number {
  let hash = matched ? 0x811c9dc5 ^ 1 : 0x811c9dc5
  for (let i = 0; i < ids.length; i++) hash = Math.imul(hash ^ (ids[i] as number), 0x01000193)
  return hash >>> 0
}
