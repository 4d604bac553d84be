import type { Expr, Literal } from '../syntax/ast.ts'
import { printField } from '../syntax/print.ts'
import { formatIpAddr, formatIpCidr } from '../values/ip.ts'
import type { RouteMatcher } from './predicate.ts'

/**
 * Compiled parts of expressions, shared between the routes of a router by what they test: a part
 * compiled for one route (`a == 1`, `!(a == 2 && a == 9)`, `http.method == "GET" || http.method ==
 * "HEAD"`) serves every later route that has it. A compiled part holds nothing of a route or a
 * request (the record it writes is passed in), so sharing it changes no result; it saves the closures
 * and contexts a part is made of, about 100 bytes a combinator and 300-400 a predicate on an Int, an
 * IP or a regex. A part is kept from its second sighting on: most parts that hold a path or a host
 * are one route's own, and keeping those would cost memory for nothing (only a number per part seen
 * once is kept). Bounded: past `maxEntries` the oldest part is forgotten (the routes holding it keep
 * it), and the record of parts seen once starts again past `maxSeen`.
 */
export class MatcherCache {
  readonly #entries = new Map<string, RouteMatcher>()
  readonly #seen = new Set<number>()

  constructor(
    readonly maxEntries = 10_000,
    readonly maxSeen = 65_536,
  ) {}

  /** The shared part for this key, if a route compiled it already. */
  get(key: string): RouteMatcher | undefined {
    return this.#entries.get(key)
  }

  /** Offers a part compiled for a route: kept when a part with its key was offered before. */
  offer(key: string, matcher: RouteMatcher): void {
    const hash = hashOf(key)
    if (!this.#seen.has(hash)) {
      if (this.#seen.size >= this.maxSeen) this.#seen.clear()
      this.#seen.add(hash)
      return
    }
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
    this.#entries.set(key, matcher)
  }

  /** Number of parts kept. */
  get size(): number {
    return this.#entries.size
  }
}

/** FNV-1a over the key's code units: a collision only keeps a part one sighting early. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  return hash | 0
}

/** Parts whose key would be longer are compiled for their route alone (long keys cost more than they save). */
const KEY_MAX = 512

/**
 * What a part tests, as text: equal keys mean equal parts (field, transformations, operator and
 * literal value of each predicate, and the structure joining them), so one compiled part serves
 * both. Literals by value, not spelling (`"a"` and `r#"a"#` are one key). Undefined when the key
 * would pass KEY_MAX; the text is built only up to that length.
 */
export function partKey(expr: Expr, budget = KEY_MAX): string | undefined {
  switch (expr.kind) {
    case 'Predicate': {
      const literal = literalKey(expr.value, budget)
      if (literal === undefined) return undefined
      const key = `${printField(expr.field)} ${expr.op} ${literal}`
      return key.length > budget ? undefined : key
    }
    case 'Not': {
      const operand = partKey(expr.operand, budget - 3)
      return operand === undefined ? undefined : `!(${operand})`
    }
    default: {
      const left = partKey(expr.left, budget)
      if (left === undefined) return undefined
      const joint = expr.kind === 'And' ? ') && (' : ') || ('
      const right = partKey(expr.right, budget - left.length - joint.length - 2)
      return right === undefined ? undefined : `(${left}${joint}${right})`
    }
  }
}

function literalKey(literal: Literal, budget: number): string | undefined {
  switch (literal.kind) {
    case 'String':
      // Measured before it is quoted: a long literal is not copied for each part above it.
      return literal.value.length > budget ? undefined : JSON.stringify(literal.value)
    case 'Int':
      return `${literal.value}`
    case 'IpAddr':
      return formatIpAddr(literal.value)
    case 'IpCidr':
      return formatIpCidr(literal.value)
    case 'Set': {
      const parts: string[] = []
      let length = 2
      for (const element of literal.elements) {
        const part = literalKey(element, budget - length)
        if (part === undefined) return undefined
        length += part.length + 1
        parts.push(part)
      }
      return `[${parts.join(',')}]`
    }
  }
}
