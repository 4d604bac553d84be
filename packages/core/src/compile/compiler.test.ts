import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FieldContext } from '../context/context.ts'
import { MatchRecord } from '../context/match.ts'
import type { Expr, Predicate } from '../syntax/ast.ts'
import { parse } from '../syntax/parser.ts'
import { RegexCache } from '../values/regex/index.ts'
import { compileExpr, compileRoute } from './compiler.ts'
import { compilePredicate, withImpliedTerms } from './predicate.ts'

const regexes = new RegexCache()
const FIELDS = ['http.host', 'http.path', 'http.method']
const WORDS = ['a', 'ab', 'abc', 'b', 'ba', '']

function predicatesOf(expr: Expr): Predicate[] {
  if (expr.kind === 'Predicate') return [expr]
  if (expr.kind === 'And') return [...predicatesOf(expr.left), ...predicatesOf(expr.right)]
  throw new Error('only && chains here')
}

describe('compiled && chains of string comparisons', () => {
  it('give the same result and the same recordings as the predicates evaluated one by one', () => {
    const term = fc.record({
      field: fc.constantFrom(...FIELDS),
      op: fc.constantFrom('==', '^=', '=^', '~', '!='),
      text: fc.constantFrom(...WORDS),
      transform: fc.constantFrom('', 'any', 'lower'),
    })
    const context = fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.array(fc.constantFrom(...WORDS, 'A', 'AB'), { minLength: 1, maxLength: 3 })), { maxLength: 3 })
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 5 }), context, (terms, fields) => {
        const source = terms.map((t) => `${t.transform === '' ? t.field : `${t.transform}(${t.field})`} ${t.op} ${JSON.stringify(t.text)}`).join(' && ')
        const parsed = parse(source, { regexes })
        if (!parsed.ok) throw new Error(`${source}: ${parsed.diagnostics.map((d) => d.message).join('; ')}`)
        const ctx = new FieldContext()
        for (const [field, values] of fields) ctx.set(field, values)
        const record = new MatchRecord()
        const result = compileExpr(parsed.value, { regexes })(ctx, record)
        // Reference: each predicate compiled on its own, evaluated left to right until one fails.
        const reference = new MatchRecord()
        let expected = true
        for (const p of predicatesOf(parsed.value)) {
          if (!compilePredicate(p, { regexes })(ctx, reference)) {
            expected = false
            break
          }
        }
        expect(result).toBe(expected)
        expect(record.toMatch('r', 0n)).toEqual(reference.toMatch('r', 0n))
      }),
      { numRuns: 2000 },
    )
  })

  it('give the same result and recordings with the comparisons a router has found to hold for some value marked', () => {
    const term = fc.record({ field: fc.constantFrom(...FIELDS), op: fc.constantFrom('==', '^=', '=^'), text: fc.constantFrom(...WORDS), any: fc.boolean() })
    const values = fc.array(fc.oneof(fc.constantFrom(...WORDS, 'A'), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 3 })
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 5 }), fc.array(fc.tuple(fc.constantFrom(...FIELDS), values), { maxLength: 3 }), (terms, fields) => {
        const source = terms.map((t) => `${t.any ? `any(${t.field})` : t.field} ${t.op} ${JSON.stringify(t.text)}`).join(' && ')
        const parsed = parse(source, { regexes })
        if (!parsed.ok) throw new Error(source)
        const { matcher } = compileRoute(parsed.value, { regexes })
        if (typeof matcher === 'function') throw new Error(`${source} is not a comparison chain`)
        const ctx = new FieldContext()
        for (const [field, list] of fields) ctx.set(field, list)
        // What an index guarantees when it offers the route: some value of the field meets the
        // atom, an Int value included (indexes key Ints by their decimal text).
        const atomHolds = (field: string, text: string, kind: number): boolean =>
          (ctx.values(field) ?? []).some((v) => {
            const s = String(v)
            return kind === 0 ? s === text : kind === 1 ? s.startsWith(text) : s.endsWith(text)
          })
        const marked = withImpliedTerms(matcher, atomHolds)
        const plain = new MatchRecord()
        const withMarks = new MatchRecord()
        expect(marked.test(ctx, withMarks)).toBe(matcher.test(ctx, plain))
        expect(withMarks.toMatch('r', 0n)).toEqual(plain.toMatch('r', 0n))
      }),
      { numRuns: 2000 },
    )
  })
})
