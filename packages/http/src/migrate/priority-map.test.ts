import { describe, expect, it } from 'vitest'
import { mapPriorities, MAX_ROUTE_PRIORITY, type PriorityEntry } from './priority-map.ts'

const t = (key: string, priority: bigint): PriorityEntry => ({ key, kind: 'traditional', priority })
const e = (key: string, priority: bigint): PriorityEntry => ({ key, kind: 'expression', priority })

describe('mapPriorities', () => {
  it('ranks traditional priorities densely, keeping order and ties', () => {
    const { priorities } = mapPriorities([t('a', 2n ** 63n), t('b', 0x20000004n), t('c', 2n ** 63n), t('d', 0x1000000020000000n)])
    expect(Object.fromEntries(priorities)).toEqual({ a: 2n, b: 0n, c: 2n, d: 1n })
  })

  it('keeps expression priorities that already sit above the converted routes', () => {
    const mapping = mapPriorities([t('a', 5n), t('b', 9n), e('x', 100n)])
    expect(mapping.shiftedExpressionRoutes).toBe(false)
    expect(mapping.priorities.get('x')).toBe(100n)
  })

  it('shifts expression routes up, gaps and ties kept, when they would not stay above', () => {
    const mapping = mapPriorities([t('a', 5n), t('b', 9n), e('x', 0n), e('y', 0n), e('z', 10n)])
    expect(mapping.shiftedExpressionRoutes).toBe(true)
    expect(Object.fromEntries(mapping.priorities)).toEqual({ a: 0n, b: 1n, x: 2n, y: 2n, z: 12n })
  })

  it('ranks everything when shifting would pass 2^46 − 1', () => {
    const mapping = mapPriorities([t('a', 5n), e('x', 0n), e('y', MAX_ROUTE_PRIORITY)])
    expect(Object.fromEntries(mapping.priorities)).toEqual({ a: 0n, x: 1n, y: 2n })
  })
})
