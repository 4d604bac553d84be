import type { AddressEntry } from './addresses.ts'

/**
 * A route as the playground holds it: the Admin API's route shape (Kong-compatible), with the
 * service's URL carried along so a typed-in route needs no gateway.
 */
export interface PlaygroundRoute {
  readonly id: string
  readonly name?: string | null
  /** Set for expression routes; traditional routes leave it unset and use the fields below. */
  readonly expression?: string | null
  /**
   * Expression routes only: 0 to 2^46 − 1. Text that is no number stays as typed, so that the
   * engine reports it and a share link reproduces it.
   */
  readonly priority?: number | string | null
  readonly protocols?: readonly string[] | null
  readonly methods?: readonly string[] | null
  readonly hosts?: readonly string[] | null
  readonly paths?: readonly string[] | null
  readonly headers?: Readonly<Record<string, readonly string[]>> | null
  readonly snis?: readonly string[] | null
  readonly sources?: readonly AddressEntry[] | null
  readonly destinations?: readonly AddressEntry[] | null
  /** As `priority`: typed text that is no number stays text. */
  readonly regex_priority?: number | string | null
  readonly strip_path?: boolean | null
  readonly preserve_host?: boolean | null
  readonly path_handling?: string | null
  readonly https_redirect_status_code?: number | null
  /** The upstream service, by URL (`http://host:port/path`); null for a serviceless route. */
  readonly service?: { readonly url: string } | null
}

/** True when the route matches by expression rather than by traditional fields. */
export function isExpressionRoute(route: PlaygroundRoute): boolean {
  return route.expression !== undefined && route.expression !== null
}

/** A short label for lists: the name, else the first 8 characters of the id. */
export function routeLabel(route: PlaygroundRoute): string {
  return route.name !== undefined && route.name !== null && route.name !== '' ? route.name : route.id.slice(0, 8)
}

/** The route without playground-only data, as the Admin API stores it (service left to the caller). */
export function routeForAdmin(route: PlaygroundRoute): Record<string, unknown> {
  const { service: _service, id: _id, ...rest } = route
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined))
}
