/**
 * A declarative config's text: read as Kong reads it (JSON or YAML, decided by the file name), and
 * places in it found again for messages.
 */
import { lineColumn } from '@switchyard/core'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type ScalarTag, type Tags } from 'yaml'
import type { FieldErrors } from '../entities/schema.ts'
import type { ConfigProblem, Segment } from './declarative.ts'
import { jsonSyntaxError } from './json-syntax.ts'
import { scalarOffsets } from './scalar-offsets.ts'

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const BOOL_TAG = 'tag:yaml.org,2002:bool'
const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp'

/** lyaml's booleans (lyaml/implicit.lua `to_bool`): YAML 1.1's without the one-letter `y` and `n`. */
function lyamlBool(value: boolean, test: RegExp): ScalarTag {
  return { tag: BOOL_TAG, default: true, identify: (v) => v === value, test, resolve: () => value }
}

/**
 * How Kong's lyaml reads YAML: YAML 1.1 scalars (`yes`, `no`, `on`, `off` in three spellings are
 * booleans, `010` is octal 8) but no timestamps (a date stays text), and of a key given twice the
 * last value (libyaml does not check).
 */
const YAML_OPTIONS = {
  version: '1.1',
  uniqueKeys: false,
  prettyErrors: false,
  customTags: (tags: Tags): Tags => [
    ...tags.filter((tag) => typeof tag !== 'object' || (tag.tag !== BOOL_TAG && tag.tag !== TIMESTAMP_TAG)),
    lyamlBool(true, /^(?:[Tt]rue|TRUE|[Yy]es|YES|[Oo]n|ON)$/),
    lyamlBool(false, /^(?:[Ff]alse|FALSE|[Nn]o|NO|[Oo]ff|OFF)$/),
  ],
} as const

/**
 * Whether Kong's declarative loader reads a file of this name as JSON, and only as JSON: a name
 * ending in `json` (kong/db/declarative `unserialize`, `filename:match("json$")`), which lua-cjson
 * parses strictly (no trailing comma, no comment).
 */
export function isJsonName(name: string): boolean {
  return name.endsWith('json')
}

/** A declarative config's text read: the value and the syntax it was read in, or its syntax errors. */
export type ConfigText =
  | { readonly ok: true; readonly value: Record<string, unknown>; readonly format: 'json' | 'yaml' }
  | { readonly ok: false; readonly problems: ConfigProblem[]; readonly errors: FieldErrors }

/**
 * Parses a declarative config as Kong's `unserialize` does. A file whose name ends in `json`
 * ({@link isJsonName}) is strict JSON; any other text, a body of the Admin API's `POST /config`
 * included (it has no name), is tried as JSON first (lua-cjson, where the last of duplicate keys
 * wins, as in `JSON.parse`), else read as YAML ({@link YAML_OPTIONS}). Kong reads a name ending in
 * `yml` or `yaml` as YAML alone and refuses other names; JSON text means the same in YAML, and other
 * names are read rather than refused. A syntax error comes back as Kong's
 * `{ error: 'failed parsing …' }`, with its line, column and span.
 */
export function parseConfigText(text: string, name?: string): ConfigText {
  if (name !== undefined && isJsonName(name)) return parseStrictJson(text)
  const json = parseJsonObject(text)
  if (json !== undefined) return { ok: true, value: json, format: 'json' }
  const lines = new LineCounter()
  const document = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines })
  if (document.errors.length > 0) {
    const problems = document.errors.map((e) => syntaxProblem(text, { start: e.pos[0], end: e.pos[1] }, e.message.split('\n')[0] ?? e.message))
    return { ok: false, problems, errors: syntaxErrors(problems) }
  }
  let value: unknown
  try {
    value = document.toJS()
  } catch (error) {
    // Building the value can still fail: the yaml package refuses aliases that expand past its
    // limit (a "billion laughs" document) only here.
    const message = error instanceof Error ? error.message : String(error)
    return { ok: false, problems: [{ location: 'document', message }], errors: { error: `failed parsing declarative configuration: ${message}` } }
  }
  if (!isObject(value)) return notAnObject()
  return { ok: true, value, format: 'yaml' }
}

function parseStrictJson(text: string): ConfigText {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    // The scanner says where and why in the same words on every Node version; should it ever pass
    // what the engine refused, the engine's message is kept.
    const found = jsonSyntaxError(text) ?? { offset: 0, message: error instanceof Error ? error.message : String(error) }
    // A YAML file named *.json is the likely mistake when the text does not even start as JSON.
    const named = /^\s*[[{]/.test(text) ? '' : ' (a file whose name ends in json is read as JSON, as Kong reads it)'
    const problems = [syntaxProblem(text, { start: found.offset, end: found.offset + 1 }, `invalid JSON: ${found.message}${named}`)]
    return { ok: false, problems, errors: syntaxErrors(problems) }
  }
  return isObject(value) ? { ok: true, value, format: 'json' } : notAnObject()
}

/** The object a JSON text holds, or undefined when the text is not JSON or holds no object. */
function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.trimStart()[0] !== '{') return undefined
  try {
    const value: unknown = JSON.parse(text)
    return isObject(value) ? value : undefined
  } catch {
    return undefined
  }
}

function syntaxProblem(text: string, found: { start: number; end: number }, message: string): ConfigProblem {
  // A text that ends too early is shown where its content ends, not on the empty line after it.
  const end = text.trimEnd().length
  const span = found.start < end ? found : { start: end, end: end + 1 }
  const at = lineColumn(text, span.start)
  return { location: `line ${at.line}, column ${at.column}`, line: at.line, column: at.column, span, message }
}

function syntaxErrors(problems: readonly ConfigProblem[]): FieldErrors {
  return { error: `failed parsing declarative configuration: ${problems.map((p) => `${p.location}: ${p.message}`).join('; ')}` }
}

function notAnObject(): ConfigText {
  return { ok: false, problems: [{ location: 'document', message: 'expected an object' }], errors: { error: 'failed parsing declarative configuration: expected an object' } }
}

/** Where a string value of a config is in its text. */
export interface StringPlace {
  /** Offset in the text of the value's first character as written (after a quote; at a block's indicator). */
  readonly start: number
  /**
   * The offset in the text of each offset in the value, when quoting, escapes and folding allow an
   * exact answer (see `scalarOffsets`); undefined otherwise.
   */
  readonly offsetOf?: (offset: number) => number
}

/** Places in a config's text, found from the paths of its problems. */
export interface ConfigPlaces {
  /**
   * The line and column (1-based) of `path`: the key of the last step found, or the item. Undefined
   * for text that does not parse.
   */
  position(path: readonly Segment[]): { line: number; column: number } | undefined
  /** Where the string value at `path` is; undefined when there is none. */
  string(path: readonly Segment[]): StringPlace | undefined
}

/** Finds places in a config's text, for messages people can jump to. */
export function placesIn(text: string): ConfigPlaces {
  const lines = new LineCounter()
  // JSON text is YAML as well: one parser finds places in both.
  const document = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines })
  const walk = (path: readonly Segment[]): { node: unknown; offset: number | undefined; found: boolean } => {
    let node: unknown = document.contents
    let offset = rangeStart(node)
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment)
        if (pair === undefined) return { node, offset, found: false }
        offset = rangeStart(pair.key) ?? offset
        node = pair.value
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment]
        offset = rangeStart(node) ?? offset
      } else return { node, offset, found: false }
    }
    return { node, offset, found: true }
  }
  return {
    position(path) {
      if (document.errors.length > 0) return undefined
      const { offset } = walk(path)
      if (offset === undefined) return undefined
      const at = lines.linePos(offset)
      return { line: at.line, column: at.col }
    },
    string(path) {
      if (document.errors.length > 0) return undefined
      const { node, found } = walk(path)
      if (!found || !isScalar(node) || typeof node.value !== 'string' || node.range === undefined || node.range === null) return undefined
      const [from, to] = node.range
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'
      const offsets = node.type === undefined ? undefined : scalarOffsets(text.slice(from, to), node.value, node.type)
      const start = from + (quoted ? 1 : 0)
      if (offsets === undefined) return { start }
      return { start, offsetOf: (offset) => from + (offsets[Math.max(0, Math.min(offset, offsets.length - 1))] as number) }
    },
  }
}

/** The line and column (1-based) of a problem's `path` ({@link ConfigPlaces.position}). */
export function positionIn(text: string): (path: readonly Segment[]) => { line: number; column: number } | undefined {
  const places = placesIn(text)
  return (path) => places.position(path)
}

function rangeStart(node: unknown): number | undefined {
  const range = typeof node === 'object' && node !== null && 'range' in node ? (node as { range?: readonly number[] | null }).range : undefined
  return range?.[0]
}
