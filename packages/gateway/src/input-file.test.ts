import { closeSync, openSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from './testing/harness.ts'
import { MAX_INPUT_BYTES, readCommandInput, readStandardInput, STDIN_NAME } from './input-file.ts'

const dir = tempDir()
afterAll(() => dir.cleanup())

/** Reads `content` through a descriptor, as standard input would deliver it. */
function readThroughDescriptor(name: string, content: string | Buffer | number): ReturnType<typeof readStandardInput> {
  const path = join(dir.path, name)
  writeFileSync(path, typeof content === 'number' ? '' : content)
  if (typeof content === 'number') truncateSync(path, content)
  const descriptor = openSync(path, 'r')
  try {
    return readStandardInput(descriptor)
  } finally {
    closeSync(descriptor)
  }
}

describe('readStandardInput', () => {
  it('reads the input to its end as UTF-8 text', () => {
    const text = `_format_version: "3.0"\n# ${'é'.repeat(70_000)}\n`
    expect(readThroughDescriptor('long.yml', text)).toEqual({ ok: true, text })
  })

  it.each([
    ['a NUL byte', Buffer.from([0x61, 0, 0x62]), `cannot read ${STDIN_NAME}: a binary file, not YAML or JSON text`],
    ['invalid UTF-8', Buffer.from('x: "\xe9"\n', 'latin1'), `cannot read ${STDIN_NAME}: not UTF-8 text`],
    ['more than the limit', MAX_INPUT_BYTES + 1, `cannot read ${STDIN_NAME}: more than the ${MAX_INPUT_BYTES} bytes allowed`],
  ])('refuses %s, as a file is refused, naming <stdin>', (_name, content, message) => {
    expect(readThroughDescriptor('refused.dat', content)).toEqual({ ok: false, message })
  })
})

describe('readCommandInput', () => {
  it('reads - from standard input and names it <stdin>', () => {
    expect(readCommandInput('-', () => ({ ok: true, text: 'a: 1\n' }))).toEqual({ ok: true, text: 'a: 1\n', name: '<stdin>' })
  })

  it('reads any other name as a file, named by its path', () => {
    const path = join(dir.path, 'named.yml')
    writeFileSync(path, 'a: 1\n')
    const stdin = () => ({ ok: false as const, message: 'standard input is not for files' })
    expect(readCommandInput(path, stdin)).toEqual({ ok: true, text: 'a: 1\n', name: path })
    expect(readCommandInput(join(dir.path, 'absent.yml'), stdin)).toEqual({ ok: false, message: `cannot read ${join(dir.path, 'absent.yml')}: no such file` })
  })
})
