import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

/** What the GUI listener serves. */
export interface GuiOptions {
  /** The built playground folder (`fileURLToPath(PLAYGROUND_DIST)` from `@switchyard/playground`). */
  readonly root: string
  /** Base URL of one Admin API listener, e.g. `http://127.0.0.1:8001`; `/api/*` is forwarded there. */
  readonly adminUrl: string
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

// RFC 9110 §7.6.1: connection-specific fields are not forwarded by a proxy.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host'])

function forwardable(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value
  return out
}

function proxyToAdmin(request: IncomingMessage, response: ServerResponse, adminUrl: string, path: string): void {
  const target = new URL(path, adminUrl)
  const upstream = httpRequest(target, { method: request.method, headers: forwardable(request.headers) }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, forwardable(answer.headers))
    answer.pipe(response)
  })
  upstream.on('error', () => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json; charset=utf-8' })
    response.end(JSON.stringify({ message: 'The Admin API cannot be reached' }))
  })
  request.pipe(upstream)
}

async function serveFile(request: IncomingMessage, response: ServerResponse, root: string, pathname: string): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end()
    return
  }
  let relative: string
  try {
    relative = decodeURIComponent(pathname)
  } catch {
    response.writeHead(400).end()
    return
  }
  const base = normalize(root.endsWith(sep) ? root : root + sep)
  const path = normalize(join(base, relative))
  // `..` segments must not leave the folder.
  if (!path.startsWith(base) && path + sep !== base) {
    response.writeHead(404).end()
    return
  }
  let file = path
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html')
    await stat(file)
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found')
    return
  }
  // Vite's assets carry a content hash in their names; index.html must always be revalidated.
  const immutable = relative.startsWith('/assets/')
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  })
  if (request.method === 'HEAD') {
    response.end()
    return
  }
  createReadStream(file).on('error', () => response.destroy()).pipe(response)
}

/**
 * The GUI listener's request handler (Kong Manager's convention: the GUI at `/` of
 * `admin_gui_listen`): the static playground build, plus `/api/*` forwarded to the Admin API so the
 * browser talks to one origin (no CORS). Starts nothing itself.
 */
export function createGuiHandler(options: GuiOptions): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://gui')
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      proxyToAdmin(request, response, options.adminUrl, (url.pathname.slice(4) || '/') + url.search)
      return
    }
    serveFile(request, response, options.root, url.pathname).catch(() => response.destroy())
  }
}
