import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// core and http must run in browsers and edge runtimes (STYLE.md "Dependency direction"): no Node
// built-in modules and no Node globals in their shipped sources.

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url))
const SCANNED = ['core/src', 'http/src']
const BUILTINS = new Set(builtinModules)
const NODE_GLOBALS = /(?<![\w$.])(process|Buffer|require|__dirname|__filename|global|setImmediate)(?![\w$])/g

function sourceFiles(dir: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...sourceFiles(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.bench.ts')) files.push(path)
  }
  return files
}

/** Blanks out comments and the contents of string and template literals, keeping offsets. */
function codeOnly(source: string): string {
  let out = ''
  let i = 0
  while (i < source.length) {
    const ch = source[i] as string
    const next = source[i + 1]
    if (ch === '/' && next === '/') {
      const end = source.indexOf('\n', i)
      const stop = end < 0 ? source.length : end
      out += ' '.repeat(stop - i)
      i = stop
    } else if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2)
      const stop = end < 0 ? source.length : end + 2
      out += source.slice(i, stop).replace(/[^\n]/g, ' ')
      i = stop
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1
      while (j < source.length && source[j] !== ch) j += source[j] === '\\' ? 2 : 1
      out += ch + source.slice(i + 1, j).replace(/[^\n]/g, ' ') + ch
      i = j + 1
    } else {
      out += ch
      i++
    }
  }
  return out
}

/** Module specifiers a file imports or re-exports, statically or dynamically. */
function specifiers(source: string): string[] {
  const found: string[] = []
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])([^'"]+)\1/g
  for (const match of source.matchAll(pattern)) found.push(match[2] as string)
  return found
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] as string)
}

/** Problems in one source text: Node built-in imports and Node globals in code. */
function problems(source: string): string[] {
  const found = specifiers(source)
    .filter(isBuiltin)
    .map((s) => `imports ${s}`)
  for (const match of codeOnly(source).matchAll(NODE_GLOBALS)) found.push(`uses ${match[1]}`)
  return found
}

describe('runtime neutrality of core and http', () => {
  it('detects what it looks for', () => {
    expect(problems("import { readFileSync } from 'node:fs'\nimport x from 'path'\nconst b = Buffer.from('x')")).toEqual([
      'imports node:fs',
      'imports path',
      'uses Buffer',
    ])
    expect(problems("// the process\nconst s = 'process'\nfoo.process()\nconst t = `Buffer`")).toEqual([])
    expect(problems("const m = await import('fs/promises')")).toEqual(['imports fs/promises'])
  })

  const files = SCANNED.flatMap((dir) => sourceFiles(join(PACKAGES, dir)))

  it('finds the sources to scan', () => {
    expect(files.length).toBeGreaterThan(10)
  })

  it.each(files.map((file) => [relative(PACKAGES, file), file]))('%s uses no Node built-ins or globals', (_, file) => {
    expect(problems(readFileSync(file, 'utf8'))).toEqual([])
  })

  it('http imports only relative modules and @switchyard/core', () => {
    for (const file of sourceFiles(join(PACKAGES, 'http/src'))) {
      const outside = specifiers(readFileSync(file, 'utf8')).filter((s) => !s.startsWith('.') && s !== '@switchyard/core')
      expect(outside, relative(PACKAGES, file)).toEqual([])
    }
  })
})
