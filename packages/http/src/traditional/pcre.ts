/**
 * What PCRE refuses in a pattern that Rust's `regex` accepts. Kong compiles every regex path with
 * PCRE when a route is written (traditional-routes.md §1.3) before the ATC flavors also hand it to
 * the engine, so a route must satisfy both. The engine's parser checks the Rust side; this finds
 * the Rust-only syntax: the `\u` / `\U` code point escapes and the `u` and `R` group flags.
 */
export interface PcreRefusal {
  /** PCRE's reason. */
  readonly message: string
  /** UTF-16 offset of the construct in the pattern. */
  readonly offset: number
}

// Rust flags PCRE also has (`i m s x U`) and the negation; anything else in `(?...)` or `(?...:` is refused.
const PCRE_FLAGS = /^[imsxU-]*[:)]/

/** PCRE's refusal of a pattern that Rust accepts, or undefined when PCRE compiles it too. */
export function pcreRefusal(pattern: string): PcreRefusal | undefined {
  // Depth of (Rust's nestable) character classes: `(` means nothing inside one.
  let classDepth = 0
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') {
      const next = pattern[i + 1]
      if (next === 'u' || next === 'U') return { message: 'PCRE does not support \\L, \\l, \\N{name}, \\U, or \\u', offset: i }
      i++
    } else if (c === '[') {
      classDepth++
      // A `]` right after the opening bracket (or `[^`) is a member, not the end.
      if (pattern[i + 1] === '^') i++
      if (pattern[i + 1] === ']') i++
    } else if (c === ']' && classDepth > 0) {
      classDepth--
    } else if (classDepth === 0 && c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2)
      // Named groups and look-arounds start with `P`, `<`, `=` or `!`: not flags.
      if (/^[a-zA-Z-]/.test(rest) && !rest.startsWith('P') && !PCRE_FLAGS.test(rest)) {
        return { message: 'unrecognized character after (? or (?-', offset: i + 2 }
      }
    }
  }
  return undefined
}
