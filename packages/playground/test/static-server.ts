// A static file server for the built GUI in tests and the screenshot script, with an optional proxy
// of `/api/*` to an Admin API (what the gateway's GUI listener does).
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

/** A running server and its base URL (`http://127.0.0.1:PORT/`). */
export interface StaticServer {
  readonly url: string
  close(): Promise<void>
}

/** Serves `root` on 127.0.0.1 (port 0); `/api/*` goes to `adminUrl` when given. */
export async function serveStatic(root: string, adminUrl?: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gui')
    if (adminUrl !== undefined && (url.pathname === '/api' || url.pathname.startsWith('/api/'))) {
      const target = new URL(url.pathname.slice(4) + url.search, adminUrl)
      const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.writeHead(502).end())
      req.pipe(upstream)
      return
    }
    const path = normalize(join(root, decodeURIComponent(url.pathname)))
    if (!path.startsWith(normalize(root))) return void res.writeHead(403).end()
    stat(path)
      .then((info) => (info.isDirectory() ? join(path, 'index.html') : path))
      .then((file) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
        createReadStream(file).on('error', () => res.end()).pipe(res)
      })
      .catch(() => res.writeHead(404).end('not found'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
