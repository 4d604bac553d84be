import { check } from '../check/checker.ts'
import { compileRoute } from '../compile/compiler.ts'
import type { MatcherCache } from '../compile/matcher-cache.ts'
import type { RouteMatcher } from '../compile/predicate.ts'
import { diagnostic, NO_DIAGNOSTICS, type Result } from '../diagnostics/diagnostic.ts'
import type { Schema } from '../schema/schema.ts'
import type { Expr, Literal } from '../syntax/ast.ts'
import { parse } from '../syntax/parser.ts'
import type { RegexCache } from '../values/regex/index.ts'

/** A route as callers hand it to a router. */
export interface RouteInput {
  /** Usually a UUID (normalised to lowercase hyphenated form); any non-empty string is accepted. */
  readonly id: string
  /** 0 to 2^64−1; numbers above 2^53 must be passed as bigint or decimal string to stay exact. */
  readonly priority: bigint | number | string
  /** Source text, or a tree built by a caller (e.g. Kong's `net.protocol` amendment). */
  readonly expression: string | Expr
}

/** A route that parsed, checked and compiled. */
export interface PreparedRoute {
  readonly id: string
  readonly priority: bigint
  readonly expr: Expr
  readonly source: string | undefined
  readonly fields: readonly string[]
  readonly matcher: RouteMatcher
  /** Every match records the same values (see `CompiledRoute`), so one result can serve them all. */
  readonly recordsConstant: boolean
}

/** Thrown for broken caller contracts: a duplicate (priority, id), a bad id or priority. */
export class RouterError extends Error {
  override readonly name = 'RouterError'
}

const MAX_PRIORITY = 2n ** 64n - 1n
// The forms Rust's `Uuid::parse_str` accepts: hyphenated, `{hyphenated}`, `urn:uuid:hyphenated`, simple.
const UUID = /^(?:([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})|\{([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}|urn:uuid:([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})|([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12}))$/i
const DECIMAL = /^-?[0-9]+$/

/** Throws `RouterError` when a bulk load lists a (priority, id) a second time; `seen` holds the keys listed so far. */
export function assertListedOnce(seen: Set<string>, route: PreparedRoute): void {
  const key = `${route.priority}/${route.id}`
  if (seen.has(key)) throw new RouterError(`a route with id ${route.id} and priority ${route.priority} is listed twice`)
  seen.add(key)
}

/** Normalises a priority (a bigint, a safe integer or a decimal string) to a bigint in 0..2^64−1, or throws. */
export function normalizePriority(priority: bigint | number | string): bigint {
  // `BigInt()` alone would also take '', ' 5 ', '0x10', '+5', [], true: callers pass user JSON.
  const type = typeof priority
  if (type !== 'bigint' && type !== 'number' && !(type === 'string' && DECIMAL.test(priority as string))) {
    throw new RouterError(`priority ${type === 'string' ? JSON.stringify(priority) : String(priority)} is not an integer`)
  }
  let value: bigint
  try {
    value = BigInt(priority)
  } catch {
    throw new RouterError(`priority ${String(priority)} is not an integer`)
  }
  if (typeof priority === 'number' && !Number.isSafeInteger(priority)) {
    throw new RouterError(`priority ${priority} is not exact as a number; pass a bigint or a decimal string`)
  }
  if (value < 0n || value > MAX_PRIORITY) throw new RouterError(`priority ${value} is outside 0..2^64-1`)
  return value
}

/** Normalises a UUID in any accepted form to lowercase hyphenated; other ids are kept as they are. */
export function normalizeId(id: string): string {
  if (typeof id !== 'string') throw new RouterError(`a route id must be a string, not ${id === null ? 'null' : typeof id}`)
  if (id.length === 0) throw new RouterError('a route id must not be empty')
  if (isCanonicalUuid(id)) return id
  const m = UUID.exec(id)
  if (m === null) return id
  const parts = m.slice(1).filter((part) => part !== undefined)
  return parts.join('-').toLowerCase()
}

/**
 * A priority as the indexed router keeps it: a number while exact (a small integer takes no memory
 * of its own), the bigint above 2^53. Each value has one form, so `!==` and `>` stay exact.
 */
export type StoredPriority = number | bigint

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER)

export function storedPriority(priority: bigint): StoredPriority {
  return priority <= MAX_EXACT ? Number(priority) : priority
}

export function priorityOf(stored: StoredPriority): bigint {
  return typeof stored === 'bigint' ? stored : BigInt(stored)
}

/**
 * Evaluation order: descending priority, then descending id (atc-router iterates its
 * `(priority, uuid)` map in reverse). Negative when `a` is tried before `b`.
 */
export function compareRoutes(a: { priority: StoredPriority; id: string }, b: { priority: StoredPriority; id: string }): number {
  if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1
}

/** What a router is created with. */
export interface RouterOptions {
  /** Compiled regexes, shared with other routers and the caller. */
  readonly regexes?: RegexCache
  /** Accept lists after `in` / `not in`, a Switchyard extension (`ParseOptions.lists`); off by default. */
  readonly lists?: boolean
}

/**
 * How a router reads route texts: its shared regex cache, whether lists are accepted
 * (`ParseOptions.lists`), and the compiled parts its routes share.
 */
export interface RouterParsing {
  readonly regexes: RegexCache
  readonly lists: boolean
  /** Absent, every route compiles every part for itself (the linear reference router does, so that tests compare the two). */
  readonly matchers?: MatcherCache
}

/** A route's (priority, id) key, normalised: what makes it unique in a router. */
export function routeKey(input: Pick<RouteInput, 'id' | 'priority'>): { readonly id: string; readonly priority: bigint } {
  return { id: normalizeId(input.id), priority: normalizePriority(input.priority) }
}

/**
 * Parses, checks and compiles a route; bad input comes back as diagnostics. `key`: the route's
 * `routeKey`, when the caller has it already (it checked the key first).
 */
export function prepareRoute(input: RouteInput, schema: Schema, parsing: RouterParsing, key = routeKey(input)): Result<PreparedRoute> {
  const { id, priority } = key
  let expr: Expr
  let source: string | undefined
  if (typeof input.expression === 'string') {
    source = input.expression
    const parsed = parse(source, parsing)
    if (!parsed.ok) return parsed
    expr = parsed.value
  } else {
    expr = input.expression
    // A tree built by a caller: the router prints it and parses it back later (explain), so it
    // may hold a list only where its text would parse.
    const list = parsing.lists ? undefined : firstList(expr)
    if (list !== undefined) {
      return { ok: false, diagnostics: [diagnostic('invalid-set', list.span, 'This router does not accept lists of values (Kong\'s language has none).', 'create the router with `lists: true`, or write one comparison per value')] }
    }
  }
  const checked = check(expr, schema)
  if (!checked.ok) return checked
  const { matcher, recordsConstant } = compileRoute(expr, parsing)
  return { ok: true, value: { id, priority, expr, source, fields: checked.value.fields, matcher, recordsConstant }, diagnostics: NO_DIAGNOSTICS }
}

/** True for a lowercase hyphenated UUID, the form ids almost always arrive in (checked without a regex). */
function isCanonicalUuid(id: string): boolean {
  if (id.length !== 36) return false
  for (let i = 0; i < 36; i++) {
    const c = id.charCodeAt(i)
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false
  }
  return true
}

/** The first list literal in a tree, looked for without recursion (a caller's tree may be deep). */
function firstList(expr: Expr): Literal | undefined {
  const pending: Expr[] = [expr]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.kind === 'Predicate') {
      if (next.value.kind === 'Set') return next.value
    } else if (next.kind === 'Not') pending.push(next.operand)
    else pending.push(next.right, next.left)
  }
  return undefined
}
