import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'

/**
 * Whether a Host value (port allowed) names this machine in a way DNS rebinding cannot forge: an IP
 * literal, `localhost` or a `*.localhost` name (RFC 6761 §6.3 keeps those on loopback). A page on
 * `evil.example` that rebinds its name to 127.0.0.1 still sends `Host: evil.example`.
 */
export function isRebindingSafeHost(host: string): boolean {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host)
  if (bracketed !== null) return isIP(bracketed[1] as string) === 6
  const name = host.replace(/:\d*$/, '').toLowerCase().replace(/\.$/, '')
  return isIP(name) === 4 || name === 'localhost' || name.endsWith('.localhost')
}

/** The origin (scheme, name and non-default port, normalised) of a URL, or `undefined` when it does not parse. */
function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin
    return origin === 'null' ? undefined : origin
  } catch {
    return undefined
  }
}

/**
 * Whether a request's `Origin` is the origin it was sent to: the scheme of the connection (https on
 * TLS), and the request's `Host`. False without either header, and for `Origin: null`.
 */
export function isSameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin
  const host = request.headers.host
  if (origin === undefined || host === undefined) return false
  const scheme = (request.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http'
  const own = originOf(`${scheme}://${host}`)
  return own !== undefined && originOf(origin) === own
}

/** Whether the connection arrived on a loopback address (127.0.0.0/8, ::1, or IPv4-mapped 127.x). */
function arrivedOnLoopback(request: IncomingMessage): boolean {
  const local = request.socket.localAddress ?? ''
  return local === '::1' || local.startsWith('127.') || local.startsWith('::ffff:127.')
}

/**
 * What every way into the Admin API refuses from browsers: a request a browser marks as coming from
 * another site (`Sec-Fetch-Site: cross-site` or `same-site`; non-browser clients send none), and,
 * when the Admin API may be open (no admin token known) and the connection came in on loopback, a
 * `Host` that DNS rebinding could have produced (see {@link isRebindingSafeHost}). A non-loopback
 * address requires `admin_token` (see config.ts), and a rebound page never has the token.
 */
function browserRefusal(request: IncomingMessage, adminTokenRequired: boolean): string | undefined {
  const site = request.headers['sec-fetch-site']
  if (site === 'cross-site' || site === 'same-site') return 'a page on another site cannot call the Admin API; set admin_token to allow browsers with the token'
  const host = request.headers.host
  if (!adminTokenRequired && host !== undefined && arrivedOnLoopback(request) && !isRebindingSafeHost(host)) {
    return `without admin_token the Admin API answers on loopback only for localhost or an IP address (Host "${host}" could be DNS rebinding); set admin_token to use other host names`
  }
  return undefined
}

/**
 * Why a request to the GUI's `/api/*` must not reach the Admin API, or `undefined` when it may. The
 * GUI forwards `/api` with the browser's own headers, so a page on another origin could use it to
 * write to the Admin API: an HTML form POST needs no CORS preflight and the Admin API accepts form
 * bodies. Besides {@link browserRefusal}, a request whose `Origin` is not this listener's own
 * (`Origin: null` included) is refused.
 */
export function crossOriginRefusal(request: IncomingMessage, adminTokenRequired: boolean): string | undefined {
  if (request.headers.origin !== undefined && !isSameOrigin(request)) return 'a page on another origin cannot call the Admin API through the GUI'
  return browserRefusal(request, adminTokenRequired)
}

/**
 * Why the Admin API, when it has no token, refuses a request, or `undefined` when it serves it:
 * {@link browserRefusal}, and, from a browser that sends no `Sec-Fetch-Site` (older Safari and
 * Firefox), a request whose `Origin` is another origin (`null` included): such a browser would
 * otherwise let a page elsewhere write with an HTML form POST (no CORS preflight; the Admin API
 * accepts form bodies). A browser that sends `Sec-Fetch-Site` is judged by it, so a reverse proxy
 * in front of the Admin API that rewrites `Host` (serving the GUI as a static site) keeps working
 * for its own pages. Non-browser clients send neither header; the GUI listener checks its pages'
 * origin itself and does not forward `Origin`.
 */
export function unauthenticatedAdminRefusal(request: IncomingMessage): string | undefined {
  if (request.headers['sec-fetch-site'] === undefined && request.headers.origin !== undefined && !isSameOrigin(request)) {
    return 'a page on another origin cannot call the Admin API; set admin_token to allow browsers with the token'
  }
  return browserRefusal(request, false)
}
