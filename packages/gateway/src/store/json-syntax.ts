/**
 * Where a text stops being strict JSON (RFC 8259), for a person to fix it: `JSON.parse` says whether
 * a text is JSON, but its messages differ between engine versions and do not always give a position.
 */

/** The first syntax error of a JSON text: its UTF-16 offset and what is wrong there. */
export interface JsonSyntaxError {
  readonly offset: number
  readonly message: string
}

/**
 * The first place `text` is not strict JSON, or undefined when it is JSON. Nesting is tracked on a
 * stack of its own, so a deeply nested text cannot overflow the call stack.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  return new Scanner(text).run()
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r'])
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't'])
const LITERALS = ['true', 'false', 'null'] as const
const WORD = /"[^"\n]*"|[A-Za-z_][\w.-]*/y

interface Open {
  readonly kind: 'object' | 'array'
  readonly offset: number
}

/** A syntax error, or undefined to go on. */
type Step = JsonSyntaxError | undefined

class Scanner {
  #i = 0
  readonly #stack: Open[] = []

  constructor(readonly text: string) {}

  // An iterative descent in two states: a value is expected, or a value has just ended.
  run(): Step {
    this.#skip()
    let expectValue = true
    for (;;) {
      const error = expectValue ? this.#value() : this.#afterValue()
      if (error !== undefined) return error
      // A value ends when it was a scalar or an empty container; after ',' or a container's first
      // member another value is expected.
      expectValue = this.#expecting
      if (!expectValue && this.#stack.length === 0) {
        this.#skip()
        return this.#i < this.text.length ? this.#fail(`unexpected ${this.#shown()} after the end of the JSON value`) : undefined
      }
    }
  }

  /** What the last step left: true when a value comes next. */
  #expecting = true

  #value(): Step {
    const text = this.text
    const ch = text[this.#i]
    this.#expecting = false
    if (ch === '{' || ch === '[') return this.#open(ch === '{' ? 'object' : 'array')
    if (ch === '"') return this.#string()
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.#number()
    const literal = LITERALS.find((word) => text.startsWith(word, this.#i))
    if (literal !== undefined) {
      this.#i += literal.length
      return undefined
    }
    if (this.#i >= text.length) return this.#fail(this.#stack.length === 0 ? 'the text is empty: expected a JSON value' : `the text ends where a value was expected: ${this.#unclosed()}`)
    return this.#fail(`expected a value (a string in double quotes, a number, true, false, null, an object or an array), found ${this.#shown()}`)
  }

  #open(kind: Open['kind']): Step {
    this.#stack.push({ kind, offset: this.#i++ })
    this.#skip()
    if (this.text[this.#i] === (kind === 'object' ? '}' : ']')) {
      this.#stack.pop()
      this.#i++
      return undefined
    }
    this.#expecting = true
    return kind === 'object' ? this.#member(false) : undefined
  }

  #afterValue(): Step {
    this.#skip()
    const open = this.#stack[this.#stack.length - 1]
    if (open === undefined) return undefined
    const close = open.kind === 'object' ? '}' : ']'
    const ch = this.text[this.#i]
    if (ch === close) {
      this.#stack.pop()
      this.#i++
      return undefined
    }
    if (ch === undefined) return this.#fail(`the text ends too early: ${this.#unclosed()}`)
    if (ch !== ',') return this.#fail(`expected ',' or '${close}' after ${open.kind === 'object' ? 'a property value' : 'an array item'}, found ${this.#shown()}`)
    const comma = this.#i++
    this.#skip()
    if (this.text[this.#i] === close) return { offset: comma, message: `a trailing comma: JSON allows no ',' before '${close}'` }
    this.#expecting = true
    return open.kind === 'object' ? this.#member(true) : undefined
  }

  /** `"name" :` at the current place (after `{` or `,`), leaving it at the value. */
  #member(afterComma: boolean): Step {
    if (this.text[this.#i] !== '"') {
      if (this.#i >= this.text.length) return this.#fail(`the text ends too early: ${this.#unclosed()}`)
      return this.#fail(`expected a property name in double quotes${afterComma ? " after ','" : ''}, found ${this.#shown()}`)
    }
    const error = this.#string()
    if (error !== undefined) return error
    this.#skip()
    if (this.text[this.#i] !== ':') {
      return this.#fail(this.#i >= this.text.length ? `the text ends too early: ${this.#unclosed()}` : `expected ':' after the property name, found ${this.#shown()}`)
    }
    this.#i++
    this.#skip()
    return undefined
  }

  #string(): Step {
    const text = this.text
    const start = this.#i++
    while (this.#i < text.length) {
      const code = text.charCodeAt(this.#i)
      if (code === 0x22) {
        this.#i++
        return undefined
      }
      if (code === 0x0a) return { offset: start, message: 'the string that starts here is not closed on its line' }
      if (code < 0x20) return this.#fail('a control character in a string must be written as an escape (\\t, \\u0000)')
      if (code !== 0x5c) {
        this.#i++
        continue
      }
      const next = text[this.#i + 1]
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(this.#i + 2, this.#i + 6))) return this.#fail(`'\\u' must be followed by four hexadecimal digits`)
        this.#i += 6
      } else if (next !== undefined && ESCAPES.has(next)) this.#i += 2
      else return this.#fail(next === undefined ? 'the text ends inside an escape' : `'\\${next}' is not a JSON escape`)
    }
    return { offset: start, message: 'the string that starts here is not closed' }
  }

  #number(): Step {
    NUMBER.lastIndex = this.#i
    if (!NUMBER.test(this.text)) return this.#fail('not a valid number')
    const next = this.text[NUMBER.lastIndex]
    // `NUMBER` stops after a leading 0, so `012` would otherwise read as 0 followed by junk.
    if (next !== undefined && next >= '0' && next <= '9') return this.#fail('a number cannot start with 0 (JSON has no octal)')
    if (next === '.' || next === 'e' || next === 'E') return this.#fail('not a valid number')
    this.#i = NUMBER.lastIndex
    return undefined
  }

  #skip(): void {
    while (this.#i < this.text.length && WHITESPACE.has(this.text[this.#i] as string)) this.#i++
  }

  #fail(message: string): JsonSyntaxError {
    return { offset: this.#i, message }
  }

  #shown(): string {
    if (this.#i >= this.text.length) return 'the end of the text'
    // A word or a string is shown whole (up to a point), so that `tru` or `"name"` reads as written.
    WORD.lastIndex = this.#i
    const word = WORD.exec(this.text)?.[0]
    if (word !== undefined) {
      const cut = word.length > 24 ? `${word.slice(0, 24)}…` : word
      return word.startsWith('"') ? cut : `'${cut}'`
    }
    const ch = String.fromCodePoint(this.text.codePointAt(this.#i) as number)
    const escaped: Readonly<Record<string, string>> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', "'": "\\'" }
    return `'${escaped[ch] ?? ch}'`
  }

  #unclosed(): string {
    const open = this.#stack[this.#stack.length - 1] as Open
    let line = 1
    for (let i = 0; i < open.offset; i++) if (this.text.charCodeAt(i) === 10) line++
    return `the ${open.kind === 'object' ? "'{'" : "'['"} on line ${line} is not closed`
  }
}
