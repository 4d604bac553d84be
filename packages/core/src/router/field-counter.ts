/** Counts how many routes read each field, so removing a route drops exactly the fields no one reads. */
export class FieldCounter {
  readonly #counts = new Map<string, number>()
  #view: ReadonlySet<string> | undefined

  /** Counts one more route reading these fields. */
  add(fields: readonly string[]): void {
    for (const field of fields) this.#counts.set(field, (this.#counts.get(field) ?? 0) + 1)
    this.#view = undefined
  }

  /** Counts one route fewer reading these fields. */
  remove(fields: readonly string[]): void {
    for (const field of fields) {
      const count = (this.#counts.get(field) ?? 0) - 1
      if (count <= 0) this.#counts.delete(field)
      else this.#counts.set(field, count)
    }
    this.#view = undefined
  }

  /** The fields at least one route reads (a snapshot; cached until the next change). */
  get fields(): ReadonlySet<string> {
    this.#view ??= new Set(this.#counts.keys())
    return this.#view
  }
}
