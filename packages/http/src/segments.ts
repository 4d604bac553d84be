/**
 * What the suffix of an `http.path.segments.*` field asks for: the count (`len`), one segment
 * (`N`), a range (`A_B`, segments A..B joined with `/`), or nothing Kong can ever produce.
 */
export type SegmentSelector =
  | { readonly kind: 'len' }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'range'; readonly first: number; readonly last: number }
  | { readonly kind: 'never' }

/** The field-name prefix of path segment fields. */
export const SEGMENTS_PREFIX = 'http.path.segments.'

/** A decimal number of ASCII digits (leading zeros allowed, as Lua's `tonumber` reads them), or -1. */
function decimal(text: string): number {
  if (text.length === 0 || text.length > 15) return -1
  let value = 0
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

/**
 * Reads the suffix after `http.path.segments.` as kong `router/fields.lua` does at request time:
 * `len`; a number; or two numbers around the first `_`. Unlike route validation (§8.5) leading
 * zeros are accepted here (`01` reads as 1); `A_B` with A ≥ B, and names such as `abc` or `1_2_3`,
 * never produce a value. Only decimal digits count as numbers (Lua's `tonumber` would also take
 * hex such as `0x1`; no validated route can contain one).
 */
export function parseSegmentSelector(suffix: string): SegmentSelector {
  if (suffix === 'len') return { kind: 'len' }
  const underscore = suffix.indexOf('_')
  if (underscore < 0) {
    const index = decimal(suffix)
    return index < 0 ? { kind: 'never' } : { kind: 'index', index }
  }
  const first = decimal(suffix.slice(0, underscore))
  const last = decimal(suffix.slice(underscore + 1))
  if (first < 0 || last < 0 || first >= last) return { kind: 'never' }
  return { kind: 'range', first, last }
}

/**
 * Splits a normalised path into segments: drop the first character, split on `/`, remove all
 * trailing empty strings (`/foo/` → `["foo"]`, `/` → `[]`). Works on text or byte strings alike.
 */
export function splitSegments(path: string): string[] {
  // Hot path: one pass with indexOf, no intermediate copy of the path.
  const segments: string[] = []
  let end = path.length
  while (end > 1 && path.charCodeAt(end - 1) === 0x2f) end--
  if (end <= 1) return segments
  let start = 1
  for (;;) {
    const slash = path.indexOf('/', start)
    if (slash < 0 || slash >= end) {
      segments.push(path.slice(start, end))
      return segments
    }
    segments.push(path.slice(start, slash))
    start = slash + 1
  }
}

/**
 * The value of one segment selector, or undefined when it has none: `len` is the count (always
 * present), `N` segment N when it exists, `A_B` segments A..B joined with `/` when B ≤ count − 1.
 */
export function selectSegments(segments: readonly string[], selector: SegmentSelector): string | number | undefined {
  switch (selector.kind) {
    case 'len':
      return segments.length
    case 'index':
      return segments[selector.index]
    case 'range':
      if (selector.last > segments.length - 1) return undefined
      return segments.slice(selector.first, selector.last + 1).join('/')
    case 'never':
      return undefined
  }
}
