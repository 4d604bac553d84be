import type { Expr, Predicate } from '../syntax/ast.ts'
import { literalPrefixes, type RegexCache } from '../values/regex/index.ts'
import { cidrEquals, ipEquals } from '../values/ip.ts'
import type { IpAddr, IpCidr } from '../values/types.ts'

/**
 * How values are compared in a dimension: as they are, lower-cased (`lower()`), or ASCII case-folded
 * as Rust's `(?i)` folds them (A–Z to a–z, and the Kelvin sign and long s, whose folds are ASCII).
 */
export type Casing = 'as-is' | 'lower' | 'fold'

/**
 * One condition the index can look up: "some value of `field` (after `casing`) is / starts
 * with / ends with / lies in ...". Every predicate, in all-mode or any-mode, implies its atom: a
 * predicate that passes has a non-empty field and at least one passing value.
 */
export type Atom =
  | { readonly kind: 'exact'; readonly field: string; readonly casing: Casing; readonly text: string }
  | { readonly kind: 'prefix'; readonly field: string; readonly casing: Casing; readonly text: string }
  | { readonly kind: 'suffix'; readonly field: string; readonly casing: Casing; readonly text: string }
  | { readonly kind: 'int'; readonly field: string; readonly casing: 'as-is'; readonly text: string }
  | { readonly kind: 'ip'; readonly field: string; readonly casing: 'as-is'; readonly ip: IpAddr }
  | { readonly kind: 'cidr'; readonly field: string; readonly casing: 'as-is'; readonly cidr: IpCidr }

/** Where a route is filed: a primary atom and, when it has one on another dimension, a secondary one. */
export type Placement = readonly [Atom] | readonly [Atom, Atom]

/**
 * A necessary condition for a route to match, as alternatives: when the route matches, at least one
 * placement's atoms all hold. `undefined` placements mean the route cannot be indexed (`reason` says why).
 */
export interface IndexPlan {
  readonly placements: readonly Placement[] | undefined
  readonly reason: string | undefined
}

/** Names the index structure an atom lives in, e.g. `prefix:lower:http.path` (for `describe()`). */
export function dimensionOf(atom: Pick<Atom, 'kind' | 'field' | 'casing'>): string {
  return `${atom.kind}${atom.casing === 'as-is' ? '' : `:${atom.casing}`}:${atom.field}`
}

/** True when two atoms (or an atom and an index of one kind of atom) are of the same kind, field and casing. */
export function sameDimension(a: Pick<Atom, 'kind' | 'field' | 'casing'>, b: Pick<Atom, 'kind' | 'field' | 'casing'>): boolean {
  return a.kind === b.kind && a.field === b.field && a.casing === b.casing
}

/** Rust's `(?i)` folds of ASCII-only text: every value that matches a folded literal folds to it. */
const NEEDS_FOLD = /[A-Z\u017F\u212A]/

export function asciiFold(value: string): string {
  // Most values (paths, hosts) have nothing to fold: one native scan says so.
  if (!NEEDS_FOLD.test(value)) return value
  let out: string | undefined
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    const folded = c >= 65 && c <= 90 ? c + 32 : c === 0x212a ? 107 : c === 0x17f ? 115 : c
    if (folded !== c && out === undefined) out = value.slice(0, i)
    if (out !== undefined) out += String.fromCharCode(folded)
  }
  return out ?? value
}

const CASE_INSENSITIVE_ANCHOR = '(?i)^'
// Characters that stand for themselves in a regex (no metacharacters, no letters' case issues beyond ASCII).
const PLAIN = /[A-Za-z0-9/_,;:=@%&~'"!<>#-]/

/**
 * For `(?i)^literal…` patterns: the ASCII literal every match starts with, case-folded, or undefined.
 * Conservative: gives up at any metacharacter, non-ASCII text, or a top-level `|`.
 */
export function foldedLiteralPrefix(pattern: string): string | undefined {
  if (!pattern.startsWith(CASE_INSENSITIVE_ANCHOR) || hasTopLevelAlternation(pattern)) return undefined
  let text = ''
  let i = CASE_INSENSITIVE_ANCHOR.length
  for (; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '\\') {
      const next = pattern[i + 1] ?? ''
      // A backslash before ASCII punctuation is that character (Rust), except `\<` `\>` (word boundaries).
      if (!/[!-/:-@[-`{-~]/.test(next) || next === '<' || next === '>') break
      if (isQuantifier(pattern[i + 2])) break
      text += next
      i++
      continue
    }
    if (!PLAIN.test(ch)) break
    if (isQuantifier(pattern[i + 1])) break
    text += ch
  }
  return text === '' ? undefined : asciiFold(text)
}

function isQuantifier(ch: string | undefined): boolean {
  return ch === '?' || ch === '*' || ch === '+' || ch === '{'
}

/** True when a `|` appears outside every group and class (then no prefix holds for all branches). */
function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    if (ch === '\\') {
      i++
      continue
    }
    if (inClass) {
      if (ch === ']') inClass = false
      continue
    }
    if (ch === '[') {
      inClass = true
      if (pattern[i + 1] === ']') i++
    } else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === '|' && depth === 0) return true
  }
  return false
}

const MAX_ALTERNATIVES = 64
const TOO_MANY = `more than ${MAX_ALTERNATIVES} alternatives`
const MAX_PRODUCT = 16
/** Fields with few distinct values in practice: indexing on them prunes little. */
const LOW_CARDINALITY = new Set(['http.method', 'net.protocol', 'net.dst.port', 'net.src.port', 'http.path.segments.len'])

/** Literal prefix sets of anchored regexes: from a cache of compiled patterns, or worked out on the spot. */
type PrefixOf = (pattern: string) => readonly string[] | undefined

/**
 * Derives how a route's expression can be indexed. Pass the regex cache the route was compiled
 * with: the prefixes of its patterns are then read from their compiled forms instead of parsing the
 * patterns again.
 */
export function planIndex(expr: Expr, regexes?: RegexCache): IndexPlan {
  const result = alternatives(expr, regexes === undefined ? literalPrefixes : (pattern) => regexes.literalPrefixes(pattern))
  return typeof result === 'string' ? { placements: undefined, reason: result } : { placements: result, reason: undefined }
}

/** How much an atom narrows the candidates; higher is better. */
export function selectivity(atom: Atom): number {
  const low = LOW_CARDINALITY.has(atom.field) ? 60 : 0
  switch (atom.kind) {
    case 'exact':
    case 'int':
    case 'ip':
      return 100 - low
    case 'prefix':
      return 40 + Math.min(atom.text.length, 40) - low
    case 'suffix':
      return 35 + Math.min(atom.text.length, 40) - low
    case 'cidr':
      return 20 + Math.floor(atom.cidr.prefix / 4)
  }
}

type Alternatives = Placement[] | string

function alternatives(expr: Expr, prefixOf: PrefixOf): Alternatives {
  switch (expr.kind) {
    case 'Predicate': {
      const atoms = atomsOf(expr, prefixOf)
      if (typeof atoms === 'string') return atoms
      // Built with map(): arrays grown by push() keep spare capacity, and planning runs per route.
      return atoms.map((atom): Placement => [atom])
    }
    case 'Not':
      return 'a `!(...)` group gives no condition that every match must meet'
    case 'Or':
    case 'And': {
      // A chain `a || b || c` parses left-deep, one level per operator: its left spine is walked in
      // a loop and folded from the innermost pair outwards, the order the recursion had, so that a
      // route with thousands of hosts in one chain does not recurse once per host.
      const spine: Expr[] = []
      let innermost: Expr = expr
      while (innermost.kind === expr.kind) {
        spine.push(innermost.right)
        innermost = innermost.left
      }
      let folded = alternatives(innermost, prefixOf)
      for (let i = spine.length - 1; i >= 0; i--) {
        folded = expr.kind === 'Or' ? either(folded, spine[i] as Expr, prefixOf) : both(folded, alternatives(spine[i] as Expr, prefixOf))
      }
      return folded
    }
  }
}

/** The alternatives of `left || right`, `right` planned only when `left` can be indexed. */
function either(left: Alternatives, rightExpr: Expr, prefixOf: PrefixOf): Alternatives {
  // A reason met further in is passed out as it is: wrapped once, not once per level of the chain.
  if (typeof left === 'string') return left.startsWith(OR_BRANCH) || left === TOO_MANY ? left : `${OR_BRANCH}${left})`
  const right = alternatives(rightExpr, prefixOf)
  if (typeof right === 'string') return right === TOO_MANY ? right : `${OR_BRANCH}${right})`
  if (left.length + right.length > MAX_ALTERNATIVES) return TOO_MANY
  return withoutRedundant(left.concat(right))
}
const OR_BRANCH = 'an `||` branch cannot be indexed ('

/** The alternatives of `left && right`. */
function both(left: Alternatives, right: Alternatives): Alternatives {
  if (typeof left === 'string') return right
  if (typeof right === 'string') return left
  if (left.length * right.length <= MAX_PRODUCT) {
    if (left.length === 1 && right.length === 1) return [best(left[0] as Placement, right[0] as Placement)]
    return withoutRedundant(left.flatMap((l) => right.map((r) => best(l, r))))
  }
  return quality(left) >= quality(right) ? left : right
}

/** Keeps the two most selective atoms of two placements on distinct dimensions, the better one first. */
function best(left: Placement, right: Placement): Placement {
  // At most four candidates, looked at in place (this runs for every `&&` of every route).
  const a = left[0]
  const b = left[1]
  const c = right[0]
  const d = right[1]
  let first = a
  let top = selectivity(a)
  for (let i = 1; i < 4; i++) {
    const atom = i === 1 ? b : i === 2 ? c : d
    if (atom === undefined) continue
    const score = selectivity(atom)
    if (score > top) {
      first = atom
      top = score
    }
  }
  let second: Atom | undefined
  let next = -Infinity
  for (let i = 0; i < 4; i++) {
    const atom = i === 0 ? a : i === 1 ? b : i === 2 ? c : d
    if (atom === undefined || sameDimension(atom, first)) continue
    const score = selectivity(atom)
    if (score > next) {
      second = atom
      next = score
    }
  }
  if (second === undefined) return [first]
  return leadsLookup(second, first) ? [second, first] : [first, second]
}

/**
 * Which of a placement's two atoms files it first. Both atoms key the route's list, so the order
 * changes no candidate, only the lookup path: every request probes every primary dimension, so
 * routes should share few of them. Hosts lead (a host names a service, whose routes then sit in one
 * small structure under it; paths like `/users` recur across services), then the more selective atom.
 */
function leadsLookup(a: Atom, b: Atom): boolean {
  const rank = leadRank(a) - leadRank(b)
  return rank !== 0 ? rank < 0 : selectivity(a) > selectivity(b)
}

/** Fields that name the service a request is for: hosts by Host header or TLS SNI. */
function leadRank(atom: Atom): number {
  return atom.field === 'http.host' || atom.field === 'tls.sni' ? 0 : 1
}

/**
 * Drops placements that another one already covers: a route filed under `[host]` is found by every
 * request that meets `[host, path]`, and two equal placements would file it twice in one list. This
 * is common: Kong's `net.protocol` amendment (`expr && (net.protocol == "http" || ...)`) gives each
 * alternative the same two best atoms of `expr`.
 */
function withoutRedundant(placements: Placement[]): Placement[] {
  const kept: Placement[] = []
  for (let i = 0; i < placements.length; i++) {
    const candidate = placements[i] as Placement
    let covered = false
    for (let j = 0; j < placements.length && !covered; j++) {
      if (j === i) continue
      const other = placements[j] as Placement
      // Of two placements that cover each other (the same atoms), the first is kept.
      covered = covers(other, candidate) && (j < i || !covers(candidate, other))
    }
    if (!covered) kept.push(candidate)
  }
  return kept.length === placements.length ? placements : kept
}

/** True when every atom of `a` is an atom of `b`: whenever `b` holds, `a` does. */
function covers(a: Placement, b: Placement): boolean {
  for (let i = 0; i < a.length; i++) {
    const atom = a[i] as Atom
    if (!sameAtom(atom, b[0]) && (b[1] === undefined || !sameAtom(atom, b[1]))) return false
  }
  return true
}

function sameAtom(a: Atom, b: Atom): boolean {
  if (!sameDimension(a, b)) return false
  if (a.kind === 'ip') return b.kind === 'ip' && ipEquals(a.ip, b.ip)
  if (a.kind === 'cidr') return b.kind === 'cidr' && cidrEquals(a.cidr, b.cidr)
  return 'text' in b && a.text === b.text
}

/** A list of alternatives is only as good as its worst member, and each extra one costs a lookup. */
function quality(placements: readonly Placement[]): number {
  let worst = Infinity
  for (let i = 0; i < placements.length; i++) {
    const p = placements[i] as Placement
    worst = Math.min(worst, selectivity(p[0]) + (p[1] === undefined ? 0 : 5))
  }
  return worst - placements.length
}

function textAtom(kind: 'exact' | 'prefix' | 'suffix', field: string, casing: Casing, text: string): Atom {
  return { kind, field, casing, text }
}

function intAtom(field: string, value: bigint): Atom {
  return { kind: 'int', field, casing: 'as-is', text: value.toString() }
}

function atomsOf(p: Predicate, prefixOf: PrefixOf): Atom[] | string {
  const field = p.field.name
  const lower = p.field.transforms.includes('lower')
  const casing: Casing = lower ? 'lower' : 'as-is'
  const value = p.value
  switch (p.op) {
    case 'equals':
      if (value.kind === 'String') return [textAtom('exact', field, casing, value.value)]
      if (value.kind === 'Int') return [intAtom(field, value.value)]
      if (value.kind === 'IpAddr') return [{ kind: 'ip', field, casing: 'as-is', ip: value.value }]
      return `\`${p.field.name} == <CIDR>\` is not indexed`
    case 'prefix':
      if (value.kind === 'String' && value.value !== '') return [textAtom('prefix', field, casing, value.value)]
      return 'an empty prefix matches everything'
    case 'suffix':
      if (value.kind === 'String' && value.value !== '') return [textAtom('suffix', field, casing, value.value)]
      return 'an empty suffix matches everything'
    case 'regex': {
      if (value.kind !== 'String') return 'a regex without a literal prefix after `^`'
      // Every match starts with one of these: one placement each, like the branches of an `||`.
      const prefixes = prefixOf(value.value)
      // A case-insensitive prefix beats exact ones that are shorter, or as long but several
      // (`(?i)^/users` gives 16 spellings of `/user`): a longer literal, or one list instead of many.
      const folded = lower ? undefined : foldedLiteralPrefix(value.value)
      if (folded !== undefined) {
        const shortest = prefixes === undefined ? 0 : Math.min(...prefixes.map((p) => p.length))
        if (folded.length > shortest || (folded.length === shortest && (prefixes?.length ?? 0) > 1)) return [textAtom('prefix', field, 'fold', folded)]
      }
      if (prefixes !== undefined) return prefixes.map((prefix) => textAtom('prefix', field, casing, prefix))
      return 'a regex without a literal prefix after `^`'
    }
    case 'in':
      if (value.kind === 'IpCidr') return [{ kind: 'cidr', field, casing: 'as-is', cidr: value.value }]
      if (value.kind === 'Set') return value.elements.map((e) => (e.kind === 'Int' ? intAtom(field, e.value) : textAtom('exact', field, casing, e.value)))
      return '`in` without a CIDR or list'
    default:
      return `\`${p.op === 'notEquals' ? '!=' : p.op === 'notIn' ? 'not in' : p.op}\` predicates say nothing about which value is present`
  }
}
