import { describe, expect, it } from 'vitest'
import { Schema } from '../schema/schema.ts'
import { atcErrorText } from './atc-text.ts'

const schema = new Schema([
  ['http.path', 'String'],
  ['tcp.port', 'Int'],
  ['net.dst.port', 'Int'],
  ['net.src.ip', 'IpAddr'],
])

describe('atcErrorText', () => {
  // Spec §4.2's rules and examples (atc src/semantics.rs, src/ffi/expression.rs tests).
  it.each([
    ['foo == 1', 'Unknown LHS field'],
    ['http.path == "/a" && foo == 1', 'Unknown LHS field'],
    ['net.src.ip == 10.0.0.0/8', 'Type mismatch between the LHS and RHS values of predicate'],
    ['http.path == 1', 'Type mismatch between the LHS and RHS values of predicate'],
    ['lower(net.dst.port) == 80', 'lower-case transformation function only supported with String type fields'],
    ['net.src.ip ~ "x"', 'Regex operators only supports string operands'],
    ['net.dst.port ^= 80', 'Regex/Prefix/Postfix operators only supports string operands'],
    ['http.path > "a"', 'Greater/GreaterOrEqual/Lesser/LesserOrEqual operators only supports integer operands'],
    ['http.path in "x"', 'In/NotIn operators only supports IP in CIDR'],
    ['net.src.ip in 10.0.1.0', 'In/NotIn operators only supports IP in CIDR'],
    ['net.dst.port contains 1', 'Contains operator only supports string operands'],
    // The first failing predicate, depth-first and left before right, is the one reported.
    ['(http.path == 1 || foo == 1) && net.src.ip ~ "x"', 'Type mismatch between the LHS and RHS values of predicate'],
    ['!(tcp.port ^= 1) && foo == 1', 'Regex/Prefix/Postfix operators only supports string operands'],
  ])('%s → %s', (source, text) => {
    expect(atcErrorText(source, schema)).toBe(text)
  })

  it('renders a syntax error as pest does (spec §1.5, atc t/01-sanity.t TEST 4)', () => {
    expect(atcErrorText('http.path = "/foo" && tcp.port == 80', schema)).toBe(
      [' --> 1:11', '  |', '1 | http.path = "/foo" && tcp.port == 80', '  |           ^---', '  |', '  = expected binary_operator'].join('\n'),
    )
  })

  // Checked against atc-router itself: pest fails a group never closed where the text ends, after
  // any mistake inside it.
  it.each([
    ['(', ' --> 1:2', 'expected term'],
    ['(http.path == "x"', ' --> 1:18', 'expected and_op or or_op'],
    ['(http.path == "x" ', ' --> 1:19', 'expected and_op or or_op'],
    ['((http.path == "x")', ' --> 1:20', 'expected and_op or or_op'],
    ['http.path == "x" && (', ' --> 1:22', 'expected term'],
    ['(http.path = "x"', ' --> 1:12', 'expected binary_operator'],
    ['()', ' --> 1:2', 'expected term'],
    ['( )', ' --> 1:3', 'expected term'],
    ['http.path == "x', ' --> 1:16', 'expected str_char or str_esc'],
    ['http.path == r#"x', ' --> 1:18', 'expected rawstr_char'],
    ['http.path == "x\\q"', ' --> 1:16', 'expected str_char or str_esc'],
    ['tcp.port == -', ' --> 1:14', 'expected oct_digits or dec_digits'],
    ['tcp.port == - 1', ' --> 1:14', 'expected oct_digits or dec_digits'],
    ['tcp.port == 0x', ' --> 1:15', 'expected hex_digits'],
    ['tcp.port == -0xg', ' --> 1:16', 'expected hex_digits'],
    ['tcp.port == 10x', ' --> 1:15', 'expected EOI, and_op, or or_op'],
    ['tcp.port == 7.', ' --> 1:14', 'expected EOI, and_op, or or_op'],
    ['tcp.port == 018', ' --> 1:15', 'expected EOI, and_op, or or_op'],
    ['(tcp.port == 7.5)', ' --> 1:15', 'expected and_op or or_op'],
    ['(tcp.port == 1a)', ' --> 1:15', 'expected and_op or or_op'],
    ['(tcp.port == 1a', ' --> 1:15', 'expected and_op or or_op'],
    ['(tcp.port == 0x', ' --> 1:16', 'expected hex_digits'],
    ['(tcp.port == 0xg)', ' --> 1:16', 'expected hex_digits'],
    ['(http.path == "x" é', ' --> 1:19', 'expected and_op or or_op'],
  ])('places %s where pest fails', (source, location, expected) => {
    const lines = (atcErrorText(source, schema) ?? '').split('\n')
    expect(lines[0]).toBe(location)
    expect(lines.at(-1)).toBe(`  = ${expected}`)
  })

  it.each([
    ['net.src.ip in 10.0.0.1/8', 'host part of address was not zero', '^--------^'],
    ['tcp.port == 9223372036854775808', 'number too large to fit in target type', '^-----------------^'],
    // Over the digits only (atc's parse_int_literal reads the `hex_digits` or `dec_digits` pair).
    ['tcp.port == -9223372036854775808', 'number too large to fit in target type', '            ^-----------------^'],
    ['tcp.port == 0x8000000000000000', 'number too large to fit in target type', '             ^--------------^'],
    ['upper(http.path) == "x"', 'unknown transformation function: upper', '^---^'],
    ['http.path ~ 1', 'regex operator can only be used with String operands', '^'],
    ['net.src.ip == 1:2', 'invalid IPv6 address syntax', '^-^'],
    // The cidr crate's network errors (rust-cidr src/errors.rs): address, then length as a u8, then its range.
    ['net.src.ip in 256.0.0.0/8', "couldn't parse address in network: invalid IPv4 address syntax", '^---------^'],
    ['net.src.ip in 8:/9', "couldn't parse address in network: invalid IPv6 address syntax", '^--^'],
    ['net.src.ip in ::/999', "couldn't parse length in network: number too large to fit in target type", '^----^'],
    ['net.src.ip in ::/129', 'invalid length for network: Network length 129 is too long for Ipv6 (maximum: 128)', '^----^'],
    ['net.src.ip in 10.0.0.0/33', 'invalid length for network: Network length 33 is too long for Ipv4 (maximum: 32)', '^---------^'],
    // The grammar reads at most 3 digits of an IPv6 length (2 of an IPv4 one); the digit after fails first.
    ['net.src.ip in ::1/1228', 'expected EOI, and_op, or or_op', '                     ^---'],
  ])('gives atc\'s own message for %s', (source, message, marker) => {
    const text = atcErrorText(source, schema) ?? ''
    expect(text.endsWith(`= ${message}`)).toBe(true)
    expect(text).toContain(marker)
  })

  it('gives a regex error over the whole literal, in the regex crate\'s layout (K17: column 20)', () => {
    const schemaFoo = new Schema({ 'http.headers.foo': 'String' })
    expect(atcErrorText('http.headers.foo ~ "([."', schemaFoo)).toBe(
      [' --> 1:20', '  |', '1 | http.headers.foo ~ "([."', '  |                    ^---^', '  |', '  = regex parse error:', '    ([.', '     ^', 'error: unclosed character class'].join('\n'),
    )
    // Columns in characters; escapes decoded before the pattern is shown; carets as wide as the problem.
    expect(atcErrorText('http.path ~ "é\\\\q"', schema)?.split('\n').slice(5)).toEqual(['  = regex parse error:', '    é\\q', '     ^^', 'error: unrecognized escape sequence'])
    expect(atcErrorText('http.path ~ r#"a(?=b)"#', schema)?.split('\n').slice(6)).toEqual(['    a(?=b)', '     ^^^', 'error: look-around, including look-ahead and look-behind, is not supported'])
  })

  it('reports a grammar error anywhere before a literal\'s conversion error found earlier, as atc parses first', () => {
    for (const source of ['http.path ~ "(" && http.path = "x"', 'foo(http.path) == "x" && http.path = "x"', 'tcp.port == 99999999999999999999 && http.path = "x"']) {
      expect(atcErrorText(source, schema)?.split('\n').at(-1)).toBe('  = expected binary_operator')
    }
    // Also right after the literal whose value is wrong.
    for (const source of ['net.src.ip in 1.2.3.4/3 a', 'net.src.ip == 1.2.3.256 a', 'http.path ~ "(" a']) {
      expect(atcErrorText(source, schema)?.split('\n').at(-1)).toBe('  = expected EOI, and_op, or or_op')
    }
  })

  it('gives the regex crate\'s own one-line text for a pattern over the size limit', () => {
    expect(atcErrorText('http.path ~ r#"\\w{1000}"#', schema)).toMatch(/\n {2}= Compiled regex exceeds size limit of 10485760 bytes\.$/)
  })

  it('numbers the lines of a pattern that has several, between rules of ~', () => {
    const text = atcErrorText('http.path ~ "a\\nb("', schema) ?? ''
    const rule = '~'.repeat(79)
    expect(text.split('\n').slice(5)).toEqual(['  = regex parse error:', rule, '1: a', '2: b(', '    ^', rule, 'error: unclosed group'])
  })

  it('counts columns in characters and widens the gutter for long line numbers', () => {
    const source = `${'http.path == "é" &&\n'.repeat(9)}http.path = "x"`
    const text = atcErrorText(source, schema) ?? ''
    expect(text.split('\n').slice(0, 3)).toEqual(['  --> 10:11', '   |', '10 | http.path = "x"'])
  })

  it('has nothing to say about a valid expression', () => {
    expect(atcErrorText('http.path ^= "/" && net.src.ip in 10.0.0.0/8', schema)).toBeUndefined()
  })
})
