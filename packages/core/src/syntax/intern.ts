/**
 * Shares one string instance between routes for text that repeats across a configuration (field
 * names, methods, tenants): 10k routes otherwise hold 10k copies of `"http.path"`. The table is
 * bounded, so arbitrary input (bad expressions in a long-running process) cannot grow it without
 * limit; past the bound, strings are simply not shared.
 */
const MAX_ENTRIES = 8192
const MAX_LENGTH = 32
const table = new Map<string, string>()

/** The shared instance of `text` when it is short enough to be worth sharing. */
export function intern(text: string): string {
  if (text.length > MAX_LENGTH) return text
  const shared = table.get(text)
  if (shared !== undefined) return shared
  if (table.size < MAX_ENTRIES) table.set(text, text)
  return text
}
