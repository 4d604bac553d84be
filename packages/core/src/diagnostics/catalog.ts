/**
 * What a caller branches on: the four error kinds of Kong's route validation, as used by the
 * conformance cases. `syntax` is anything the parser rejects (including bad regexes and literals).
 */
export type DiagnosticKind = 'syntax' | 'unknown-field' | 'type' | 'validation'

/**
 * Every diagnostic code and its kind. Codes are stable: never renamed, never reused.
 * The message is written at the place that detects the problem; the code says what went wrong.
 */
export const catalog = {
  // lexical and grammar
  'unexpected-character': 'syntax',
  'unexpected-token': 'syntax',
  'unexpected-end': 'syntax',
  'expected-term': 'syntax',
  'expected-operator': 'syntax',
  'expected-value': 'syntax',
  'unclosed-paren': 'syntax',
  'empty-parens': 'syntax',
  'not-without-parens': 'syntax',
  'unterminated-string': 'syntax',
  'invalid-escape': 'syntax',
  'invalid-raw-string': 'syntax',
  'invalid-int': 'syntax',
  'int-out-of-range': 'syntax',
  'invalid-ip': 'syntax',
  'invalid-cidr': 'syntax',
  'cidr-host-bits': 'syntax',
  'invalid-not-in': 'syntax',
  'unknown-transformation': 'syntax',
  'invalid-regex': 'syntax',
  'unsupported-regex': 'syntax',
  'regex-needs-string': 'syntax',
  'invalid-set': 'syntax',
  'limit-exceeded': 'syntax',
  'empty-set': 'syntax',
  // schema and types
  'unknown-field': 'unknown-field',
  'operator-type-mismatch': 'type',
  'lower-needs-string': 'type',
  // route validation (Kong's entity checks)
  'invalid-priority': 'validation',
  'illformed-segments-field': 'validation',
  // advisories
  'mixed-and-or': 'syntax',
} as const satisfies Record<string, DiagnosticKind>

/** A stable identifier for one kind of problem, e.g. `unknown-field`. */
export type DiagnosticCode = keyof typeof catalog
