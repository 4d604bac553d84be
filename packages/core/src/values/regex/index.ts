/**
 * Rust `regex` 1.11 dialect for `~` predicates: Rust's syntax and errors, Rust's matches, and
 * linear time for every pattern and input.
 *
 * Engine choice per pattern: when the safety analysis (safety.ts) proves that a backtracking
 * engine has no choice to undo beyond one character, the pattern runs as a translated V8
 * `RegExp` (fast); otherwise it runs on the Pike VM (pike-vm.ts, linear, slower by a constant),
 * through lazy DFAs (lazy-dfa.ts) where its look-arounds allow: they answer most searches alone
 * and narrow a match to its span before the VM computes the groups. All read the same resolved
 * sets, so they agree; the tests check this with random patterns.
 */
import type { ReError } from './ast.ts'
import { reversed, type Hir } from './hir.ts'
import { lowerAst } from './lower.ts'
import { MESSAGES } from './messages.ts'
import { parsePattern } from './parse.ts'
import { dfaEligible, LazyDfa } from './lazy-dfa.ts'
import { PikeVM } from './pike-vm.ts'
import { anchoredPrefix, anchoredPrefixes, prefixMayBranch } from './prefix.ts'
import { isBacktrackSafe } from './safety.ts'
import { toRegExp } from './translate.ts'
import { keepShape } from '../../keep-shape.ts'

/** A pattern Rust would reject: one sentence, the UTF-16 range in the pattern, maybe a hint. */
export interface RegexError {
  readonly message: string
  readonly start: number
  readonly end: number
  readonly hint?: string
}

/** What went wrong, by the name of the regex crate's error kind (`groupUnclosed`, `classUnclosed`, …). */
export type RegexErrorKind = keyof typeof MESSAGES

/** The kind of a compile error, read from its message (`undefined` for a message outside the catalogue). */
export function regexErrorKind(error: RegexError): RegexErrorKind | undefined {
  return (Object.keys(MESSAGES) as RegexErrorKind[]).find((kind) => MESSAGES[kind] === error.message)
}

/** A compiled Rust regex. */
export interface CompiledRegex {
  /** The Rust pattern as written. */
  readonly source: string
  /** Number of groups, including group 0 (the whole match). */
  readonly groupCount: number
  /** Name of group i, or undefined for unnamed groups (and group 0). */
  readonly groupNames: readonly (string | undefined)[]
  /** Which engine runs this pattern: a translated V8 RegExp or the Pike VM. */
  readonly engine: 'regexp' | 'pike-vm'
  /** The literal text every match starts with when the pattern is anchored at the start (see `literalPrefix`). */
  readonly literalPrefix: string | undefined
  /**
   * For a pattern anchored at the start, literals one of which every match starts with, spelling
   * out alternations and small classes (`^/(a|b)/` gives `/a/` and `/b/`); see `literalPrefixes`.
   */
  readonly literalPrefixes: readonly string[] | undefined
  /** True when the regex matches anywhere in `input` (unanchored search). Allocates nothing. */
  test(input: string): boolean
  /**
   * Groups 0..n of the leftmost-first match; undefined for groups that did not participate. The
   * array may be the RegExp's own result, carrying its `index` and `input` beside the groups (one
   * allocation fewer per match): read it by index.
   */
  exec(input: string): (string | undefined)[] | null
}

/** The result of compiling a pattern. */
export type CompileResult = { ok: true; regex: CompiledRegex } | { ok: false; error: RegexError }

/** Which engine to use; `auto` is the production choice, the others exist for tests and benchmarks. */
export type EngineChoice = 'auto' | 'regexp' | 'pike-vm'

class VmRegex implements CompiledRegex {
  readonly engine = 'pike-vm'
  private readonly vm: PikeVM
  /** The lazy DFAs, made on first use for programs they can run (see lazy-dfa.ts). */
  private dfas: { exists: LazyDfa; end: LazyDfa; start: LazyDfa } | false | undefined
  constructor(
    readonly source: string,
    readonly groupCount: number,
    readonly groupNames: readonly (string | undefined)[],
    readonly literalPrefix: string | undefined,
    readonly prefixSet: readonly string[] | undefined,
    private readonly hir: Hir,
  ) {
    this.vm = new PikeVM(hir, groupCount)
  }
  get literalPrefixes(): readonly string[] | undefined {
    return prefixesOf(this)
  }
  test(input: string): boolean {
    const dfas = this.lazyDfas()
    return (dfas === false ? undefined : dfas.exists.test(input)) ?? this.vm.run(input, false) === true
  }
  exec(input: string): (string | undefined)[] | null {
    const slots = this.search(input)
    if (typeof slots === 'boolean') return null
    const out: (string | undefined)[] = []
    for (let g = 0; g < this.groupCount; g++) {
      const s = slots[2 * g] as number
      const e = slots[2 * g + 1] as number
      out.push(s < 0 || e < 0 ? undefined : input.slice(s, e))
    }
    return out
  }
  /**
   * The groups' slots of the leftmost-first match: the DFAs find where it ends and then where it
   * starts, and the Pike VM runs on that span only (as the regex crate does), so a program with
   * many live states costs it the match's length, not the input's. Without DFAs, the VM alone.
   */
  private search(input: string): Int32Array | boolean {
    const dfas = this.lazyDfas()
    if (dfas === false) return this.vm.run(input, true)
    const end = dfas.end.matchEnd(input)
    if (end === -1) return false
    const start = end === undefined ? undefined : dfas.start.matchStart(input, end)
    return start === undefined || start < 0 ? this.vm.run(input, true) : this.vm.run(input, true, start)
  }
  private lazyDfas(): { exists: LazyDfa; end: LazyDfa; start: LazyDfa } | false {
    if (this.dfas === undefined) {
      this.dfas = dfaEligible(this.vm)
        ? { exists: new LazyDfa(this.vm, 'exists'), end: new LazyDfa(this.vm, 'first-end'), start: new LazyDfa(new PikeVM(reversed(this.hir), this.groupCount), 'reverse-start') }
        : false
    }
    return this.dfas
  }
}

class JsRegex implements CompiledRegex {
  readonly engine = 'regexp'
  /**
   * @param jsGroups our group index for each JS group, in order; they differ only when a group
   *   vanished inside `x{0}`, since JS numbers the groups that remain consecutively.
   */
  constructor(
    readonly source: string,
    readonly groupCount: number,
    readonly groupNames: readonly (string | undefined)[],
    readonly literalPrefix: string | undefined,
    readonly prefixSet: readonly string[] | undefined,
    private readonly re: RegExp,
    private readonly jsGroups: readonly number[],
  ) {
    this.#sameGroups = jsGroups.length + 1 === groupCount && jsGroups.every((group, j) => group === j + 1)
  }
  /** JS group j + 1 is our group j + 1 for every group: an exec result needs no renumbering. */
  readonly #sameGroups: boolean
  get literalPrefixes(): readonly string[] | undefined {
    return prefixesOf(this)
  }
  test(input: string): boolean {
    return this.re.test(input)
  }
  exec(input: string): (string | undefined)[] | null {
    const m = this.re.exec(input)
    if (m === null) return null
    // JS numbered the groups as we do (no group vanished inside `x{0}`): its own array is the answer.
    if (this.#sameGroups) return m
    const out: (string | undefined)[] = new Array<string | undefined>(this.groupCount).fill(undefined)
    out[0] = m[0]
    for (let j = 0; j < this.jsGroups.length; j++) out[this.jsGroups[j] as number] = m[j + 1]
    return out
  }
}

/** Compiles with a chosen engine; `regexp` falls back to the VM when translation is impossible. */
export function compileRegexWith(pattern: string, engine: EngineChoice): CompileResult {
  const parsed = parsePattern(pattern)
  if (!parsed.ok) return { ok: false, error: toRegexError(parsed.error) }
  const lowered = lowerAst(parsed.parsed.ast, pattern)
  if (!lowered.ok) return { ok: false, error: toRegexError(lowered.error) }
  const { names } = parsed.parsed
  const hir: Hir = { k: 'cap', index: 0, sub: lowered.hir }
  // Groups inside `x{0}` vanish as in Rust: the count ends at the last surviving group and the
  // names of vanished groups are forgotten.
  // A pre-order walk meets the groups in index order, so `present` comes out sorted.
  const present: number[] = []
  collectGroups(lowered.hir, present)
  const captureCount = 1 + (present.length === 0 ? 0 : (present[present.length - 1] as number))
  const groupNames = new Array<string | undefined>(captureCount).fill(undefined)
  for (const i of present) groupNames[i] = names[i]
  const prefix = anchoredPrefix(lowered.hir)
  const prefixes = keptPrefixSet(lowered.hir, prefix)
  const useJs = engine === 'regexp' || (engine === 'auto' && isBacktrackSafe(lowered.hir))
  if (useJs) {
    const re = toRegExp(lowered.hir)
    if (re !== undefined) return { ok: true, regex: new JsRegex(pattern, captureCount, groupNames, prefix, prefixes, re, present) }
  }
  return { ok: true, regex: new VmRegex(pattern, captureCount, groupNames, prefix, prefixes, hir) }
}

/**
 * What a compiled regex keeps of its prefix set: most patterns have one literal prefix, the same as
 * `literalPrefix`, which then stands for the set (`prefixesOf`) instead of a second copy per regex.
 */
function keptPrefixSet(hir: Hir, prefix: string | undefined): readonly string[] | undefined {
  if (!prefixMayBranch(hir)) return SAME_AS_PREFIX
  const prefixes = anchoredPrefixes(hir)
  return prefixes !== undefined && prefixes.length === 1 && prefixes[0] === prefix ? SAME_AS_PREFIX : prefixes
}
const SAME_AS_PREFIX: readonly string[] = Object.freeze([])

/** The prefix set a compiled regex stands for (see `prefixSet`). */
function prefixesOf(regex: { readonly literalPrefix: string | undefined; readonly prefixSet: readonly string[] | undefined }): readonly string[] | undefined {
  if (regex.prefixSet !== SAME_AS_PREFIX) return regex.prefixSet
  return regex.literalPrefix === undefined || regex.literalPrefix === '' ? undefined : [regex.literalPrefix]
}

function collectGroups(h: Hir, out: number[]): void {
  if (h.k === 'cap') out.push(h.index)
  if (h.k === 'cap' || h.k === 'rep') collectGroups(h.sub, out)
  else if (h.k === 'cat' || h.k === 'alt') for (const s of h.subs) collectGroups(s, out)
}

function toRegexError(e: ReError): RegexError {
  return e.hint === undefined
    ? { message: e.message, start: e.start, end: e.end }
    : { message: e.message, start: e.start, end: e.end, hint: e.hint }
}

/** Compiles a Rust regex, choosing the faster engine that is proven linear for it. */
export function compileRegex(pattern: string): CompileResult {
  return compileRegexWith(pattern, 'auto')
}

/** Shares compiled regexes between routes: the same pattern text compiles once. */
export class RegexCache {
  private readonly entries = new Map<string, CompileResult>()

  /** `maxEntries` bounds memory; the oldest entry is dropped first. */
  constructor(private readonly maxEntries = 10_000) {}

  /** The compiled form of `pattern` (or its error), compiled on first request. */
  get(pattern: string): CompileResult {
    let r = this.entries.get(pattern)
    if (r === undefined) {
      r = compileRegex(pattern)
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next()
        if (oldest.done !== true) this.entries.delete(oldest.value)
      }
      this.entries.set(pattern, r)
    }
    return r
  }

  /** `literalPrefix` of a pattern, from its cached compiled form (undefined for invalid patterns). */
  literalPrefix(pattern: string): string | undefined {
    const r = this.get(pattern)
    return r.ok ? r.regex.literalPrefix : undefined
  }

  /** `literalPrefixes` of a pattern, from its cached compiled form (undefined for invalid patterns). */
  literalPrefixes(pattern: string): readonly string[] | undefined {
    const r = this.get(pattern)
    return r.ok ? r.regex.literalPrefixes : undefined
  }

  /** Number of cached patterns. */
  get size(): number {
    return this.entries.size
  }
}

/**
 * For a regex anchored at the start of the text (`^/foo/...` without `(?m)`), the literal text
 * every match starts with, for the route index; undefined when not anchored, invalid, or unsure.
 * Case-insensitive letters and classes end the prefix; a top-level alternation yields the part
 * common to all branches.
 */
export function literalPrefix(pattern: string): string | undefined {
  const hir = resolved(pattern)
  return hir === undefined ? undefined : anchoredPrefix(hir)
}

/** The resolved form of a valid pattern, or undefined. */
function resolved(pattern: string): Hir | undefined {
  const parsed = parsePattern(pattern)
  if (!parsed.ok) return undefined
  const lowered = lowerAst(parsed.parsed.ast, pattern)
  return lowered.ok ? lowered.hir : undefined
}

/**
 * For a regex anchored at the start of the text, literal texts one of which every match starts
 * with: `literalPrefix` with alternations and classes of up to four characters spelled out while
 * there are at most 16 (`^/(users|teams)/\d+$` gives `/teams/` and `/users/`; `^/v[12]/` gives
 * `/v1/` and `/v2/`). Of two texts where one begins the other, only the shorter is listed.
 * Undefined when not anchored, invalid, or when a match may start with no literal.
 */
export function literalPrefixes(pattern: string): readonly string[] | undefined {
  const hir = resolved(pattern)
  if (hir === undefined) return undefined
  const literalPrefix = anchoredPrefix(hir)
  return prefixesOf({ literalPrefix, prefixSet: keptPrefixSet(hir, literalPrefix) })
}

// A router keeps its compiled regexes, but a process that only validates (an editor, the Admin
// API) drops them after each call; see keep-shape.ts.
keepShape(compileRegexWith('a', 'regexp'))
keepShape(compileRegexWith('a', 'pike-vm'))
