/**
 * Gateway error codes and their HTTP statuses and bodies. The status always comes from this table,
 * never from the throw site, so the proxy answers exactly as Kong does for the same failure.
 */
export const GATEWAY_ERRORS = {
  'no-route': { status: 404, message: 'no Route matched with those values' },
  'no-service': { status: 503, message: 'no Service found with those values' },
  'https-required': { status: 426, message: 'Please use HTTPS protocol' },
  'bad-request': { status: 400, message: 'Bad request' },
  'upstream-unavailable': { status: 502, message: 'An invalid response was received from the upstream server' },
  'upstream-timeout': { status: 504, message: 'The upstream server is timing out' },
  'internal': { status: 500, message: 'An unexpected error occurred' },
} as const satisfies Record<string, { status: number; message: string }>

/** A code from the gateway error table. */
export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS

/** A failure the proxy turns into one of Kong's error responses. */
export class GatewayError extends Error {
  /** The HTTP status for this code, from `GATEWAY_ERRORS`. */
  readonly status: number

  /** Creates the error; `detail` goes to the log, never to the client. */
  constructor(
    readonly code: GatewayErrorCode,
    readonly detail?: string,
  ) {
    super(GATEWAY_ERRORS[code].message)
    this.name = 'GatewayError'
    this.status = GATEWAY_ERRORS[code].status
  }
}

/** The JSON body Kong sends for a proxy-side error (Kong ≥ 3.5 includes the request id). */
export function errorBody(code: GatewayErrorCode, requestId: string): string {
  return JSON.stringify({ message: GATEWAY_ERRORS[code].message, request_id: requestId })
}
