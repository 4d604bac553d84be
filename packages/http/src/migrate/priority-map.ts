/**
 * Maps router priorities onto expression-route priorities (0..2^46−1) so that the converted routes
 * are tried in exactly the old order: equal priorities stay equal (ties are still decided by id) and
 * a higher priority stays higher.
 */

/** The largest priority an expression route accepts. */
export const MAX_ROUTE_PRIORITY = 2n ** 46n - 1n

/** One route to place: a converted traditional route (its 64-bit router priority) or an existing expression route. */
export interface PriorityEntry {
  readonly key: string
  readonly kind: 'traditional' | 'expression'
  /** Router priority for traditional matchers; the route's own `priority` for expression routes. */
  readonly priority: bigint
}

/** The new `priority` of each entry, by key; `shifted` tells whether existing expression routes moved. */
export interface PriorityMapping {
  readonly priorities: ReadonlyMap<string, bigint>
  readonly shiftedExpressionRoutes: boolean
}

/**
 * Places converted routes below every existing expression route (which outranked them) by dense
 * ranks 0..T−1 of their distinct priorities. Existing expression routes keep their priority when
 * all of them are already ≥ T; otherwise they are moved up by T (order, ties and gaps kept) when
 * that fits, else all entries are ranked together. Throws if more distinct priorities exist than
 * 2^46 (a caller contract no real configuration reaches).
 */
export function mapPriorities(entries: readonly PriorityEntry[]): PriorityMapping {
  const traditional = [...new Set(entries.filter((e) => e.kind === 'traditional').map((e) => e.priority))].sort(compare)
  const rank = new Map(traditional.map((priority, index) => [priority, BigInt(index)]))
  const count = BigInt(traditional.length)
  const expression = entries.filter((e) => e.kind === 'expression')
  const lowest = expression.reduce<bigint | undefined>((min, e) => (min === undefined || e.priority < min ? e.priority : min), undefined)
  const highest = expression.reduce<bigint>((max, e) => (e.priority > max ? e.priority : max), 0n)
  const priorities = new Map<string, bigint>()
  for (const entry of entries) if (entry.kind === 'traditional') priorities.set(entry.key, rank.get(entry.priority)!)
  if (lowest === undefined || lowest >= count) {
    for (const entry of expression) priorities.set(entry.key, entry.priority)
    return { priorities, shiftedExpressionRoutes: false }
  }
  if (highest + count <= MAX_ROUTE_PRIORITY) {
    for (const entry of expression) priorities.set(entry.key, entry.priority + count)
    return { priorities, shiftedExpressionRoutes: true }
  }
  const expressionRanks = [...new Set(expression.map((e) => e.priority))].sort(compare)
  if (count + BigInt(expressionRanks.length) - 1n > MAX_ROUTE_PRIORITY) throw new Error('too many distinct priorities')
  const expressionRank = new Map(expressionRanks.map((priority, index) => [priority, count + BigInt(index)]))
  for (const entry of expression) priorities.set(entry.key, expressionRank.get(entry.priority)!)
  return { priorities, shiftedExpressionRoutes: true }
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}
