/**
 * Lua's `tonumber`, which Kong applies to the port after the first `:` of a host: of a route's
 * hosts and of the request's Host header alike (both go through `split_host_port`). It accepts
 * surrounding whitespace, decimal integers and fractions, exponents and `0x` hex, so `:0x50`,
 * `:8e1` and `: 80` all read as 80 (traditional-routes.md §2.11).
 */

/** The number Lua's `tonumber(text)` returns, or `undefined` where it returns nil. */
export function luaToNumber(text: string): number | undefined {
  const trimmed = text.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '')
  if (/^-?0[xX][0-9a-fA-F]+$/.test(trimmed)) {
    const negative = trimmed.startsWith('-')
    const value = parseInt(trimmed.replace(/^-?0[xX]/, ''), 16)
    return negative ? -value : value
  }
  if (/^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(trimmed)) return Number(trimmed)
  return undefined
}
