import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

/** Largest file the gateway reads as configuration: 64 MiB, far beyond any real declarative configuration. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024

/** A file's text, or a one-line reason it cannot be used (no stack, no errno jargon alone). */
export type InputFile = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string }

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the file name is too long',
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: string }).code
  return (code !== undefined ? REASONS[code] : undefined) ?? (error instanceof Error ? error.message : String(error))
}

/**
 * Reads a configuration file (the declarative config, TLS material, the inputs of `match`,
 * `config validate` and `convert`): a regular file (not a folder, FIFO or device, which would
 * block or never end), at most {@link MAX_INPUT_BYTES}, text (no NUL byte) in UTF-8. The message
 * names the path.
 */
export function readInputFile(path: string): InputFile {
  let descriptor: number
  try {
    // Non-blocking, so that opening a FIFO nobody writes to returns instead of hanging.
    descriptor = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    return { ok: false, message: `cannot read ${path}: ${reasonOf(error)}` }
  }
  try {
    const info = fstatSync(descriptor)
    if (info.isDirectory()) return { ok: false, message: `cannot read ${path}: ${REASONS['EISDIR']}` }
    if (!info.isFile()) return { ok: false, message: `cannot read ${path}: not a regular file` }
    if (info.size > MAX_INPUT_BYTES) return { ok: false, message: `cannot read ${path}: ${info.size} bytes is more than the ${MAX_INPUT_BYTES} allowed` }
    const bytes = Buffer.alloc(info.size)
    let filled = 0
    while (filled < bytes.length) {
      const read = readSync(descriptor, bytes, filled, bytes.length - filled, null)
      if (read === 0) break
      filled += read
    }
    const content = bytes.subarray(0, filled)
    if (content.includes(0)) return { ok: false, message: `cannot read ${path}: a binary file, not YAML or JSON text` }
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content) }
    } catch {
      return { ok: false, message: `cannot read ${path}: not UTF-8 text` }
    }
  } catch (error) {
    return { ok: false, message: `cannot read ${path}: ${reasonOf(error)}` }
  } finally {
    closeSync(descriptor)
  }
}

/** The text of a file a setting names, or an error that names the setting and says what is wrong. */
export function readSettingFile(setting: string, path: string): string {
  const file = readInputFile(path)
  if (!file.ok) throw new Error(`${setting}: ${file.message}`)
  return file.text
}
