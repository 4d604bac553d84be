import { describe, expect, it } from 'vitest'
import { check } from '../check/checker.ts'
import { Schema } from '../schema/schema.ts'
import { parse } from '../syntax/parser.ts'
import { displayWidth, renderDiagnostic } from './render.ts'

const schema = new Schema([['http.path', 'String'], ['http.host', 'String']])

/** The rendered source line and caret line of the first diagnostic of `source`. */
function caretOf(source: string): { line: string; caret: string } {
  const parsed = parse(source)
  const diagnostics = parsed.ok ? check(parsed.value, schema).diagnostics : parsed.diagnostics
  const lines = renderDiagnostic(source, diagnostics[0] as never).split('\n')
  return { line: (lines[3] as string).slice(4), caret: (lines[4] as string).slice(4) }
}

describe('renderDiagnostic', () => {
  it.each([
    ['ASCII', 'http.path == "a" && http.hots == "x"'],
    ['CJK before the problem', 'http.path == "日本語" && http.hots == "x"'],
    ['an emoji before the problem', 'http.path == "😀" && http.hots == "x"'],
    ['a combining accent before the problem', 'http.path == "e\u0301" && http.hots == "x"'],
    ['a tab before the problem', 'http.path == "a" &&\thttp.hots == "x"'],
  ])('puts the caret under the problem with %s', (_name, source) => {
    const { line, caret } = caretOf(source)
    // The caret starts where `http.hots` starts on screen and spans it.
    const before = line.slice(0, line.indexOf('http.hots'))
    expect(caret).toBe(`${' '.repeat(displayWidth(before))}^${'~'.repeat('http.hots'.length - 1)}`)
  })

  it('counts terminal columns', () => {
    expect(displayWidth('abc')).toBe(3)
    expect(displayWidth('日本語')).toBe(6)
    expect(displayWidth('😀x')).toBe(3)
    expect(displayWidth('e\u0301')).toBe(1)
  })
})
