/**
 * Counts how many routes read each field, so removing a route drops exactly the fields no one reads.
 * Routes' field lists are shared instances (see `internList`), so lists are counted by identity:
 * one lookup per route rather than one per field; the fields are expanded when asked for.
 */
export class FieldCounter {
  readonly #lists = new Map<readonly string[], number>()
  #view: ReadonlySet<string> | undefined

  /** Counts one more route reading these fields. */
  add(fields: readonly string[]): void {
    this.#lists.set(fields, (this.#lists.get(fields) ?? 0) + 1)
    this.#view = undefined
  }

  /** Counts one route fewer reading these fields (the same list instance `add` was given). */
  remove(fields: readonly string[]): void {
    const count = (this.#lists.get(fields) ?? 0) - 1
    if (count <= 0) this.#lists.delete(fields)
    else this.#lists.set(fields, count)
    this.#view = undefined
  }

  /** The fields at least one route reads (a snapshot; cached until the next change). */
  get fields(): ReadonlySet<string> {
    if (this.#view === undefined) {
      const fields = new Set<string>()
      for (const list of this.#lists.keys()) for (const field of list) fields.add(field)
      this.#view = fields
    }
    return this.#view
  }
}
