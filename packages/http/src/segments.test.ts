import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseSegmentSelector, selectSegments, splitSegments } from './segments.ts'

describe('splitSegments', () => {
  it.each([
    ['/a/b/c', ['a', 'b', 'c']],
    ['/a/b/c/', ['a', 'b', 'c']],
    ['/foo/', ['foo']],
    ['/', []],
    ['', []],
    ['/a%2Fb/c', ['a%2Fb', 'c']],
    ['a/b', ['', 'b']],
  ])('%j → %j', (path, segments) => {
    expect(splitSegments(path)).toEqual(segments)
  })

  it('equals the definition: drop the first character, split on `/`, drop trailing empties', () => {
    const reference = (path: string): string[] => {
      const parts = path.slice(1).split('/')
      while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
      return parts
    }
    const path = fc.array(fc.constantFrom('/', 'a', 'b'), { maxLength: 10 }).map((parts) => parts.join(''))
    fc.assert(
      fc.property(fc.oneof(path, fc.string()), (p) => {
        expect(splitSegments(p)).toEqual(reference(p))
      }),
    )
  })
})

describe('parseSegmentSelector', () => {
  it.each([
    ['len', { kind: 'len' }],
    ['0', { kind: 'index', index: 0 }],
    ['12', { kind: 'index', index: 12 }],
    ['01', { kind: 'index', index: 1 }],
    ['0_1', { kind: 'range', first: 0, last: 1 }],
    ['20_30', { kind: 'range', first: 20, last: 30 }],
    ['4_1', { kind: 'never' }],
    ['1_1', { kind: 'never' }],
    ['1_2_3', { kind: 'never' }],
    ['abc', { kind: 'never' }],
    ['', { kind: 'never' }],
    ['_1', { kind: 'never' }],
    ['1_', { kind: 'never' }],
    ['len0', { kind: 'never' }],
  ])('%j → %j', (suffix, selector) => {
    expect(parseSegmentSelector(suffix)).toEqual(selector)
  })
})

describe('selectSegments', () => {
  const segments = ['foo', 'xxx', 'yyy']
  it.each([
    ['len', 3],
    ['0', 'foo'],
    ['2', 'yyy'],
    ['3', undefined],
    ['0_1', 'foo/xxx'],
    ['1_2', 'xxx/yyy'],
    ['0_2', 'foo/xxx/yyy'],
    ['2_3', undefined],
    ['10_11', undefined],
    ['4_1', undefined],
    ['abc', undefined],
  ])('%s of /foo/xxx/yyy → %j', (suffix, value) => {
    expect(selectSegments(segments, parseSegmentSelector(suffix))).toBe(value)
  })

  it('gives 0 for the root path', () => {
    expect(selectSegments(splitSegments('/'), { kind: 'len' })).toBe(0)
    expect(selectSegments(splitSegments('/'), { kind: 'index', index: 0 })).toBeUndefined()
  })
})
