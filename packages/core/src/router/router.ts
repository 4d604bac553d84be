import { inlineTerms, NO_INLINE_TERMS, termsHold, withImpliedTerms, type InlineTerms, type RouteMatcher } from '../compile/predicate.ts'
import type { Context } from '../context/context.ts'
import { MatchRecord, type Match } from '../context/match.ts'
import type { Diagnostic, Result } from '../diagnostics/diagnostic.ts'
import { Schema } from '../schema/schema.ts'
import type { Expr } from '../syntax/ast.ts'
import { MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH, MAX_PREDICATES } from '../syntax/limits.ts'
import { parse } from '../syntax/parser.ts'
import { print } from '../syntax/print.ts'
import { RegexCache } from '../values/regex/index.ts'
import { MatcherCache } from '../compile/matcher-cache.ts'
import { keepShape } from '../keep-shape.ts'
import { FieldCounter } from './field-counter.ts'
import { planIndex, type Placement } from './index-plan.ts'
import { RouteIndex, type DimensionSummary, type Filed, type IndexHit } from './route-index.ts'
import { compareRoutes, normalizeId, normalizePriority, prepareRoute, priorityOf, routeKey, RouterError, storedPriority, type PreparedRoute, type RouteInput, type RouterOptions, type RouterParsing, type StoredPriority } from './route.ts'
import { explainRoutes, type ExplainOptions, type Explanation, type RouterApi } from './router-api.ts'
import { REMOVED } from './sorted-routes.ts'

/**
 * A route entry as the indexed router keeps it: compiled matcher, placements, and a visit stamp. A
 * matcher that is a chain of one to three comparisons (most routes) is kept as the entry's own
 * `InlineTerms` instead (`terms` >= 0), tested with `termsHold`.
 */
interface Entry extends InlineTerms {
  readonly id: string
  readonly priority: StoredPriority
  /** The compiled matcher; `TERMS_ON_ENTRY` when the entry's inline terms are the matcher. */
  readonly matcher: RouteMatcher
  /** The expression as text: the caller's source, or the canonical print of a tree it passed. */
  readonly source: string
  readonly fields: readonly string[]
  /** The index lists the entry is in (set when inserted): removal goes straight to them. */
  filed: Filed<Entry> | undefined
  /** Why the route could not be indexed; undefined for indexed routes. */
  readonly reason: string | undefined
  seen: number
  /**
   * For routes whose matches always record the same values (`recordsConstant`): false until
   * the first match, then that match, frozen and returned again. Otherwise undefined.
   */
  memo: Match | false | undefined
}

/** A new entry with the placements to file it under (kept only until it is inserted). */
interface Filing {
  readonly entry: Entry
  readonly placements: readonly Placement[] | undefined
}

/** How the router filed its routes, for users tuning large configurations. */
export interface RouterDescription {
  readonly routes: number
  readonly indexed: number
  readonly dimensions: readonly DimensionSummary[]
  /** Routes that every request must try, with the reason they could not be indexed. */
  readonly residual: readonly { readonly id: string; readonly priority: bigint; readonly reason: string }[]
}

/**
 * The production router: routes are filed in an index by conditions every match must meet (exact and
 * prefix paths, hosts, methods, headers, CIDRs, ...), and a request only tries the routes whose
 * conditions it meets, still in exact evaluation order (descending priority, then descending id).
 * It returns exactly what `LinearRouter` returns; updates touch only the changed route's entries.
 */
export class Router implements RouterApi {
  readonly #schema: Schema
  readonly #regexes: RegexCache
  readonly #parsing: RouterParsing
  readonly #index = new RouteIndex<Entry>()
  // One entry per id almost always; an array only when an id is listed at several priorities.
  #byId = new Map<string, Entry | Entry[]>()
  /**
   * The trees of routes whose printed text is beyond the parser's limits (a caller may build one,
   * e.g. a 2048-predicate expression plus the `net.protocol` amendment), which cannot be parsed back;
   * kept beside the entries, as they are rare, so that every other entry stays one field smaller.
   * Weak: an entry removed but still awaited by a pruning batch keeps its tree until then.
   */
  readonly #unparsableTrees = new WeakMap<Entry, Expr>()
  readonly #fields = new FieldCounter()
  readonly #record = new MatchRecord()
  #size = 0
  #query = 0
  // Scratch for the k-way merge of candidate lists; reused across requests.
  readonly #positions: number[] = []

  /**
   * Creates an empty router for a schema; pass a shared regex cache to share compiled regexes, and
   * `lists: true` to accept lists after `in` / `not in` (a Switchyard extension, see `ParseOptions`).
   */
  constructor(schema: Schema, options: RouterOptions = {}) {
    this.#schema = schema
    this.#regexes = options.regexes ?? new RegexCache()
    this.#parsing = { regexes: this.#regexes, lists: options.lists === true, matchers: new MatcherCache() }
  }

  add(route: RouteInput): Result<void> {
    // A (priority, id) the router holds already is refused before the expression is read, as
    // atc-router 1.7.1 does: adding a duplicate with a bad expression reports the duplicate.
    const key = routeKey(route)
    const sameId = this.#assertNew(key)
    const prepared = prepareRoute(route, this.#schema, this.#parsing, key)
    if (!prepared.ok) return prepared
    this.#insert(this.#entry(prepared.value), false, sameId)
    return { ok: true, value: undefined, diagnostics: prepared.diagnostics }
  }

  /**
   * Adds many routes at once (a bulk load): lists are sorted once at the end instead of on every
   * insert. All-or-nothing: when any route fails, nothing is added and every failure is returned.
   */
  addAll(routes: Iterable<RouteInput>): { ok: true } | { ok: false; failures: { id: string; diagnostics: readonly Diagnostic[] }[] } {
    const filings: Filing[] = []
    const failures: { id: string; diagnostics: readonly Diagnostic[] }[] = []
    // The new entries by id, which also finds a (priority, id) listed twice. Loading into an empty
    // router (a whole configuration) adopts it as the router's own: one map operation per route.
    const listed = new Map<string, Entry | Entry[]>()
    const empty = this.#byId.size === 0
    for (const route of routes) {
      // As in `add`: a (priority, id) the router holds is refused before the expression is read.
      const key = routeKey(route)
      if (!empty) this.#assertNew(key)
      const prepared = prepareRoute(route, this.#schema, this.#parsing, key)
      if (!prepared.ok) {
        failures.push({ id: route.id, diagnostics: prepared.diagnostics })
        continue
      }
      const filing = this.#entry(prepared.value)
      const { entry } = filing
      const before = listed.get(entry.id)
      if (before !== undefined && holdsPriority(before, entry.priority)) {
        throw new RouterError(`a route with id ${entry.id} and priority ${prepared.value.priority} is listed twice`)
      }
      listUnder(listed, entry, before)
      filings.push(filing)
    }
    if (failures.length > 0) return { ok: false, failures }
    for (const { entry, placements } of filings) this.#file(entry, placements, true)
    this.#index.finish()
    if (empty) this.#byId = listed
    else for (const entries of listed.values()) for (const entry of Array.isArray(entries) ? entries : [entries]) this.#list(entry)
    return { ok: true }
  }

  remove(id: string, priority?: bigint | number | string): boolean {
    const key = normalizeId(id)
    const exact = priority === undefined ? undefined : storedPriority(normalizePriority(priority))
    const found = this.#byId.get(key)
    if (found === undefined) return false
    // The usual case, one entry under the id: no lists to build.
    if (!Array.isArray(found)) {
      if (exact !== undefined && found.priority !== exact) return false
      this.#drop(found)
      this.#byId.delete(key)
      return true
    }
    const entries = found
    const keep = entries.filter((e) => exact !== undefined && e.priority !== exact)
    for (const entry of entries) if (!keep.includes(entry)) this.#drop(entry)
    if (keep.length === 0) this.#byId.delete(key)
    else this.#byId.set(key, keep.length === 1 ? (keep[0] as Entry) : keep)
    return keep.length < entries.length
  }

  replace(route: RouteInput): Result<void> {
    const prepared = prepareRoute(route, this.#schema, this.#parsing)
    if (!prepared.ok) return prepared
    this.remove(prepared.value.id)
    this.#insert(this.#entry(prepared.value), false)
    return { ok: true, value: undefined, diagnostics: prepared.diagnostics }
  }

  // Hot path: gathers candidate lists from the index, then merges them in evaluation order and stops
  // at the first route that matches. Allocates only the returned Match.
  match(context: Context): Match | undefined {
    const { lists, count } = this.#index.collect(context)
    const query = ++this.#query
    const record = this.#record
    if (count === 0) return undefined
    if (count === 1) {
      const hit = lists[0] as IndexHit<Entry>
      if (!isList(hit)) {
        if (hit.seen === REMOVED) return undefined
        record.clear()
        const matcher = hit.matcher
        return (hit.terms >= 0 ? termsHold(context, record, hit) : typeof matcher === 'function' ? matcher(context, record) : matcher.test(context, record)) ? this.#found(hit) : undefined
      }
      for (let i = 0; i < hit.length; i++) {
        const entry = hit[i] as Entry
        if (entry.seen === REMOVED) continue
        record.clear()
        // `runMatcher`'s test, written out: here the calls keep feedback of their own, where the shared
        // function's calls also see every combinator's terms (2-4% per match on gateway-mix 10k).
        const matcher = entry.matcher
        if (entry.terms >= 0 ? termsHold(context, record, entry) : typeof matcher === 'function' ? matcher(context, record) : matcher.test(context, record)) return this.#found(entry)
      }
      return undefined
    }
    const positions = this.#positions
    for (let l = 0; l < count; l++) positions[l] = 0
    for (;;) {
      let best: Entry | undefined
      let bestList = -1
      for (let l = 0; l < count; l++) {
        const hit = lists[l] as IndexHit<Entry>
        let head: Entry | undefined
        if (isList(hit)) {
          let at = positions[l] as number
          // Past routes already tried (listed under several placements) and routes removed lazily.
          while (at < hit.length && ((hit[at] as Entry).seen === query || (hit[at] as Entry).seen === REMOVED)) at++
          positions[l] = at
          head = hit[at]
        } else if (positions[l] === 0) {
          // A list of one route: its position is 0 until the route is taken or passed.
          if (hit.seen === query || hit.seen === REMOVED) positions[l] = 1
          else head = hit
        }
        if (head !== undefined && (best === undefined || compareRoutes(head, best) < 0)) {
          best = head
          bestList = l
        }
      }
      if (best === undefined) return undefined
      positions[bestList] = (positions[bestList] as number) + 1
      best.seen = query
      record.clear()
      const matcher = best.matcher
      if (best.terms >= 0 ? termsHold(context, record, best) : typeof matcher === 'function' ? matcher(context, record) : matcher.test(context, record)) return this.#found(best)
    }
  }

  explain(context: Context, options?: ExplainOptions): Explanation {
    const treeOf = (entry: Entry): Expr => this.#treeOf(entry)
    // Lazily: explanation stops at the winner (unless `all`), so only the routes before it are parsed again.
    function* ordered(entries: readonly Entry[]) {
      for (const entry of entries) yield { id: entry.id, priority: priorityOf(entry.priority), source: entry.source, expr: treeOf(entry) }
    }
    return explainRoutes(ordered(this.#ordered()), context, this.#regexes, this.match(context), options)
  }

  /** How routes were filed: dimensions with key and route counts, and the residual routes with reasons. */
  describe(): RouterDescription {
    const residual: { id: string; priority: bigint; reason: string }[] = []
    for (const entry of this.#ordered()) {
      if (entry.reason !== undefined) residual.push({ id: entry.id, priority: priorityOf(entry.priority), reason: entry.reason })
    }
    return { routes: this.#size, indexed: this.#size - residual.length, dimensions: this.#index.summary(), residual }
  }

  get fields(): ReadonlySet<string> {
    return this.#fields.fields
  }

  get size(): number {
    return this.#size
  }

  has(id: string): boolean {
    return this.#byId.has(normalizeId(id))
  }

  #found(entry: Entry): Match {
    // A route whose matches are all alike answers with one frozen Match: nothing to build per request.
    const memo = entry.memo
    if (memo !== undefined && memo !== false) {
      this.#record.clear()
      return memo
    }
    const match = this.#record.toMatch(entry.id, priorityOf(entry.priority))
    this.#record.clear()
    if (memo === false) entry.memo = deepFreeze(match)
    return match
  }

  #ordered(): Entry[] {
    return [...this.#byId.values()].flat().sort(compareRoutes)
  }

  #drop(entry: Entry): void {
    if (entry.filed !== undefined) this.#index.remove(entry, entry.filed, () => this.#placementsOf(entry))
    this.#fields.remove(entry.fields)
    this.#size--
  }

  /**
   * A route's placements, planned again from its text: entries do not keep them (about a fifth of a
   * route's memory) since only pruning an emptied container needs them, and planning is deterministic.
   */
  #placementsOf(entry: Entry): readonly Placement[] | undefined {
    return planIndex(this.#treeOf(entry), this.#regexes).placements
  }

  /** A route's tree, parsed again from its text (parse(print(e)) equals e, so it is the tree it was added with). */
  #treeOf(entry: Entry): Expr {
    const kept = this.#unparsableTrees.get(entry)
    if (kept !== undefined) return kept
    const parsed = parse(entry.source, this.#parsing)
    if (!parsed.ok) throw new Error(`route ${entry.id} no longer parses`)
    return parsed.value
  }

  #entry(route: PreparedRoute): Filing {
    const plan = planIndex(route.expr, this.#regexes)
    const source = route.source ?? print(route.expr)
    const matcher = impliedByPlacement(route.matcher, plan.placements)
    const terms = inlineTerms(matcher)
    const entry: Entry = {
      f0: terms.f0,
      t0: terms.t0,
      f1: terms.f1,
      t1: terms.t1,
      f2: terms.f2,
      t2: terms.t2,
      terms: terms.terms,
      id: route.id,
      priority: storedPriority(route.priority),
      // A chain taken into the entry is not kept: the entry's terms are the matcher.
      matcher: terms === NO_INLINE_TERMS ? matcher : TERMS_ON_ENTRY,
      // Memory: the tree is dropped once planned and compiled (about 1 KB per route); explain
      // re-parses the text, which gives back the same tree (parse(print(e)) equals e).
      source,
      fields: route.fields,
      filed: undefined,
      reason: plan.placements === undefined ? (plan.reason ?? 'no indexable condition') : undefined,
      seen: 0,
      memo: route.recordsConstant ? false : undefined,
    }
    if (route.source === undefined && !withinParserLimits(route.expr, source)) this.#unparsableTrees.set(entry, route.expr)
    return { entry, placements: plan.placements }
  }

  /** Throws when the router holds the route's (priority, id) already; returns the entries under its id. */
  #assertNew(route: { readonly id: string; readonly priority: bigint }): Entry | Entry[] | undefined {
    const stored = storedPriority(route.priority)
    const found = this.#byId.get(route.id)
    if (found !== undefined && holdsPriority(found, stored)) {
      throw new RouterError(`a route with id ${route.id} and priority ${route.priority} already exists`)
    }
    return found
  }

  /** Files an entry and lists it under its id; `found` is what the router holds under the id (looked up when not given). */
  #insert({ entry, placements }: Filing, deferSort: boolean, found = this.#byId.get(entry.id)): void {
    this.#file(entry, placements, deferSort)
    this.#list(entry, found)
  }

  /** Files an entry in the index and counts it. */
  #file(entry: Entry, placements: readonly Placement[] | undefined, deferSort: boolean): void {
    entry.filed = this.#index.insert(entry, placements, deferSort)
    this.#fields.add(entry.fields)
    this.#size++
  }

  /** Lists an entry under its id beside what the router holds there already. */
  #list(entry: Entry, found = this.#byId.get(entry.id)): void {
    listUnder(this.#byId, entry, found)
  }
}

const COMPARISON_KINDS = ['exact', 'prefix', 'suffix'] as const

/** The matcher of entries whose inline terms are the matcher; never called. */
const TERMS_ON_ENTRY: RouteMatcher = () => {
  throw new Error('an entry with inline terms is tested with termsHold')
}

/**
 * A route filed under one placement is offered only to requests that meet every atom of it, so the
 * comparisons of its matcher that are those atoms (same field, kind and text, values as they are)
 * are known to hold for some value; the matcher skips reading their literals (see `withImpliedTerms`).
 * A route filed under several placements may be offered through any one of them: nothing is implied.
 */
function impliedByPlacement(matcher: RouteMatcher, placements: readonly Placement[] | undefined): RouteMatcher {
  if (typeof matcher === 'function' || placements?.length !== 1) return matcher
  const atoms = placements[0] as Placement
  return withImpliedTerms(matcher, (field, text, kind) =>
    atoms.some((atom) => atom.kind === COMPARISON_KINDS[kind] && atom.casing === 'as-is' && atom.field === field && atom.text === text),
  )
}

/** True when a hit of the index is a list of routes rather than its one route. */
function isList(hit: IndexHit<Entry>): hit is readonly Entry[] {
  return Array.isArray(hit)
}

/**
 * True when the printed text of a tree is certainly within the parser's limits, so parsing it gives
 * the tree back. Conservative: each `&&`, `||` or `!` counts as a level of parentheses.
 */
function withinParserLimits(expr: Expr, source: string): boolean {
  if (source.length > MAX_EXPRESSION_LENGTH) return false
  let predicates = 0
  const fits = (e: Expr, depth: number): boolean => {
    if (depth > MAX_NESTING_DEPTH) return false
    switch (e.kind) {
      case 'Predicate':
        return ++predicates <= MAX_PREDICATES && e.field.transforms.length <= MAX_NESTING_DEPTH
      case 'Not':
        return fits(e.operand, depth + 1)
      default:
        return fits(e.left, depth + 1) && fits(e.right, depth + 1)
    }
  }
  return fits(expr, 0)
}

/** Lists an entry in a by-id map beside `found`, what the map holds under its id already. */
function listUnder(byId: Map<string, Entry | Entry[]>, entry: Entry, found: Entry | Entry[] | undefined): void {
  if (found === undefined) byId.set(entry.id, entry)
  else if (Array.isArray(found)) found.push(entry)
  else byId.set(entry.id, [found, entry])
}

/** True when the entries listed under an id include one at this priority. */
function holdsPriority(listed: Entry | Entry[], priority: StoredPriority): boolean {
  return Array.isArray(listed) ? listed.some((e) => e.priority === priority) : listed.priority === priority
}

function deepFreeze(match: Match): Match {
  Object.freeze(match.matches)
  Object.freeze(match.captures)
  return Object.freeze(match)
}

/**
 * A small router holding one instance of each of the index's and matchers' classes. A process
 * replaces its router on a configuration reload; when the old one is collected, these classes'
 * hidden classes would go with it (the new router's instances are built after), and the code that
 * builds and matches would be thrown away. See keep-shape.ts.
 */
function sampleRouter(): Router {
  const router = new Router(new Schema([['s', 'String'], ['t', 'String'], ['u', 'String'], ['n', 'Int'], ['ip', 'IpAddr']]))
  const expressions = [
    's == "a" && t ^= "/b"',
    's =^ ".c" && t == "/d" && u == "GET"',
    's == "e" && t == "/f" && u == "GET" && t ^= "/"',
    'n == 1 && s == "e"',
    'n == 2',
    'ip in 10.0.0.0/8',
    'ip == 10.0.0.1',
    's == "g" || s == "h"',
    't ~ r#"i"#',
    't ~ r#"^/(j|k)+x$"#',
  ]
  expressions.forEach((expression, i) => router.add({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, priority: i, expression }))
  return router
}
keepShape(sampleRouter())
