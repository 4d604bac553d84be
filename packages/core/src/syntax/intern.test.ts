import { describe, expect, it } from 'vitest'
import { intern, internList, ownString } from './intern.ts'

describe('ownString', () => {
  it('gives back the same text, whatever its characters and length', () => {
    const source = `xx "/${'päth/€/😀/'.repeat(3)}" ${'a'.repeat(5000)}`
    for (const [from, to] of [[0, 1], [4, 17], [4, 40], [3, source.length], [5, 6], [6, 30]] as const) {
      const slice = source.slice(from, to)
      expect(ownString(slice)).toBe(slice)
    }
    expect(ownString('')).toBe('')
  })
})

describe('intern', () => {
  it('shares one instance of short text and leaves long text alone', () => {
    expect(intern('GET', 12)).toBe(intern(['G', 'E', 'T'].join(''), 12))
    const long = 'x'.repeat(40)
    expect(intern(long, 12)).toBe(long)
  })

  it('shares equal lists of names', () => {
    const a = internList(['http.host', 'http.path'])
    expect(internList(['http.host', 'http.path'])).toBe(a)
    expect(Object.isFrozen(a)).toBe(true)
  })
})
