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
    const names = this.#names
    const values = this.#values
    // Regex captures start with the groups by number, "0", "1"...: an object literal made for that
    // count holds them, where setting index keys one by one on an empty object took V8 about 100 ns
    // (a capture record of three keys: 106 ns -> 25 ns). JS lists index keys first, in ascending
    // order, whatever the order they were set in: the record's key order is unchanged.
    let indexed = 0
    while (indexed < this.#count && names[indexed] === INDEX_KEYS[indexed]) indexed++
    const out = indexedRecord(values, indexed)
    for (let i = indexed; i < this.#count; i++) out[names[i] as string] = values[i] as V
    return out
  }
}

/** The capture names of the first groups by number. */
const INDEX_KEYS: readonly string[] = ['0', '1', '2', '3', '4']

/** A record of `values[0..count)` under the keys "0".."count-1" (count at most INDEX_KEYS' length). */
function indexedRecord<V>(values: readonly V[], count: number): Record<string, V> {
  switch (count) {
    case 0:
      return {}
    case 1:
      return { 0: values[0] as V }
    case 2:
      return { 0: values[0] as V, 1: values[1] as V }
    case 3:
      return { 0: values[0] as V, 1: values[1] as V, 2: values[2] as V }
    case 4:
      return { 0: values[0] as V, 1: values[1] as V, 2: values[2] as V, 3: values[3] as V }
    default:
      return { 0: values[0] as V, 1: values[1] as V, 2: values[2] as V, 3: values[3] as V, 4: values[4] as V }
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
