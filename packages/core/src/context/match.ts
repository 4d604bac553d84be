import type { FieldValue } from '../values/types.ts'

/**
 * The result of a successful match: which route, and what the winning expression recorded on the way
 * (Kong's rules: `==`, `^=`, `=^` record the literal, `~` the whole match and its groups).
 */
export interface Match {
  readonly id: string
  readonly priority: bigint
  /** Field name → the one value recorded for it (later recordings overwrite earlier ones). */
  readonly matches: Readonly<Record<string, FieldValue>>
  /** Capture name → text: `"0"` is the whole match, `"1"`… the groups, plus named groups by name. */
  readonly captures: Readonly<Record<string, string>>
}

/**
 * The scratch record a matcher writes into while it evaluates. Kong never rolls recordings back
 * inside a matcher; the router clears the record before trying the next route.
 */
export class MatchRecord {
  readonly matches = new Map<string, FieldValue>()
  readonly captures = new Map<string, string>()

  /** Forgets everything recorded. */
  clear(): void {
    if (this.matches.size > 0) this.matches.clear()
    if (this.captures.size > 0) this.captures.clear()
  }

  /** Copies the record into an immutable `Match`. */
  toMatch(id: string, priority: bigint): Match {
    return {
      id,
      priority,
      matches: Object.fromEntries(this.matches),
      captures: Object.fromEntries(this.captures),
    }
  }
}
