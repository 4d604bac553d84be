import { decodeQueryComponent } from './percent.ts'
import { textToBytes } from './bytes.ts'

/**
 * The most query arguments Kong reads (`lua_max_uri_args`, default 100); later ones are ignored.
 * Only arguments with a non-empty key count (`&&` and `=v` pieces do not).
 */
export const MAX_QUERY_ARGS = 100

/** The field-name prefix of query fields. */
export const QUERIES_PREFIX = 'http.queries.'

/**
 * The query string of a raw request target as nginx reads it (`$args`, which
 * `ngx.req.get_uri_args` parses and Kong sends upstream): the text after the first `?` that comes
 * before any `#`, up to the next `#`; undefined when there is no such `?`. A `#` is not special to
 * Kong's router (the path is cut at `?` only), but nginx's URI parser ends the path and the
 * arguments there: `/a?x=1#y` gives `x=1`, `/a#b?x=1` none, `/a?#y` `''`.
 */
export function queryOf(target: string): string | undefined {
  const mark = target.indexOf('?')
  if (mark < 0) return undefined
  const hash = target.indexOf('#')
  if (hash < 0) return target.slice(mark + 1)
  return hash < mark ? undefined : target.slice(mark + 1, hash)
}

/** A precomputed reader for a fixed set of query argument names (the part after `http.queries.`). */
export interface QueryLookup {
  /**
   * The values of each requested name as byte strings (decoded bytes, possibly not UTF-8), in
   * order; names without values are left out.
   */
  collect(query: string): Map<string, string[]>
}

/**
 * Builds a reader that parses a query string like OpenResty `ngx.req.get_uri_args`: split on `&`,
 * key and value percent-decoded with `+` → space, names matched case-sensitively after decoding,
 * repeated keys in order, `k=` and a bare `k` both give `""` (spec §7.5 Decision for a bare key
 * that is also repeated), empty keys ignored, only the first `MAX_QUERY_ARGS` arguments with a
 * non-empty key read (lua-nginx-module's `ngx_http_lua_ffi_req_get_uri_args`, which
 * `ngx.req.get_uri_args` calls: empty pieces do not count towards the limit). Only values of
 * requested names are decoded.
 */
export function createQueryLookup(names: Iterable<string>): QueryLookup {
  // decoded key bytes → requested name; names are compared as UTF-8 bytes, like nginx does
  const wanted = new Map<string, string>()
  for (const name of names) wanted.set(textToBytes(name), name)
  return {
    collect(query) {
      const found = new Map<string, string[]>()
      let start = 0
      for (let read = 0; read < MAX_QUERY_ARGS && start <= query.length; ) {
        let end = query.indexOf('&', start)
        if (end < 0) end = query.length
        const equals = query.indexOf('=', start)
        const keyEnd = equals >= 0 && equals < end ? equals : end
        if (keyEnd > start) {
          read++
          const name = wanted.get(decodeQueryComponent(query, start, keyEnd))
          if (name !== undefined) {
            const value = keyEnd < end ? decodeQueryComponent(query, keyEnd + 1, end) : ''
            const list = found.get(name)
            if (list === undefined) found.set(name, [value])
            else list.push(value)
          }
        }
        if (end === query.length) break
        start = end + 1
      }
      return found
    },
  }
}
