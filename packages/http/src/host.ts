/** A Host value split as Kong's router splits it. */
export interface HostParts {
  /** The host without the port, or the whole value when there was no numeric port. */
  readonly host: string
  /** The port after the first `:`, when that text is a number; an Int value. */
  readonly port: number | undefined
}

/**
 * Splits a Host header value at its **first** `:` when the rest is a number (spec §7.6): the number
 * becomes the request port and is removed with the `:`; otherwise the whole value is kept. So
 * `example.com:8000` → (`example.com`, 8000), `example.com:x` and `example.com:` → unchanged, and
 * `[::1]:8000` → unchanged (its first `:` is inside the brackets). Case is preserved. A number means
 * ASCII digits; ports above 2^53 − 1 are removed from the host but give no port value.
 */
export function splitHost(value: string): HostParts {
  const colon = value.indexOf(':')
  if (colon < 0) return { host: value, port: undefined }
  const digits = value.length - colon - 1
  if (digits === 0) return { host: value, port: undefined }
  let port = 0
  for (let i = colon + 1; i < value.length; i++) {
    const digit = value.charCodeAt(i) - 0x30
    if (digit < 0 || digit > 9) return { host: value, port: undefined }
    port = port * 10 + digit
  }
  return { host: value.slice(0, colon), port: Number.isSafeInteger(port) ? port : undefined }
}
