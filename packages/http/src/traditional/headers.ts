/**
 * The `headers` field: the expression Kong generates and the schema's checks
 * (traditional-routes.md §1.1, §2.8).
 */
import { orGroup, stringLiteral } from './literals.ts'
import { asciiLower } from './route.ts'

/** The engine field for a header name: lower-cased, `-` → `_`, under `http.headers.`. */
export function headerField(name: string): string {
  return `http.headers.${asciiLower(name).replaceAll('-', '_')}`
}

/**
 * The OR-group for one header: `any(lower(FIELD)) == v` per value, or `~` for values starting with
 * `~*`. The value is lower-cased as a whole, regexes included (`~*\D+` becomes `\d+`: Kong's
 * behaviour, kept for compatibility).
 */
export function headerExpression(name: string, values: readonly string[]): string {
  const field = `any(lower(${headerField(name)}))`
  return orGroup(
    values.map((value) =>
      value.startsWith('~*')
        ? `${field} ~ ${stringLiteral(asciiLower(value.slice(2)))}`
        : `${field} == ${stringLiteral(asciiLower(value))}`,
    ),
  )
}

/**
 * The header groups joined with `&&`. Kong iterates a Lua hash table, so its order is unspecified;
 * names are sorted here (by code unit) so the text is deterministic. Matching is unaffected.
 */
export function headersExpression(headers: Readonly<Record<string, readonly string[]>>): string {
  return Object.keys(headers)
    .sort()
    .map((name) => headerExpression(name, headers[name] ?? []))
    .join(' && ')
}

/**
 * Kong's check of a route's header name (the `header_name` typedef with routes.lua's `match_none`,
 * in Kong's validator order): the error text, or `undefined`.
 */
export function checkHeaderName(name: string): string | undefined {
  if (name.length === 0) return 'length must be at least 1'
  if (asciiLower(name) === 'host') return "cannot contain 'host' header, which must be specified in the 'hosts' attribute"
  // kong.tools.utils validate_header_name: ngx.re `^[a-zA-Z0-9-_]+$`, whose `$` (PCRE, no
  // DOLLAR_ENDONLY) also matches before a final newline: `x-a\n` passes, and the engine reads the
  // newline in `http.headers.x_a\n` as the space after the field name. The `host` check above is a
  // Lua pattern, whose `$` does not, so `host\n` passes too.
  if (!/^[a-zA-Z0-9\-_]+\n?$/.test(name)) return `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`
  return undefined
}
