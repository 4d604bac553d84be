import { validate, type Diagnostic } from '@switchyard/core'
import { httpSchema, validateExpressionRoute } from '@switchyard/http'
import { EditorState } from '@codemirror/state'
import { describe, expect, it } from 'vitest'
import { expressionDiagnostics, quickFixAt } from './lint.ts'

const coreValidator = (source: string): readonly Diagnostic[] => validate(source, httpSchema).diagnostics

function lint(doc: string) {
  return expressionDiagnostics(EditorState.create({ doc }), coreValidator)
}

describe('lint', () => {
  it.each([
    ['http.path == 1', 'operator-type-mismatch', 'error'],
    ['foo.bar == "x"', 'unknown-field', 'error'],
    ['http.path = "/"', 'expected-operator', 'error'],
    ['http.path == "/" && (http.host == "a"', 'unclosed-paren', 'error'],
    ['net.src.ip in 10.0.0.1/8', 'cidr-host-bits', 'error'],
  ])('%s → %s at core’s span', (doc, code, severity) => {
    const core = coreValidator(doc).find((d) => d.code === code)
    expect(core).toBeDefined()
    expect(lint(doc)).toContainEqual(
      expect.objectContaining({ from: core!.span.start, to: core!.span.end, source: code, severity }),
    )
  })

  it('passes every core diagnostic through, one for one, with core’s message first', () => {
    const doc = 'http.path == 1 && foo == "x" || http.method == 2'
    const core = coreValidator(doc)
    const found = lint(doc)
    expect(found.map((d) => [d.from, d.to, d.source, d.severity])).toEqual(core.map((d) => [d.span.start, d.span.end, d.code, d.severity]))
    for (const [i, d] of found.entries()) expect(d.message.startsWith(core[i]!.message)).toBe(true)
  })

  it('marks a type mismatch under the operator (the narrowest span)', () => {
    const [mismatch] = lint('http.path == 1')
    expect(mismatch).toMatchObject({ source: 'operator-type-mismatch' })
    expect('http.path == 1'.slice(mismatch!.from, mismatch!.to)).not.toBe('')
  })

  it('reports nothing for a valid expression', () => {
    expect(lint('http.path ^= "/api" && lower(http.host) == "example.com"')).toEqual([])
  })

  it('accepts a route-level validator (invalid segment names, priority)', () => {
    const doc = 'http.path.segments.01 == "x"'
    const found = expressionDiagnostics(EditorState.create({ doc }), (source) => validateExpressionRoute({ expression: source }).diagnostics)
    expect(found).toContainEqual(expect.objectContaining({ source: 'illformed-segments-field', from: 0, to: 21 }))
  })
})

describe('mixed && and || warning', () => {
  const doc = 'http.path == "/a" || http.path == "/b" && http.method == "GET"'

  it('is a warning over the || group with a quick fix', () => {
    const warning = lint(doc).find((d) => d.source === 'mixed-and-or')
    expect(warning).toMatchObject({ severity: 'warning', from: 0, to: 38 })
    expect(warning?.actions?.map((a) => a.name)).toEqual(['Add parentheses'])
  })

  it('is fixed by wrapping its span in parentheses, after which it is gone', () => {
    const state = EditorState.create({ doc })
    const fix = quickFixAt(state, coreValidator, 5)
    expect(fix).toBeDefined()
    const fixed = state.update(fix!).state
    expect(fixed.doc.toString()).toBe('(http.path == "/a" || http.path == "/b") && http.method == "GET"')
    expect(expressionDiagnostics(fixed, coreValidator)).toEqual([])
  })

  it('has no quick fix elsewhere', () => {
    expect(quickFixAt(EditorState.create({ doc: 'http.path == 1' }), coreValidator, 3)).toBeUndefined()
  })
})
