// Writes ../oracle-fixture.json from the Rust oracle's answers (see README.md). Run from the
// repository root:
//
//   npx tsx packages/core/src/values/regex/oracle/build-fixture.mjs /tmp/rx-oracle/target/release/rx-oracle
//
// Every row is what regex 1.7.1 answers, minus the rows where 1.7 and 1.11 (Kong's version) are
// known to differ; the exclusion rules below say which, and the script refuses inputs outside them
// rather than silently dropping them.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parsePattern } from '../parse.ts'
import { routeCorpus } from '../test-corpus.ts'

const oracle = process.argv[2]
if (oracle === undefined) throw new Error('usage: build-fixture.mjs PATH_TO_RX_ORACLE')

/** Typical route regexes and the features of the dialect, each with inputs that match and inputs that nearly do. */
const FEATURES = [
  // anchored paths, \d \w, classes, named groups, optional groups
  ['^/users/\\d+$', ['/users/42', '/users/42/', '/users/', '/users/٣٤', '/Users/1']],
  ['^/api/v[0-9]+/items/(?P<id>[a-z0-9-]+)$', ['/api/v2/items/ab-9', '/api/v/items/x', '/api/v10/items/AB', '/api/v1/items/é']],
  ['(?i)^/api/v[0-9]+/items/(?P<id>[a-z0-9-]+)$', ['/API/V2/ITEMS/AB-9', '/api/v2/items/ſK', '/api/v2/items/é']],
  ['^/users/(?P<id>\\d+)(/.*)?$', ['/users/1', '/users/1/orders/2', '/users/x', '/users/1/']],
  ['\\.(css|js|png)$', ['/a.css', '/a.jsx', '/x/y.png', '/a.png?x']],
  ['^/(users|user)/\\d+$', ['/user/1', '/users/1', '/usr/1']],
  ['^/api/(.*)/items$', ['/api/a/b/items', '/api//items', '/api/items']],
  ['/(\\d+)/(?P<name>[a-z]+)(x)?', ['/foo/123/abc/z', '/1/ax', '/1/', '/9/abx']],
  ['^/files/(?P<path>.+?)(?:\\.(?P<ext>[a-z]{2,4}))?$', ['/files/a/b.txt', '/files/a', '/files/a.toolong', '/files/.md']],
  ['^/(?:v1|v2|v3)/(?:orders|items|carts)$', ['/v2/items', '/v4/items', '/v1/cart']],
  ['^/base/users/\\d+/orders$', ['/base/users/7/orders', '/base/users//orders']],
  ['^/[^/]+/[^/]+$', ['/a/b', '/a/b/c', '/é/ж', '//b']],
  ['^/café/(?P<n>\\w+)$', ['/café/naïve', '/cafe/x', '/CAFÉ/x', '/café/a-b']],
  ['(?i)^/café$', ['/CAFÉ', '/Café', '/cafe']],
  ['^/(?P<lang>[a-z]{2})(?:-(?P<region>[A-Z]{2}))?/docs$', ['/en/docs', '/en-US/docs', '/en-us/docs']],
  ['^/static/.+\\.(?:js|css)$', ['/static/app.js', '/static/.js', '/static/a/b.css']],
  ['/orders/(\\d+)', ['/api/orders/55/items', '/orders/', 'x/orders/7']],
  ['^/\\w+/\\d{2,4}$', ['/wörd/123', '/a/1', '/a/12345', '/日本/99']],
  // repetitions, lazy quantifiers, greedy swap
  ['^/a{2,3}$', ['/a', '/aa', '/aaa', '/aaaa']],
  ['^/x{2,}y$', ['/xy', '/xxy', '/xxxxy']],
  ['a{2}', ['aaa', 'a']],
  ['a{2,3}?', ['aaaa']],
  ['(ab){1,2}', ['ababab', 'ab', 'a']],
  ['\\d{3}-\\d{4}', ['call 555-1234 now', '55-1234']],
  ['^/(.+?)/(.*)$', ['/a/b/c', '/ab/', '//x']],
  ['a*?b', ['aaab', 'b', 'aaa']],
  ['<.+?>', ['<a><b>', '<>', '<<a>>']],
  ['(.*?)x', ['abxcx', 'x', 'abc']],
  ['(a+?)(b*)', ['aab', 'abbb']],
  ['(?U)a+', ['aaa']],
  ['(?U)a+?', ['aaa']],
  ['(?U)(a*)(a*)', ['aaa']],
  // alternation, empty alternatives, leftmost-first
  ['a|ab', ['ab', 'b']],
  ['ab|a', ['ab', 'a']],
  ['(foo|foobar)baz', ['foobarbaz', 'foobaz']],
  ['(a|ab)(c|bcd)(d*)', ['abcd', 'acd']],
  ['a|', ['b', 'a']],
  ['|a', ['a', '']],
  ['(a|)b', ['b', 'ab', 'aab']],
  ['^/(|api/)v1$', ['/v1', '/api/v1', '/apiv1']],
  ['x(?:|y|yz)z', ['xz', 'xyz', 'xyzz']],
  // nested groups
  ['((a)(b(c)?))+', ['abcab', 'ab', 'c']],
  ['(?:(a)|b)+', ['ab', 'ba', 'bb']],
  ['(?:(a)|(b))+', ['ab', 'ba']],
  ['((?:a|b)+)c', ['ababc', 'c']],
  ['(a(b(c)))', ['xabcx']],
  ['(?P<outer>x(?P<inner>y)?z)', ['xz', 'xyz', 'xyyz']],
  ['(a|b)*c', ['abac', 'c', 'ab']],
  ['^(a+)+$', ['aaaa', 'aaaa!']],
  ['(a|a)*b', ['aaab', 'aaa']],
  ['(x+x+)+y', ['xxxy', 'xxxx']],
  ['(?:a|b){20}x', ['abababababababababab' + 'x', 'ababab' + 'x']],
  // Perl classes are Unicode-aware
  ['^\\d+$', ['٣٤', '０９', '12a']],
  ['^\\w+$', ['éß日本', 'a_b', 'a-b', 'ǅ']],
  ['^\\s$', ['\u00a0', '\u2028', '\u180e', '\u3000', '\t']],
  ['\\W+', ['ab -+ cd', 'abc']],
  ['\\S+', ['  é日  ']],
  ['\\D+', ['12ab34']],
  // Unicode classes
  ['^\\pL+$', ['λx', 'abc1', '日本', 'Ⅰ']],
  ['\\p{Greek}+', ['abc αβγ', 'λ']],
  ['^\\p{Lu}', ['Éa', 'éa', 'Σ']],
  ['\\p{Han}+', ['ab日本cd']],
  ['\\p{Cyrillic}+', ['abc жЖ']],
  ['\\PN+', ['12ab3']],
  ['\\p{sc=Latin}+', ['αab', 'é']],
  ['\\p{Script_Extensions=Greek}+', ['αβ']],
  ['\\p{gc=Nd}+', ['a٣4']],
  ['\\p{Ll}\\p{Lt}', ['aǅ', 'ǅa']],
  ['\\p{White_Space}+', ['a \u00a0b']],
  ['\\p{Alphabetic}+', ['Ⅰaé1']],
  ['\\p{ Greek }', ['λ']],
  ['\\p{greek}', ['λ']],
  ['\\p{L}&\\p{N}', ['a&1']],
  ['[\\p{L}&&\\p{Greek}]+', ['aλβb']],
  ['[\\w--\\d]+', ['ab12cd']],
  ['[\\pL\\d]+', ['ab12-x']],
  // bracketed classes, set operations, ASCII classes
  ['[a-z&&[^aeiou]]+', ['aeibcd']],
  ['[a-c~~b-d]+', ['bcad']],
  ['[[:alpha:]]+', ['12abc3']],
  ['[[:^digit:]]+', ['12abc3']],
  ['[[:word:]]+', ['a_b-c']],
  ['[[:punct:]]+', ['a!?b']],
  ['[[:space:]]+', ['a \t\u00a0b']],
  ['[]a]+', ['x]a]']],
  ['[-a]+', ['x-a']],
  ['[a-]+', ['x-a']],
  ['[a[^b]]', ['b', 'c']],
  ['[^[a-z]&&[^x]]', ['x', 'A', 'a']],
  ['[\\[\\]]+', ['a[]b']],
  ['[é-ü]+', ['aéñüz']],
  ['[α-ω]+', ['λΛμ']],
  ['[^\\n]+', ['ab\ncd']],
  // case folding, ASCII and not
  ['(?i)abc', ['xAbC']],
  ['(?i)k', ['\u212a', 'K', 'k']],
  ['(?i)ſ', ['S', 's']],
  ['(?i)σ+', ['ΣΣς']],
  ['(?i)straße', ['STRASSE', 'STRAẞE', 'straße']],
  ['(?i)é', ['É']],
  ['(?i)[à-ÿ]+', ['ÀÉÿŸ']],
  ['(?i)ǅ', ['Ǆ', 'ǆ']],
  ['(?i)µ', ['Μ', 'μ']],
  ['(?i)ω', ['\u2126', 'Ω']],
  ['(?i)İ', ['i', 'I', 'İ']],
  ['(?i)ı', ['I', 'i']],
  ['(?i)å', ['\u212b', 'Å']],
  ['(?i)ж+', ['ЖжЖ']],
  ['(?i)[a-c]+', ['ABC']],
  ['(?i)[^a]', ['A', 'b']],
  ['(?i)[a-z--k]+', ['abK']],
  ['(?i)\\p{Lu}', ['a']],
  ['(?i)[[:upper:]]+', ['abC']],
  ['a(?i)b|c', ['C', 'aB']],
  ['(?i:a)b', ['AB', 'Ab']],
  ['(?i)a(?-i)b', ['AB', 'Ab']],
  ['(?i)\\bK\\b', ['a k b']],
  // word boundaries
  ['\\bfoo\\b', ['éfoo', '-foo-', 'foo', 'foobar']],
  ['\\Bfoo', ['éfoo', 'foo']],
  ['\\b\\w+\\b', ['  héllo wörld']],
  ['(?-u:\\b)foo', ['éfoo']],
  ['\\b', ['', '   ', 'a']],
  ['\\B', ['', 'ab', ' ']],
  // line and text anchors
  ['^b', ['a\nb']],
  ['(?m)^b', ['a\nb']],
  ['a$', ['a\n', 'a']],
  ['(?m)a$', ['a\nb', 'a\r\nb']],
  ['(?m)^$', ['\n\n', 'a']],
  ['$', ['a\n']],
  ['\\Aa', ['ba', 'ab']],
  ['a\\z', ['ab', 'ba']],
  ['(?m)^a|b$', ['xa\nb', 'b\n']],
  ['(?m)^(\\w+)$', ['foo bar\nbaz\n']],
  // dot with and without (?s)
  ['.', ['\n', '\r']],
  ['(?s).', ['\n']],
  ['a.c', ['a😀c', 'a\nc']],
  ['^.$', ['😀', 'é']],
  ['(?s:.)x', ['\nx']],
  ['^..$', ['😀']],
  ['😀+', ['x😀😀']],
  // escapes Rust 1.7 already knew
  ['\\x41\\u0042\\u{43}\\U00000044\\x{1F600}', ['ABCD😀']],
  ['\\t\\n', ['a\t\nb']],
  ['a\\.b\\-c\\#\\&\\~', ['a.b-c#&~']],
  ['\\a\\f\\v', ['\x07\x0c\x0b']],
  ['\\$\\^\\*\\+\\?\\(\\)\\{\\}\\|\\\\', ['$^*+?(){}|\\']],
  // (?x)
  ['(?x) ^ / api / (?P<v> v \\d+ ) $', ['/api/v12', '/ api / v1']],
  ['(?x) a \\  b # comment', ['a b', 'ab']],
  ['(?x)[ a]', [' ', 'a']],
  // flags and empty patterns
  ['', ['xyz']],
  ['(?i)', ['']],
  ['()', ['a']],
  ['(?s)a.b(?-s).', ['a\nb\n', 'a\nbc']],
  ['(?ims)^A.$', ['x\na\n', 'x\nA\n']],
  ['a+*', ['aa']],
]

/** Patterns Rust rejects (1.7 and 1.11 alike): one row each, no inputs. */
const REJECTED = [
  '(', ')', 'a(b', 'a)b', '[a', '[]', '[^]', '[z-a]', 'a{2,1}', 'a{,3}', '*a', 'a|*', 'x{', '{2}',
  '(?P<n>a)(?P<n>b)', '(?P<>a)', '(?P<1a>x)', '(?=x)', '(?!x)', '(?<=x)', '(?<!x)', '(a)\\1', '\\k<a>',
  '\\Z', '(?>a)', '(?(1)a)', '\\p{Foo}', '\\p{gc=Foo}', '\\p{Unknown}', '\\p{Hrkt}', '\\e', '\\0',
  '\\xZZ', '\\x{110000}', '\\u{D800}', '(?-u).', '(?-u)[^a]', '(?-u)\\pL', '(?-u)[é]',
  '(?-u)[a-z&&[^aeiou]]', '(?-u)[[:^alpha:]&&a]', '(?-u)[a\\xFFb]', '(?-u:\\xFF)', '(?i', '(?z)',
  '\\b{foo}', '\\', 'a{1,2', '(?:', '(a', '[[:alpha:]', '\\pZ\\p{', '(?i)(?P<x>', '(' .repeat(300) + 'a' + ')'.repeat(300),
]

// The only non-ASCII characters rows may use: ones whose properties and simple case folds are the
// same in the oracle's tables (Unicode 14), regex 1.11's (16) and the platform's (17). Checked
// against regex-syntax's class and fold tables with the oracle's `hir` mode; none of the
// Unicode 16 case pairs (U+1C89, U+A7CB, U+1FD3 ~ U+0390, ...) is among them.
const STABLE = new Set([...'µÀÅÉÏÖÜßàåéïñöüÿİıŸſǄǅǆΛΜΣΩαβγλμςσωЖж٣٤ẞKⅠ日本０９😀', '\u00a0', '\u180e', '\u2028', '\u3000', '\u2126', '\u212a', '\u212b'])
const isStable = (text) => [...text].every((c) => c.charCodeAt(0) < 0x80 || STABLE.has(c))

/**
 * Constructs regex 1.9 compiles differently from 1.7: `x*` (and `x{0,}`) with an `x` that can match
 * empty is `(x+)?`, and groups inside `x{0}` vanish keeping their numbers.
 */
function changedSince17(pattern) {
  const parsed = parsePattern(pattern)
  if (!parsed.ok) return false
  const nullable = (a) => {
    switch (a.kind) {
      case 'empty':
      case 'flags':
      case 'assertion':
        return true
      case 'repetition':
        return a.min === 0 || nullable(a.sub)
      case 'group':
        return nullable(a.sub)
      case 'concat':
        return a.subs.every(nullable)
      case 'alternation':
        return a.subs.some(nullable)
      default:
        return false
    }
  }
  const walk = (a) => {
    if (a.kind === 'repetition' && (a.max === 0 || (a.max === Infinity && nullable(a.sub)))) return true
    const kids = a.kind === 'repetition' || a.kind === 'group' ? [a.sub] : a.kind === 'concat' || a.kind === 'alternation' ? a.subs : []
    return kids.some(walk)
  }
  return walk(parsed.parsed.ast)
}

const cases = [
  ...FEATURES.map(([pattern, inputs]) => ({ pattern, inputs })),
  ...routeCorpus(40, 7, true),
  ...REJECTED.map((pattern) => ({ pattern, inputs: [] })),
]
for (const c of cases) {
  if (!isStable(c.pattern) || !c.inputs.every(isStable)) throw new Error(`character outside STABLE: ${JSON.stringify(c)}`)
  if (changedSince17(c.pattern)) throw new Error(`construct compiled differently since 1.7: ${c.pattern}`)
}

const run = spawnSync(oracle, { input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n', maxBuffer: 1 << 28 })
if (run.status !== 0) throw new Error(run.stderr.toString())
const answers = run.stdout.toString().trim().split('\n').map((l) => JSON.parse(l))

const rows = []
cases.forEach((c, i) => {
  const a = answers[i]
  if (a.ok === 'panic') throw new Error(`oracle panicked on ${c.pattern}`)
  if (!a.ok) {
    if (c.inputs.length > 0) throw new Error(`oracle rejects ${c.pattern}: ${a.error}`)
    rows.push([c.pattern, null, false, null])
    return
  }
  if (c.inputs.length === 0) throw new Error(`oracle accepts ${c.pattern}`)
  c.inputs.forEach((input, k) => rows.push([c.pattern, input, a.results[k].m, a.results[k].c]))
})

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'oracle-fixture.json')
writeFileSync(out, '[\n' + rows.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n')
process.stderr.write(`${rows.length} rows (${cases.length} patterns) written to ${out}\n`)
