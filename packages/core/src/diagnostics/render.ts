import type { Diagnostic } from './diagnostic.ts'
import { lineColumn, type Span } from './span.ts'

/**
 * Renders a diagnostic for a person: `severity[code]: message`, the position as `line:column`,
 * the source line and a caret under the problem (`^` for a point, `^~~~` for a range), then the hint.
 */
export function renderDiagnostic(source: string, d: Diagnostic, name = 'expression'): string {
  const start = lineColumn(source, d.span.start)
  const excerpt = renderExcerpt(source, d.span)
  const pad = ' '.repeat(String(start.line).length)
  const out = [`${d.severity}[${d.code}]: ${d.message}`, `${pad}--> ${name}:${start.line}:${start.column}`, excerpt]
  if (d.hint !== undefined) out.push(`${pad} = hint: ${d.hint}`)
  return out.join('\n')
}

/**
 * The source line holding `span.start`, with its line number in the gutter and a caret under the
 * span (`^` for a point, `^~~~` for a range, cut at the end of the line): the part of a diagnostic
 * that shows where, for problems that are not diagnostics of their own (a configuration file's syntax).
 */
export function renderExcerpt(source: string, span: Span): string {
  const start = lineColumn(source, span.start)
  const lines = source.split('\n')
  const text = lines[start.line - 1] ?? ''
  const lineStart = lines.slice(0, start.line - 1).reduce((n, l) => n + l.length + 1, 0)
  const lineEnd = lineStart + text.length
  const end = Math.min(Math.max(span.end, span.start + 1), Math.max(lineEnd, span.start + 1))
  const width = Math.max(1, displayWidth(source.slice(span.start, end)))
  const pad = ' '.repeat(String(start.line).length)
  // Columns on screen, not characters: a CJK character or an emoji takes two in a terminal.
  const caret = ' '.repeat(displayWidth(source.slice(lineStart, span.start))) + '^' + '~'.repeat(width - 1)
  // A CRLF file's line keeps its CR out of the terminal.
  return [`${pad} |`, `${start.line} | ${text.replace(/\r$/, '').replace(/\t/g, ' ')}`, `${pad} | ${caret}`].join('\n')
}

/** Renders every diagnostic, separated by blank lines. */
export function renderDiagnostics(source: string, diagnostics: readonly Diagnostic[], name?: string): string {
  return diagnostics.map((d) => renderDiagnostic(source, d, name)).join('\n\n')
}

/**
 * Terminal columns `text` takes: two for East Asian wide and fullwidth characters and emoji, none
 * for combining marks and zero-width characters, one otherwise (tabs are printed as one space).
 */
export function displayWidth(text: string): number {
  let width = 0
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number
    if (isZeroWidth(cp)) continue
    width += isWide(cp) ? 2 : 1
  }
  return width
}

function isZeroWidth(cp: number): boolean {
  return (
    (cp >= 0x0300 && cp <= 0x036f) || // combining diacritical marks
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space, joiners, direction marks
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe20 && cp <= 0xfe2f)
  )
}

// East Asian Wide (W) and Fullwidth (F) blocks, and the emoji blocks terminals draw two columns wide.
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x2753, 0x2755],
  [0x2795, 0x2797],
  [0x2b1b, 0x2b1c],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
]

function isWide(cp: number): boolean {
  if (cp < 0x1100) return false
  let low = 0
  let high = WIDE.length - 1
  while (low <= high) {
    const mid = (low + high) >> 1
    const [from, to] = WIDE[mid] as readonly [number, number]
    if (cp < from) high = mid - 1
    else if (cp > to) low = mid + 1
    else return true
  }
  return false
}
