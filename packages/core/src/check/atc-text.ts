/**
 * The error text atc-router gives for an expression, which Kong puts after "Router Expression
 * failed validation: " in its Admin API errors (spec §1.5, §4.2). The engine's own diagnostics say
 * more and point at the problem; this is the one message a Kong client or test expects, computed
 * from the same parse: atc's checker texts for the first failing predicate (depth-first, left
 * before right), and for a syntax error pest's layout with atc's custom message where it has one
 * (address and CIDR errors, integer overflow, regexes, transformation names). Pest's lists of
 * expected grammar rules are approximated: the spec does not require their wording.
 */
import type { DiagnosticCode } from '../diagnostics/catalog.ts'
import type { Diagnostic } from '../diagnostics/diagnostic.ts'
import { lineColumn, span, type Span } from '../diagnostics/span.ts'
import type { Schema } from '../schema/schema.ts'
import type { Expr, Predicate } from '../syntax/ast.ts'
import { parse, parseDetailed } from '../syntax/parser.ts'
import type { Token } from '../syntax/token.ts'
import { parseIpAddr } from '../values/ip.ts'
import { compileRegex } from '../values/regex/index.ts'
import { literalType } from './checker.ts'

/** atc-router's text for the first problem of `source` against `schema`, or undefined when it has none. */
export function atcErrorText(source: string, schema: Schema): string | undefined {
  const parsed = parse(source)
  if (!parsed.ok) {
    // The text's tokens, read once for every rule below that needs them (only when it failed).
    const tokens = parseDetailed(source).tokens
    // atc runs the grammar over the whole text before it converts any literal, so a grammar error
    // anywhere is reported before a regex, address, integer or transformation error found earlier.
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error')
    // An unclosed parenthesis fails where the text ends, after any mistake inside the group.
    const grammar = errors.filter((d) => !CUSTOM.has(d.code))
    const first = grammar.find((d) => d.code !== 'unclosed-paren') ?? grammar[0] ?? errors[0]
    if (first === undefined) return undefined
    const regex = first.code === 'invalid-regex' || first.code === 'unsupported-regex' ? regexErrorText(source, tokens, first) : undefined
    if (regex !== undefined) return pestText(source, regex.literal, true, regex.text)
    const failure = pestFailure(source, tokens, first)
    if (failure !== undefined) return pestText(source, span(failure.at), false, failure.expected)
    return pestText(source, atcSpan(source, first), CUSTOM.has(first.code), syntaxText(source, first))
  }
  return firstCheckText(parsed.value, schema)
}

/**
 * The span atc reports an error over: an integer's overflow over its digits only (the grammar's
 * `dec_digits`, `oct_digits` or `hex_digits`, without the sign and the `0x`), others as found.
 */
function atcSpan(source: string, d: Diagnostic): Span {
  if (d.code !== 'int-out-of-range') return d.span
  const sign = source[d.span.start] === '-' ? 1 : 0
  const hex = source.startsWith('0x', d.span.start + sign) ? 2 : 0
  return span(d.span.start + sign + hex, d.span.end)
}

/**
 * Where pest fails, and what it expected there, for the grammar errors whose diagnostic points at
 * their cause rather than at that place (checked against atc-router): a group never closed and a
 * string never ended fail at the end of the text, `()` at its `)`, a `-` with no digits after it,
 * `0x` with no hex digits after it, and an integer at the first character that is not its digit.
 */
function pestFailure(source: string, tokens: readonly Token[], d: Diagnostic): { at: number; expected: string } | undefined {
  switch (d.code) {
    case 'unclosed-paren': {
      // Where the group stopped: the first character the parser skipped after it, else the end.
      const skipped = tokens.find((t) => t.kind === 'invalid' && t.span.start > d.span.start)
      if (skipped === undefined) return { at: source.length, expected: 'expected and_op or or_op' }
      return afterLoneZero(source, skipped.span.start) ? { at: skipped.span.start + 1, expected: 'expected hex_digits' } : { at: skipped.span.start, expected: 'expected and_op or or_op' }
    }
    case 'unterminated-string':
      return { at: source.length, expected: source.startsWith('r#"', d.span.start) ? 'expected rawstr_char' : 'expected str_char or str_esc' }
    case 'empty-parens':
      return { at: d.span.end - 1, expected: 'expected term' }
    case 'expected-value':
      return source[d.span.start] === '-' && !/[0-9]/.test(source[d.span.start + 1] ?? '') ? { at: d.span.start + 1, expected: 'expected oct_digits or dec_digits' } : undefined
    case 'unexpected-token':
      return afterLoneZero(source, d.span.start) ? { at: d.span.start + 1, expected: 'expected hex_digits' } : undefined
    case 'invalid-int': {
      // The grammar took the integer up to the character that is not one of its digits (`7.`,
      // `1_000`, `0X1F`, `018` read as octal `01`); what follows a term is expected there.
      const text = source.slice(d.span.start, d.span.end)
      const octal = /^-?0[0-7]+(?=[89])/.exec(text)
      const at = octal !== null ? d.span.start + octal[0].length : d.span.end - 1
      return { at, expected: parenDepthAt(source, tokens, at) > 0 ? 'expected and_op or or_op' : 'expected EOI, and_op, or or_op' }
    }
    default:
      return undefined
  }
}

/** A lone `0` then `x` at `at`: the grammar's `"0x" ~ hex_digits` read furthest, to the end of `0x`. */
function afterLoneZero(source: string, at: number): boolean {
  return source[at] === 'x' && /(?:^|[^0-9A-Za-z_.])-?0$/.test(source.slice(0, at))
}

/** How many parentheses are open at `at` (from the parser's tokens, so parentheses in strings do not count). */
function parenDepthAt(source: string, tokens: readonly Token[], at: number): number {
  let depth = 0
  for (const token of tokens) {
    if (token.span.start >= at) break
    if (token.kind === 'paren') depth += source[token.span.start] === '(' ? 1 : -1
  }
  return depth
}

/**
 * A regex error as atc gives it: over the whole string literal (pest's span of the rhs), with the
 * regex crate's own text: `regex parse error:`, the pattern indented by four spaces, carets under
 * the problem, then `error: ` and what is wrong (the crate's `Formatter`); a pattern over the size
 * limit has the crate's one-line text instead.
 */
function regexErrorText(source: string, tokens: readonly Token[], d: Diagnostic): { literal: Span; text: string } | undefined {
  const token = tokens.find((t) => (t.kind === 'string' || t.kind === 'raw-string') && t.span.start <= d.span.start && d.span.start < t.span.end)
  if (token === undefined) return undefined
  // The literal's value, decoded by the parser itself from the literal's text.
  const decoded = parse(`a == ${source.slice(token.span.start, token.span.end)}`)
  const pattern = decoded.ok && decoded.value.kind === 'Predicate' && decoded.value.value.kind === 'String' ? decoded.value.value.value : undefined
  if (pattern === undefined) return undefined
  const compiled = compileRegex(pattern)
  if (compiled.ok) return undefined
  const { error } = compiled
  const tooBig = /exceeds size limit of (\d+) bytes/i.exec(error.message)
  if (tooBig !== null) return { literal: token.span, text: `Compiled regex exceeds size limit of ${tooBig[1]} bytes.` }
  return { literal: token.span, text: `regex parse error:\n${notated(pattern, error.start, error.end)}error: ${error.message}` }
}

/**
 * The regex crate's notation of a pattern: each line after four spaces (or its number when the
 * pattern has several lines, between lines of `~`), and under the line of the error `^` from its
 * first character to its last (one at least); columns count characters, not UTF-16 units.
 */
function notated(pattern: string, start: number, end: number): string {
  const lines = pattern.split('\n')
  const many = lines.length > 1
  const width = String(lines.length).length
  let out = many ? `${'~'.repeat(79)}\n` : ''
  let offset = 0
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    out += `${many ? `${String(i + 1).padStart(width)}: ` : '    '}${line}\n`
    const lineEnd = offset + line.length
    if (start >= offset && start <= lineEnd) {
      const column = [...line.slice(0, start - offset)].length
      const carets = Math.max(1, [...pattern.slice(start, Math.min(end, lineEnd))].length)
      out += `${' '.repeat(many ? width + 2 : 4)}${' '.repeat(column)}${'^'.repeat(carets)}\n`
    }
    offset = lineEnd + 1
  }
  return many ? `${out}${'~'.repeat(79)}\n` : out
}

function firstCheckText(expr: Expr, schema: Schema): string | undefined {
  if (expr.kind === 'Predicate') return predicateText(expr, schema)
  if (expr.kind === 'Not') return firstCheckText(expr.operand, schema)
  return firstCheckText(expr.left, schema) ?? firstCheckText(expr.right, schema)
}

/** atc's `src/semantics.rs` rules, in its order (spec §4.2). */
function predicateText(p: Predicate, schema: Schema): string | undefined {
  const lhs = schema.typeOf(p.field.name)
  if (lhs === undefined) return 'Unknown LHS field'
  const rhs = literalType(p.value)
  // Set literals after `in` / `not in` are this engine's extension, checked by its own rules.
  if (rhs === 'StringSet' || rhs === 'IntSet') return undefined
  const op = p.op
  if (op !== 'regex' && op !== 'in' && op !== 'notIn' && lhs !== rhs) return 'Type mismatch between the LHS and RHS values of predicate'
  if (p.field.transforms.includes('lower') && lhs !== 'String') return 'lower-case transformation function only supported with String type fields'
  switch (op) {
    case 'regex':
      return lhs === 'String' ? undefined : 'Regex operators only supports string operands'
    case 'prefix':
    case 'suffix':
      return rhs === 'String' ? undefined : 'Regex/Prefix/Postfix operators only supports string operands'
    case 'greater':
    case 'greaterOrEqual':
    case 'less':
    case 'lessOrEqual':
      return rhs === 'Int' ? undefined : 'Greater/GreaterOrEqual/Lesser/LesserOrEqual operators only supports integer operands'
    case 'in':
    case 'notIn':
      return lhs === 'IpAddr' && rhs === 'IpCidr' ? undefined : 'In/NotIn operators only supports IP in CIDR'
    case 'contains':
      return rhs === 'String' ? undefined : 'Contains operator only supports string operands'
    default:
      return undefined
  }
}

// What pest reports as expected at each kind of syntax error (its grammar's rule names).
const EXPECTED: Partial<Record<DiagnosticCode, string>> = {
  'expected-term': 'expected term',
  'expected-operator': 'expected binary_operator',
  'expected-value': 'expected rhs',
  'invalid-escape': 'expected str_char or str_esc',
  'invalid-raw-string': 'expected rhs',
  'invalid-not-in': 'expected binary_operator',
  'not-without-parens': 'expected term',
  'unexpected-end': 'expected term',
}

// The syntax errors atc reports with a message of its own (spec §1.5), over the literal's span.
const CUSTOM: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(['int-out-of-range', 'invalid-ip', 'cidr-host-bits', 'invalid-cidr', 'unknown-transformation', 'regex-needs-string', 'invalid-regex', 'unsupported-regex'])

/** The custom message atc attaches to a syntax error, or pest's expected-rules line. */
function syntaxText(source: string, d: Diagnostic): string {
  const text = source.slice(d.span.start, d.span.end)
  switch (d.code) {
    case 'int-out-of-range':
      return 'number too large to fit in target type'
    case 'invalid-ip':
      return text.includes(':') ? 'invalid IPv6 address syntax' : 'invalid IPv4 address syntax'
    case 'cidr-host-bits':
      return 'host part of address was not zero'
    case 'invalid-cidr': {
      const prefix = /\/(\d+)$/.exec(text)?.[1]
      const v6 = text.includes(':')
      // The cidr crate's errors, in its order: the address, then the length read as a u8, then its range.
      const length = Number(prefix ?? 0)
      if (parseIpAddr(text.slice(0, text.lastIndexOf('/'))) === undefined) return `couldn't parse address in network: invalid ${v6 ? 'IPv6' : 'IPv4'} address syntax`
      if (length > 255) return "couldn't parse length in network: number too large to fit in target type"
      return `invalid length for network: Network length ${length} is too long for ${v6 ? 'Ipv6' : 'Ipv4'} (maximum: ${v6 ? 128 : 32})`
    }
    case 'unknown-transformation':
      return `unknown transformation function: ${text}`
    case 'regex-needs-string':
      return 'regex operator can only be used with String operands'
    case 'invalid-regex':
    case 'unsupported-regex':
      // Only when the literal could not be found again (see `regexErrorText`).
      return `regex parse error:\nerror: ${d.message.replace(/^Invalid regex: /, '')}`
    default:
      return EXPECTED[d.code] ?? 'expected EOI, and_op, or or_op'
  }
}

/** Pest's rendering of a parse error (spec §1.5): position, the line, a marker, then the message. */
function pestText(source: string, at: Span, custom: boolean, message: string): string {
  const { line, column } = lineColumn(source, at.start)
  const lineText = source.split('\n')[line - 1] ?? ''
  const gutter = ' '.repeat(String(line).length)
  const width = [...source.slice(at.start, at.end)].length
  // A point error shows `^---`; a span error `^`, dashes, `^` under the span (`^` alone for one character).
  const marker = !custom || width <= 0 ? '^---' : width === 1 ? '^' : `^${'-'.repeat(width - 2)}^`
  return [`${gutter}--> ${line}:${column}`, `${gutter} |`, `${line} | ${lineText}`, `${gutter} | ${' '.repeat(column - 1)}${marker}`, `${gutter} |`, `${gutter} = ${message}`].join('\n')
}
