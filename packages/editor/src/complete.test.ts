import { httpSchema, streamSchema } from '@switchyard/http'
import { CompletionContext, type Completion, type CompletionResult } from '@codemirror/autocomplete'
import { EditorState, type Transaction } from '@codemirror/state'
import { keymap, type EditorView } from '@codemirror/view'
import { describe, expect, it } from 'vitest'
import { completionSituation, expressionCompletions } from './complete.ts'
import { routeExpression } from './route-expression.ts'

// `¦` marks the cursor.
function complete(text: string, explicit = false, schema = httpSchema): CompletionResult | null {
  const position = text.indexOf('¦')
  const doc = text.slice(0, position) + text.slice(position + 1)
  const state = EditorState.create({ doc, extensions: [routeExpression({ schema })] })
  return expressionCompletions(new CompletionContext(state, position, explicit), schema)
}

function labels(text: string, explicit = false, schema = httpSchema): string[] {
  return complete(text, explicit, schema)?.options.map((o) => o.label) ?? []
}

describe('field completion', () => {
  it('offers every field, wildcard families with a placeholder, and lower()/any() at the start', () => {
    const result = complete('¦')
    expect(result?.from).toBe(0)
    expect(labels('¦')).toEqual(
      expect.arrayContaining([
        'http.path',
        'http.method',
        'net.src.ip',
        'http.path.segments.len',
        'http.headers.<name>',
        'http.queries.<name>',
        'http.path.segments.<n>',
        'lower()',
        'any()',
      ]),
    )
    expect(labels('¦')).not.toContain('http.headers.*')
  })

  it('replaces the partly typed field from its first character', () => {
    expect(complete('http.pa¦')?.from).toBe(0)
    expect(complete('http.path == "/" && net.s¦')?.from).toBe(20)
  })

  it('offers fields after &&, ||, !( and inside a transformation', () => {
    for (const text of ['http.path == "/" && ¦', 'http.path == "/" || ¦', '!(¦', 'lower(¦', 'any(lower(ht¦']) {
      expect(labels(text), text).toContain('http.host')
    }
  })

  it('offers concrete members once a family prefix is typed', () => {
    expect(labels('http.headers.¦')).toEqual(expect.arrayContaining(['http.headers.user_agent', 'http.headers.<name>']))
    expect(labels('http.path.segments.¦')).toEqual(expect.arrayContaining(['http.path.segments.0', 'http.path.segments.0_1']))
  })

  it('inserts a wildcard family with its free part as a placeholder', () => {
    const family = complete('¦')?.options.find((o) => o.label === 'http.headers.<name>')
    expect(typeof family?.apply).toBe('function')
  })

  // A completion's apply and the Tab commands use only `state` and `dispatch` of the view.
  interface StubView { state: EditorState; dispatch: (tr: Transaction) => void }

  function accept(label: string, doc = ''): StubView {
    let state = EditorState.create({ doc, selection: { anchor: doc.length }, extensions: [routeExpression({ schema: httpSchema })] })
    const view: StubView = { get state() { return state }, dispatch: (tr) => { state = tr.state } }
    const option = complete(`${doc}¦`)?.options.find((o) => o.label === label) as Completion
    ;(option.apply as (view: EditorView, completion: Completion, from: number, to: number) => void)(view as unknown as EditorView, option, 0, doc.length)
    return view
  }

  function type(view: StubView, text: string): void {
    // One key at a time, each replacing the selection, as typing does.
    for (const character of text) view.dispatch(view.state.update(view.state.replaceSelection(character), { userEvent: 'input.type' }))
  }

  /** Tab as the editor's keymaps handle it: the first binding, by precedence, that takes the key. */
  function pressTab(view: StubView): boolean {
    for (const binding of view.state.facet(keymap).flat()) if (binding.key === 'Tab' && binding.run?.(view as unknown as EditorView) === true) return true
    return false
  }

  it.each([
    ['lower()', 'lower(field)', 'field'],
    ['any()', 'any(field)', 'field'],
    ['http.headers.<name>', 'http.headers.name', 'name'],
  ])('%s selects its placeholder, and Tab then moves past the snippet instead of leaving the editor', (label, text, placeholder) => {
    const view = accept(label)
    const { from, to } = view.state.selection.main
    expect(view.state.doc.toString()).toBe(text)
    expect(view.state.sliceDoc(from, to)).toBe(placeholder)
    expect(pressTab(view)).toBe(true)
    expect(view.state.selection.main.empty).toBe(true)
    expect(view.state.selection.main.head).toBe(text.length)
  })

  it.each([
    ['http.hea', 'http.headers.<name>', 'user_agent', 'http.headers.user_agent'],
    ['http.que', 'http.queries.<name>', 'page', 'http.queries.page'],
    ['http.path.se', 'http.path.segments.<n>', '10', 'http.path.segments.10'],
    ['', 'lower()', 'http.path', 'lower(http.path)'],
  ])('after %s, %s with a name of several characters typed over its placeholder, Tab leaves the caret after the whole name', (typed, label, name, text) => {
    const view = accept(label, typed)
    type(view, name)
    expect(view.state.doc.toString()).toBe(text)
    expect(pressTab(view)).toBe(true)
    expect(view.state.selection.main.empty).toBe(true)
    expect(view.state.selection.main.head).toBe(text.length)
    type(view, ' ==')
    expect(view.state.doc.toString()).toBe(`${text} ==`)
  })

  it('a family completed inside lower() takes two Tabs: past the name, then past the `)`', () => {
    const view = accept('lower()')
    type(view, 'http.hea')
    const family = expressionCompletions(new CompletionContext(view.state, view.state.selection.main.head, false), httpSchema)?.options.find((o) => o.label === 'http.headers.<name>') as Completion
    ;(family.apply as (view: EditorView, completion: Completion, from: number, to: number) => void)(view as unknown as EditorView, family, 6, 14)
    type(view, 'accept')
    expect(view.state.doc.toString()).toBe('lower(http.headers.accept)')
    expect(pressTab(view)).toBe(true)
    expect(view.state.selection.main.head).toBe('lower(http.headers.accept'.length)
    expect(pressTab(view)).toBe(true)
    expect(view.state.selection.main.head).toBe('lower(http.headers.accept)'.length)
  })

  it('offers only the schema of the route: no http fields for stream routes', () => {
    const stream = labels('¦', false, streamSchema)
    expect(stream).toContain('tls.sni')
    expect(stream).not.toContain('http.path')
  })
})

describe('operator completion', () => {
  it.each([
    // `in` on a String or Int field takes a set, which Kong's language does not have.
    ['http.path ¦', ['==', '!=', '~', '^=', '=^', 'contains'], ['>', '<=', 'in', 'not in']],
    ['net.dst.port ¦', ['==', '!=', '>', '>=', '<', '<='], ['~', '^=', 'contains', 'in']],
    ['net.src.ip ¦', ['==', '!=', 'in', 'not in'], ['~', '>', '^=']],
    ['http.headers.x_foo ¦', ['==', '~'], ['>']],
    ['lower(http.host) ¦', ['==', '^='], ['>']],
    ['any(lower(http.headers.accept)) ¦', ['contains'], ['<']],
  ])('%s offers the operators its type accepts', (text, present, absent) => {
    const offered = labels(text)
    expect(offered).toEqual(expect.arrayContaining(present))
    for (const symbol of absent) expect(offered).not.toContain(symbol)
    expect(offered).not.toContain('http.path')
  })

  it('replaces a partly typed operator', () => {
    const result = complete('http.path ^¦')
    expect(result?.from).toBe(10)
    expect(result?.options.map((o) => o.label)).toContain('^=')
  })

  it('offers nothing right after `!`, where only `(` may follow', () => {
    expect(complete('! ¦')).toBeNull()
  })

  it('offers operators after a field, not after a parenthesised group', () => {
    expect(completionSituation(EditorState.create({ doc: '(http.path == "/") ' }), 19)).toEqual({ kind: 'logical', from: 19 })
  })
})

describe('value completion', () => {
  it('offers known methods after http.method ==', () => {
    const result = complete('http.method == ¦')
    expect(result?.from).toBe(15)
    expect(result?.options.map((o) => o.label)).toEqual(expect.arrayContaining(['"GET"', '"POST"', '"DELETE"']))
  })

  it('replaces a partly typed quoted value', () => {
    expect(complete('http.method == "PO¦')?.from).toBe(15)
  })

  it('replaces the closing quote closeBrackets typed, instead of leaving a second one', () => {
    expect(complete('http.method == "PO¦"')).toMatchObject({ from: 15, to: 19 })
    expect(complete('net.protocol == "¦"')).toMatchObject({ from: 16, to: 18 })
    expect(complete('http.method == "PO¦')?.to).toBeUndefined()
  })

  it('offers net.protocol values of the schema: http/https for HTTP, tcp/tls/udp for streams', () => {
    expect(labels('net.protocol == ¦')).toEqual(['"http"', '"https"'])
    expect(labels('net.protocol == ¦', false, streamSchema)).toEqual(['"tcp"', '"tls"', '"udp"'])
  })

  it('offers no quoted value after in or not in, which take a range or a set, never one text', () => {
    expect(complete('http.method in ¦')).toBeNull()
    expect(complete('http.method not in ¦')).toBeNull()
  })

  it('offers lower-case values inside lower(), where an upper-case literal never matches', () => {
    expect(labels('lower(http.method) == ¦')).toEqual(expect.arrayContaining(['"get"', '"post"']))
    expect(labels('lower(http.method) == ¦')).not.toContain('"GET"')
  })

  it('offers nothing for fields without known values', () => {
    expect(complete('http.path == ¦')).toBeNull()
  })
})

describe('logical operators', () => {
  it('are offered after a complete predicate when asked, not on a typed space', () => {
    expect(complete('http.path == "/" ¦')).toBeNull()
    expect(labels('http.path == "/" ¦', true)).toEqual(['&&', '||'])
    expect(labels('http.path == "/" &¦')).toEqual(['&&', '||'])
  })
})
