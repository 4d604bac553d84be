// The floor for any Node proxy on this machine: Node's HTTP server plus an undici keep-alive pool,
// forwarding every request to one upstream with no routing, header rewriting or logging.
// `node bench/bare-proxy.mjs LISTEN_PORT UPSTREAM_PORT`; bench/proxy.ts runs it beside the gateway.
import { createServer } from 'node:http'
import { Pool } from 'undici'

const [listenPort, upstreamPort] = process.argv.slice(2).map(Number)
const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { pipelining: 1, keepAliveTimeout: 60_000 })

createServer((request, response) => {
  pool.dispatch(
    { path: request.url, method: request.method, headers: ['host', request.headers.host ?? ''], body: null },
    {
      onConnect() {},
      onError() {
        response.destroy()
      },
      onHeaders(status, raw) {
        const headers = []
        for (let i = 0; i < raw.length; i += 2) {
          const name = raw[i].toString('latin1')
          if (name.toLowerCase() !== 'connection' && name.toLowerCase() !== 'keep-alive') headers.push(name, raw[i + 1].toString('latin1'))
        }
        response.writeHead(status, headers)
        return true
      },
      onData(chunk) {
        return response.write(chunk)
      },
      onComplete() {
        response.end()
      },
    },
  )
}).listen(listenPort, '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
