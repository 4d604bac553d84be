import type { FieldValue } from '../values/types.ts'

/**
 * The field values of one request, as the router reads them. A field with no values is absent,
 * and every predicate on an absent field is false.
 */
export interface Context {
  /** The values of a field in the order they were added, or undefined when it has none. */
  values(field: string): readonly FieldValue[] | undefined
}

/** A mutable context backed by a map; reuse one per worker and `clear()` it between requests. */
export class FieldContext implements Context {
  readonly #values = new Map<string, FieldValue[]>()

  /** Appends one value to a field. */
  add(field: string, value: FieldValue): this {
    const list = this.#values.get(field)
    if (list === undefined) this.#values.set(field, [value])
    else list.push(value)
    return this
  }

  /** Replaces all values of a field; an empty list makes the field absent. */
  set(field: string, values: readonly FieldValue[]): this {
    if (values.length === 0) this.#values.delete(field)
    else this.#values.set(field, [...values])
    return this
  }

  values(field: string): readonly FieldValue[] | undefined {
    return this.#values.get(field)
  }

  /** The fields that have at least one value. */
  fields(): IterableIterator<string> {
    return this.#values.keys()
  }

  /** Removes every value. */
  clear(): void {
    this.#values.clear()
  }
}
