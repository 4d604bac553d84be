import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { placesIn } from './config-text.ts'

// Each document's value at `e` holds MARK once, and so does the text: the value's offset of MARK
// must lead to the text's.
describe('placesIn(text).string: from an offset in a string value to the file', () => {
  it.each([
    ['plain', 'e: http.path == "/a" && MARK == "x"\n'],
    ['double-quoted with escapes', 'e: "http.path == \\"/\\u00e9\\t\\" && MARK == \\"x\\""\n'],
    ['single-quoted with a doubled quote', "e: 'http.path == \"/it''s\" && MARK == \"x\"'\n"],
    ['a literal block', 'e: |\n  http.path == "/a"\n    && MARK == "x"\n'],
    ['a literal block with an empty line and an indentation indicator', 'e: |2-\n    http.path == "/a"\n\n    && MARK == "x"\nf: 1\n'],
    ['a folded block', 'e: >\n  http.path == "/a"\n  && MARK == "x"\n'],
    ['a plain scalar on two lines', 'e: http.path == "/a"\n  && MARK == "x"\n'],
    ['a double-quoted scalar on two lines', 'e: "http.path == \\"/a\\"   \n    && MARK == \\"x\\""\n'],
    ['JSON', '{"e": "http.path == \\"/\\u00e9\\" && MARK == \\"x\\""}'],
    ['JSON in a sequence', '{"l": [{"e": "MARK"}]}'],
  ])('%s', (_name, text) => {
    const path = text.startsWith('{"l"') ? ['l', 0, 'e'] : ['e']
    const place = placesIn(text).string(path)
    const value = String(valueAt(text, path))
    expect(place?.offsetOf?.(value.indexOf('MARK'))).toBe(text.indexOf('MARK'))
  })

  it('gives only the start of a value it cannot follow exactly (an escaped line break)', () => {
    const text = 'e: "http.path == \\"/a\\" \\\n  && MARK == \\"x\\""\n'
    const place = placesIn(text).string(['e'])
    expect(place).toEqual({ start: 4 })
  })

  it('finds no string where the value is not one', () => {
    expect(placesIn('e: 5\n').string(['e'])).toBeUndefined()
    expect(placesIn('e: x\n').string(['f'])).toBeUndefined()
  })
})

/** The value at `path`, read as the gateway reads the text. */
function valueAt(text: string, path: readonly (string | number)[]): unknown {
  let node: unknown = text.startsWith('{') ? JSON.parse(text) : parseYaml(text)
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment]
  return node
}
