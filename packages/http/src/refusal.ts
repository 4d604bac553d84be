/**
 * The requests nginx answers itself before Kong's router sees them: a target or Host it cannot
 * read (400) and TRACE (405). The gateway refuses them the same way, and the playground and
 * `switchyard match` say so instead of showing the route the router would have picked: the three
 * must not disagree on what a request gets.
 */
import type { RequestLike } from './request.ts'

const SLASH = 47

/** What nginx answers a request before routing it, and why; undefined when it routes it. */
export interface RequestRefusal {
  readonly status: 400 | 405
  readonly reason: string
}

/** A request as it reaches nginx: its method, its target in origin form, and its Host header lines. */
export interface RequestHead {
  readonly method: string
  /** The target in origin form, query included (the path of an absolute-form target). */
  readonly target: string
  /** Every Host header line's value, in order (none: an empty list). */
  readonly hosts: readonly string[]
  /** True for HTTP/1.1 and later, which must carry a Host. */
  readonly http11: boolean
  /** The host of an absolute-form target, when the request line has one. */
  readonly lineHost?: string | undefined
}

/**
 * The head of a request given as fields (`RequestLike`: the playground's, `switchyard match`'s):
 * its Host lines are `host` or, without it, the Host headers. `http11` says whether it must carry a Host.
 */
export function requestHeadOf(request: RequestLike, http11: boolean): RequestHead {
  const lines = Object.entries(request.headers ?? {})
    .filter(([name]) => name.toLowerCase() === 'host')
    .flatMap(([, value]) => (typeof value === 'string' ? [value] : value))
  return { method: request.method ?? 'GET', target: request.path, hosts: request.host === undefined ? lines : [request.host], http11 }
}

/** nginx's answer to a request before routing, or undefined when the router gets it. */
export function requestRefusal(request: RequestHead): RequestRefusal | undefined {
  const target = targetProblem(request.target)
  if (target !== undefined) return { status: 400, reason: target }
  if (request.lineHost !== undefined && !isValidLineHost(request.lineHost)) return { status: 400, reason: `the request line's host '${request.lineHost}' is not a valid host` }
  const hosts = request.hosts
  if (hosts.length > 1) return { status: 400, reason: 'the request has more than one Host header' }
  const host = hosts[0]
  if (host === undefined && request.http11) return { status: 400, reason: 'an HTTP/1.1 request must have a Host header' }
  if (host !== undefined && !isValidHost(host)) return { status: 400, reason: `the Host header '${host}' is not a valid host (empty, or with a space, a control character, '/' or '..')` }
  if (request.method === 'TRACE') return { status: 405, reason: 'TRACE is not allowed' }
  return undefined
}

/** True when nginx's URI parser answers 400 to a target (see `targetProblem`); the proxy runs it on every request. */
export function hasBadTarget(target: string): boolean {
  return targetProblem(target) !== undefined
}

/**
 * Why nginx's URI parser answers 400 to a target, or undefined: neither origin-form nor
 * absolute-form (`*`), a `%` not followed by two hex digits in the path, a `%00` there (a decoded
 * NUL), or `..` segments (`%2e` and `%2f` decoded) that climb above the root. The path ends at the
 * first `?` or `#` (ngx_http_parse_complex_uri), so `/..#x` is refused and `/a#%zz` is not.
 */
function targetProblem(target: string): string | undefined {
  if (target.charCodeAt(0) !== SLASH) return `the target '${target}' does not start with '/'`
  // Most targets have neither an escape nor `..`, and need nothing more: two scans.
  const escaped = target.includes('%')
  if (!escaped && !target.includes('..')) return undefined
  // nginx's URI parser ends the path at the first raw `?` or `#`: what follows is never decoded.
  const path = pathBeforeArgs(target)
  // Every `%` must start an escape, so `%00` can only be one.
  const bad = escaped ? /%(?![0-9A-Fa-f]{2})/.exec(path) : null
  if (bad !== null) return `the path has a '%' at character ${bad.index + 1} that does not start an escape (two hex digits); write a literal '%' as %25`
  if (escaped && path.includes('%00')) return 'the path holds %00, an escaped NUL'
  // nginx decodes escapes before it walks the segments, `%2F` into a separator too.
  if (climbsAboveRoot(escaped ? path.replace(/%2e/gi, '.').replace(/%2f/gi, '/') : path)) return "the path's '..' segments climb above '/'"
  return undefined
}

/** The part of a target nginx parses as its path: up to the first `?` or `#` (`/..#x` is `/..`). */
function pathBeforeArgs(target: string): string {
  for (let i = 0; i < target.length; i++) {
    const c = target.charCodeAt(i)
    if (c === 0x3f || c === 0x23) return target.slice(0, i)
  }
  return target
}

/** True when a path's `..` segments go above its root (`/../x`, `/a/../../x`), which nginx refuses. */
function climbsAboveRoot(path: string): boolean {
  let depth = 0
  for (const segment of path.split('/').slice(1)) {
    if (segment === '..') {
      if (--depth < 0) return true
    } else if (segment !== '.' && segment !== '') depth++
  }
  return false
}

/** nginx's request-line host (ngx_http_parse_request_line): letters, digits, `.` and `-`, or an IPv6 literal, then an optional port. */
const LINE_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?$/

/**
 * Whether the host of an absolute-form target is one nginx accepts; it answers 400 to any other
 * (`http:///p`, `http://user@h/p`, `http://a..b/p`) instead of taking it as `$host`.
 */
export function isValidLineHost(host: string): boolean {
  return LINE_HOST.test(host) && isValidHost(host)
}

/**
 * nginx's ngx_http_validate_host, for the Host header and an absolute-form target's host: it answers
 * 400 ("client sent invalid host header") to a `/`, a space or control character, `..`, or an
 * empty name before the port once a trailing dot is dropped (an empty value, `.`, `:80`). A leading
 * dot passes, and so does a backslash (nginx's path separator is `/` only on Unix).
 */
export function isValidHost(host: string): boolean {
  let dot = -2
  let length = host.length
  // 0: the name, 1: inside an IPv6 literal, 2: after the name (the port).
  let state = 0
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i)
    if (c === 46) {
      if (dot === i - 1) return false
      dot = i
    } else if (c === 58) {
      if (state === 0) {
        length = i
        state = 2
      }
    } else if (c === 91) {
      if (i === 0) state = 1
    } else if (c === 93) {
      if (state === 1) {
        length = i + 1
        state = 2
      }
    } else if (c === SLASH || c <= 0x20 || c === 0x7f) return false
  }
  if (dot === length - 1) length--
  return length > 0
}
