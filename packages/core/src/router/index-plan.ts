import type { Expr, Predicate } from '../syntax/ast.ts'
import { literalPrefix } from '../values/regex/index.ts'
import type { IpAddr, IpCidr } from '../values/types.ts'

/**
 * One condition the index can look up: "some value of `field` (lower-cased when `lower`) is / starts
 * with / ends with / lies in ...". Every predicate, in all-mode or any-mode, implies its atom: a
 * predicate that passes has a non-empty field and at least one passing value.
 */
export type Atom =
  | { readonly kind: 'exact'; readonly field: string; readonly lower: boolean; readonly text: string }
  | { readonly kind: 'prefix'; readonly field: string; readonly lower: boolean; readonly text: string }
  | { readonly kind: 'suffix'; readonly field: string; readonly lower: boolean; readonly text: string }
  | { readonly kind: 'int'; readonly field: string; readonly lower: false; readonly text: string }
  | { readonly kind: 'ip'; readonly field: string; readonly lower: false; readonly ip: IpAddr }
  | { readonly kind: 'cidr'; readonly field: string; readonly lower: false; readonly cidr: IpCidr }

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

/** Identifies the index structure an atom lives in. */
export function dimensionOf(atom: Atom): string {
  return `${atom.kind}${atom.lower ? ':lower' : ''}:${atom.field}`
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
      return typeof atoms === 'string' ? atoms : atoms.map((a): Placement => [a])
    }
    case 'Not':
      return 'a `!(...)` group gives no condition that every match must meet'
    case 'Or': {
      const left = alternatives(expr.left)
      if (typeof left === 'string') return `an \`||\` branch cannot be indexed (${left})`
      const right = alternatives(expr.right)
      if (typeof right === 'string') return `an \`||\` branch cannot be indexed (${right})`
      const union = [...left, ...right]
      return union.length > MAX_ALTERNATIVES ? `more than ${MAX_ALTERNATIVES} alternatives` : union
    }
    case 'And': {
      const left = alternatives(expr.left)
      const right = alternatives(expr.right)
      if (typeof left === 'string') return right
      if (typeof right === 'string') return left
      if (left.length * right.length <= MAX_PRODUCT) return left.flatMap((l) => right.map((r) => best([...l, ...r])))
      return quality(left) >= quality(right) ? left : right
    }
  }
}

/** Keeps the two most selective atoms on distinct dimensions, the better one first. */
function best(atoms: readonly Atom[]): Placement {
  const sorted = [...atoms].sort((a, b) => selectivity(b) - selectivity(a))
  const first = sorted[0] as Atom
  const second = sorted.find((a) => dimensionOf(a) !== dimensionOf(first))
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
  const value = p.value
  switch (p.op) {
    case 'equals':
      if (value.kind === 'String') return [{ kind: 'exact', field, lower, text: value.value }]
      if (value.kind === 'Int') return [{ kind: 'int', field, lower: false, text: value.value.toString() }]
      if (value.kind === 'IpAddr') return [{ kind: 'ip', field, lower: false, ip: value.value }]
      return `\`${p.field.name} == <CIDR>\` is not indexed`
    case 'prefix':
      if (value.kind === 'String' && value.value !== '') return [{ kind: 'prefix', field, lower, text: value.value }]
      return 'an empty prefix matches everything'
    case 'suffix':
      if (value.kind === 'String' && value.value !== '') return [{ kind: 'suffix', field, lower, text: value.value }]
      return 'an empty suffix matches everything'
    case 'regex': {
      const prefix = value.kind === 'String' ? literalPrefix(value.value) : undefined
      if (prefix !== undefined && prefix !== '') return [{ kind: 'prefix', field, lower, text: prefix }]
      return 'a regex without a literal prefix after `^`'
    }
    case 'in':
      if (value.kind === 'IpCidr') return [{ kind: 'cidr', field, lower: false, cidr: value.value }]
      if (value.kind === 'Set') {
        return value.elements.map((e): Atom => (e.kind === 'Int' ? { kind: 'int', field, lower: false, text: e.value.toString() } : { kind: 'exact', field, lower, text: e.value }))
      }
      return '`in` without a CIDR or list'
    default:
      return `\`${p.op === 'notEquals' ? '!=' : p.op === 'notIn' ? 'not in' : p.op}\` predicates say nothing about which value is present`
  }
}
