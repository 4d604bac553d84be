/**
 * The part of Kong that answers a failure, which decides how the body's format is chosen
 * (proxy/error-response.ts): `kong` is the runloop calling kong.response.error
 * (kong/pdk/response.lua), `nginx` is nginx's error_page running kong/error_handlers.lua, `exit`
 * the runloop calling kong.response.exit with a `{ message }` table (always JSON).
 */
export type ErrorSource = 'kong' | 'nginx' | 'exit'

/**
 * Gateway error codes and their HTTP statuses, messages and sources. The status always comes from
 * this table, never from the throw site, so the proxy answers exactly as Kong does for the same failure.
 */
export const GATEWAY_ERRORS = {
  'no-route': { status: 404, message: 'no Route matched with those values', source: 'kong' },
  'no-service': { status: 503, message: 'no Service found with those values', source: 'kong' },
  'https-required': { status: 426, message: 'Please use HTTPS protocol', source: 'kong' },
  // The service's host does not resolve: the balancer fails before proxying
  // (kong/runloop/balancer `execute`), and the access phase exits with its status and message.
  'name-resolution-failed': { status: 503, message: 'name resolution failed', source: 'exit' },
  // nginx refuses a malformed request itself; a failed or timed-out proxy_pass is nginx's too.
  'bad-request': { status: 400, message: 'Bad request', source: 'nginx' },
  // nginx refuses TRACE once it has read the request head (ngx_http_process_request_header).
  'method-not-allowed': { status: 405, message: 'Method not allowed', source: 'nginx' },
  // nginx's answers while reading a request body (client_body_timeout, client_max_body_size).
  'request-timeout': { status: 408, message: 'Request timeout', source: 'nginx' },
  'payload-too-large': { status: 413, message: 'Payload too large', source: 'nginx' },
  'upstream-unavailable': { status: 502, message: 'An invalid response was received from the upstream server', source: 'nginx' },
  'upstream-timeout': { status: 504, message: 'The upstream server is timing out', source: 'nginx' },
  'internal': { status: 500, message: 'An unexpected error occurred', source: 'nginx' },
} as const satisfies Record<string, { status: number; message: string; source: ErrorSource }>

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
