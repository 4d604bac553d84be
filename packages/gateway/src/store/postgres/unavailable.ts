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

/** True for errors that mean "the database is not there", as opposed to a refused statement. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true
  if (typeof error !== 'object' || error === null) return false
  const code = (error as { code?: unknown }).code
  // Class 08 = connection exceptions; 57P01..3 = admin shutdown / crash / cannot connect now.
  if (typeof code === 'string') return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)
  return /connection|terminat|timeout|ECONN/i.test(String((error as { message?: unknown }).message))
}
