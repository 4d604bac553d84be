import type { Server } from 'node:http'
import type { AddressInfo, Server as NetServer } from 'node:net'
import type { ListenAddress } from './config.ts'

/**
 * Starts a server on an address; resolves with the bound address (port 0 → the real port). A
 * failure names the setting the address came from (`setting`, e.g. `proxy_listen`) and what to do.
 */
export function listen(server: NetServer, address: ListenAddress, setting: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(listenError(error, address, setting))
    server.once('error', onError)
    server.listen({ host: address.host, port: address.port, backlog: 16384 }, () => {
      server.off('error', onError)
      resolve(server.address() as AddressInfo)
    })
  })
}

/** The error of a listener that could not start, naming the setting and the address. */
function listenError(error: NodeJS.ErrnoException, address: ListenAddress, setting: string): Error {
  const where = `${setting} ${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`
  if (error.code === 'EADDRINUSE') return new Error(`${where}: the address is already in use (another process listens there; stop it or choose another port)`, { cause: error })
  if (error.code === 'EACCES') return new Error(`${where}: permission denied (ports below 1024 need privileges; choose a higher port)`, { cause: error })
  if (error.code === 'EADDRNOTAVAIL') return new Error(`${where}: no interface of this machine has that address`, { cause: error })
  return new Error(`${where}: ${error.message}`, { cause: error })
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
