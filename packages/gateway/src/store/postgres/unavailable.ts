/**
 * The database cannot be reached (or did not answer in time). The Admin API answers 503 for it, so
 * clients see "try again later" instead of a hung request or an opaque 500.
 */
export class DatabaseUnavailableError extends Error {
  /** The HTTP status the Admin API answers with. */
  readonly status = 503

  /**
   * Creates the error; `detail` says what failed (it never contains credentials). `reason`:
   * `connection` (lost or refused: a retry on a new connection may work at once), `timeout` (no
   * answer in time: the database may be unreachable), `busy` (lock or statement timeout).
   */
  constructor(
    readonly detail: string,
    readonly reason: 'connection' | 'timeout' | 'busy' = 'connection',
  ) {
    super(`database unavailable: ${detail}`)
    this.name = 'DatabaseUnavailableError'
  }
}
