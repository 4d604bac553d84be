import type { Expr, Predicate } from '../syntax/ast.ts'
import { literalPrefix } from '../values/regex/index.ts'
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

/** True when two atoms live in the same index structure. */
export function sameDimension(a: Atom, b: Atom): boolean {
  return a.kind === b.kind && a.field === b.field && a.casing === b.casing
}

/** Rust's `(?i)` folds of ASCII-only text: every value that matches a folded literal folds to it. */
export function asciiFold(value: string): string {
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
const MAX_PRODUCT = 16
/** Fields with few distinct values in practice: indexing on them prunes little. */
const LOW_CARDINALITY = new Set(['http.method', 'net.protocol', 'net.dst.port', 'net.src.port', 'http.path.segments.len'])

/** Derives how a route's expression can be indexed. */
export function planIndex(expr: Expr): IndexPlan {
  const result = alternatives(expr)
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

function alternatives(expr: Expr): Alternatives {
  switch (expr.kind) {
    case 'Predicate': {
      const atoms = atomsOf(expr)
      if (typeof atoms === 'string') return atoms
      const out: Placement[] = []
      for (const atom of atoms) out.push([atom])
      return out
    }
    case 'Not':
      return 'a `!(...)` group gives no condition that every match must meet'
    case 'Or': {
      const left = alternatives(expr.left)
      if (typeof left === 'string') return `an \`||\` branch cannot be indexed (${left})`
      const right = alternatives(expr.right)
      if (typeof right === 'string') return `an \`||\` branch cannot be indexed (${right})`
      if (left.length + right.length > MAX_ALTERNATIVES) return `more than ${MAX_ALTERNATIVES} alternatives`
      for (const r of right) left.push(r)
      return left
    }
    case 'And': {
      const left = alternatives(expr.left)
      const right = alternatives(expr.right)
      if (typeof left === 'string') return right
      if (typeof right === 'string') return left
      if (left.length * right.length <= MAX_PRODUCT) {
        const product: Placement[] = []
        for (const l of left) for (const r of right) product.push(best(l, r))
        return product
      }
      return quality(left) >= quality(right) ? left : right
    }
  }
}

/** Keeps the two most selective atoms of two placements on distinct dimensions, the better one first. */
function best(left: Placement, right: Placement): Placement {
  const atoms: Atom[] = [left[0]]
  if (left[1] !== undefined) atoms.push(left[1])
  atoms.push(right[0])
  if (right[1] !== undefined) atoms.push(right[1])
  let first = atoms[0] as Atom
  for (const atom of atoms) if (selectivity(atom) > selectivity(first)) first = atom
  let second: Atom | undefined
  for (const atom of atoms) {
    if (!sameDimension(atom, first) && (second === undefined || selectivity(atom) > selectivity(second))) second = atom
  }
  return second === undefined ? [first] : [first, second]
}

/** A list of alternatives is only as good as its worst member, and each extra one costs a lookup. */
function quality(placements: readonly Placement[]): number {
  let worst = Infinity
  for (const p of placements) worst = Math.min(worst, selectivity(p[0]) + (p[1] === undefined ? 0 : 5))
  return worst - placements.length
}

function atomsOf(p: Predicate): Atom[] | string {
  const field = p.field.name
  const lower = p.field.transforms.includes('lower')
  const casing: Casing = lower ? 'lower' : 'as-is'
  const value = p.value
  const text = (kind: 'exact' | 'prefix' | 'suffix', t: string, how: Casing = casing): Atom => ({ kind, field, casing: how, text: t })
  const int = (t: string): Atom => ({ kind: 'int', field, casing: 'as-is', text: t })
  switch (p.op) {
    case 'equals':
      if (value.kind === 'String') return [text('exact', value.value)]
      if (value.kind === 'Int') return [int(value.value.toString())]
      if (value.kind === 'IpAddr') return [{ kind: 'ip', field, casing: 'as-is', ip: value.value }]
      return `\`${p.field.name} == <CIDR>\` is not indexed`
    case 'prefix':
      if (value.kind === 'String' && value.value !== '') return [text('prefix', value.value)]
      return 'an empty prefix matches everything'
    case 'suffix':
      if (value.kind === 'String' && value.value !== '') return [text('suffix', value.value)]
      return 'an empty suffix matches everything'
    case 'regex': {
      if (value.kind !== 'String') return 'a regex without a literal prefix after `^`'
      const prefix = literalPrefix(value.value)
      // A case-insensitive prefix beats a short exact one (`(?i)^/users` gives `/` exactly).
      const folded = lower ? undefined : foldedLiteralPrefix(value.value)
      if (folded !== undefined && folded.length > (prefix?.length ?? 0)) return [text('prefix', folded, 'fold')]
      if (prefix !== undefined && prefix !== '') return [text('prefix', prefix)]
      return 'a regex without a literal prefix after `^`'
    }
    case 'in':
      if (value.kind === 'IpCidr') return [{ kind: 'cidr', field, casing: 'as-is', cidr: value.value }]
      if (value.kind === 'Set') return value.elements.map((e) => (e.kind === 'Int' ? int(e.value.toString()) : text('exact', e.value)))
      return '`in` without a CIDR or list'
    default:
      return `\`${p.op === 'notEquals' ? '!=' : p.op === 'notIn' ? 'not in' : p.op}\` predicates say nothing about which value is present`
  }
}
