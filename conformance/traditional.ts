// The conformance runner's view of traditional routes and upstream requests (issue: traditional routes).
import type { DiagnosticKind, Match, RouteInput } from '@switchyard/core'
import type { Group, GroupRoute, InvalidEntry, JsonValue } from './group.ts'

/** What the runner needs from the traditional-routes implementation. */
export interface TraditionalSupport {
  /** The router entries for a traditional route (several when Kong splits its paths). */
  matchers(route: GroupRoute, group: Group): { ok: true; entries: RouteInput[] } | { ok: false; skip: boolean; error: string }
  /** The kind of the first error for an invalid route, or undefined when it is accepted. */
  validate(entry: InvalidEntry, group: Group): DiagnosticKind | undefined
  /** The upstream path and Host for a match. */
  upstream(route: GroupRoute, group: Group, match: Match, request: { readonly [key: string]: JsonValue }): { path: string; host: string } | undefined
  /** Maps a derived matcher id back to its route's id. */
  originalId(id: string): string | null
}

/** Wired by the traditional-routes implementation; undefined until it lands (its cases are skipped). */
export const traditionalSupport: TraditionalSupport | undefined = undefined
