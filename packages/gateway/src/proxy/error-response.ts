import type { ErrorSource } from '../errors.ts'

// The body format of the proxy's own error responses, chosen as Kong 3.x chooses it: by the
// request's Accept header through get_response_type and get_mime_type (kong/tools/http.lua), in
// one of three ways depending on which part of Kong answers (see ErrorSource):
//   - kong.response.error (kong/pdk/response.lua): every Accept header, JSON when there is none;
//   - the nginx error page (kong/error_handlers.lua): the first Accept header, else the first
//     Content-Type header, else the error_default_type setting (Kong's default, text/plain);
//   - kong.response.exit with a `{ message }` table: JSON whatever the request asks for.

/** The Content-Type of each body format. */
export const ERROR_TYPES = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  plain: 'text/plain; charset=utf-8',
} as const
const { json: JSON_TYPE, html: HTML_TYPE, xml: XML_TYPE, plain: PLAIN_TYPE } = ERROR_TYPES
/** What Kong's MIME_TYPES give for `application/grpc`: no Content-Type, and an empty body. */
const GRPC_TYPE = ''

/** The values of Kong's `error_default_type` setting (kong/conf_loader), and its default (kong_defaults.lua). */
export const ERROR_DEFAULT_TYPES = ['text/plain', 'application/json', 'application/xml', 'text/html'] as const
export type ErrorDefaultType = (typeof ERROR_DEFAULT_TYPES)[number]
const ERROR_DEFAULT_TYPE: ErrorDefaultType = 'text/plain'

/**
 * kong/tools/http.lua MIME_TYPES: a media type, or the type of a `type/*` range, to the response's
 * Content-Type. Case-sensitive, as Kong's table lookup is. A Map, so that `constructor/*` finds nothing.
 */
const MIME_TYPES: ReadonlyMap<string, string> = new Map([
  ['application/grpc', GRPC_TYPE],
  ['text/html', HTML_TYPE],
  ['application/json', JSON_TYPE],
  ['text/plain', PLAIN_TYPE],
  ['application/xml', XML_TYPE],
  ['application', JSON_TYPE],
  ['text', PLAIN_TYPE],
])

/**
 * Kong's ERROR_TEMPLATES (kong/tools/http.lua), by Content-Type, byte for byte except JSON, which
 * stays this gateway's compact `{"message":…,"request_id":…}` (Kong pretty-prints the same two
 * fields). The messages are the gateway's own fixed texts, so nothing needs escaping, and Kong's
 * string.format escapes nothing either.
 */
const TEMPLATES: ReadonlyMap<string, (message: string, requestId: string) => string> = new Map([
  [JSON_TYPE, (message: string, requestId: string) => JSON.stringify({ message, request_id: requestId })],
  [HTML_TYPE, (message: string, requestId: string) => `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>${message}.</p>\n    <p>request_id: ${requestId}</p>\n  </body>\n</html>\n`],
  [XML_TYPE, (message: string, requestId: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${message}</message>\n  <requestid>${requestId}</requestid>\n</error>\n`],
  [PLAIN_TYPE, (message: string, requestId: string) => `${message}\nrequest_id: ${requestId}\n`],
  [GRPC_TYPE, () => ''],
])

/** kong/pdk/response.lua HTTP_TO_GRPC_STATUS. */
const GRPC_STATUS: ReadonlyMap<number, number> = new Map([
  [200, 0], [400, 3], [401, 16], [403, 7], [404, 5], [409, 6], [429, 8], [499, 1], [500, 13], [501, 12], [503, 14], [504, 4],
])

/** kong/pdk/response.lua GRPC_MESSAGES, by gRPC status. */
const GRPC_MESSAGES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated']

// get_response_type's pattern, taken apart (PCRE, flags `ajoxi`: anchored at the start only,
// whitespace in the pattern ignored, case-insensitive). The parameters are matched one at a time
// because PCRE keeps the q captured in an earlier repetition of the group (`text/html;q=0.5;level=1`
// has q 0.5) where a JavaScript regex would forget it.
const SPACE = '[\\t\\n\\v\\f\\r ]*'
const TOKEN = '[a-z0-9][a-z0-9\\-!#$&^_+.]+'
const MEDIA_RANGE = new RegExp(`^(?:${TOKEN}|\\*)/(?:${TOKEN}|\\*)`, 'i')
const QUALITY = new RegExp(`^${SPACE};${SPACE}q=(1(?:\\.0{0,3})?|0(?:\\.[0-9]{0,3})?)`, 'i')
const PARAMETER = new RegExp(`^${SPACE};${SPACE}${TOKEN}(?:=[^;]*)?`, 'i')
/** Lua's `%s`, which kong.tools.string.strip removes at both ends. */
const EDGE_SPACE = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g

/** What an error response's format depends on in the request. */
export interface ErrorRequest {
  /** The values of the Accept header fields, in order; empty when there is none. */
  readonly accept: readonly string[]
  /** The value of the first Content-Type header field. */
  readonly contentType: string | undefined
  /** Kong's is_grpc_request: HTTP/2 with a Content-Type starting `application/grpc`. */
  readonly grpc: boolean
}

/**
 * A request whose header fields nginx had not read when it refused it (a malformed request line,
 * Host field or head): its error page is formatted as for a request without Accept.
 */
export const UNREAD_REQUEST: ErrorRequest = { accept: [], contentType: undefined, grpc: false }

/** The fields of a request head (Node's `rawHeaders`: name, value, name, value, …) that an error's format depends on. */
export function errorRequest(rawHeaders: readonly string[], httpVersionMajor: number): ErrorRequest {
  const accept: string[] = []
  let contentType: string | undefined
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase()
    if (name === 'accept') accept.push(rawHeaders[i + 1] as string)
    else if (name === 'content-type') contentType ??= rawHeaders[i + 1] as string
  }
  return { accept, contentType, grpc: httpVersionMajor === 2 && contentType?.startsWith('application/grpc') === true }
}

/** An error response as Kong sends it. */
export interface ErrorResponse {
  /** The Content-Type header, or undefined when Kong sends none. */
  readonly contentType: string | undefined
  readonly body: string
  /** Further header fields, a flat name/value list: gRPC's status and message. */
  readonly headers: readonly string[]
}

/**
 * Kong's get_response_type: the Content-Type of an error answering `accept` (an Accept header
 * value, or several joined by commas). Among the media ranges Kong's pattern accepts, the first
 * with the highest q (1 when absent or unreadable, never 0) decides; an unknown type, even one with
 * the highest q, gives JSON, a `type/*` range the type's format and the range of all types JSON.
 * No Accept, or none usable, gives JSON. `application/grpc` gives the empty string: no Content-Type.
 */
export function responseType(accept: string | undefined): string {
  let type: string = JSON_TYPE
  if (accept === undefined) return type
  let best = 0
  for (const entry of accept.split(',')) {
    const range = mediaRange(entry.replace(EDGE_SPACE, ''))
    if (range !== undefined && range.quality > best) {
      best = range.quality
      type = mimeType(range.mediaType)
    }
  }
  return type
}

/** One entry of an Accept header as get_response_type's pattern reads it, or undefined when the pattern does not match. */
function mediaRange(entry: string): { mediaType: string; quality: number } | undefined {
  const range = MEDIA_RANGE.exec(entry)
  if (range === null) return undefined
  let rest = entry.slice(range[0].length)
  let quality: string | undefined
  for (;;) {
    const q = QUALITY.exec(rest)
    const step = q ?? PARAMETER.exec(rest)
    if (step === null) break
    if (q !== null) quality = q[1]
    rest = rest.slice(step[0].length)
  }
  // Lua's tonumber reads `1.` and `0.` as Number does.
  return { mediaType: range[0], quality: quality === undefined ? 1 : Number(quality) }
}

/** Kong's get_mime_type with its default on: an unknown media type gives JSON. */
function mimeType(mediaType: string): string {
  const slash = mediaType.indexOf('/')
  const type = mediaType.slice(0, slash)
  if (mediaType.slice(slash + 1) !== '*') return MIME_TYPES.get(mediaType) ?? JSON_TYPE
  return type === '*' ? JSON_TYPE : (MIME_TYPES.get(type) ?? JSON_TYPE)
}

/** Kong's mapping of an HTTP status to a gRPC status (kong/pdk/response.lua `send`). */
function grpcStatus(status: number): number {
  const known = GRPC_STATUS.get(status)
  if (known !== undefined) return known
  if (status >= 500 && status <= 599) return 13
  if (status >= 400 && status <= 499) return 3
  if (status >= 200 && status <= 299) return 0
  return 2
}

/** The body of Content-Type `type` (one of MIME_TYPES' values). */
function rendered(type: string, message: string, requestId: string): ErrorResponse {
  const template = TEMPLATES.get(type) as (message: string, requestId: string) => string
  return { contentType: type === GRPC_TYPE ? undefined : type, body: template(message, requestId), headers: [] }
}

/**
 * The response Kong sends for an error of `status` with `message`, answered by `source`, to a
 * request with these fields. gRPC answers (a body-less response with grpc-status and grpc-message)
 * need an HTTP/2 request, which the listeners do not speak yet.
 */
export function errorResponse(source: ErrorSource, status: number, message: string, requestId: string, request: ErrorRequest, defaultType: ErrorDefaultType = ERROR_DEFAULT_TYPE): ErrorResponse {
  if (source === 'kong') {
    // kong.response.error: gRPC gets the status's gRPC name, not the message.
    if (request.grpc) {
      const code = grpcStatus(status)
      return { contentType: 'application/grpc', body: '', headers: ['grpc-status', String(code), 'grpc-message', GRPC_MESSAGES[code] as string] }
    }
    return rendered(responseType(request.accept.length === 0 ? undefined : request.accept.join(',')), message, requestId)
  }
  if (source === 'exit') return exitResponse(status, message, request)
  // kong/error_handlers.lua: `find(accept, "application/grpc") == 1` is tested on the raw value
  // first, and hands kong.response.exit a table.
  const accept = request.accept[0] ?? request.contentType ?? defaultType
  if (accept.startsWith('application/grpc')) return exitResponse(status, message, request)
  return rendered(responseType(accept), message, requestId)
}

/**
 * kong.response.exit with a `{ message }` table: sent as gRPC to a gRPC request, else encoded with
 * cjson (no request id; cjson writes `/` as `\/`).
 */
function exitResponse(status: number, message: string, request: ErrorRequest): ErrorResponse {
  if (request.grpc) return { contentType: undefined, body: '', headers: ['grpc-status', String(grpcStatus(status)), 'grpc-message', message] }
  return { contentType: JSON_TYPE, body: JSON.stringify({ message }).replaceAll('/', '\\/'), headers: [] }
}
