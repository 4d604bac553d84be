/**
 * String literals in generated expressions, written exactly as Kong's `escape_str`
 * (`kong/router/transform.lua`) writes them, so that generated text is byte-identical to Kong's.
 */

/**
 * A literal for `value`: the raw string `r#"value"#` unless the value contains `"#` (which would end
 * a raw string early), else a quoted string with `\` doubled and `"` escaped.
 */
export function stringLiteral(value: string): string {
  if (!value.includes('"#')) return `r#"${value}"#`
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** A raw-string literal without the `"#` check; Kong writes hosts this way (the schema forbids `"`). */
export function rawLiteral(value: string): string {
  return `r#"${value}"#`
}

/** Joins alternatives into one parenthesised OR-group, as every generated group is written. */
export function orGroup(alternatives: readonly string[]): string {
  return `(${alternatives.join(' || ')})`
}
