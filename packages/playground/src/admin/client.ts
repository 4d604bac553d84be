import type { Diagnostic } from '@switchyard/core'

/** A Kong Admin API service (the fields the GUI reads). */
export interface AdminService {
  readonly id: string
  readonly name: string | null
  readonly protocol: string
  readonly host: string
  readonly port: number
  readonly path: string | null
}

/** A Kong Admin API route: the Kong entity, expression fields included in the expressions flavor. */
export interface AdminRoute {
  readonly id: string
  readonly name: string | null
  readonly protocols: readonly string[]
  readonly methods: readonly string[] | null
  readonly hosts: readonly string[] | null
  readonly paths: readonly string[] | null
  readonly headers: Readonly<Record<string, readonly string[]>> | null
  readonly snis: readonly string[] | null
  readonly sources?: readonly { readonly ip?: string; readonly port?: number }[] | null
  readonly destinations?: readonly { readonly ip?: string; readonly port?: number }[] | null
  readonly regex_priority: number
  readonly strip_path: boolean
  readonly preserve_host: boolean
  readonly path_handling: string
  readonly https_redirect_status_code: number
  readonly service: { readonly id: string } | null
  readonly expression?: string | null
  readonly priority?: number
}

/** A failed Admin API call: Kong's error body, plus `diagnostics` with spans for bad expressions. */
export class AdminError extends Error {
  /** Creates the error from a status and Kong's body. */
  constructor(
    readonly status: number,
    readonly body: { readonly message?: string; readonly fields?: Readonly<Record<string, unknown>>; readonly diagnostics?: readonly Diagnostic[] },
  ) {
    super(body.message ?? `HTTP ${status}`)
  }
}

/** The Admin API could not be reached at all (gateway down, wrong URL, CORS). */
export class AdminUnreachable extends Error {}

/** What `GET /` tells the GUI about the gateway. */
export interface AdminInfo {
  readonly version: string
  readonly routerFlavor: string
}

/**
 * What usually stands behind a failed fetch of `base`: the browser does not say which, so name the
 * likely ones. Another origin adds CORS; a page opened from a file has no `/api` to call.
 */
function unreachableCauses(base: string): string {
  if (typeof location === 'undefined') return 'the gateway may be down or the URL wrong.'
  let url: URL
  try {
    url = new URL(base, location.href)
  } catch {
    return 'the URL is not valid.'
  }
  if (url.protocol === 'file:') return 'this page was opened from a file, so there is no gateway behind it; type the Admin API URL, e.g. http://127.0.0.1:8001.'
  if (url.origin !== location.origin) return 'the gateway may be down, the URL wrong, or the Admin API may not allow calls from this page (CORS).'
  return 'the gateway may be down or the URL wrong.'
}

/**
 * What is wrong with an Admin API base URL, in words that say what to type; undefined for a path on
 * the GUI's own site (`/api`) or an http(s) URL. Without a scheme, `127.0.0.1:8001` would be read as
 * a path below the page and answer "Not found", and `localhost:8001` as a URL of scheme `localhost:`.
 */
export function adminUrlProblem(base: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(base)?.[1]
  if (scheme !== undefined) return /^https?$/i.test(scheme) ? undefined : `The Admin API is called over http or https, not ${scheme}: e.g. http://127.0.0.1:8001.`
  // A host (name, IPv4 or [IPv6]) with a port or a dot, perhaps a path after it: an address missing its scheme.
  if (/^(\[[0-9a-f:.]+\]|[a-z0-9-]+(\.[a-z0-9-]+)*)(:\d*)?(\/.*)?$/i.test(base) && /^[^/]*[.:\]]/.test(base)) {
    return `"${base}" has no scheme: write http://${base} (or https://), or a path on this site such as /api.`
  }
  return undefined
}

/** A small Kong Admin API client over `fetch`; `base` is e.g. `/api` or `http://127.0.0.1:8001`. */
export class AdminClient {
  readonly #base: string
  readonly #token: string

  /** A client for one base URL, with an optional admin token. */
  constructor(base: string, token = '') {
    this.#base = base.replace(/\/+$/, '')
    this.#token = token
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (this.#token !== '') headers['authorization'] = `Bearer ${this.#token}`
    const problem = adminUrlProblem(this.#base)
    if (problem !== undefined) throw new AdminUnreachable(problem)
    let response: Response
    try {
      response = await fetch(this.#base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    } catch (error) {
      throw new AdminUnreachable(`The Admin API at ${this.#base} cannot be reached (${String(error)}): ${unreachableCauses(this.#base)}`)
    }
    const text = await response.text()
    let data: unknown = undefined
    try {
      data = text === '' ? undefined : JSON.parse(text)
    } catch {
      throw new AdminUnreachable(`${this.#base} did not answer like an Admin API (HTTP ${response.status}).`)
    }
    if (!response.ok) throw new AdminError(response.status, (data ?? {}) as AdminError['body'])
    return data as T
  }

  async #list<T>(path: string): Promise<T[]> {
    const all: T[] = []
    let offset: string | undefined
    do {
      const query: string = offset === undefined ? '' : `&offset=${encodeURIComponent(offset)}`
      const page: { data: T[]; offset?: string } = await this.#call('GET', `${path}?size=1000${query}`)
      all.push(...page.data)
      offset = page.offset
    } while (offset !== undefined)
    return all
  }

  /** `GET /`: version and router flavor. */
  async info(): Promise<AdminInfo> {
    const root = await this.#call<{ version?: string; configuration?: { router_flavor?: string } }>('GET', '/')
    return { version: root.version ?? '', routerFlavor: root.configuration?.router_flavor ?? 'expressions' }
  }

  /** Every service. */
  services(): Promise<AdminService[]> {
    return this.#list('/services')
  }

  /** Every route. */
  routes(): Promise<AdminRoute[]> {
    return this.#list('/routes')
  }

  /** Creates a service from a name and URL. */
  createService(body: { readonly name?: string; readonly url: string }): Promise<AdminService> {
    return this.#call('POST', '/services', body)
  }

  /** Updates a service's name and URL (Kong's `url` shorthand sets protocol, host, port and path); a null name removes it. */
  updateService(id: string, body: { readonly name: string | null; readonly url: string }): Promise<AdminService> {
    return this.#call('PATCH', `/services/${encodeURIComponent(id)}`, body)
  }

  /** Creates a route. */
  createRoute(body: Readonly<Record<string, unknown>>): Promise<AdminRoute> {
    return this.#call('POST', '/routes', body)
  }

  /** Updates a route's given fields. */
  updateRoute(id: string, body: Readonly<Record<string, unknown>>): Promise<AdminRoute> {
    return this.#call('PATCH', `/routes/${encodeURIComponent(id)}`, body)
  }

  /** Deletes a service; Kong refuses while routes still use it. */
  async deleteService(id: string): Promise<void> {
    await this.#call('DELETE', `/services/${encodeURIComponent(id)}`)
  }

  /** Deletes a route. */
  async deleteRoute(id: string): Promise<void> {
    await this.#call('DELETE', `/routes/${encodeURIComponent(id)}`)
  }
}

/** A service's URL as people write it, e.g. `http://backend:8080/api`. */
export function serviceUrl(service: AdminService): string {
  return `${service.protocol}://${service.host}:${service.port}${service.path ?? ''}`
}

/**
 * An Admin API failure in words for people: Kong's message, or, when a token is missing or
 * refused, what to do here (the gateway's own message names the headers, which the GUI sends itself).
 */
export function adminErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  if (error instanceof AdminError && (error.status === 401 || error.status === 403)) {
    return `Unauthorized (HTTP ${error.status}): the Admin API needs a valid admin token; type it next to the Admin API URL and press Connect.`
  }
  return error.message
}
