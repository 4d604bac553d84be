/**
 * The WebSocket tunnel once the upstream answered the upgrade: the answer relayed, and the bytes of
 * both directions with nginx's timeouts for an upgraded connection (ngx_http_upstream_process_upgraded).
 */
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { withGatewayHeaders } from './headers.ts'

/** The service's timeouts as an established tunnel applies them, in milliseconds. */
export interface TunnelTimeouts {
  /** read_timeout: the tunnel closes once nothing crossed it, either way, for this long. */
  readonly readMs: number
  /** write_timeout: the tunnel closes once the upstream took none of the bytes sent to it for this long. */
  readonly writeMs: number
}

/** Most bytes of an upstream's answer to an upgrade request read while looking for the end of its head. */
const MAX_ANSWER_HEAD = 64 * 1024
const SWITCHED = /^HTTP\/1\.[01] 101 /
const STATUS = /^HTTP\/1\.[01] (\d{3})/
const CONNECTION_FIELD = /^(?:connection|keep-alive)[ \t]*:/i

/**
 * Relays bytes both ways once the upstream has switched protocols (101), as nginx does: until then
 * nothing the client sent after its request head reaches the upstream. Any other answer is
 * relayed with `Connection: close` instead of its own Connection fields, and nothing more from the
 * client is sent on: else a request sent after a refused upgrade would reach the upstream
 * without being routed. `onAnswer` is called with the answer's status once its head is whole, and
 * gives the gateway's headers to add to it (Via, Server, request id, latencies, as on any answer); `onNoAnswer` when the
 * upstream closes before its head ends or sends more than {@link MAX_ANSWER_HEAD} bytes of head.
 * The tunnel closes on `timeouts` as {@link relay} says.
 */
export function tunnelOnceSwitched(upstream: Socket, client: Duplex, head: Buffer, timeouts: TunnelTimeouts, onAnswer: (status: number) => readonly string[], onNoAnswer: (detail: string) => void): void {
  let received: Buffer = Buffer.alloc(0)
  // Ahead of the listener that closes both sides, so the client gets its 502 first.
  const onEnd = (): void => onNoAnswer('the upstream closed before answering the upgrade')
  upstream.prependOnceListener('end', onEnd)
  const onData = (chunk: Buffer): void => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk])
    const end = received.indexOf('\r\n\r\n')
    if (end < 0 && received.length <= MAX_ANSWER_HEAD) return
    // Paused before the listener goes, so that no byte is emitted to nobody; the relay resumes.
    upstream.pause()
    upstream.off('data', onData)
    upstream.off('end', onEnd)
    if (end < 0) {
      onNoAnswer('answer head too large')
      return void upstream.destroy()
    }
    const answerHead = received.subarray(0, end).toString('latin1')
    const extra = onAnswer(Number(STATUS.exec(answerHead)?.[1] ?? 0))
    if (SWITCHED.test(answerHead)) {
      client.write(`${withGatewayHeaders(answerHead, extra)}\r\n\r\n`, 'latin1')
      client.write(received.subarray(end + 4))
      if (head.length > 0) upstream.write(head)
      return relay(upstream, client, timeouts)
    }
    const lines = answerHead.split('\r\n').filter((line, index) => index === 0 || !CONNECTION_FIELD.test(line))
    client.write(`${withGatewayHeaders(lines.join('\r\n'), extra)}\r\nConnection: close\r\n\r\n`, 'latin1')
    client.write(received.subarray(end + 4))
    upstream.pipe(client)
    // Read and drop: the client's close then ends both sides.
    client.resume()
  }
  upstream.on('data', onData)
}

/**
 * Relays bytes both ways until either side closes (the caller closes both then), with nginx's
 * timeouts for an upgraded connection: it re-arms proxy_read_timeout on every event of the tunnel,
 * from either side, so the tunnel closes once nothing crossed it for `readMs`; and it closes it
 * once the upstream took nothing for `writeMs` (proxy_send_timeout). While the client is not taking
 * what the upstream sent, the idle wait is paused: the upstream is not the one late, and nginx,
 * its buffer full, stops reading and its read timer too.
 */
function relay(upstream: Socket, client: Duplex, timeouts: TunnelTimeouts): void {
  const close = (): void => {
    upstream.destroy()
    client.destroy()
  }
  let clientBlocked = false
  // The drain restarts the wait that fired while the client was not taking bytes.
  const idle = setTimeout(() => {
    if (!clientBlocked) close()
  }, timeouts.readMs)
  let upstreamBlocked: NodeJS.Timeout | undefined
  upstream.on('data', (chunk: Buffer) => {
    idle.refresh()
    if (client.write(chunk)) return
    clientBlocked = true
    upstream.pause()
    client.once('drain', () => {
      clientBlocked = false
      idle.refresh()
      upstream.resume()
    })
  })
  client.on('data', (chunk: Buffer) => {
    idle.refresh()
    if (upstream.write(chunk)) return
    client.pause()
    upstreamBlocked = setTimeout(close, timeouts.writeMs)
    upstream.once('drain', () => {
      clearTimeout(upstreamBlocked)
      idle.refresh()
      client.resume()
    })
  })
  for (const side of [upstream, client]) {
    side.once('close', () => {
      clearTimeout(idle)
      clearTimeout(upstreamBlocked)
    })
  }
  upstream.resume()
  client.resume()
}
