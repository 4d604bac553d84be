import { diagnostic, warning, type Diagnostic, type Result } from '../diagnostics/diagnostic.ts'
import type { DiagnosticCode } from '../diagnostics/catalog.ts'
import { cover, span, type Span } from '../diagnostics/span.ts'
import { formatIpCidr, parseIpCidr, parseIpv4, parseIpv6, ipv4Mask, ipv6Mask } from '../values/ip.ts'
import { compileRegex } from '../values/regex/index.ts'
import { INT_MAX } from '../values/types.ts'
import type { Expr, FieldRef, IntLiteral, Literal, Predicate, StringLiteral } from './ast.ts'
import { MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH, MAX_PREDICATES } from './limits.ts'
import { STRING_ESCAPES, valueOffsetToSource } from './literal-text.ts'
import { OPERATOR_NAMES, isTransform, operators, type OperatorName, type Transform } from './operators.ts'
import type { Token, TokenKind } from './token.ts'
import { intern, internSlice, ownString } from './intern.ts'
import { keepShape } from '../keep-shape.ts'
import { RegexCache } from '../values/regex/index.ts'

/** The longest `||` group a mixed-operators hint quotes whole. */
const MIXED_HINT_TEXT = 80

/**
 * A long `||` group by its ends, cut between its terms where it can be (`a || b || … || y || z`),
 * else between characters.
 */
function elided(group: string): string {
  const half = MIXED_HINT_TEXT / 2
  const head = group.slice(0, half)
  const tail = group.slice(-half)
  const headCut = head.lastIndexOf(' || ')
  const tailCut = tail.indexOf(' || ')
  return `${headCut > 0 ? head.slice(0, headCut) : head} || … || ${tailCut >= 0 ? tail.slice(tailCut + 4) : tail}`
}

// Field names repeat in every route; short literals (methods, tenants) often do. See intern.ts.
const SHARED_NAME_LENGTH = 64
const SHARED_LITERAL_LENGTH = 12
const NO_TRANSFORMS: readonly Transform[] = Object.freeze([])

/** Everything the parser learned about a source text, also when it failed: for editors and diagnostics. */
export interface ParseOutcome {
  /** The tree, present only when there were no errors. */
  readonly expr: Expr | undefined
  /** Errors and warnings in source order. */
  readonly diagnostics: readonly Diagnostic[]
  /** Classified source stretches in source order, for highlighting. */
  readonly tokens: readonly Token[]
  /** Every predicate that parsed, also when the whole did not: the checker can still report on them. */
  readonly predicates: readonly Predicate[]
}

/**
 * Parses an expression with atc-router's grammar and precedence (`||` binds tighter than `&&`).
 * Reports every syntax error it can recover from, plus a warning where `&&` and `||` mix unparenthesised.
 */
export function parse(source: string, options: ParseOptions = {}): Result<Expr> {
  const outcome = runParser(source, options, false)
  return outcome.expr === undefined
    ? { ok: false, diagnostics: outcome.diagnostics }
    : { ok: true, value: outcome.expr, diagnostics: outcome.diagnostics }
}

/** Options for parsing. */
export interface ParseOptions {
  /** Regexes are compiled to validate them; a shared cache lets the compiler reuse them. */
  readonly regexes?: RegexCache
  /**
   * Accept lists after `in` / `not in` (`http.method in ["GET", "HEAD"]`), a Switchyard extension.
   * Off by default: Kong's language has no list literals and atc-router refuses them, so an
   * expression written for Kong means the same here and one accepted here loads in Kong.
   */
  readonly lists?: boolean
}

/** Like `parse`, but also returns the tokens and never drops what it learned on failure. */
export function parseDetailed(source: string, options: ParseOptions = {}): ParseOutcome {
  return runParser(source, options, true)
}

function runParser(source: string, options: ParseOptions, withTokens: boolean): ParseOutcome {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return {
      expr: undefined,
      tokens: [],
      predicates: [],
      diagnostics: [
        diagnostic(
          'limit-exceeded',
          span(MAX_EXPRESSION_LENGTH, source.length),
          `The expression is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}.`,
          'split the route into several routes',
        ),
      ],
    }
  }
  return new Parser(source, options.regexes, options.lists === true, withTokens).run()
}

/** Marks a term that failed to parse; the error has already been reported. */
const BROKEN = null
/**
 * Errors in a literal that has the grammar's shape (atc converts literals after its grammar ran
 * over the whole text): the parser goes on right after such a literal instead of skipping ahead.
 */
const VALUE_ERRORS: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(['int-out-of-range', 'invalid-ip', 'cidr-host-bits', 'invalid-cidr', 'regex-needs-string', 'invalid-regex', 'unsupported-regex'])
type Parsed = Expr | typeof BROKEN

const IPV4_SHAPE = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/y
const IPV6_SHAPE = /(?::|[0-9a-fA-F]{1,4}):[0-9a-fA-F:]*/y
const CIDR_V4_SUFFIX = /\/\d{1,2}/y
const CIDR_V6_SUFFIX = /\/\d{1,3}/y
const INT_SHAPE = /-?(?:(0[0-7]+)|(0x[0-9a-fA-F]+)|([0-9]+))/y
const MISTAKEN_OPERATORS: readonly (readonly [string, string])[] = [
  ['===', 'use `==`'],
  ['=~', 'the regex operator is `~`'],
  ['!~', 'negate a regex match with `!(field ~ "...")`'],
  ['=', 'use `==` to compare'],
  ['<>', 'use `!=`'],
]

class Parser {
  readonly #source: string
  #position = 0
  /** An error other than a literal's value (VALUE_ERRORS) was reported. */
  #grammarFailed = false
  #depth = 0
  #transformDepth = 0
  #predicates = 0
  #limitReported = false
  /** Set when a nesting limit stopped the parse: the parentheses around it are not reported unclosed. */
  #nestingExceeded = false
  readonly #diagnostics: Diagnostic[] = []
  readonly #tokens: Token[] = []
  readonly #parsedPredicates: Predicate[] = []

  readonly #regexes: RegexCache | undefined
  readonly #lists: boolean
  readonly #withTokens: boolean

  constructor(source: string, regexes: RegexCache | undefined, lists: boolean, withTokens: boolean) {
    this.#source = source
    this.#regexes = regexes
    this.#lists = lists
    this.#withTokens = withTokens
  }

  // matcher = expression , END
  run(): ParseOutcome {
    this.#skipWhitespace()
    let expr: Parsed = BROKEN
    if (this.#atEnd()) {
      this.#error('expected-term', span(this.#position), 'The expression is empty.', 'write a predicate such as `http.path ^= "/"`')
    } else {
      expr = this.#parseAnd()
      this.#skipWhitespace()
      if (!this.#atEnd() && !this.#grammarFailed) this.#reportTrailing()
    }
    const failed = this.#diagnostics.some((d) => d.severity === 'error')
    const diagnostics = this.#diagnostics.length < 2 ? this.#diagnostics : [...this.#diagnostics].sort((a, b) => a.span.start - b.span.start)
    const tokens = this.#tokens.sort((a, b) => a.span.start - b.span.start)
    return { expr: failed || expr === BROKEN ? undefined : expr, diagnostics, tokens, predicates: this.#parsedPredicates }
  }

  // expression = or_chain , { "&&" , or_chain }     (&& is the loosest operator)
  #parseAnd(): Parsed {
    let left = this.#parseOr()
    // `a || b` groups that appear unparenthesised; warned about only when `&&` joins them to more.
    let bareOrs: Expr[] | undefined = this.#lastWasBareOr && left !== BROKEN ? [left] : undefined
    let chained = false
    for (;;) {
      this.#skipWhitespace()
      if (!this.#source.startsWith('&&', this.#position)) break
      chained = true
      this.#token('logical', this.#position, this.#position + 2)
      this.#position += 2
      const next = this.#parseOr()
      if (this.#lastWasBareOr && next !== BROKEN) (bareOrs ??= []).push(next)
      left = left === BROKEN || next === BROKEN ? BROKEN : { kind: 'And', left, right: next, span: cover(left.span, next.span) }
    }
    if (chained && bareOrs !== undefined) for (const or of bareOrs) this.#warnMixed(or)
    return left
  }

  /** Set by #parseOr: whether the chain it just parsed had a top-level `||` (read right after the call). */
  #lastWasBareOr = false

  // or_chain = term , { "||" , term }     (|| binds tighter than &&)
  #parseOr(): Parsed {
    let left = this.#parseTerm()
    let bareOr = false
    for (;;) {
      this.#skipWhitespace()
      if (!this.#source.startsWith('||', this.#position)) break
      bareOr = true
      this.#token('logical', this.#position, this.#position + 2)
      this.#position += 2
      const right = this.#parseTerm()
      left = left === BROKEN || right === BROKEN ? BROKEN : { kind: 'Or', left, right, span: cover(left.span, right.span) }
    }
    this.#lastWasBareOr = bareOr
    return left
  }

  #warnMixed(or: Expr): void {
    // A long group is shown by its ends: each warning of a long mixed chain repeating its whole
    // group made the editor's list of them megabytes long, slow to redraw on every key.
    const whole = this.#source.slice(or.span.start, or.span.end)
    const text = whole.length <= MIXED_HINT_TEXT ? whole : elided(whole)
    this.#diagnostics.push(
      warning(
        'mixed-and-or',
        or.span,
        '`||` binds tighter than `&&` in route expressions, so this `||` group is evaluated before the surrounding `&&`.',
        `add parentheses to make the grouping explicit: (${text})`,
      ),
    )
  }

  // term = predicate | paren_expr ;  paren_expr = [ "!" ] , "(" , expression , ")"
  #parseTerm(): Parsed {
    this.#skipWhitespace()
    const start = this.#position
    const ch = this.#source[start]
    if (ch === '!') {
      this.#token('not', start, start + 1)
      this.#position++
      this.#skipWhitespace()
      if (this.#source[this.#position] !== '(') {
        this.#error(
          'not-without-parens',
          span(start, start + 1),
          '`!` can only negate a parenthesised expression.',
          'write `!(field == "value")`, or use `!=` / `not in`',
        )
        return this.#recover()
      }
      const inner = this.#parseParen()
      return inner === BROKEN ? BROKEN : { kind: 'Not', operand: inner, span: span(start, this.#position) }
    }
    if (ch === '(') return this.#parseParen()
    if (ch !== undefined && isAsciiLetter(ch)) return this.#parsePredicate()
    if (ch === undefined) {
      this.#error('unexpected-end', span(start), 'The expression ends where a predicate or `(` was expected.')
      return BROKEN
    }
    // A doubled or misplaced `&&` / `||` is named whole, as the operator it is.
    const operator = this.#source.startsWith('&&', start) ? '&&' : this.#source.startsWith('||', start) ? '||' : undefined
    this.#error(
      'expected-term',
      span(start, start + (operator?.length ?? 1)),
      operator === undefined ? `Expected a predicate or \`(\` but found \`${ch}\`.` : `Expected a predicate or \`(\` but found the operator \`${operator}\`.`,
      operator === undefined ? 'a predicate starts with a field name, e.g. `http.path == "/"`' : `remove the extra \`${operator}\`, or write a predicate before it`,
    )
    return this.#recover()
  }

  #parseParen(): Parsed {
    const open = this.#position
    this.#token('paren', open, open + 1)
    this.#position++
    if (++this.#depth > MAX_NESTING_DEPTH) {
      this.#error('limit-exceeded', span(open, open + 1), `Parentheses nest deeper than ${MAX_NESTING_DEPTH} levels.`, 'flatten the expression')
      this.#nestingExceeded = true
      this.#position = this.#source.length
      return BROKEN
    }
    this.#skipWhitespace()
    if (this.#source[this.#position] === ')') {
      this.#error('empty-parens', span(open, this.#position + 1), 'Parentheses must contain an expression.')
      this.#token('paren', this.#position, this.#position + 1)
      this.#position++
      this.#depth--
      return BROKEN
    }
    const inner = this.#parseAnd()
    this.#skipWhitespace()
    this.#depth--
    if (this.#source[this.#position] !== ')') {
      if (!this.#nestingExceeded && (inner !== BROKEN || this.#atEnd())) {
        this.#error(
          'unclosed-paren',
          span(open, open + 1),
          'This parenthesis is never closed.',
          `add \`)\` ${this.#atEnd() ? 'at the end' : `before \`${this.#source.slice(this.#position, this.#position + 8)}\``}`,
        )
      }
      return this.#recover()
    }
    this.#token('paren', this.#position, this.#position + 1)
    this.#position++
    return inner
  }

  // predicate = lhs , binary_op , rhs
  #parsePredicate(): Parsed {
    const start = this.#position
    if (++this.#predicates > MAX_PREDICATES && !this.#limitReported) {
      this.#limitReported = true
      this.#error('limit-exceeded', span(start, start + 1), `The expression has more than ${MAX_PREDICATES} predicates.`, 'split the route')
    }
    const field = this.#parseLhs()
    if (field === undefined) return this.#recover()
    this.#skipWhitespace()
    const op = this.#parseOperator(field)
    if (op === undefined) return this.#recover()
    this.#skipWhitespace()
    const valueStart = this.#position
    const value = this.#parseRhs(op.name)
    if (value === undefined) {
      // A value error at the literal says its shape was the grammar's (see VALUE_ERRORS).
      if (!this.#diagnostics.some((d) => d.span.start >= valueStart && VALUE_ERRORS.has(d.code))) return this.#recover()
      // A literal of the right shape whose value is wrong (an address out of range, a bad regex):
      // parsing goes on right after it, so that a grammar error further on is still found (atc
      // reports that one first). The placeholder never leaves the parser: the parse has failed.
      return { kind: 'Predicate', field, op: op.name, opSpan: op.span, value: { kind: 'String', value: '', raw: false, span: span(valueStart, this.#position) }, span: span(start, this.#position) }
    }
    const predicate: Predicate = { kind: 'Predicate', field, op: op.name, opSpan: op.span, value, span: span(start, this.#position) }
    // Only parseDetailed reports them (for checking what parsed when the whole did not).
    if (this.#withTokens) this.#parsedPredicates.push(predicate)
    return predicate
  }

  // lhs = transform | IDENT ;  transform = IDENT , "(" , lhs , ")"
  #parseLhs(): FieldRef | undefined {
    const start = this.#position
    const name = this.#readIdent()
    const nameSpan = span(start, this.#position)
    const afterName = this.#position
    this.#skipWhitespace()
    if (this.#source[this.#position] !== '(') {
      this.#position = afterName
      this.#token('field', start, afterName)
      return { name, transforms: NO_TRANSFORMS, nameSpan, span: nameSpan }
    }
    this.#token('transform', start, afterName)
    let transform: Transform | undefined
    if (isTransform(name)) transform = name
    else {
      this.#error(
        'unknown-transformation',
        nameSpan,
        `\`${name}\` is not a transformation function.`,
        'the transformations are `lower(field)` and `any(field)`',
      )
    }
    this.#token('paren', this.#position, this.#position + 1)
    this.#position++
    this.#skipWhitespace()
    if (!isAsciiLetter(this.#source[this.#position] ?? '')) {
      this.#error('expected-term', span(this.#position, this.#position + 1), 'Expected a field name inside the transformation.')
      return undefined
    }
    // Transformations nest by recursion like parentheses, so they share the nesting limit
    // (`lower(` repeated thousands of times would otherwise overflow the stack).
    if (++this.#transformDepth > MAX_NESTING_DEPTH) {
      this.#error('limit-exceeded', span(start, afterName + 1), `Transformations nest deeper than ${MAX_NESTING_DEPTH} levels.`, 'apply each transformation once')
      this.#nestingExceeded = true
      this.#position = this.#source.length
      return undefined
    }
    const inner = this.#parseLhs()
    this.#transformDepth--
    if (inner === undefined) return undefined
    this.#skipWhitespace()
    if (this.#source[this.#position] !== ')') {
      this.#error('unclosed-paren', span(afterName, afterName + 1), `The parenthesis of \`${name}(\` is never closed.`)
      return undefined
    }
    this.#token('paren', this.#position, this.#position + 1)
    this.#position++
    if (transform === undefined) return undefined
    return { name: inner.name, transforms: [transform, ...inner.transforms], nameSpan: inner.nameSpan, span: span(start, this.#position) }
  }

  #parseOperator(field: FieldRef): { name: OperatorName; span: Span } | undefined {
    const start = this.#position
    const source = this.#source
    // `http.headers.X-Tenant`: the name stops at the `-`, since field names hold letters, digits and `_`.
    if (source[start] === '-' && start === field.nameSpan.end && field.name.startsWith('http.headers.')) {
      const written = `${field.name}${/^[A-Za-z0-9_-]*/.exec(source.slice(start))?.[0] ?? '-'}`
      this.#error(
        'expected-operator',
        span(start, start + 1),
        `\`-\` cannot be part of a field name: \`${written}\` stops at \`${field.name}\`.`,
        `write the header name in lower case with \`_\` for \`-\`: \`${written.replace(/-/g, '_').toLowerCase()}\``,
      )
      return undefined
    }
    if (source.startsWith('not', start) && !source.startsWith('not in', start)) {
      const spelled = /^not\s*in/.exec(source.slice(start, start + 12))
      if (spelled !== null) {
        this.#error(
          'invalid-not-in',
          span(start, start + spelled[0].length),
          '`not in` must be written with exactly one space between `not` and `in`.',
          'write `not in`',
        )
        return undefined
      }
    }
    for (const name of OPERATOR_NAMES) {
      const symbol = operators[name].symbol
      if (source.startsWith(symbol, start) && !source.startsWith('===', start)) {
        this.#token('operator', start, start + symbol.length)
        this.#position += symbol.length
        return { name, span: span(start, start + symbol.length) }
      }
    }
    const rest = source.slice(start, start + 12)
    const mistaken = MISTAKEN_OPERATORS.find(([symbol]) => rest.startsWith(symbol))
    const word = /^[A-Za-z]+|^\S/.exec(rest)?.[0] ?? ''
    this.#error(
      'expected-operator',
      span(start, start + Math.max(1, mistaken?.[0].length ?? word.length)),
      this.#atEnd()
        ? 'The expression ends where an operator was expected.'
        : `Expected an operator after the field but found \`${mistaken?.[0] ?? word}\`.`,
      mistaken?.[1] ?? 'operators: == != ~ ^= =^ > >= < <= in, not in, contains',
    )
    return undefined
  }

  // rhs = STRING | RAW_STRING | ip_literal | INT   (plus, with `lists`, the list extension after in / not in)
  #parseRhs(op: OperatorName): Literal | undefined {
    const start = this.#position
    const ch = this.#source[start]
    let literal: Literal | undefined
    if (ch === '"' || this.#source.startsWith('r#"', start)) literal = this.#parseString()
    else if (ch === 'r' && /^r#*"/.test(this.#source.slice(start, start + 8))) {
      this.#error('invalid-raw-string', span(start, start + 2), 'A raw string starts with exactly `r#"` and ends with `"#`.', 'write r#"..."#')
      return undefined
    } else if (ch === '[') {
      if (!this.#lists) {
        this.#error(
          'invalid-set',
          span(start, start + 1),
          "Kong's expression language has no lists of values: a value after an operator is a string, an integer or an IP address or CIDR.",
          'write one comparison per value joined with `||` (`http.method == "GET" || http.method == "HEAD"`); a router created with `lists: true` accepts lists (a Switchyard extension)',
        )
        return undefined
      }
      if (op !== 'in' && op !== 'notIn') {
        this.#error('invalid-set', span(start, start + 1), 'A list of values is only allowed after `in` or `not in`.')
        return undefined
      }
      literal = this.#parseSet()
    } else {
      literal = this.#parseIpLiteral()
      // An address or CIDR that failed its value check has been read: what follows it is not an integer.
      if (literal === undefined && this.#position === start) literal = this.#parseInt()
    }
    if (literal === undefined) {
      if (this.#diagnostics.some((d) => d.severity === 'error' && d.span.start >= start)) return undefined
      const word = /^[^\s)&|]*/.exec(this.#source.slice(start))?.[0] ?? ''
      this.#error(
        this.#atEnd() ? 'unexpected-end' : 'expected-value',
        span(start, start + Math.max(1, word.length)),
        this.#atEnd() ? 'The expression ends where a value was expected.' : `Expected a value but found \`${word}\`.`,
        'values are "strings", r#"raw strings"#, integers, IP addresses and CIDRs',
      )
      return undefined
    }
    if (op === 'regex') {
      if (literal.kind !== 'String') {
        this.#error('regex-needs-string', literal.span, 'The regex operator `~` needs a string literal on its right.', 'write the pattern as r#"..."#')
        return undefined
      }
      if (!this.#checkRegex(literal)) return undefined
    }
    return literal
  }

  #checkRegex(literal: StringLiteral): boolean {
    const compiled = this.#regexes?.get(literal.value) ?? compileRegex(literal.value)
    if (compiled.ok) return true
    const { error } = compiled
    const from = valueOffsetToSource(this.#source, literal.span.start, literal.raw, error.start)
    const to = valueOffsetToSource(this.#source, literal.span.start, literal.raw, Math.max(error.end, error.start + 1))
    const code = /not supported|no look|backreference/i.test(error.message) ? 'unsupported-regex' : 'invalid-regex'
    this.#error(code, span(from, Math.min(to, literal.span.end)), `Invalid regex: ${error.message}`, error.hint)
    return false
  }

  #parseString(): StringLiteral | undefined {
    const start = this.#position
    const source = this.#source
    if (source.startsWith('r#"', start)) {
      const end = source.indexOf('"#', start + 3)
      if (end < 0) {
        this.#error('unterminated-string', span(start, source.length), 'This raw string is never closed.', 'end it with `"#`')
        this.#position = source.length
        return undefined
      }
      this.#position = end + 2
      this.#token('raw-string', start, this.#position)
      return { kind: 'String', value: ownString(source.slice(start + 3, end)), raw: true, span: span(start, this.#position) }
    }
    // Fast path: no backslash before the closing quote, so the value is a plain slice.
    const close = source.indexOf('"', start + 1)
    let plain = close >= 0
    for (let i = start + 1; plain && i < close; i++) if (source.charCodeAt(i) === 92) plain = false
    if (plain) {
      this.#position = close + 1
      this.#token('string', start, this.#position)
      return { kind: 'String', value: intern(ownString(source.slice(start + 1, close)), SHARED_LITERAL_LENGTH), raw: false, span: span(start, this.#position) }
    }
    let value = ''
    let valid = true
    let i = start + 1
    for (; i < source.length; i++) {
      const ch = source[i] as string
      if (ch === '"') break
      if (ch !== '\\') {
        value += ch
        continue
      }
      const escaped = source[i + 1]
      const meaning = escaped === undefined ? undefined : STRING_ESCAPES[escaped]
      if (meaning === undefined) {
        valid = false
        this.#error(
          'invalid-escape',
          span(i, Math.min(i + 2, source.length)),
          `\`\\${escaped ?? ''}\` is not an escape sequence; strings allow only \\" \\\\ \\n \\r \\t.`,
          'write backslashes in a raw string: r#"..."#',
        )
      } else value += meaning
      i++
    }
    if (i >= source.length) {
      this.#error('unterminated-string', span(start, start + 1), 'This string is never closed.', 'end it with `"`')
      this.#position = source.length
      return undefined
    }
    this.#position = i + 1
    this.#token('string', start, this.#position)
    return valid ? { kind: 'String', value: ownString(value), raw: false, span: span(start, this.#position) } : undefined
  }

  // ip_literal = IPV4_CIDR | IPV6_CIDR | IPV4 | IPV6
  #parseIpLiteral(): Literal | undefined {
    const start = this.#position
    const v4 = this.#sticky(IPV4_SHAPE, start)
    const v6 = v4 === undefined ? this.#sticky(IPV6_SHAPE, start) : undefined
    const address = v4 ?? v6
    if (address === undefined) return undefined
    const suffix = this.#sticky(v4 !== undefined ? CIDR_V4_SUFFIX : CIDR_V6_SUFFIX, start + address.length)
    const text = address + (suffix ?? '')
    const literalSpan = span(start, start + text.length)
    this.#position = literalSpan.end
    if (suffix !== undefined) {
      this.#token('cidr', literalSpan.start, literalSpan.end)
      const cidr = parseIpCidr(text)
      if (typeof cidr === 'object') return { kind: 'IpCidr', value: cidr, span: literalSpan }
      this.#reportCidr(text, cidr, literalSpan, v4 !== undefined)
      return undefined
    }
    this.#token('ip', literalSpan.start, literalSpan.end)
    if (v4 !== undefined) {
      const value = parseIpv4(text)
      if (value !== undefined) return { kind: 'IpAddr', value: { family: 4, value }, span: literalSpan }
      this.#error('invalid-ip', literalSpan, `\`${text}\` is not a valid IPv4 address.`, 'four decimal numbers 0–255 without leading zeros')
      return undefined
    }
    const value = parseIpv6(text)
    if (value !== undefined) return { kind: 'IpAddr', value: { family: 6, value }, span: literalSpan }
    this.#error('invalid-ip', literalSpan, `\`${text}\` is not a valid IPv6 address.`, 'IPv6 literals are hex groups with at most one `::` and no embedded IPv4')
    return undefined
  }

  #reportCidr(text: string, problem: 'invalid-address' | 'invalid-prefix' | 'host-bits', at: Span, isV4: boolean): void {
    const [address = '', prefixText = '0'] = text.split('/')
    if (problem === 'host-bits') {
      const prefix = Number(prefixText)
      const fixed = isV4
        ? formatIpCidr({ family: 4, network: ((parseIpv4(address) ?? 0) & ipv4Mask(prefix)) >>> 0, prefix })
        : formatIpCidr({ family: 6, network: (parseIpv6(address) ?? 0n) & ipv6Mask(prefix), prefix })
      this.#error('cidr-host-bits', at, `The host part of \`${text}\` is not zero.`, `did you mean ${fixed}?`)
    } else if (problem === 'invalid-prefix') {
      this.#error('invalid-cidr', at, `The prefix length of \`${text}\` is out of range.`, isV4 ? 'IPv4 prefixes are 0–32' : 'IPv6 prefixes are 0–128')
    } else {
      this.#error('invalid-cidr', at, `\`${address}\` in \`${text}\` is not a valid IP address.`)
    }
  }

  // INT = [ "-" ] , ( OCT | HEX | DEC )   (octal first: 0123 = 83, 08 = 8, 018 is an error)
  #parseInt(): IntLiteral | undefined {
    const start = this.#position
    INT_SHAPE.lastIndex = start
    const m = INT_SHAPE.exec(this.#source)
    if (m === null) return undefined
    const text = m[0]
    const end = start + text.length
    const negative = text.startsWith('-')
    const digits = negative ? text.slice(1) : text
    this.#position = end
    this.#token('int', start, end)
    const next = this.#source[end] ?? ''
    if (m[1] !== undefined && /[89]/.test(next)) {
      const run = /^[0-9]*/.exec(this.#source.slice(end))?.[0] ?? ''
      this.#error('invalid-int', span(start, end + run.length), `\`${text}${run}\` is not a number: a leading 0 makes it octal, and octal has no digits 8 or 9.`, `write ${String(BigInt(`${text.replace(/^-?0+/, '') || '0'}${run}`))} without the leading 0`)
      return undefined
    }
    if (next === '.' || next === '_' || (next === 'X' && digits === '0')) {
      this.#error('invalid-int', span(start, end + 1), 'Integers are whole numbers in decimal, hex (`0x1F`) or octal (`017`).')
      return undefined
    }
    const magnitude = m[1] !== undefined ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits)
    if (magnitude > INT_MAX) {
      this.#error('int-out-of-range', span(start, end), `\`${text}\` does not fit in a signed 64-bit integer.`, 'integers range from -9223372036854775807 to 9223372036854775807')
      return undefined
    }
    return { kind: 'Int', value: negative ? -magnitude : magnitude, span: span(start, end) }
  }

  #parseSet(): Literal | undefined {
    const start = this.#position
    this.#token('bracket', start, start + 1)
    this.#position++
    const elements: (StringLiteral | IntLiteral)[] = []
    for (;;) {
      this.#skipWhitespace()
      if (this.#source[this.#position] === ']' && elements.length === 0) break
      const before = this.#position
      const ch = this.#source[before]
      const element = ch === '"' || this.#source.startsWith('r#"', before) ? this.#parseString() : this.#parseInt()
      if (element === undefined) {
        if (!this.#diagnostics.some((d) => d.span.start >= before)) {
          this.#error('invalid-set', span(before, before + 1), 'A list holds strings or integers, separated by commas.')
        }
        return undefined
      }
      const first = elements[0]
      if (first !== undefined && first.kind !== element.kind) {
        this.#error('invalid-set', element.span, 'All values in a list must have the same type.')
        return undefined
      }
      elements.push(element)
      this.#skipWhitespace()
      if (this.#source[this.#position] === ',') {
        this.#token('comma', this.#position, this.#position + 1)
        this.#position++
        continue
      }
      break
    }
    if (this.#source[this.#position] !== ']') {
      this.#error('invalid-set', span(start, start + 1), 'This list is never closed.', 'end it with `]`')
      return undefined
    }
    this.#token('bracket', this.#position, this.#position + 1)
    this.#position++
    const setSpan = span(start, this.#position)
    if (elements.length === 0) {
      this.#error('empty-set', setSpan, 'A list of values must not be empty.')
      return undefined
    }
    return { kind: 'Set', elements, span: setSpan }
  }

  #reportTrailing(): void {
    const start = this.#position
    const ch = this.#source[start] ?? ''
    const word = /^[A-Za-z]+/.exec(this.#source.slice(start))?.[0]
    if (ch === ')') {
      this.#error('unexpected-token', span(start, start + 1), 'This `)` has no matching `(`.')
    } else if (word === 'and' || word === 'or' || ch === '&' || ch === '|') {
      const text = word ?? ch
      this.#error('unexpected-token', span(start, start + text.length), `\`${text}\` is not a logical operator.`, 'use `&&` or `||`')
    } else {
      this.#error(
        'unexpected-token',
        span(start, start + Math.max(1, (word ?? ch).length)),
        `Expected \`&&\`, \`||\` or the end of the expression but found \`${word ?? ch}\`.`,
      )
    }
    this.#token('invalid', start, this.#source.length)
  }

  /** Skips to the next `&&`, `||` or `)` outside string literals so that later problems are reported too. */
  #recover(): Parsed {
    const source = this.#source
    const from = this.#position
    while (this.#position < source.length) {
      const at = this.#position
      if (source.startsWith('&&', at) || source.startsWith('||', at) || source[at] === ')') break
      if (source.startsWith('r#"', at)) {
        const end = source.indexOf('"#', at + 3)
        this.#position = end < 0 ? source.length : end + 2
      } else if (source[at] === '"') {
        let i = at + 1
        while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1
        this.#position = Math.min(source.length, i + 1)
      } else this.#position++
    }
    if (this.#position > from) this.#token('invalid', from, this.#position)
    return BROKEN
  }

  #readIdent(): string {
    const start = this.#position
    const source = this.#source
    let i = start + 1
    while (i < source.length && isIdentChar(source.charCodeAt(i))) i++
    this.#position = i
    return internSlice(source, start, i, SHARED_NAME_LENGTH)
  }

  #sticky(pattern: RegExp, at: number): string | undefined {
    pattern.lastIndex = at
    return pattern.exec(this.#source)?.[0]
  }

  #skipWhitespace(): void {
    const source = this.#source
    let at = this.#position
    for (;;) {
      const c = source.charCodeAt(at)
      // space, tab, LF, CR: the only whitespace the grammar knows
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break
      at++
    }
    this.#position = at
  }

  #atEnd(): boolean {
    return this.#position >= this.#source.length
  }

  #token(kind: TokenKind, start: number, end: number): void {
    if (this.#withTokens) this.#tokens.push({ kind, span: span(start, end) })
  }

  #error(code: Parameters<typeof diagnostic>[0], at: Span, message: string, hint?: string): void {
    this.#diagnostics.push(diagnostic(code, at, message, hint))
    if (!VALUE_ERRORS.has(code)) this.#grammarFailed = true
  }
}

// Parsers live for one call; see keep-shape.ts.
keepShape(new Parser('', new RegexCache(), false, false))

function isAsciiLetter(ch: string): boolean {
  const c = ch.charCodeAt(0)
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

function isIdentChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46
}

