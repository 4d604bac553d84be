import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ListenAddress } from './config.ts'

/** Starts a server on an address; resolves with the bound address (port 0 → the real port). */
export function listen(server: Server, address: ListenAddress): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: address.host, port: address.port, backlog: 16384 }, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

/**
 * Stops accepting, lets in-flight requests finish, then closes. Idle keep-alive connections are
 * closed at once; connections still busy after `graceMs` are cut.
 */
export function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    const timer = setTimeout(() => server.closeAllConnections(), graceMs)
    timer.unref()
    // A keep-alive connection becomes idle when its in-flight response ends; close it then.
    const sweep = setInterval(() => server.closeIdleConnections(), 25)
    server.close(() => {
      clearTimeout(timer)
      clearInterval(sweep)
      resolve()
    })
    server.closeIdleConnections()
  })
}
