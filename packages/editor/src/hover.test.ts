import { httpSchema } from '@switchyard/http'
import { EditorState } from '@codemirror/state'
import { describe, expect, it } from 'vitest'
import { hoverInfo } from './hover.ts'
import { routeExpression } from './route-expression.ts'
import { tokenDecorations } from './highlight.ts'

const doc = 'lower(http.headers.x_foo) ~ r#"^a"# && net.src.ip in 10.0.0.0/8 && nope == 1'
const state = EditorState.create({ doc, extensions: [routeExpression({ schema: httpSchema })] })

describe('hover', () => {
  it('shows a field’s type and meaning, wildcard members through their family', () => {
    const info = hoverInfo(state, doc.indexOf('x_foo'), httpSchema)
    expect(info).toMatchObject({ from: 6, to: 24, title: 'http.headers.x_foo: String (http.headers.*)' })
    expect(info?.detail).toMatch(/header/)
    expect(hoverInfo(state, doc.indexOf('net.src.ip') + 2, httpSchema)?.title).toBe('net.src.ip: IpAddr')
  })

  it('explains operators and transformations, and says when a field is unknown', () => {
    expect(hoverInfo(state, doc.indexOf(' in ') + 1, httpSchema)?.title).toBe('in: operator')
    expect(hoverInfo(state, 1, httpSchema)?.title).toBe('lower(): transformation')
    expect(hoverInfo(state, doc.indexOf('nope') + 1, httpSchema)?.title).toBe('nope: unknown field')
  })

  it('shows nothing over literals', () => {
    expect(hoverInfo(state, doc.indexOf('10.0') + 1, httpSchema)).toBeUndefined()
  })
})

describe('highlighting', () => {
  it('marks every core token with its kind', () => {
    const classes: string[] = []
    tokenDecorations(state).between(0, doc.length, (from, to, value) => {
      classes.push(`${doc.slice(from, to)}=${String(value.spec.class).split(' ')[0]}`)
    })
    expect(classes).toEqual(
      expect.arrayContaining([
        'lower=cm-route-transform',
        'http.headers.x_foo=cm-route-field',
        '~=cm-route-operator',
        'r#"^a"#=cm-route-raw-string',
        '&&=cm-route-logical',
        '10.0.0.0/8=cm-route-cidr',
        '1=cm-route-int',
      ]),
    )
  })
})
