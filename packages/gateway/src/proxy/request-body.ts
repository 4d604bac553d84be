import { randomUUID } from 'node:crypto'
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { GatewayError } from '../errors.ts'

/** How request bodies are read before they go upstream (nginx's client_* directives, as Kong sets them). */
export interface BodyLimits {
  /** `client_max_body_size`: the most bytes a request body may have (413 beyond); 0 for no limit. */
  readonly maxSize: number
  /** `client_body_buffer_size`: bytes of a buffered body kept in memory; a longer body goes to a temporary file. */
  readonly bufferSize: number
  /** Where temporary files go (nginx's `client_body_temp_path`); made on first use. */
  readonly tempDir: string
  /** `client_body_timeout`: the longest wait, in ms, for the next part of the body (408 after it). */
  readonly timeoutMs: number
}

/** nginx's default `client_body_timeout`, which Kong keeps: 60 s between two reads of the body. */
export const CLIENT_BODY_TIMEOUT_MS = 60_000

/** A request body read in full: replayed from its start for every attempt upstream. */
export interface BufferedBody {
  readonly length: number
  /** The body from its first byte; each call starts a new reading. */
  chunks(): AsyncIterable<Buffer>
  /** Frees the memory or closes the temporary file; the body is unreadable afterwards. */
  release(): void
}

/** Whether a request carries a body: a non-zero Content-Length, or any Transfer-Encoding. */
export function hasRequestBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length']
  return length !== undefined ? length !== '0' : request.headers['transfer-encoding'] !== undefined
}

/**
 * The 413 nginx answers before reading a body whose Content-Length is over `client_max_body_size`
 * (it answers the same once a chunked body grows past it), or undefined.
 */
export function declaredTooLarge(request: IncomingMessage, limits: BodyLimits): GatewayError | undefined {
  const declared = request.headers['content-length']
  if (limits.maxSize === 0 || declared === undefined || Number(declared) <= limits.maxSize) return undefined
  return tooLarge(limits, `Content-Length ${declared}`)
}

function tooLarge(limits: BodyLimits, what: string): GatewayError {
  return new GatewayError('payload-too-large', `${what} is over client_max_body_size (${limits.maxSize} bytes)`)
}

/** A body held in memory: one Buffer. */
class MemoryBody implements BufferedBody {
  #data: Buffer | undefined
  constructor(data: Buffer) {
    this.#data = data
  }

  get length(): number {
    return this.#data?.length ?? 0
  }

  async *chunks(): AsyncGenerator<Buffer, void, undefined> {
    const data = this.#data
    if (data === undefined) throw new Error('the request body was released')
    if (data.length > 0) yield data
  }

  release(): void {
    this.#data = undefined
  }
}

/** Bytes read from a temporary file per chunk sent upstream. */
const FILE_CHUNK = 64 * 1024

/**
 * A body in a temporary file. The file is unlinked as soon as it is open, so nothing is left on
 * disk whatever happens to the process; each attempt reads it from offset 0 through the handle.
 * A FileHandle's close waits for reads under way, so releasing while an abandoned attempt still
 * has one pending cannot close a descriptor number that another file then reuses.
 */
class FileBody implements BufferedBody {
  #released = false
  constructor(
    readonly handle: FileHandle,
    readonly length: number,
  ) {}

  async *chunks(): AsyncGenerator<Buffer, void, undefined> {
    for (let at = 0; at < this.length; ) {
      if (this.#released) throw new Error('the request body was released')
      const size = Math.min(FILE_CHUNK, this.length - at)
      const { bytesRead, buffer } = await this.handle.read(Buffer.allocUnsafe(size), 0, size, at)
      if (bytesRead === 0) throw new Error('the temporary file of the request body ended early')
      at += bytesRead
      yield bytesRead === size ? buffer : buffer.subarray(0, bytesRead)
    }
  }

  release(): void {
    if (this.#released) return
    this.#released = true
    closeQuietly(this.handle)
  }
}

/** Closes a temporary file; a failure to close an unlinked file loses nothing worth reporting. */
function closeQuietly(handle: FileHandle): void {
  handle.close().catch(() => {})
}

/** Opens a new temporary file for a body and unlinks it at once (see FileBody). */
async function openTempFile(dir: string): Promise<FileHandle> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, `body-${randomUUID()}`)
  const handle = await open(path, 'w+', 0o600)
  try {
    await unlink(path)
  } catch (error) {
    closeQuietly(handle)
    throw error
  }
  return handle
}

/** How reading a body ended: with the body, with one of nginx's answers, or with the client gone (no answer). */
export type BodyOutcome = { readonly kind: 'read'; readonly body: BufferedBody } | { readonly kind: 'refused'; readonly error: GatewayError } | { readonly kind: 'client-gone' }

/**
 * Reads a request's whole body before anything goes upstream, as nginx does with
 * `proxy_request_buffering on` (Kong's `request_buffering`, on by default): in memory up to
 * `bufferSize` bytes, in a temporary file beyond. A body over `maxSize` is refused with 413
 * (Kong's "Payload too large"), a client silent for `timeoutMs` with 408; the client leaving ends
 * the read without an answer. `done` is called exactly once.
 */
export function readRequestBody(request: IncomingMessage, limits: BodyLimits, done: (outcome: BodyOutcome) => void): void {
  const declared = declaredTooLarge(request, limits)
  if (declared !== undefined) return done({ kind: 'refused', error: declared })
  // In memory until the body outgrows bufferSize; then, once the file is open, on disk.
  let held: Buffer[] = []
  let length = 0
  let file: FileHandle | undefined
  // Where the next chunk goes in the file, and whether writes (or the opening) are under way.
  let written = 0
  let pending: Promise<unknown> = Promise.resolve()
  let busy = 0
  let ended = false
  let settled = false
  let timer: NodeJS.Timeout | undefined

  const settle = (outcome: BodyOutcome): void => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    request.off('data', onData)
    request.off('end', onEnd)
    request.off('close', onClose)
    request.off('error', onClose)
    if (outcome.kind !== 'read' && file !== undefined) closeQuietly(file)
    held = []
    done(outcome)
  }
  const diskFailure = (error: unknown): void => settle({ kind: 'refused', error: new GatewayError('internal', `could not buffer the request body in ${limits.tempDir}: ${(error as Error).message}`) })
  const finishWhenWritten = (): void => {
    if (!ended || busy > 0) return
    settle({ kind: 'read', body: file === undefined ? new MemoryBody(held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held, length)) : new FileBody(file, length) })
  }
  const armTimer = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => settle({ kind: 'refused', error: new GatewayError('request-timeout', `the client sent no more of the request body within ${limits.timeoutMs} ms (client_body_timeout)`) }), limits.timeoutMs)
  }
  /** Runs disk work in order, with the client paused meanwhile (backpressure as nginx applies it). */
  const onDisk = (work: () => Promise<unknown>): void => {
    busy++
    request.pause()
    pending = pending.then(work).then(
      () => {
        if (--busy > 0 || settled) return
        if (!ended) request.resume()
        finishWhenWritten()
      },
      (error: unknown) => {
        busy--
        diskFailure(error)
      },
    )
  }
  const writeChunks = (chunks: readonly Buffer[]): void =>
    onDisk(async () => {
      for (const chunk of chunks) {
        if (settled) return
        const at = written
        written += chunk.length
        await (file as FileHandle).write(chunk, 0, chunk.length, at)
      }
    })
  const onData = (chunk: Buffer): void => {
    length += chunk.length
    if (limits.maxSize > 0 && length > limits.maxSize) return settle({ kind: 'refused', error: tooLarge(limits, 'the request body') })
    armTimer()
    if (file !== undefined || busy > 0) return writeChunks([chunk])
    held.push(chunk)
    if (length <= limits.bufferSize) return
    const first = held
    held = []
    onDisk(async () => {
      const opened = await openTempFile(limits.tempDir)
      if (settled) return closeQuietly(opened)
      file = opened
    })
    writeChunks(first)
  }
  const onEnd = (): void => {
    ended = true
    clearTimeout(timer)
    finishWhenWritten()
  }
  // The client left before the body was read to its end (also after sending all of it, while the
  // reading was paused for the disk): nothing goes upstream and nobody is answered.
  const onClose = (): void => {
    if (!ended) settle({ kind: 'client-gone' })
  }
  request.on('data', onData)
  request.on('end', onEnd)
  request.on('close', onClose)
  request.on('error', onClose)
  armTimer()
}
