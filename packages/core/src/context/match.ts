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
// Hot path: written for every passing value of every candidate route. Parallel arrays with counts
// (a handful of entries at most) make `set` and `clear` allocation-free; resetting a count is cheaper
// than truncating an array.
export class MatchRecord {
  readonly #matchFields: string[] = []
  readonly #matchValues: FieldValue[] = []
  #matchCount = 0
  readonly #captureNames: string[] = []
  readonly #captureValues: string[] = []
  #captureCount = 0

  /** Records the value a field matched, replacing an earlier one. */
  setMatch(field: string, value: FieldValue): void {
    const fields = this.#matchFields
    for (let i = 0; i < this.#matchCount; i++) {
      if (fields[i] === field) {
        this.#matchValues[i] = value
        return
      }
    }
    fields[this.#matchCount] = field
    this.#matchValues[this.#matchCount++] = value
  }

  /** Records a regex capture, replacing an earlier one of the same name. */
  setCapture(name: string, value: string): void {
    const names = this.#captureNames
    for (let i = 0; i < this.#captureCount; i++) {
      if (names[i] === name) {
        this.#captureValues[i] = value
        return
      }
    }
    names[this.#captureCount] = name
    this.#captureValues[this.#captureCount++] = value
  }

  /** Forgets everything recorded. */
  clear(): void {
    this.#matchCount = 0
    this.#captureCount = 0
  }

  /** Copies the record into an immutable `Match`. */
  toMatch(id: string, priority: bigint): Match {
    const matches: Record<string, FieldValue> = {}
    for (let i = 0; i < this.#matchCount; i++) matches[this.#matchFields[i] as string] = this.#matchValues[i] as FieldValue
    const captures: Record<string, string> = {}
    for (let i = 0; i < this.#captureCount; i++) captures[this.#captureNames[i] as string] = this.#captureValues[i] as string
    return { id, priority, matches, captures }
  }
}
