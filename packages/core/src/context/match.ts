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

const NOTHING: Readonly<Record<string, never>> = Object.freeze({})

/**
 * The scratch record a matcher writes into while it evaluates. Kong never rolls recordings back
 * inside a matcher; the router clears the record before trying the next route.
 */
/** Name → value pairs in parallel arrays with a count: allocation-free to set and to clear. */
class Slots<V> {
  readonly #names: string[] = []
  readonly #values: V[] = []
  #count = 0

  set(name: string, value: V): void {
    const names = this.#names
    for (let i = 0; i < this.#count; i++) {
      if (names[i] === name) {
        this.#values[i] = value
        return
      }
    }
    names[this.#count] = name
    this.#values[this.#count++] = value
  }

  clear(): void {
    this.#count = 0
  }

  toRecord(): Readonly<Record<string, V>> {
    // Most matches record no captures: one shared empty record serves them all.
    if (this.#count === 0) return NOTHING
    const out: Record<string, V> = {}
    for (let i = 0; i < this.#count; i++) out[this.#names[i] as string] = this.#values[i] as V
    return out
  }
}

// Hot path: written for every passing value of every candidate route. A handful of entries at most,
// so parallel arrays with counts beat Maps (and resetting a count beats truncating an array).
export class MatchRecord {
  readonly #matches = new Slots<FieldValue>()
  readonly #captures = new Slots<string>()

  /** Records the value a field matched, replacing an earlier one. */
  setMatch(field: string, value: FieldValue): void {
    this.#matches.set(field, value)
  }

  /** Records a regex capture, replacing an earlier one of the same name. */
  setCapture(name: string, value: string): void {
    this.#captures.set(name, value)
  }

  /** Forgets everything recorded. */
  clear(): void {
    this.#matches.clear()
    this.#captures.clear()
  }

  /** Copies the record into an immutable `Match`. */
  toMatch(id: string, priority: bigint): Match {
    return { id, priority, matches: this.#matches.toRecord(), captures: this.#captures.toRecord() }
  }
}
