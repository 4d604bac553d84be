/**
 * Kong's connect_timeout (nginx's proxy_connect_timeout: the TCP connection and, for HTTPS
 * services, the TLS handshake) to the millisecond. undici's own connect timeout runs on its
 * one-second clock and fired up to a second late; this wraps undici's connector with a Node
 * timer per new connection (connections are pooled, so not per request) and turns it off there.
 */
import type { Socket } from 'node:net'
import { buildConnector } from 'undici'

/** undici's connector for `options` with the connect timeout kept by a Node timer. */
export function timedConnector(options: buildConnector.BuildOptions, timeoutMs: number): buildConnector.connector {
  const base = buildConnector({ ...options, timeout: 0 }) as unknown as (opts: buildConnector.Options, callback: buildConnector.Callback) => Socket | undefined
  return (opts, callback) => {
    let settled = false
    const socket = base(opts, (error, connected) => {
      if (settled) return void connected?.destroy()
      settled = true
      clearTimeout(timer)
      if (error !== null) callback(error, null)
      else callback(null, connected as Socket)
    })
    const timer = setTimeout(() => {
      if (settled) return
      settled = true
      socket?.destroy()
      // undici's code for the same failure, so that retries and the 504 follow the usual rules.
      callback(Object.assign(new Error(`connect timeout after ${timeoutMs} ms (connect_timeout) to ${opts.hostname}:${opts.port}`), { code: 'UND_ERR_CONNECT_TIMEOUT' }), null)
    }, timeoutMs)
  }
}
