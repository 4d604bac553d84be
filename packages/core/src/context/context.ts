import type { FieldValue } from '../values/types.ts'

/**
 * The field values of one request, as the router reads them. A field with no values is absent,
 * and every predicate on an absent field is false.
 */
export interface Context {
  /** The values of a field in the order they were added, or undefined when it has none. */
  values(field: string): readonly FieldValue[] | undefined
}

/**
 * Field values by name. Its instances are ordinary objects, which the engine keeps compact (a shape
 * shared by every request that sets the same fields in the same order, values inline), where a
 * prototype-less `Object.create(null)` starts as a hash table of its own. Their prototype has no
 * properties and no prototype, so no field name (`constructor`, `__proto__`) finds anything inherited.
 */
const FieldValues = function FieldValues() {} as unknown as new () => Record<string, FieldValue[] | undefined>
FieldValues.prototype = Object.create(null) as object

/**
 * A mutable context; reuse one per worker and `clear()` it between requests.
 *
 * Values live in an object keyed by field name rather than a Map: the router reads a field several
 * times per request, and a keyed property load by a name the engine shares (field names in code and
 * in compiled routes are) is cheaper than a hash-table lookup. An absent field is `undefined`, never
 * deleted, so the object keeps its fast layout.
 */
export class FieldContext implements Context {
  #values = new FieldValues()

  /** Appends one value to a field. */
  add(field: string, value: FieldValue): this {
    const list = this.#values[field]
    if (list === undefined) this.#values[field] = [value]
    else list.push(value)
    return this
  }

  /** Replaces all values of a field; an empty list makes the field absent. */
  set(field: string, values: readonly FieldValue[]): this {
    this.#values[field] = values.length === 0 ? undefined : [...values]
    return this
  }

  values(field: string): readonly FieldValue[] | undefined {
    return this.#values[field]
  }

  /** The fields that have at least one value. */
  *fields(): IterableIterator<string> {
    for (const field in this.#values) if (this.#values[field] !== undefined) yield field
  }

  /** Removes every value. */
  clear(): void {
    this.#values = new FieldValues()
  }
}
