import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { extname, isAbsolute, join, relative, sep } from 'node:path'
import { crossOriginRefusal } from '../origin.ts'

/** What the GUI listener serves. */
export interface GuiOptions {
  /** The built playground folder (`fileURLToPath(PLAYGROUND_DIST)` from `@switchyard/playground`). */
  readonly root: string
  /** Base URL of one Admin API listener, e.g. `http://127.0.0.1:8001`; `/api/*` is forwarded there, and nowhere else. */
  readonly adminUrl: string
  /**
   * Whether the Admin API requires `admin_token` (default false). When it may not, `/api` on a
   * loopback connection answers only Host names DNS rebinding cannot forge (see `origin.ts`).
   */
  readonly adminTokenRequired?: boolean
  /**
   * For an `https:` `adminUrl` (every Admin API listener is `ssl`): the Admin API's certificates,
   * the only ones the forwarding trusts, whatever name they carry (it is the gateway's own listener).
   */
  readonly adminCertificates?: readonly string[]
}

// Content types of what `vite build` emits; anything else is served as bytes.
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

// Sent with every answer of the GUI itself. The GUI can change routes, so no other site may frame it
// (clickjacking), and nothing it serves is sniffed into another type.
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'same-origin',
} as const

// RFC 9110 §7.6.1: connection-specific fields, and those the Connection field names, are not
// forwarded by a proxy. `host` is set for the Admin API; cookies of the GUI's origin are no business
// of the Admin API, which authenticates by header only; `origin` was checked here (the page's own),
// and names the GUI's origin, not the Admin API's, which would refuse it as another origin.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'cookie', 'set-cookie', 'origin'])

function forwardable(headers: IncomingMessage['headers']): OutgoingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim()))
  const out: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !NOT_FORWARDED.has(name) && !named.has(name)) out[name] = value
  return out
}

function answer(response: ServerResponse, status: number, message: string, extra: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify({ message })
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extra })
  response.end(response.req.method === 'HEAD' ? undefined : text)
}

function proxyToAdmin(request: IncomingMessage, response: ServerResponse, admin: URL, path: string, certificates: readonly string[] | undefined): void {
  // The target's host and port come from `adminUrl` alone: `path` is only ever a path, so
  // `/api//elsewhere.example/x` cannot send the browser's admin token to another server.
  const secure = admin.protocol === 'https:'
  const send = secure ? httpsRequest : httpRequest
  const upstream = send(
    {
      protocol: admin.protocol,
      hostname: admin.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: admin.port,
      path,
      method: request.method,
      headers: { ...forwardable(request.headers), host: admin.host },
      ...(secure ? { ca: certificates === undefined ? undefined : [...certificates], checkServerIdentity: () => undefined } : {}),
    },
    (reply) => {
      response.writeHead(reply.statusCode ?? 502, { 'x-content-type-options': 'nosniff', ...forwardable(reply.headers) })
      reply.pipe(response)
    },
  )
  upstream.on('error', () => {
    if (response.headersSent) response.destroy()
    else answer(response, 502, 'The Admin API cannot be reached')
  })
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy()
  })
  request.pipe(upstream)
}

/** The regular file under `root` that `pathname` names, `index.html` for a folder; symlinks must not lead out of `root`. */
async function resolveFile(root: string, pathname: string): Promise<{ file: string; relative: string } | undefined> {
  const realRoot = await realpath(root)
  let file: string
  try {
    file = await realpath(join(realRoot, pathname))
    if ((await stat(file)).isDirectory()) file = await realpath(join(file, 'index.html'))
    if (!(await stat(file)).isFile()) return undefined
  } catch {
    return undefined
  }
  const inside = relative(realRoot, file)
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return undefined
  return { file, relative: inside.split(sep).join('/') }
}

async function serveFile(request: IncomingMessage, response: ServerResponse, root: string, pathname: string): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, 'The GUI serves files with GET and HEAD only', { allow: 'GET, HEAD' })
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return answer(response, 400, 'malformed percent-encoding in the path')
  }
  if (decoded.includes('\0')) return answer(response, 400, 'the path contains a NUL byte')
  // `..` cannot survive here (the URL parser removes dot segments, `%2e%2e` and backslashes
  // included), but `%2f..` decodes into one; resolveFile checks the real path, symlinks followed.
  const found = await resolveFile(root, decoded)
  if (found === undefined) return answer(response, 404, 'Not found')
  const size = (await stat(found.file)).size
  // Vite's assets carry a content hash in their names; index.html must always be revalidated.
  const immutable = found.relative.startsWith('assets/')
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[extname(found.file)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  if (request.method === 'HEAD') return void response.end()
  createReadStream(found.file).on('error', () => response.destroy()).pipe(response)
}

/**
 * The GUI listener's request handler (Kong Manager's convention: the GUI at `/` of
 * `admin_gui_listen`): the static playground build, plus `/api/*` forwarded to the Admin API so the
 * browser talks to one origin (no CORS). Requests from other origins never reach the Admin API (see
 * `origin.ts`); the admin token is the browser's to send and is never added here. Starts nothing itself.
 */
export function createGuiHandler(options: GuiOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const admin = new URL(options.adminUrl)
  return (request, response) => {
    const target = request.url ?? '/'
    // Origin-form only (RFC 9112 §3.2.1). Parsed against a fixed origin so that `//x` stays a path.
    let url: URL
    try {
      if (!target.startsWith('/')) throw new Error('not origin-form')
      url = new URL(`http://gui${target}`)
    } catch {
      return answer(response, 400, 'malformed request target')
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      const refusal = crossOriginRefusal(request, options.adminTokenRequired === true)
      if (refusal !== undefined) return answer(response, 403, refusal)
      return proxyToAdmin(request, response, admin, `/${url.pathname.slice(4).replace(/^\/+/, '')}${url.search}`, options.adminCertificates)
    }
    serveFile(request, response, options.root, url.pathname).catch(() => response.destroy())
  }
}
