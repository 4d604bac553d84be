/**
 * Kong's read_timeout (nginx's proxy_read_timeout) for every in-flight upstream exchange, on one
 * timer. undici's own header and body timeouts tick every half second and fire up to a second
 * late; a Node timer per request costs a few percent of throughput (measured). Here a request
 * costs a Set insertion and removal, a body chunk a field write, and the deadlines are checked
 * every `resolutionMs` while any exchange waits, so a timeout fires at most that much late.
 */

/** An exchange waiting on its upstream. */
export interface ReadWatch {
  /** `performance.now()` time after which the upstream has been silent for too long. */
  readDeadline: number
  /** Set when the upstream sent something (or the client held the body back) since the last check. */
  readActive: boolean
  /** The service's read_timeout, in milliseconds. */
  readonly readTimeoutMs: number
  /** Called once the deadline passed with nothing received. */
  readTimedOut(): void
}

export class ReadDeadlines {
  readonly #watched = new Set<ReadWatch>()
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(readonly resolutionMs = 10) {}

  /** Starts (or restarts) the wait: the upstream has `readTimeoutMs` from now. */
  watch(watch: ReadWatch): void {
    watch.readDeadline = performance.now() + watch.readTimeoutMs
    watch.readActive = false
    this.#watched.add(watch)
    if (this.#timer === undefined) this.#timer = setTimeout(this.#check, this.resolutionMs).unref()
    else if (this.#watched.size === 1) this.#timer.refresh()
  }

  /** Ends the wait (the exchange finished or failed). */
  unwatch(watch: ReadWatch): void {
    this.#watched.delete(watch)
  }

  /** Exchanges being watched. */
  get size(): number {
    return this.#watched.size
  }

  readonly #check = (): void => {
    const now = performance.now()
    for (const watch of this.#watched) {
      if (watch.readActive) {
        watch.readActive = false
        watch.readDeadline = now + watch.readTimeoutMs
      } else if (watch.readDeadline <= now) {
        this.#watched.delete(watch)
        watch.readTimedOut()
      }
    }
    if (this.#watched.size > 0) this.#timer?.refresh()
  }

  /** Stops the timer (the process is shutting down); deadlines still pending never fire. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#watched.clear()
  }
}
