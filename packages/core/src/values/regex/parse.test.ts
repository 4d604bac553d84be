import { describe, expect, it } from 'vitest'
import { compileRegex } from './index.ts'

/** Patterns the regex crate 1.11 accepts. */
const ACCEPTED = [
  '',
  'a',
  '^/users/(?P<id>\\d+)$',
  '(?<id>x)',
  '(?P<a.b[0]>x)',
  '(?P<_x1>x)',
  '(?P<é>x)',
  '(?i)abc',
  '(?imsRUux)a',
  '(?i-s:a.)',
  '(?-i)a',
  '(?x) a b  # comment\n c',
  '(?x)a{ 2 , 3 }',
  'a{ 2 }', // Rust trims blanks around counts even without x
  'a{2}',
  'a{2,}',
  'a{2,3}?',
  'a**', // nested repetition is legal in Rust
  'a+?',
  '(?:)',
  '()',
  '()*',
  'a|',
  '|',
  '[a]',
  '[]a]',
  '[^]a]',
  '[-a]',
  '[a-]',
  '[--a]',
  '[a[^b]]',
  '[a-z&&[^aeiou]]',
  '[a-z--[aeiou]]',
  '[a-c~~b-d]',
  '[[:alpha:]]',
  '[[:^digit:]x]',
  '[[:loower:]]', // not an ASCII class name: a nested class of ":elorw"
  '[\\d\\pL\\p{Greek}]',
  '\\pL\\PN\\p{Greek}\\p{Lu}\\p{gc=Nd}\\p{sc:Latin}\\p{scx=Grek}\\p{Script!=Greek}\\p{ L }',
  '\\p{Letter}\\p{is_greek}\\p{White_Space}\\p{space}\\p{Any}\\p{Assigned}\\p{ASCII}',
  // scripts added in Unicode 16, the version of regex 1.11's tables
  '\\p{Garay}\\p{Gurung_Khema}\\p{Kirat_Rai}\\p{Ol_Onal}\\p{Sunuwar}\\p{Todhri}\\p{Tulu_Tigalari}\\p{sc=Gara}\\p{scx=Tutg}',
  '\\x7F\\x{10FFFF}\\u007F\\u{7F}\\U0000007F\\a\\f\\v\\t\\n\\r',
  '\\/\\-\\%\\!\\"\\#\\&\\~\\ \\@\\\'\\,\\;\\:\\=\\`',
  '\\A\\z\\b\\B\\b{start}\\b{end}\\b{start-half}\\b{end-half}\\<\\>',
  '\\b{5}', // a counted repetition of \b
  '/\\/*user$',
  '[\\[\\]]',
  '(?-u:\\w)',
  '(?-u:[a-z])',
  '(?-u)[[:alpha:]&&[a-c]]',
  '(?-u)é', // a non-ASCII literal is its UTF-8 encoding (regex 1.10.1 and later)
  '(?i-u)İ', // ... and ASCII case folding leaves it alone
  '[^\\x00-\\x{10FFFF}]', // an empty class is allowed and matches nothing
  '\\u{1F600}',
  '😀+',
  '(((((a)))))',
  'x{0}',
]

/** Patterns rejected, with the message, the UTF-16 range Rust points at, and hint presence. */
const REJECTED: readonly (readonly [string, string, number, number])[] = [
  ['([.', 'unclosed character class', 1, 2],
  ['[a', 'unclosed character class', 0, 1],
  ['[', 'unclosed character class', 0, 1],
  ['(a', 'unclosed group', 0, 1],
  ['(a(b)', 'unclosed group', 0, 1],
  ['a)', 'unopened group', 1, 2],
  ['*a', 'repetition operator missing expression', 0, 0],
  ['a|*', 'repetition operator missing expression', 2, 2],
  ['(*)', 'repetition operator missing expression', 1, 1],
  ['(?i)*', 'repetition operator missing expression', 4, 4],
  ['{', 'repetition operator missing expression', 0, 0],
  ['(?)', 'repetition operator missing expression', 1, 1],
  ['a{', 'unclosed counted repetition', 1, 2],
  ['a{1', 'unclosed counted repetition', 1, 3],
  ['a{1,', 'unclosed counted repetition', 1, 4],
  ['a{x}', 'repetition quantifier expects a valid decimal', 2, 2],
  ['a{}', 'repetition quantifier expects a valid decimal', 2, 2],
  ['x{2,1}', 'invalid repetition count range, the start must be <= the end', 1, 6],
  ['a{99999999999}', 'decimal literal invalid', 2, 13],
  ['(?=x)', 'look-around, including look-ahead and look-behind, is not supported', 0, 3],
  ['(?!x)', 'look-around, including look-ahead and look-behind, is not supported', 0, 3],
  ['(?<=x)', 'look-around, including look-ahead and look-behind, is not supported', 0, 4],
  ['(?<!x)', 'look-around, including look-ahead and look-behind, is not supported', 0, 4],
  ['(a)\\1', 'backreferences are not supported', 3, 5],
  ['\\8', 'backreferences are not supported', 0, 2],
  ['\\k<n>', 'unrecognized escape sequence', 0, 2],
  ['(?>a)', 'unrecognized flag', 2, 3],
  ['(?P=n)', 'unrecognized flag', 2, 3],
  ['(?(1)a|b)', 'unrecognized flag', 2, 3],
  ['(?#c)', 'unrecognized flag', 2, 3],
  ['(?ii)', 'duplicate flag', 3, 4],
  ['(?i-)', 'dangling flag negation operator', 3, 4],
  ['(?-i-s)', 'flag negation operator repeated', 4, 5],
  ['(?i', 'expected flag but got end of regex', 3, 3],
  ['(?', 'unclosed group', 0, 1],
  ['\\Z', 'unrecognized escape sequence', 0, 2],
  ['\\q', 'unrecognized escape sequence', 0, 2],
  ['\\e', 'unrecognized escape sequence', 0, 2],
  ['\\', 'incomplete escape sequence, reached end of pattern prematurely', 0, 1],
  ['\\é', 'unrecognized escape sequence', 0, 2],
  ['[z-a]', 'invalid character class range, the start must be <= the end', 1, 4],
  ['[a-\\d]', 'invalid range boundary, must be a literal', 3, 5],
  ['[\\b]', 'invalid escape sequence found in character class', 1, 3],
  ['[\\A]', 'invalid escape sequence found in character class', 1, 3],
  ['(?P<n>a)(?P<n>b)', 'duplicate capture group name', 12, 13],
  ['(?P<>a)', 'empty capture group name', 4, 4],
  ['(?P<1a>x)', 'invalid capture group character', 4, 5],
  ['(?P<a-b>x)', 'invalid capture group character', 5, 6],
  ['(?P<a', 'unclosed capture group name', 5, 5],
  ['(?P<', 'unclosed capture group name', 4, 4],
  ['\\xZZ', 'invalid hexadecimal digit', 2, 3],
  ['\\x{}', 'hexadecimal literal empty', 2, 4],
  ['\\x{110000}', 'hexadecimal literal is not a Unicode scalar value', 3, 9],
  ['\\u{D800}', 'hexadecimal literal is not a Unicode scalar value', 3, 7],
  ['\\x{12', 'incomplete escape sequence, reached end of pattern prematurely', 2, 5],
  ['\\p', 'incomplete escape sequence, reached end of pattern prematurely', 2, 2],
  ['\\p{L', 'incomplete escape sequence, reached end of pattern prematurely', 4, 4],
  ['\\p\\d', 'invalid Unicode character class', 2, 3],
  ['\\p{Foo}', 'Unicode property not found', 0, 7],
  ['\\p{gc=Foo}', 'Unicode property value not found', 0, 10],
  ['\\p{sc=Foo}', 'Unicode property value not found', 0, 10],
  // Rust knows these script values but has no table for them (Scripts.txt lists neither)
  ['\\p{Unknown}', 'Unicode property value not found', 0, 11],
  ['\\p{sc=Zzzz}', 'Unicode property value not found', 0, 11],
  ['\\p{scx=Unknown}', 'Unicode property value not found', 0, 15],
  ['\\p{Hrkt}', 'Unicode property value not found', 0, 8],
  // Unicode 17 scripts are newer than regex 1.11's tables
  ['\\p{Beria_Erfe}', 'Unicode property not found', 0, 14],
  ['\\p{MCM}', 'this Unicode property is valid in Rust but not supported by Switchyard', 0, 7],
  ['\\b{foo}', 'unrecognized special word boundary assertion, valid choices are: start, end, start-half or end-half', 3, 6],
  ['\\b{foo', 'special word boundary assertion is either unclosed or contains an invalid character', 2, 6],
  ['(?-u:\\xFF)', 'pattern can match invalid UTF-8', 5, 9],
  ['(?-u).', 'pattern can match invalid UTF-8', 5, 6],
  ['(?-u)\\W', 'pattern can match invalid UTF-8', 5, 7],
  ['(?-u)[^a]', 'pattern can match invalid UTF-8', 5, 9],
  ['(?-u)\\pL', 'Unicode not allowed here', 5, 8],
  ['(?-u)[é]', 'Unicode not allowed here', 6, 7],
  // every bracketed class is checked as it closes, nested ones and ASCII classes included
  ['(?-u)[a-z&&[^aeiou]]', 'pattern can match invalid UTF-8', 11, 19],
  ['(?-u)[[:^alpha:]&&a]', 'pattern can match invalid UTF-8', 6, 16],
  ['(?-u)[[:^alpha:]]', 'pattern can match invalid UTF-8', 6, 16],
  ['(?-u)[^[^a]]', 'pattern can match invalid UTF-8', 7, 11],
  ['(?-u)[[^a]é]', 'pattern can match invalid UTF-8', 6, 10],
  // a raw byte in a class is reported where it is written
  ['(?-u)[a\\xFFb]', 'pattern can match invalid UTF-8', 7, 11],
  ['a{1000000}', 'compiled regex exceeds size limit of 10485760 bytes', 0, 10],
  ['😀)', 'unopened group', 2, 3], // offsets are UTF-16: the emoji is two units
]

describe('compileRegex accepts what Rust accepts', () => {
  it.each(ACCEPTED)('%s', (pattern) => {
    const r = compileRegex(pattern)
    expect(r.ok ? 'ok' : r.error).toBe('ok')
  })
})

describe('compileRegex rejects what Rust rejects', () => {
  it.each(REJECTED)('%s → %s', (pattern, message, start, end) => {
    const r = compileRegex(pattern)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect({ message: r.error.message, start: r.error.start, end: r.error.end }).toEqual({ message, start, end })
  })

  it('gives hints for constructs other engines support', () => {
    const hint = (p: string): string | undefined => {
      const r = compileRegex(p)
      return r.ok ? undefined : r.error.hint
    }
    expect(hint('(?=x)')).toBe('Rust regexes have no look-around; match the text and check it in a second predicate, or use a capture group')
    expect(hint('(a)\\1')).toMatch(/no backreferences/)
    expect(hint('\\k<a>')).toMatch(/no backreferences/)
    expect(hint('(?>a)')).toMatch(/no atomic groups/)
    expect(hint('\\Z')).toMatch(/\\z/)
    expect(hint('(?(1)a)')).toMatch(/no conditionals/)
    expect(hint('a{')).toMatch(/\\\{/)
  })

  it('enforces the nest limit of 250', () => {
    const ok = '('.repeat(249) + 'a' + ')'.repeat(249)
    expect(compileRegex(ok).ok).toBe(true)
    const deep = '('.repeat(300) + 'a' + ')'.repeat(300)
    const r = compileRegex(deep)
    expect(r.ok ? '' : r.error.message).toBe('exceed the maximum number of nested parentheses/brackets (250)')
    // A very deep pattern is an error, never a stack overflow.
    const huge = '('.repeat(100_000)
    expect(compileRegex(huge).ok).toBe(false)
    expect(compileRegex('['.repeat(100_000)).ok).toBe(false)
    expect(compileRegex('[' + '['.repeat(300) + 'a' + ']'.repeat(301)).ok).toBe(false)
  })

  it('reports group names and counts', () => {
    const r = compileRegex('(a)(?P<x>b)(?:c)(?<y>d)')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.regex.groupCount).toBe(4)
    expect(r.regex.groupNames).toEqual([undefined, undefined, 'x', 'y'])
  })

  it('drops groups inside x{0}, as Rust does', () => {
    const r = compileRegex('(?P<x>a){0}b')
    expect(r.ok && [r.regex.groupCount, r.regex.groupNames]).toEqual([1, [undefined]])
    const s = compileRegex('(?P<x>a){0}(?P<y>b)')
    expect(s.ok && [s.regex.groupCount, s.regex.groupNames]).toEqual([3, [undefined, undefined, 'y']])
  })
})
