/**
 * The `paths` field: the expression Kong generates, path splitting into matchers, and the schema's
 * checks that do not need the engine (traditional-routes.md §1.3, §2.7, §2.10).
 */
import { checkKongPath } from './entity-rules.ts'
import { orGroup, stringLiteral } from './literals.ts'
import { isRegexPath } from './route.ts'
import { utf8Length } from './uuid.ts'

/**
 * The regex text Kong hands the engine for a `~` path: anchored with `^` at the start only, and
 * every `?<` rewritten to `?P<` (named groups in Rust's syntax; look-behinds are touched as well,
 * which Rust rejects anyway).
 */
export function regexPathPattern(path: string): string {
  return `^${path.slice(1).replaceAll('?<', '?P<')}`
}

/** True when the Rust-syntax pattern differs from what the route wrote, apart from the anchor. */
export function needsRegexRewrite(path: string): boolean {
  return isRegexPath(path) && path.includes('?<')
}

/** The predicate for one path: `http.path ~ "^…"` for a regex, `http.path ^= "…"` for a prefix. */
export function pathPredicate(path: string): string {
  return isRegexPath(path)
    ? `http.path ~ ${stringLiteral(regexPathPattern(path))}`
    : `http.path ^= ${stringLiteral(path)}`
}

/** The OR-group for a route's paths, in route order. */
export function pathsExpression(paths: readonly string[]): string {
  return orGroup(paths.map(pathPredicate))
}

/**
 * Kong's path groups: all regex paths together, prefix paths by byte length, groups in order of first
 * appearance. A route with more than one group is split into one matcher per group.
 */
export function groupPaths(paths: readonly string[]): string[][] {
  const groups = new Map<string, string[]>()
  for (const path of paths) {
    const key = isRegexPath(path) ? 'regex' : `prefix:${utf8Length(path)}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [path])
    else group.push(path)
  }
  return [...groups.values()]
}

/**
 * The checks of Kong's `router_path` typedef that need neither a regex engine nor the normalizer:
 * the error text, or `undefined`.
 */
export function checkPathShape(path: string): string | undefined {
  if (path.length === 0) return 'length must be at least 1'
  if (!path.startsWith('/') && !path.startsWith('~/')) return 'should start with: / (fixed path) or ~/ (regex path)'
  if (path.includes('//')) return 'must not have empty segments'
  if (isRegexPath(path)) return undefined
  // Kong's router_path keeps only the percent-encoding error of the `path` typedef's validator.
  const problem = checkKongPath(path)
  return problem?.code === 'percent' ? problem.message : undefined
}
