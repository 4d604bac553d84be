/** Request headers as callers supply them: name → one value or the values of repeated lines, in arrival order. */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>

/** The most header lines Kong reads (`lua_max_req_headers`, default 100); later lines are ignored. */
export const MAX_HEADERS = 100

/** The field-name prefix of header fields. */
export const HEADERS_PREFIX = 'http.headers.'

/**
 * A precomputed lookup for a fixed set of header field names (the part after `http.headers.`).
 * `collect` reads the headers once and returns each name's values.
 */
export interface HeaderLookup {
  /** The values of each requested name, in request order; names without values are left out. */
  collect(headers: HeaderRecord): Map<string, string[]>
}

/**
 * Which header lines a reader takes, by name: `all`, as Kong's router takes the header table it is
 * given; or those nginx takes with `ignore_invalid_headers` on (its default), `nginx` with
 * `underscores_in_headers` off (its default) and `nginx-underscores` with it on.
 */
export type HeaderNames = 'all' | 'nginx' | 'nginx-underscores'

/**
 * Whether nginx takes a header line of this name (its `ignore_invalid_headers`, on by default):
 * letters, digits and `-`, and `_` only with `underscores_in_headers` on. nginx ignores any other
 * line whole: Kong's router never sees it, and it is not sent upstream.
 */
export function isNginxHeaderName(name: string, underscores: boolean): boolean {
  if (name.length === 0) return false
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    // 0-9, A-Z, a-z, '-'
    if ((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 45) continue
    if (c === 95 && underscores) continue
    return false
  }
  return true
}

/** Whether a reader that takes the lines `taken` says takes a line of this name. */
export function takesHeaderName(name: string, taken: HeaderNames): boolean {
  return taken === 'all' || isNginxHeaderName(name, taken === 'nginx-underscores')
}

function push(into: Map<string, string[]>, names: readonly string[], value: string): void {
  for (const name of names) {
    const list = into.get(name)
    if (list === undefined) into.set(name, [value])
    else list.push(value)
  }
}

/**
 * Builds the lookup Kong's header table performs (OpenResty `ngx.req.get_headers`): a header line
 * whose lower-cased name equals NAME exactly wins (possible only for names with `_`, when nginx
 * passes them); otherwise lines whose lower-cased name equals NAME lower-cased with `_` → `-`. So
 * `Foo-Bar`, `foo-bar` and `fOo-BAr` are all `http.headers.foo_bar`. Lines whose names `taken`
 * refuses are skipped and not counted; only the first `MAX_HEADERS` of the others count. Values are
 * never split on commas.
 */
export function createHeaderLookup(names: Iterable<string>, taken: HeaderNames = 'all'): HeaderLookup {
  // lower-cased header name → requested names it serves exactly / through the `_` → `-` mapping
  const exact = new Map<string, string[]>()
  const mapped = new Map<string, string[]>()
  const add = (map: Map<string, string[]>, key: string, name: string): void => {
    const list = map.get(key)
    if (list === undefined) map.set(key, [name])
    else list.push(name)
  }
  for (const name of names) {
    add(exact, name, name)
    add(mapped, name.toLowerCase().replaceAll('_', '-'), name)
  }
  return {
    collect(headers) {
      const exactValues = new Map<string, string[]>()
      const mappedValues = new Map<string, string[]>()
      let lines = 0
      for (const rawName in headers) {
        if (lines >= MAX_HEADERS) break
        const value = headers[rawName]
        if (value === undefined || !takesHeaderName(rawName, taken)) continue
        const name = rawName.toLowerCase()
        const exactNames = exact.get(name)
        const mappedNames = mapped.get(name)
        if (typeof value === 'string') {
          lines++
          if (exactNames !== undefined) push(exactValues, exactNames, value)
          if (mappedNames !== undefined) push(mappedValues, mappedNames, value)
          continue
        }
        for (const item of value) {
          if (lines >= MAX_HEADERS) break
          lines++
          if (exactNames !== undefined) push(exactValues, exactNames, item)
          if (mappedNames !== undefined) push(mappedValues, mappedNames, item)
        }
      }
      // An exact `x_foo` line hides the `X-Foo` lines, as the raw table entry hides the metamethod.
      for (const [name, values] of exactValues) mappedValues.set(name, values)
      return mappedValues
    },
  }
}
