/** The shape of one conformance group file (../shared/conformance/FORMAT.md). */

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue }

/** A route of a group: an expression route or a traditional one. */
export interface GroupRoute {
  readonly id: string
  readonly priority?: number | string
  readonly expression?: string
  readonly traditional?: { readonly [key: string]: JsonValue }
  readonly service?: { readonly [key: string]: JsonValue }
  readonly [key: string]: JsonValue | undefined
}

/** The case file's own keys of a route; every other key is a Kong route field. */
const CASE_KEYS: ReadonlySet<string> = new Set(['id', 'priority', 'expression', 'traditional', 'service'])

/**
 * A route's Kong fields (protocols, strip_path, preserve_host, ...), wherever the file puts them:
 * under `traditional`, or beside `expression` on an expression route.
 */
export function routeFields(route: GroupRoute): { readonly [key: string]: JsonValue } {
  const fields: { [key: string]: JsonValue } = {}
  for (const [key, value] of Object.entries(route)) if (!CASE_KEYS.has(key) && value !== undefined) fields[key] = value
  return { ...fields, ...route.traditional }
}

/** What a case expects. */
export interface CaseExpectation {
  readonly route: string | null
  readonly matches?: { readonly [field: string]: JsonValue }
  readonly captures?: { readonly [name: string]: string } | null
  readonly upstream_path?: string
  readonly upstream_host?: string
}

/** One request and its expected outcome. */
export interface GroupCase {
  readonly name: string
  readonly fields?: { readonly [field: string]: JsonValue }
  readonly request?: { readonly [key: string]: JsonValue }
  readonly expect: CaseExpectation
}

/** An expression or route that must be rejected with an error of a kind. */
export interface InvalidEntry {
  readonly expression?: string
  readonly priority?: number | string
  readonly traditional?: { readonly [key: string]: JsonValue }
  readonly error: 'syntax' | 'unknown-field' | 'type' | 'validation'
}

/** A whole group file. */
export interface Group {
  readonly description: string
  readonly source?: string
  readonly schema: 'http' | 'stream' | { readonly [field: string]: string }
  readonly flavor?: 'expressions' | 'traditional_compatible'
  readonly routes?: readonly GroupRoute[]
  readonly cases?: readonly GroupCase[]
  readonly invalid?: readonly InvalidEntry[]
}

/** The outcome of one case or invalid entry. */
export interface CaseResult {
  readonly file: string
  readonly name: string
  readonly status: 'passed' | 'failed' | 'skipped'
  /** For failures: what was expected and what came out; for skips: why. */
  readonly expected?: string
  readonly got?: string
  readonly reason?: string
}
