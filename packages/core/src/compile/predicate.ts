import type { Context } from '../context/context.ts'
import type { MatchRecord } from '../context/match.ts'
import type { Literal, Predicate } from '../syntax/ast.ts'
import { cidrContains, cidrEquals, ipEquals } from '../values/ip.ts'
import type { CompiledRegex, RegexCache } from '../values/regex/index.ts'
import type { MatcherCache } from './matcher-cache.ts'
import type { FieldValue, IpAddr, IpCidr } from '../values/types.ts'

/** A compiled expression or predicate: true when the request matches; may record into `record`. */
export type Matcher = (context: Context, record: MatchRecord) => boolean

/** Tests one value of a field; `record` is written only when the value passes (Kong's rule). */
type ValueTest = (value: FieldValue, record: MatchRecord) => boolean

/** What the compiler needs besides the tree. */
export interface CompileOptions {
  /** Compiled regexes shared between routes with the same pattern. */
  readonly regexes: RegexCache
  /** Compiled parts shared between the routes that test the same thing (see `MatcherCache`); none shared when absent. */
  readonly matchers?: MatcherCache
}

/**
 * Compiles one predicate into a closure over the field's values. Shared semantics live here once:
 * an absent field is false for every operator; all values must pass unless `any()` is used.
 */
export function compilePredicate(predicate: Predicate, options: CompileOptions): Matcher {
  const { field } = predicate
  const name = field.name
  const anyMode = field.transforms.includes('any')
  const lower = field.transforms.includes('lower')
  const fast = stringComparison(predicate)
  if (fast !== undefined) return fast
  const test = valueTest(predicate, lower, options)
  if (anyMode) {
    return (context, record) => {
      const values = context.values(name)
      if (values === undefined) return false
      for (let i = 0; i < values.length; i++) if (test(values[i] as FieldValue, record)) return true
      return false
    }
  }
  return (context, record) => {
    const values = context.values(name)
    if (values === undefined || values.length === 0) return false
    for (let i = 0; i < values.length; i++) if (!test(values[i] as FieldValue, record)) return false
    return true
  }
}

/** A predicate of the most common shape: `==`, `^=` or `=^` on a String field without `lower()`. */
export interface StringComparison {
  readonly field: string
  readonly text: string
  /** 0 equals, 1 prefix, 2 suffix. */
  readonly kind: number
  readonly anyMode: boolean
}

/** The comparison a predicate is, when it has the common shape. */
export function asStringComparison(predicate: Predicate): StringComparison | undefined {
  const { op, value: literal, field } = predicate
  if (literal.kind !== 'String' || (op !== 'equals' && op !== 'prefix' && op !== 'suffix')) return undefined
  let anyMode = false
  for (const t of field.transforms) {
    if (t === 'lower') return undefined
    if (t === 'any') anyMode = true
  }
  return { field: field.name, text: literal.value, kind: op === 'equals' ? 0 : op === 'prefix' ? 1 : 2, anyMode }
}

/**
 * Evaluates one comparison with Kong's rules (absent field false; every value unless `any()`),
 * recording the literal. `mode` is the comparison's kind and `any()` flag (see `modeOf`).
 */
function comparisonHolds(context: Context, record: MatchRecord, field: string, text: string, mode: number): boolean {
  const values = context.values(field)
  if (values === undefined) return false
  const anyMode = (mode & 1) === 1
  // Known to hold for some value (see `withImpliedTerms`): for a field with one String value, it
  // holds, and the literal's text, cold in the caches at 100k routes, is not read. (An index keys
  // Ints by their decimal text, so a value of another type may have been met under a String atom.)
  if ((mode & IMPLIED) !== 0 && values.length === 1 && typeof values[0] === 'string') {
    record.setMatch(field, text)
    return true
  }
  const kind = (mode >> 1) & 3
  let passed = false
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    const ok = typeof value === 'string' && (kind === 0 ? value === text : kind === 1 ? value.startsWith(text) : value.endsWith(text))
    if (ok) {
      record.setMatch(field, text)
      if (anyMode) return true
      passed = true
    } else if (!anyMode) return false
  }
  return passed
}

/**
 * The most common predicates as one closure each: a tenth of routes' memory and one call per
 * candidate instead of three.
 */
function stringComparison(predicate: Predicate): Matcher | undefined {
  const c = asStringComparison(predicate)
  if (c === undefined) return undefined
  const { field, text } = c
  const mode = modeOf(c)
  return (context, record) => comparisonHolds(context, record, field, text, mode)
}

/**
 * A common comparison, or an `&&` chain of them (most routes: host and path, perhaps a method), as
 * one small object evaluated left to right with the same short-circuit and recordings as the chain
 * of closures it replaces. An object with the terms in its own fields takes about half the memory
 * of a closure and its context holding the same values (measured: 144 → 64 bytes for two terms),
 * and every route keeps one.
 */
export function compileComparisons(comparisons: readonly StringComparison[]): ComparisonChain {
  const a = comparisons[0] as StringComparison
  const b = comparisons[1]
  const c = comparisons[2]
  if (comparisons.length === 1) return new OneComparison(a.field, a.text, modeOf(a))
  if (comparisons.length === 2 && b !== undefined) return new TwoComparisons(a.field, a.text, b.field, b.text, modeOf(a) | (modeOf(b) << MODE_BITS))
  if (comparisons.length === 3 && b !== undefined && c !== undefined) {
    return new ThreeComparisons(a.field, a.text, b.field, b.text, c.field, c.text, modeOf(a) | (modeOf(b) << MODE_BITS) | (modeOf(c) << (2 * MODE_BITS)))
  }
  const terms = new Array<string | number>(comparisons.length * 3)
  comparisons.forEach((comparison, i) => {
    terms[3 * i] = comparison.field
    terms[3 * i + 1] = comparison.text
    terms[3 * i + 2] = modeOf(comparison)
  })
  return new ManyComparisons(terms)
}

/** A compiled comparison chain (see `compileComparisons`). */
export interface ComparisonChain {
  test(context: Context, record: MatchRecord): boolean
}

/**
 * What the routers keep per route: a closure, or for the common comparison chains the smaller object.
 * Evaluated with `runMatcher` (or the same test inlined on hot paths).
 */
export type RouteMatcher = Matcher | ComparisonChain

/** Evaluates a route's matcher. */
export function runMatcher(matcher: RouteMatcher, context: Context, record: MatchRecord): boolean {
  return typeof matcher === 'function' ? matcher(context, record) : matcher.test(context, record)
}

/** A comparison's kind and `any()` flag as one small integer (below 1 << MODE_BITS). */
function modeOf(comparison: StringComparison): number {
  return comparison.kind * 2 + (comparison.anyMode ? 1 : 0)
}

/** A mode flag: the index only offers the route when some value of the field passes this comparison. */
const IMPLIED = 8
const MODE_BITS = 4
const MODE_MASK = (1 << MODE_BITS) - 1

/**
 * The chain with the comparisons `implied(field, text, kind)` names marked as known to hold for some
 * value: a router offers a route only to requests that meet the conditions it is filed under, so
 * those comparisons need no reading of the literal when the field has one String value.
 * Records stay the same. Returns the chain itself when nothing is implied.
 */
export function withImpliedTerms(chain: ComparisonChain, implied: (field: string, text: string, kind: number) => boolean): ComparisonChain {
  let anyImplied = false
  const flag = (field: string, text: string, mode: number): number => {
    if (!implied(field, text, (mode >> 1) & 3)) return 0
    anyImplied = true
    return IMPLIED
  }
  const packed = (pairs: readonly (readonly [string, string])[], modes: number): number => {
    let out = modes
    pairs.forEach(([field, text], i) => (out |= flag(field, text, (modes >> (i * MODE_BITS)) & MODE_MASK) << (i * MODE_BITS)))
    return out
  }
  let result: ComparisonChain = chain
  if (chain instanceof OneComparison) result = new OneComparison(chain.f0, chain.t0, chain.mode | flag(chain.f0, chain.t0, chain.mode))
  else if (chain instanceof TwoComparisons) {
    result = new TwoComparisons(chain.f0, chain.t0, chain.f1, chain.t1, packed([[chain.f0, chain.t0], [chain.f1, chain.t1]], chain.modes))
  } else if (chain instanceof ThreeComparisons) {
    const { f0, t0, f1, t1, f2, t2 } = chain
    result = new ThreeComparisons(f0, t0, f1, t1, f2, t2, packed([[f0, t0], [f1, t1], [f2, t2]], chain.modes))
  } else if (chain instanceof ManyComparisons) {
    const terms = [...chain.terms]
    for (let i = 0; i < terms.length; i += 3) terms[i + 2] = (terms[i + 2] as number) | flag(terms[i] as string, terms[i + 1] as string, terms[i + 2] as number)
    result = new ManyComparisons(terms)
  }
  return anyImplied ? result : chain
}

class OneComparison implements ComparisonChain {
  constructor(
    readonly f0: string,
    readonly t0: string,
    readonly mode: number,
  ) {}
  test(context: Context, record: MatchRecord): boolean {
    return comparisonHolds(context, record, this.f0, this.t0, this.mode)
  }
}

/** Two terms; their modes share one field. */
class TwoComparisons implements ComparisonChain {
  constructor(
    readonly f0: string,
    readonly t0: string,
    readonly f1: string,
    readonly t1: string,
    readonly modes: number,
  ) {}
  test(context: Context, record: MatchRecord): boolean {
    const modes = this.modes
    return comparisonHolds(context, record, this.f0, this.t0, modes & MODE_MASK) && comparisonHolds(context, record, this.f1, this.t1, modes >> MODE_BITS)
  }
}

class ThreeComparisons implements ComparisonChain {
  constructor(
    readonly f0: string,
    readonly t0: string,
    readonly f1: string,
    readonly t1: string,
    readonly f2: string,
    readonly t2: string,
    readonly modes: number,
  ) {}
  test(context: Context, record: MatchRecord): boolean {
    const modes = this.modes
    return (
      comparisonHolds(context, record, this.f0, this.t0, modes & MODE_MASK) &&
      comparisonHolds(context, record, this.f1, this.t1, (modes >> MODE_BITS) & MODE_MASK) &&
      comparisonHolds(context, record, this.f2, this.t2, modes >> (2 * MODE_BITS))
    )
  }
}

/**
 * The terms of a chain of one to three comparisons, taken out of it so that a router can keep them
 * in its own entry for the route: a candidate's test then reads the entry it has read already,
 * instead of a chain object of its own (a cache miss per candidate at 100k routes: gateway-mix and
 * path-prefix matches 4-9% faster). Unused terms are empty.
 */
export interface InlineTerms {
  readonly f0: string
  readonly t0: string
  readonly f1: string
  readonly t1: string
  readonly f2: string
  readonly t2: string
  /** The chain's modes, and the number of terms above them; negative for no inline terms. */
  readonly terms: number
}

const COUNT_SHIFT = 3 * MODE_BITS

/** No inline terms: the matcher decides. */
export const NO_INLINE_TERMS: InlineTerms = { f0: '', t0: '', f1: '', t1: '', f2: '', t2: '', terms: -1 }

/** A matcher's terms when it is a chain of one to three comparisons, else `NO_INLINE_TERMS`. */
export function inlineTerms(matcher: RouteMatcher): InlineTerms {
  if (matcher instanceof OneComparison) return { f0: matcher.f0, t0: matcher.t0, f1: '', t1: '', f2: '', t2: '', terms: matcher.mode | (1 << COUNT_SHIFT) }
  if (matcher instanceof TwoComparisons) return { f0: matcher.f0, t0: matcher.t0, f1: matcher.f1, t1: matcher.t1, f2: '', t2: '', terms: matcher.modes | (2 << COUNT_SHIFT) }
  if (matcher instanceof ThreeComparisons) {
    return { f0: matcher.f0, t0: matcher.t0, f1: matcher.f1, t1: matcher.t1, f2: matcher.f2, t2: matcher.t2, terms: matcher.modes | (3 << COUNT_SHIFT) }
  }
  return NO_INLINE_TERMS
}

/** The chain's test on terms that `inlineTerms` took out of it: the same comparisons, order and recordings. */
export function termsHold(context: Context, record: MatchRecord, t: InlineTerms): boolean {
  const terms = t.terms
  const count = terms >> COUNT_SHIFT
  if (!comparisonHolds(context, record, t.f0, t.t0, terms & MODE_MASK)) return false
  if (count < 2) return true
  if (!comparisonHolds(context, record, t.f1, t.t1, (terms >> MODE_BITS) & MODE_MASK)) return false
  return count < 3 || comparisonHolds(context, record, t.f2, t.t2, (terms >> (2 * MODE_BITS)) & MODE_MASK)
}

/** Longer chains: one interleaved list of field, text and mode. */
class ManyComparisons implements ComparisonChain {
  constructor(readonly terms: readonly (string | number)[]) {}
  test(context: Context, record: MatchRecord): boolean {
    const terms = this.terms
    for (let i = 0; i < terms.length; i += 3) {
      if (!comparisonHolds(context, record, terms[i] as string, terms[i + 1] as string, terms[i + 2] as number)) return false
    }
    return true
  }
}

function valueTest(predicate: Predicate, lower: boolean, options: CompileOptions): ValueTest {
  const { op, value: literal } = predicate
  const name = predicate.field.name
  switch (literal.kind) {
    case 'String':
      return stringTest(op, literal.value, name, lower, options)
    case 'Int':
      return intTest(op, literal.value, name)
    case 'IpAddr':
      return ipTest(op, literal.value, name)
    case 'IpCidr':
      return cidrTest(op, literal.value, name)
    case 'Set':
      return setTest(op, literal, name, lower)
  }
}

// Hot path: the string tests run for every candidate route on every request; no allocation besides
// lower-casing (which JS strings require) and regex results when a regex matches.
function stringTest(op: Predicate['op'], literal: string, field: string, lower: boolean, options: CompileOptions): ValueTest {
  const text = (value: FieldValue): string | undefined => {
    if (typeof value !== 'string') return undefined
    return lower ? value.toLowerCase() : value
  }
  switch (op) {
    case 'equals':
      return (value, record) => {
        if (text(value) !== literal) return false
        record.setMatch(field, literal)
        return true
      }
    case 'notEquals':
      return (value) => {
        const v = text(value)
        return v !== undefined && v !== literal
      }
    case 'prefix':
      return (value, record) => {
        const v = text(value)
        if (v === undefined || !v.startsWith(literal)) return false
        record.setMatch(field, literal)
        return true
      }
    case 'suffix':
      return (value, record) => {
        const v = text(value)
        if (v === undefined || !v.endsWith(literal)) return false
        record.setMatch(field, literal)
        return true
      }
    case 'contains':
      return (value) => {
        const v = text(value)
        return v !== undefined && v.includes(literal)
      }
    case 'regex': {
      const compiled = options.regexes.get(literal)
      if (!compiled.ok) throw new Error(`compile: the parser accepted an invalid regex ${JSON.stringify(literal)}`)
      return regexTest(compiled.regex, field, lower)
    }
    default:
      return () => false
  }
}

function regexTest(regex: CompiledRegex, field: string, lower: boolean): ValueTest {
  const names = regex.groupNames
  const numbers = names.map((_, i) => String(i))
  return (value, record) => {
    if (typeof value !== 'string') return false
    const groups = regex.exec(lower ? value.toLowerCase() : value)
    if (groups === null) return false
    record.setMatch(field, groups[0] as string)
    // Every participating group is recorded by number, and named groups also by name; groups that
    // did not participate leave earlier recordings alone (Kong never clears stale keys).
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i]
      if (group === undefined) continue
      record.setCapture(numbers[i] as string, group)
      const groupName = names[i]
      if (groupName !== undefined) record.setCapture(groupName, group)
    }
    return true
  }
}

/** Compares a request Int (number or bigint) with a literal exactly; non-integers never compare. */
function intCompare(literal: bigint): (value: FieldValue) => number | undefined {
  const small = literal >= BigInt(Number.MIN_SAFE_INTEGER) && literal <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(literal) : undefined
  return (value) => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) return undefined
      if (small !== undefined && Number.isSafeInteger(value)) return value - small
      const big = BigInt(value)
      return big < literal ? -1 : big > literal ? 1 : 0
    }
    if (typeof value === 'bigint') return value < literal ? -1 : value > literal ? 1 : 0
    return undefined
  }
}

function intTest(op: Predicate['op'], literal: bigint, field: string): ValueTest {
  const compare = intCompare(literal)
  const sign = (value: FieldValue): number => {
    const c = compare(value)
    return c === undefined ? NaN : c
  }
  switch (op) {
    case 'equals':
      return (value, record) => {
        if (sign(value) !== 0) return false
        record.setMatch(field, literal)
        return true
      }
    case 'notEquals':
      return (value) => {
        const c = sign(value)
        return c === c && c !== 0
      }
    case 'greater':
      return (value) => sign(value) > 0
    case 'greaterOrEqual':
      return (value) => sign(value) >= 0
    case 'less':
      return (value) => sign(value) < 0
    case 'lessOrEqual':
      return (value) => sign(value) <= 0
    default:
      return () => false
  }
}

function isIpAddr(value: FieldValue): value is IpAddr {
  return typeof value === 'object' && 'value' in value
}

function isIpCidr(value: FieldValue): value is IpCidr {
  return typeof value === 'object' && 'network' in value
}

function ipTest(op: Predicate['op'], literal: IpAddr, field: string): ValueTest {
  if (op === 'equals') {
    return (value, record) => {
      if (!isIpAddr(value) || !ipEquals(value, literal)) return false
      record.setMatch(field, literal)
      return true
    }
  }
  // Different families never compare equal, so `!=` across families is true.
  if (op === 'notEquals') return (value) => isIpAddr(value) && !ipEquals(value, literal)
  return () => false
}

function cidrTest(op: Predicate['op'], literal: IpCidr, field: string): ValueTest {
  switch (op) {
    case 'in':
      return (value) => isIpAddr(value) && cidrContains(literal, value)
    case 'notIn':
      return (value) => isIpAddr(value) && !cidrContains(literal, value)
    case 'equals':
      return (value, record) => {
        if (!isIpCidr(value) || !cidrEquals(value, literal)) return false
        record.setMatch(field, literal)
        return true
      }
    case 'notEquals':
      return (value) => isIpCidr(value) && !cidrEquals(value, literal)
    default:
      return () => false
  }
}

function setTest(op: Predicate['op'], literal: Extract<Literal, { kind: 'Set' }>, field: string, lower: boolean): ValueTest {
  const inside = op === 'in'
  if (literal.elements[0]?.kind === 'Int') {
    const members = new Set(literal.elements.map((e) => String(e.value)))
    return (value) => {
      const key = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'bigint' ? String(value) : undefined
      return key !== undefined && members.has(key) === inside
    }
  }
  const members = new Set(literal.elements.map((e) => String(e.value)))
  return (value, record) => {
    if (typeof value !== 'string') return false
    const v = lower ? value.toLowerCase() : value
    const found = members.has(v)
    // Set membership behaves like `==` against the member that matched, so it records that member.
    if (found && inside) record.setMatch(field, v)
    return found === inside
  }
}
