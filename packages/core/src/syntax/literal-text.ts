/** The escapes a quoted string accepts and the characters they stand for. */
export const STRING_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t' }

/**
 * Maps an offset inside a string literal's value back to an offset in the source, so a problem found
 * in the value (a regex error) is underlined at the right characters even when escapes come before it.
 */
export function valueOffsetToSource(source: string, literalStart: number, raw: boolean, valueOffset: number): number {
  if (raw) return literalStart + 3 + valueOffset
  let position = literalStart + 1
  for (let consumed = 0; consumed < valueOffset && position < source.length; consumed++) {
    position += source[position] === '\\' ? 2 : 1
  }
  return position
}

/** Writes a string value as a literal: raw (`r#"…"#`) when asked and possible, else quoted with escapes. */
export function formatStringLiteral(value: string, raw: boolean): string {
  if (raw && !value.includes('"#')) return `r#"${value}"#`
  let out = '"'
  for (const ch of value) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else out += ch
  }
  return `${out}"`
}
