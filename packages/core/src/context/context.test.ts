import { describe, expect, it } from 'vitest'
import { FieldContext } from './context.ts'

describe('FieldContext', () => {
  it('finds nothing inherited under any field name', () => {
    const context = new FieldContext()
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      expect(context.values(name), name).toBeUndefined()
    }
    expect([...context.fields()]).toEqual([])
  })

  it('keeps values under names an object inherits elsewhere, `__proto__` included', () => {
    const context = new FieldContext().add('__proto__', 'p').add('constructor', 'c').add('constructor', 'd').add('http.path', '/x')
    expect(context.values('__proto__')).toEqual(['p'])
    expect(context.values('constructor')).toEqual(['c', 'd'])
    expect([...context.fields()].sort()).toEqual(['__proto__', 'constructor', 'http.path'])
    // Setting no values makes a field absent without deleting it.
    context.set('constructor', [])
    expect(context.values('constructor')).toBeUndefined()
    expect([...context.fields()].sort()).toEqual(['__proto__', 'http.path'])
  })

  it('starts empty again after clear()', () => {
    const context = new FieldContext().add('http.host', 'a.example')
    context.clear()
    expect(context.values('http.host')).toBeUndefined()
    expect([...context.fields()]).toEqual([])
  })
})
