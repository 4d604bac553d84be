/**
 * A deterministic corpus of distinct, typical route regexes with sample inputs, for the compile
 * equivalence test and the compile-time benchmark, and what the tests share to compare results
 * (not used by the router). Distinct texts matter:
 * `RegexCache` and V8's own RegExp cache share identical ones, which would hide compile cost.
 */

/** A pattern and inputs to run it on (one built to match, the rest near misses). */
export interface CorpusCase {
  readonly pattern: string
  readonly inputs: readonly string[]
}

function rng(seed: number): () => number {
  // mulberry32: tiny, seedable, and the same on every platform.
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = ['api', 'users', 'orders', 'items', 'base', 'v1', 'admin', 'shop', 'cart', 'files', 'static', 'auth', 'login', 'health', 'Ünï', 'ſk']

/** Path segments as Rust regex, each with a text it matches. */
const SEGMENTS: readonly (readonly [string, string])[] = [
  ['\\d+', '123'],
  ['[0-9]+', '42'],
  ['[a-z0-9-]+', 'ab-9'],
  ['(?P<id>[a-z0-9-]+)', 'x-1'],
  ['(?P<id>\\d+)', '77'],
  ['([^/]+)', 'seg'],
  ['(users|user)', 'user'],
  ['(?:v1|v2|v3)', 'v2'],
  ['[A-Za-z_]+', 'Ab_'],
  ['[a-f0-9]{8}', 'deadbeef'],
  ['.*', 'any/thing'],
  ['(?i:abc)', 'aBc'],
  ['[^/]{2,5}', 'abc'],
  ['\\.(css|js|png)', '.js'],
]

/** Segments with Unicode classes or word boundaries (V8 builds their large classes per RegExp). */
const UNICODE_SEGMENTS: readonly (readonly [string, string])[] = [
  ['\\w+', 'wörd'],
  ['\\p{L}+', 'λx'],
  ['\\bx\\b', 'x'],
  ['[\\w-]+', 'a-ü'],
  ['\\s*', ' '],
]

/**
 * `n` distinct route regexes: optional `(?i)`, mostly anchored, one to four segments, `$` or
 * other endings, sometimes a second alternative. With `unicode`, segments may use `\w`, `\pL`, `\b`.
 * Patterns already in `seen` are skipped (and new ones added), so several corpora can be disjoint.
 */
export function routeCorpus(n: number, seed: number, unicode: boolean, seen: Set<string> = new Set()): CorpusCase[] {
  const r = rng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T
  const out: CorpusCase[] = []
  while (out.length < n) {
    let p = ''
    let s = ''
    const ci = r() < 0.25
    if (ci) p += '(?i)'
    if (r() < 0.85) p += '^'
    const segs = 1 + Math.floor(r() * 4)
    let named = false
    for (let i = 0; i < segs; i++) {
      p += '/'
      s += '/'
      if (r() < 0.45) {
        const w = pick(WORDS) + (r() < 0.3 ? String(Math.floor(r() * 100)) : '')
        p += w
        s += ci && r() < 0.5 ? w.toUpperCase() : w
      } else {
        let [seg, sample] = unicode && r() < 0.4 ? pick(UNICODE_SEGMENTS) : pick(SEGMENTS)
        if (seg.includes('?P<id>')) {
          if (named) seg = seg.replace('?P<id>', '')
          named = true
        }
        p += seg
        s += sample
      }
    }
    const end = r()
    if (end < 0.6) p += '$'
    else if (end < 0.7) p += '/?$'
    else if (end < 0.75) p += '(/.*)?$'
    else if (end < 0.8 && unicode) p += '\\b'
    if (r() < 0.1) p = `${p}|^/alt${Math.floor(r() * 1000)}$`
    if (seen.has(p)) continue
    seen.add(p)
    out.push({ pattern: p, inputs: [s, `${s}/`, s.toUpperCase(), '/api/users/123/orders', `/x${s}`, s.slice(0, -1), ''] })
  }
  return out
}

/** FNV-1a of a string, as 8 hex digits: a compact fingerprint of a pattern's results. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(16).padStart(8, '0')
}

/** The groups of an `exec` result as a plain array (a RegExp's own result also carries `index` and `input`), for comparisons. */
export function groupsOf(groups: readonly (string | undefined)[] | null): (string | undefined)[] | null {
  return groups === null ? null : [...groups]
}
