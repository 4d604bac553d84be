/** A half-open range of UTF-16 code-unit offsets into an expression's source text. */
export interface Span {
  readonly start: number
  readonly end: number
}

/** Builds a span; `end` defaults to `start` (a point). */
export function span(start: number, end: number = start): Span {
  return { start, end }
}

/** The smallest span covering both arguments. */
export function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) }
}

/** A 1-based line and column (columns count Unicode code points, as Kong's messages do). */
export interface LineColumn {
  readonly line: number
  readonly column: number
}

/** Converts a UTF-16 offset into a 1-based line and code-point column. */
export function lineColumn(source: string, offset: number): LineColumn {
  let line = 1
  let lineStart = 0
  const limit = Math.min(offset, source.length)
  for (let i = 0; i < limit; i++) {
    if (source.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  let column = 1
  for (let i = lineStart; i < limit; i++) {
    const code = source.charCodeAt(i)
    // A surrogate pair is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < limit) i++
    column++
  }
  return { line, column }
}
