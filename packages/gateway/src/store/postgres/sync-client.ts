import { createRequire } from 'node:module'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import type { ClientConfig } from 'pg'
import { DatabaseUnavailableError } from './unavailable.ts'

/** One result of a synchronous query. */
export interface SyncResult<R> {
  readonly rows: R[]
  readonly rowCount: number
  /**
   * Which of the worker's connections ran the statement (a new number after every reconnect). A
   * transaction whose statements ran on different connections was split by a lost connection.
   */
  readonly connection: number
}

/** A PostgreSQL error as the worker reports it (`code` is the SQLSTATE, absent for connection failures). */
export class SyncQueryError extends Error {
  /** Creates the error from the worker's report. */
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message)
    this.name = 'SyncQueryError'
  }
}

interface Reply {
  readonly id: number
  readonly rows?: unknown[]
  readonly rowCount?: number
  readonly connection?: number
  readonly error?: { readonly message: string; readonly code?: string }
}

/*
 * The worker is plain JavaScript kept in a string so it loads the same way under tsx, vitest and a
 * bundler: it only runs queries. All logic stays in typed code on the calling thread.
 * It answers through the port, then bumps the shared counter so the caller's Atomics.wait returns.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const pg = require(workerData.pgPath)
const { port, signal, config } = workerData
const counter = new Int32Array(signal)
let client
let connecting
let generation = 0
function answer(reply) {
  port.postMessage(reply)
  Atomics.add(counter, 0, 1)
  Atomics.notify(counter, 0)
}
async function connected() {
  if (client) return client
  if (!connecting) {
    const c = new pg.Client(config)
    c.on('error', () => { if (client === c) client = undefined })
    connecting = c.connect().then(() => { client = c; generation++; return c }, (e) => { c.end().catch(() => {}); throw e }).finally(() => { connecting = undefined })
  }
  return connecting
}
port.on('message', async (m) => {
  if (m.reset) {
    const c = client
    client = undefined
    if (c) c.end().catch(() => {})
    return answer({ id: m.id, rows: [], rowCount: 0 })
  }
  try {
    const c = await connected()
    const connection = generation
    const r = await c.query(m.sql, m.params)
    answer({ id: m.id, rows: r.rows, rowCount: r.rowCount ?? 0, connection })
  } catch (e) {
    // A broken connection is dropped so the next query opens a fresh one.
    if (!e || !e.code || /^(08|57P0|E)/.test(e.code)) { const c = client; client = undefined; if (c) c.end().catch(() => {}) }
    answer({ id: m.id, error: { message: String(e && e.message || e), code: e && e.code } })
  }
})
`

/**
 * A PostgreSQL connection the calling thread uses synchronously: each query is run by a worker
 * thread while the caller blocks on Atomics.wait. The Store interface is synchronous (SQLite is),
 * so Admin API writes block the event loop for the few round trips of one transaction; every
 * wait is bounded by `timeoutMs` so a dead database can never hang the process.
 */
export class SyncPgClient {
  readonly #worker: Worker
  readonly #port: MessagePort
  readonly #counter: Int32Array
  readonly #timeoutMs: number
  #nextId = 1
  #closed = false

  /** Starts the worker; it connects lazily, on the first query. */
  constructor(config: ClientConfig, timeoutMs: number) {
    const { port1, port2 } = new MessageChannel()
    const signal = new SharedArrayBuffer(4)
    this.#counter = new Int32Array(signal)
    this.#port = port1
    this.#timeoutMs = timeoutMs
    const pgPath = createRequire(import.meta.url).resolve('pg')
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, signal, config, pgPath }, transferList: [port2] })
    // The worker must not keep the process alive on its own.
    this.#worker.unref()
    this.#port.unref()
  }

  /** Runs one statement and waits for it; throws SyncQueryError (SQL) or DatabaseUnavailableError (no answer, connection lost). */
  query<R>(sql: string, params: readonly unknown[] = []): SyncResult<R> {
    const reply = this.#call({ sql, params })
    if (reply.error !== undefined) {
      const code = reply.error.code
      // No SQLSTATE, class 08 (connection), 57P0x (shutdown, crash) or a Node socket error (ECONNREFUSED…: no SQLSTATE class starts with E).
      if (code === undefined || /^(08|57P0|E)/.test(code)) throw new DatabaseUnavailableError(reply.error.message, /timeout/i.test(reply.error.message) ? 'timeout' : 'connection')
      // Lock, statement and deadlock timeouts: the database is there but too busy; the client may retry.
      if (code === '55P03' || code === '57014' || code === '40P01' || code === '40001') throw new DatabaseUnavailableError(`database busy: ${reply.error.message}`, 'busy')
      throw new SyncQueryError(reply.error.message, code)
    }
    return { rows: (reply.rows ?? []) as R[], rowCount: reply.rowCount ?? 0, connection: reply.connection ?? 0 }
  }

  /** Drops the worker's connection (rolling back whatever it had open); the next query reconnects. */
  reset(): void {
    try {
      this.#call({ reset: true })
    } catch {
      // A worker that cannot even answer a reset will drop the connection on its next error anyway.
    }
  }

  #call(message: Record<string, unknown>): Reply {
    if (this.#closed) throw new DatabaseUnavailableError('the store is closed')
    const id = this.#nextId++
    const deadline = Date.now() + this.#timeoutMs
    let seen = Atomics.load(this.#counter, 0)
    this.#port.postMessage({ ...message, id })
    for (;;) {
      // Replies to earlier calls that timed out may still arrive first: skip them.
      for (let m = receiveMessageOnPort(this.#port); m !== undefined; m = receiveMessageOnPort(this.#port)) {
        const reply = m.message as Reply
        if (reply.id === id) return reply
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        // The worker is stuck on a dead connection: make it start over so the next call can succeed.
        this.#port.postMessage({ reset: true, id: 0 })
        throw new DatabaseUnavailableError(`no answer from PostgreSQL within ${this.#timeoutMs} ms`, 'timeout')
      }
      Atomics.wait(this.#counter, 0, seen, left)
      seen = Atomics.load(this.#counter, 0)
    }
  }

  /** Stops the worker and its connection. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    void this.#worker.terminate()
    this.#port.close()
  }
}
