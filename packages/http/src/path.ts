import { bytesToText, textToBytes, type Utf8Result } from './bytes.ts'
import { decodePathPercent } from './percent.ts'

/**
 * The path part of a raw request target: everything before the first `?` found from the second
 * character on (kong `router/utils.lua` `strip_uri_args`), so `/foo?x=1` → `/foo` and `?x` stays `?x`.
 */
export function stripQuery(target: string): string {
  const cut = target.indexOf('?', 1)
  return cut < 0 ? target : target.slice(0, cut)
}

/**
 * Normalises a path (already cut at `?`) as Kong's router does (kong `tools/uri.lua` `normalize`
 * with `merge_slashes`), returning a byte string: percent-decoding of non-reserved bytes, then
 * dot-segment removal and duplicate-slash merging. Non-ASCII characters of the input are taken as
 * their UTF-8 bytes. The result may hold bytes that are not UTF-8; read it with `bytesToText`.
 */
export function normalizePathBytes(path: string): string {
  if (path === '' || path === '/') return path
  let bytes = path
  let hasPercent = false
  let hasWide = false
  for (let i = 0; i < path.length; i++) {
    const unit = path.charCodeAt(i)
    if (unit === 0x25) hasPercent = true
    else if (unit >= 0x80) hasWide = true
  }
  if (hasPercent) bytes = decodePathPercent(path)
  else if (hasWide) bytes = textToBytes(path)
  if (!bytes.includes('.') && !bytes.includes('//')) return bytes
  return removeDotSegments(bytes)
}

/**
 * Kong's dot-segment and duplicate-slash loop, transcribed case by case and in the same order
 * (kong `tools/uri.lua` `normalize`). It walks an index instead of re-slicing the input.
 */
function removeDotSegments(path: string): string {
  const output: string[] = []
  let input = path
  let at = 0
  while (at < input.length) {
    const rest = input.length - at
    if (rest === 2 && input.startsWith('/.', at)) {
      input = '/'
      at = 0
    } else if (rest === 3 && input.startsWith('/..', at)) {
      input = '/'
      at = 0
      output.pop()
    } else if ((rest === 1 && input.charCodeAt(at) === 0x2e) || (rest === 2 && input.startsWith('..', at))) {
      at = input.length
    } else if (input.startsWith('../', at)) {
      at += 3
    } else if (input.startsWith('./', at)) {
      at += 2
    } else if (input.startsWith('/./', at)) {
      at += 2
    } else if (input.startsWith('/../', at)) {
      at += 3
      output.pop()
    } else if (input.startsWith('//', at)) {
      at += 1
    } else {
      const slash = input.indexOf('/', at + 1)
      const end = slash < 0 ? input.length : slash
      output.push(input.slice(at, end))
      at = end
    }
  }
  return output.join('')
}

/**
 * The `http.path` value Kong derives from a raw request target (spec §7.2): cut at `?`,
 * percent-decoded except reserved characters, dot segments removed, slashes merged, then read as
 * UTF-8. Fails with atc-router's UTF-8 error text when the decoded bytes are not UTF-8 (Kong then
 * answers 404). Examples: `/a/./b/../c` → `/a/c`, `/a%2fb` → `/a%2Fb`, `/foo?x=1` → `/foo`.
 */
export function normalizePath(target: string): Utf8Result {
  return bytesToText(normalizePathBytes(stripQuery(target)))
}
