import type { Socket } from 'node:net'

/** What a reader of a connection's first bytes makes of them so far. */
export type LeadingRead<T> =
  | { readonly kind: 'more' }
  | { readonly kind: 'broken'; readonly reason: string }
  /** Decided: `consumed` bytes are taken (the rest goes back to the socket), and what they said. */
  | { readonly kind: 'done'; readonly consumed: number; readonly value: T }

/** Why a connection's first bytes were not read: too slow, ended or failed first, or `broken`. */
export type LeadingFailure = { readonly kind: 'timeout' | 'ended' | 'failed' } | { readonly kind: 'broken'; readonly reason: string }

/**
 * Reads a connection's first bytes until `read` decides on them (a PROXY protocol header, a TLS
 * ClientHello), then pauses the connection, puts back the bytes `read` did not consume for whoever
 * reads it next, and calls `accept`. A connection whose bytes are broken, that sends too few within
 * `timeoutMs`, or that ends or fails after sending some, is destroyed and `refuse` says why; one
 * that closes before sending a byte (a load balancer's TCP health check), or that is destroyed
 * elsewhere (the gateway stopping), is let go without a word.
 */
export function readLeadingBytes<T>(socket: Socket, read: (bytes: Buffer) => LeadingRead<T>, timeoutMs: number, accept: (value: T) => void, refuse: (failure: LeadingFailure) => void): void {
  let buffered: Buffer = Buffer.alloc(0)
  const timer = setTimeout(() => fail({ kind: 'timeout' }), timeoutMs)
  const done = (): void => {
    clearTimeout(timer)
    socket.off('data', onData)
    socket.off('error', onError)
    socket.off('end', onEnd)
    socket.off('close', done)
  }
  const fail = (failure: LeadingFailure): void => {
    done()
    socket.destroy()
    if (buffered.length > 0 || failure.kind === 'timeout') refuse(failure)
  }
  const onData = (chunk: Buffer): void => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
    const decided = read(buffered)
    if (decided.kind === 'more') return
    if (decided.kind === 'broken') return fail(decided)
    done()
    socket.pause()
    if (decided.consumed < buffered.length) socket.unshift(buffered.subarray(decided.consumed))
    accept(decided.value)
  }
  const onError = (): void => fail({ kind: 'failed' })
  const onEnd = (): void => fail({ kind: 'ended' })
  socket.on('data', onData)
  socket.on('error', onError)
  socket.on('end', onEnd)
  socket.once('close', done)
  // A socket read before (its PROXY protocol header) was left paused.
  socket.resume()
}
