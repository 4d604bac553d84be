// The ceiling of a proxy written in Node on this machine: raw TCP sockets on both sides, no HTTP
// library. Each client connection gets its own upstream connection; request heads (bodiless
// requests only) are passed through unchanged and responses are framed by Content-Length. It is a
// measuring tool, not a proxy: no routing, no validation, no chunked bodies, no header rewriting.
// `node bench/raw-proxy.mjs LISTEN_PORT UPSTREAM_PORT`; bench/proxy.ts runs it beside the gateway
// to show what Node's HTTP server and undici cost (bench/bare-proxy.mjs) against sockets alone.
import { connect, createServer } from 'node:net'

const [listenPort, upstreamPort] = process.argv.slice(2).map(Number)
const END_OF_HEAD = Buffer.from('\r\n\r\n')
const CONTENT_LENGTH = /\r\ncontent-length: *(\d+)/i

createServer({ noDelay: true }, (client) => {
  const upstream = connect({ port: upstreamPort, host: '127.0.0.1', noDelay: true })
  let request = Buffer.alloc(0)
  let response = Buffer.alloc(0)
  let responseEnd = -1
  client.on('data', (chunk) => {
    request = request.length === 0 ? chunk : Buffer.concat([request, chunk])
    for (let end = request.indexOf(END_OF_HEAD); end >= 0; end = request.indexOf(END_OF_HEAD)) {
      upstream.write(request.subarray(0, end + 4))
      request = request.subarray(end + 4)
    }
  })
  upstream.on('data', (chunk) => {
    response = response.length === 0 ? chunk : Buffer.concat([response, chunk])
    for (;;) {
      if (responseEnd < 0) {
        const end = response.indexOf(END_OF_HEAD)
        if (end < 0) return
        const length = CONTENT_LENGTH.exec(response.latin1Slice(0, end + 2))?.[1]
        responseEnd = end + 4 + Number(length ?? 0)
      }
      if (response.length < responseEnd) return
      client.write(response.subarray(0, responseEnd))
      response = response.subarray(responseEnd)
      responseEnd = -1
    }
  })
  client.on('close', () => upstream.destroy())
  upstream.on('close', () => client.destroy())
  client.on('error', () => {})
  upstream.on('error', () => {})
}).listen(listenPort, '127.0.0.1')
