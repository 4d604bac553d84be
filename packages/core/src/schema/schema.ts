import type { ValueType } from '../values/types.ts'

/**
 * Field name → value type. A name ending in `.*` declares a wildcard family: a field name without an
 * exact entry is looked up as `<name up to its last dot>.*` (atc-router's rule), so with
 * `http.headers.*` the name `http.headers.x_foo` is a String but `http.headers.x.y` is unknown.
 */
export class Schema {
  readonly #types: ReadonlyMap<string, ValueType>

  /** Builds a schema from a map or record of field name → type. */
  constructor(entries: Iterable<readonly [string, ValueType]> | Readonly<Record<string, ValueType>>) {
    const list = Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, ValueType]>)] : Object.entries(entries)
    this.#types = new Map(list)
  }

  /** The type of a field, or undefined when the schema does not know it. */
  typeOf(field: string): ValueType | undefined {
    const exact = this.#types.get(field)
    if (exact !== undefined) return exact
    const dot = field.lastIndexOf('.')
    if (dot < 0) return undefined
    return this.#types.get(`${field.slice(0, dot)}.*`)
  }

  /** The declared entries (wildcards included, as written), in declaration order. */
  entries(): IterableIterator<[string, ValueType]> {
    return this.#types.entries()
  }

  /** A new schema with extra or replaced entries. */
  extend(entries: Readonly<Record<string, ValueType>>): Schema {
    return new Schema([...this.#types, ...Object.entries(entries)])
  }
}
