/**
 * Where each character of a YAML string value was written: the way from an offset in the value (an
 * expression's diagnostic span) back to the file, through quoting, escapes and line folding.
 */

/** The YAML scalar styles (the `yaml` package's `Scalar.Type`). */
export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED'

interface Line {
  /** Offset in the raw text of the line's content. */
  readonly start: number
  readonly content: string
}

/** One character of the value or a few (an escape), and its offset in the line's content. */
interface Unit {
  readonly text: string
  readonly at: number
}

/**
 * For each offset 0..value.length of a scalar's value, the offset in `raw` (the scalar as written,
 * from its first character, an indicator or quote included) where it was written; undefined when
 * the two cannot be aligned exactly, and the caller falls back to the scalar's start. A line break
 * the value keeps or folds to a space maps to the end of the line it ends.
 */
export function scalarOffsets(raw: string, value: string, style: ScalarStyle): number[] | undefined {
  const lines = contentLines(raw, style)
  if (lines === undefined) return undefined
  const offsets: number[] = []
  let v = 0
  let lineEnd = 0
  for (const [index, line] of lines.entries()) {
    // A line break is kept as `\n`, folded to a space, or dropped (before or after an empty line).
    if (index > 0 && (value[v] === '\n' || value[v] === ' ')) {
      offsets.push(lineEnd)
      v++
    }
    const units = decode(line.content, style)
    if (units === undefined) return undefined
    for (const unit of units) {
      if (!value.startsWith(unit.text, v)) return undefined
      for (let i = 0; i < unit.text.length; i++) offsets.push(line.start + unit.at)
      v += unit.text.length
    }
    lineEnd = line.start + line.content.length
  }
  // A block scalar's final line breaks (clip or keep chomping).
  while (value[v] === '\n') {
    offsets.push(lineEnd)
    v++
  }
  if (v !== value.length) return undefined
  offsets.push(lineEnd)
  return offsets
}

/** The lines of a scalar's content: indentation, quotes and the block header left out. */
function contentLines(raw: string, style: ScalarStyle): Line[] | undefined {
  if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') return blockLines(raw)
  const quoted = style !== 'PLAIN'
  const base = quoted ? 1 : 0
  const inner = quoted ? raw.slice(1, -1) : raw
  const parts = inner.split('\n')
  const lines: Line[] = []
  let offset = base
  for (const [index, part] of parts.entries()) {
    // Flow scalars fold: a continuation line's leading white space and a broken line's trailing
    // white space are not part of the value.
    const lead = index > 0 ? part.length - part.trimStart().length : 0
    const content = index < parts.length - 1 ? part.slice(lead).replace(/[ \t\r]+$/, '') : part.slice(lead)
    lines.push({ start: offset + lead, content })
    offset += part.length + 1
  }
  return lines
}

function blockLines(raw: string): Line[] | undefined {
  const headerEnd = raw.indexOf('\n')
  if (headerEnd < 0) return undefined
  const explicit = /[1-9]/.exec(raw.slice(0, headerEnd))?.[0]
  const body = raw.slice(headerEnd + 1).split('\n')
  const first = body.find((line) => line.trim() !== '')
  const indent = explicit !== undefined ? Number(explicit) : first === undefined ? 0 : first.length - first.trimStart().length
  const lines: Line[] = []
  let offset = headerEnd + 1
  for (const part of body) {
    const content = part.length > indent ? part.slice(indent).replace(/\r$/, '') : ''
    lines.push({ start: offset + Math.min(indent, part.length), content })
    offset += part.length + 1
  }
  // The text after the last line break belongs to what follows the scalar.
  if (body[body.length - 1]?.trim() === '') lines.pop()
  return lines
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
}
const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 }

/** A line's content as the characters of the value it writes, each with where it starts. */
function decode(content: string, style: ScalarStyle): Unit[] | undefined {
  const units: Unit[] = []
  for (let i = 0; i < content.length; i++) {
    const ch = content[i] as string
    if (style === 'QUOTE_SINGLE' && ch === "'" && content[i + 1] === "'") {
      units.push({ text: "'", at: i++ })
    } else if (style === 'QUOTE_DOUBLE' && ch === '\\') {
      const kind = content[i + 1] ?? ''
      const digits = HEX_ESCAPES[kind]
      if (digits !== undefined) {
        const hex = content.slice(i + 2, i + 2 + digits)
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return undefined
        units.push({ text: String.fromCodePoint(parseInt(hex, 16)), at: i })
        i += 1 + digits
      } else {
        const text = SIMPLE_ESCAPES[kind]
        // An escaped line break (or anything unknown): not aligned, the caller falls back.
        if (text === undefined) return undefined
        units.push({ text, at: i++ })
      }
    } else units.push({ text: ch, at: i })
  }
  return units
}
