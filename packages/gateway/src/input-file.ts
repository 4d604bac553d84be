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

/** The bytes read as UTF-8 text, or why they are not (NUL bytes, invalid UTF-8); the message names the input. */
function decodeText(name: string, content: Uint8Array): InputFile {
  if (content.includes(0)) return { ok: false, message: `cannot read ${name}: a binary file, not YAML or JSON text` }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content) }
  } catch {
    return { ok: false, message: `cannot read ${name}: not UTF-8 text` }
  }
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
    return decodeText(path, bytes.subarray(0, filled))
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

/** The file name that means standard input on the command line, as in `kubectl apply -f -`. */
export const STDIN_PATH = '-'

/** How standard input is named in messages and diagnostics (`<stdin>:3:7: …`). */
export const STDIN_NAME = '<stdin>'

/** How messages name a command's input: its path, or `<stdin>` for `-`. */
export function inputName(path: string): string {
  return path === STDIN_PATH ? STDIN_NAME : path
}

/** Blocks the thread for a few milliseconds (standard input opened non-blocking has nothing yet). */
function pause(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds)
}

/**
 * Reads standard input (or another descriptor) to its end, with the checks of
 * {@link readInputFile}: at most {@link MAX_INPUT_BYTES}, text in UTF-8. Synchronous, as the
 * commands that read it are; waits for a terminal's Ctrl-D like any filter.
 */
export function readStandardInput(descriptor = 0): InputFile {
  const chunks: Buffer[] = []
  let total = 0
  const chunk = Buffer.alloc(64 * 1024)
  for (;;) {
    let read: number
    try {
      read = readSync(descriptor, chunk, 0, chunk.length, null)
    } catch (error) {
      const code = (error as { code?: string }).code
      // A pipe left non-blocking by whoever started us: nothing to read yet, not the end.
      if (code === 'EAGAIN') {
        pause(5)
        continue
      }
      // End of input on a closed terminal or socket.
      if (code === 'EOF') break
      return { ok: false, message: `cannot read ${STDIN_NAME}: ${reasonOf(error)}` }
    }
    if (read === 0) break
    total += read
    if (total > MAX_INPUT_BYTES) return { ok: false, message: `cannot read ${STDIN_NAME}: more than the ${MAX_INPUT_BYTES} bytes allowed` }
    chunks.push(Buffer.from(chunk.subarray(0, read)))
  }
  return decodeText(STDIN_NAME, Buffer.concat(chunks))
}

/** A command's input: its text and the name its messages use (the path, or `<stdin>`). */
export type CommandInput = { readonly ok: true; readonly text: string; readonly name: string } | { readonly ok: false; readonly message: string }

/**
 * Reads the configuration a command names (`config validate`, `match --config`, `convert`): `-`
 * is standard input, named `<stdin>` in messages; anything else is a file read by
 * {@link readInputFile}. A `<stdin>` text is read as a file not named `*.json` is: JSON, else YAML.
 */
export function readCommandInput(path: string, readStdin: () => InputFile = readStandardInput): CommandInput {
  const input = path === STDIN_PATH ? readStdin() : readInputFile(path)
  return input.ok ? { ok: true, text: input.text, name: inputName(path) } : input
}
