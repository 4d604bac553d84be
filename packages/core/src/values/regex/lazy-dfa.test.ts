import fc from 'fast-check'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { reversed, type Hir } from './hir.ts'
import { compileRegexWith } from './index.ts'
import { dfaEligible, dfaMemory, LazyDfa, setDfaMemoryBudget } from './lazy-dfa.ts'
import { lowerAst } from './lower.ts'
import { parsePattern } from './parse.ts'
import { PikeVM } from './pike-vm.ts'

/** The HIR of a pattern with group 0 around it (as compileRegexWith builds it). */
function hirOf(pattern: string): Hir {
  const parsed = parsePattern(pattern)
  if (!parsed.ok) throw new Error(parsed.error.message)
  const lowered = lowerAst(parsed.parsed.ast, pattern)
  if (!lowered.ok) throw new Error(lowered.error.message)
  return { k: 'cap', index: 0, sub: lowered.hir }
}

/** The Pike VM program of a pattern, with room for all of its groups. */
function program(pattern: string): PikeVM {
  const compiled = compileRegexWith(pattern, 'pike-vm')
  return new PikeVM(hirOf(pattern), compiled.ok ? compiled.regex.groupCount : 1)
}

function dfaOf(pattern: string): LazyDfa {
  const vm = program(pattern)
  expect(dfaEligible(vm)).toBe(true)
  return new LazyDfa(vm)
}

describe('lazy DFA', () => {
  it.each([
    ['abc', 'xxabcxx', true],
    ['abc', 'xxabxcx', false],
    ['^abc', 'abcx', true],
    ['^abc', 'xabc', false],
    ['abc$', 'xxabc', true],
    ['abc$', 'abcx', false],
    ['^$', '', true],
    ['^$', 'a', false],
    ['^a*$', '', true],
    ['a|b', '', false],
    ['(?i)straße', 'STRASSE', false],
    ['(?i)k', '\u212a', true],
    ['é+x', 'ééééx', true],
    ['😀$', 'a😀', true],
    ['^.$', '😀', true],
    ['^..$', '😀', false],
    ['[^a]', 'aaaa', false],
    ['\\d{3}', 'ab١٢٣', true],
    ['(a|b){20}x', 'ab'.repeat(40) + 'x', true],
    ['(a|b){20}x', 'ab'.repeat(40), false],
  ])('%s on %j → %s', (pattern, input, expected) => {
    const dfa = dfaOf(pattern)
    // Twice: the second search runs on the states the first one built.
    expect(dfa.test(input)).toBe(expected)
    expect(dfa.test(input)).toBe(expected)
  })

  it('leaves programs with other look-arounds to the Pike VM', () => {
    for (const pattern of ['\\bx', 'x\\B', '(?m)^x', '(?m)x$', '\\b{start}x']) expect(dfaEligible(program(pattern))).toBe(false)
  })

  it('answers as the Pike VM does, on random patterns and inputs', () => {
    const atom = fc.constantFrom('a', 'b', 'é', '😀', '.', '[ab]', '[^a]', '\\d', '\\w', '(?i:k)', '^', '$', '(a|b)', '(?:ab|a)', 'b?')
    const pattern = fc
      .array(fc.tuple(atom, fc.constantFrom('', '*', '+', '?', '{2}', '{1,3}', '*?')), { minLength: 1, maxLength: 5 })
      .map((parts) => parts.map(([a, q]) => a + q).join(''))
      .chain((p) => fc.constantFrom(p, `${p}|b$`, `^(${p})`))
      .filter((p) => compileRegexWith(p, 'pike-vm').ok)
    const input = fc.array(fc.constantFrom('a', 'b', 'é', '😀', 'k', 'K', '\u212a', '1', '٣', ' '), { maxLength: 10 }).map((xs) => xs.join(''))
    let compared = 0
    fc.assert(
      fc.property(pattern, fc.array(input, { minLength: 1, maxLength: 6 }), (p, inputs) => {
        const vm = program(p)
        if (!dfaEligible(vm)) return
        compared++
        const dfa = new LazyDfa(vm)
        for (const s of inputs) expect([p, s, dfa.test(s)]).toEqual([p, s, vm.run(s, false)])
      }),
      { numRuns: 1500 },
    )
    expect(compared).toBeGreaterThan(1000)
  })

  it('finds where the leftmost-first match ends and starts, as the Pike VM does, and the same groups', () => {
    const atom = fc.constantFrom('a', 'b', 'é', '😀', '.', '[ab]', '\\d', '(a|b)', '(?:ab|a)', '(b*)', '(?P<n>a+?)', '^', '$', 'a??')
    const pattern = fc
      .array(fc.tuple(atom, fc.constantFrom('', '*', '+', '?', '{2}', '{0,2}', '*?', '+?')), { minLength: 1, maxLength: 5 })
      .map((parts) => parts.map(([a, q]) => a + q).join(''))
      .chain((p) => fc.constantFrom(p, `${p}|b`, `(${p})$`, `^(?:${p})`, `a|${p}`))
      .filter((p) => compileRegexWith(p, 'pike-vm').ok)
    const input = fc.array(fc.constantFrom('a', 'b', 'é', '😀', '1', ' '), { maxLength: 10 }).map((xs) => xs.join(''))
    let matched = 0
    fc.assert(
      fc.property(pattern, fc.array(input, { minLength: 1, maxLength: 6 }), (p, inputs) => {
        const vm = program(p)
        if (!dfaEligible(vm)) return
        const forward = new LazyDfa(vm, 'first-end')
        const backward = new LazyDfa(new PikeVM(reversed(hirOf(p)), vm.groupCount), 'reverse-start')
        const compiled = compileRegexWith(p, 'pike-vm')
        if (!compiled.ok) return
        for (const s of inputs) {
          const slots = vm.run(s, true)
          const end = forward.matchEnd(s)
          if (slots === false) {
            expect([p, s, end]).toEqual([p, s, -1])
            expect(compiled.regex.exec(s)).toBeNull()
            continue
          }
          matched++
          const span = slots as Int32Array
          expect([p, s, end]).toEqual([p, s, span[1]])
          expect([p, s, backward.matchStart(s, end as number)]).toEqual([p, s, span[0]])
          const groups = Array.from({ length: vm.groupCount }, (_, g) => ((span[2 * g] as number) < 0 ? undefined : s.slice(span[2 * g], span[2 * g + 1])))
          expect([p, s, compiled.regex.exec(s)]).toEqual([p, s, groups])
        }
      }),
      { numRuns: 1500 },
    )
    expect(matched).toBeGreaterThan(1000)
  })

  it('gives up instead of growing without bound, and the regex still answers through the Pike VM', () => {
    const pattern = '(a|b){1500}x'
    const dfa = dfaOf(pattern)
    const input = 'ab'.repeat(4000)
    expect(dfa.test(input)).toBeUndefined()
    // Within its budget: a state holds about 3,000 NFA states here.
    expect(dfa.stateCount).toBeLessThan(200)
    const compiled = compileRegexWith(pattern, 'auto')
    if (!compiled.ok) throw new Error('compiles')
    expect(compiled.regex.test(input)).toBe(false)
    expect(compiled.regex.test(`${input}x`)).toBe(true)
  })

  it('makes room for a new pattern when the process budget is full, by clearing the DFAs that hold the most', () => {
    // A small budget, filled in a fraction of the time the default 64 MB takes.
    const previous = setDfaMemoryBudget(4 << 20)
    onTestFinished(() => void setDfaMemoryBudget(previous))
    const input = 'ab'.repeat(3000)
    const held: LazyDfa[] = []
    for (let n = 0; (n < 3 || dfaMemory().held < dfaMemory().budget - (64 << 10)) && n < 400; n++) {
      const dfa = dfaOf(`(a|b){${300 + n}}x`)
      dfa.test(input)
      held.push(dfa)
    }
    expect(dfaMemory().held).toBeGreaterThan(dfaMemory().budget - (64 << 10))
    // The new pattern's states do not fit without taking others' room: it gets it, and answers.
    // The room is made a quarter of the budget at a time, not state by state: each scan of every
    // DFA (tens of thousands in a large configuration) serves thousands of new states.
    const scansBefore = dfaMemory().scans
    const fresh = dfaOf('(a|b){200}y')
    expect(fresh.test(`${input}y`)).toBe(true)
    expect(fresh.stateCount).toBeGreaterThan(100)
    expect(dfaMemory().scans - scansBefore).toBe(1)
    expect(dfaMemory().held).toBeLessThanOrEqual(dfaMemory().budget)
    // One that gave its states up builds them again when searched, and still answers right.
    expect(held[0]?.test(`${input}x`)).toBe(true)
  })

  it('refuses a process budget that is not a whole number of bytes or below one DFA\'s own', () => {
    expect(() => setDfaMemoryBudget(1000)).toThrow(/at least/)
    expect(() => setDfaMemoryBudget(Number.NaN)).toThrow(RangeError)
    expect(dfaMemory().budget).toBe(64 << 20)
  })

  it('runs where the runtime has no weak references (some edge runtimes), within its own budget', async () => {
    vi.stubGlobal('WeakRef', undefined)
    vi.stubGlobal('FinalizationRegistry', undefined)
    try {
      vi.resetModules()
      const fresh = await import('./lazy-dfa.ts')
      const dfa = new fresh.LazyDfa(program('(a|b){20}x'))
      expect(dfa.test('ab'.repeat(40) + 'x')).toBe(true)
      expect(dfa.test('ab'.repeat(40))).toBe(false)
      expect(fresh.dfaMemory().held).toBe(0)
    } finally {
      vi.unstubAllGlobals()
      vi.resetModules()
    }
  })

  it('answers exec with null from the DFA, and with the groups from the Pike VM when there is a match', () => {
    const compiled = compileRegexWith('(a|b){200}x', 'pike-vm')
    if (!compiled.ok) throw new Error('compiles')
    const input = 'ab'.repeat(2000)
    expect(compiled.regex.exec(input)).toBeNull()
    expect(compiled.regex.exec(`${input}x`)?.[0]).toBe(`${input.slice(-200)}x`)
  })
})
