// Shared setup of the browser tests: Debian's Chromium through playwright-core (never a downloaded
// browser), and the GUI built once per test file into a folder of its own (test files run in
// parallel, and dist/ may be in use by a running gateway).
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Locator } from 'playwright-core'
import { build } from 'vite'

/** Debian's Chromium; `apt-get install -y chromium` provides it (`.ci/run` does). */
export const CHROMIUM = '/usr/bin/chromium'

/** True when the browser tests can run; they are skipped with a message otherwise. */
export const HAS_CHROMIUM = existsSync(CHROMIUM)

if (!HAS_CHROMIUM) console.warn(`browser tests skipped: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`)`)

/** The playground package folder. */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))

/** Launches headless Chromium with the flags CI containers need. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** Builds the GUI as `npm run build -w packages/playground` does, into a new temporary folder; returns it. */
export async function buildPlayground(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'switchyard-gui-'))
  await build({ configFile: `${PACKAGE_DIR}vite.config.ts`, root: PACKAGE_DIR, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  return outDir
}

/**
 * How far, in pixels, the `^` of the pest-style parse error shown in `message` sits from the source
 * character its `--> line:column` names (ASCII sources); 0 when the caret is under it.
 */
export function pestCaretOffset(message: Locator): Promise<number> {
  return message.evaluate((element) => {
    const node = element.firstChild
    const text = node?.textContent ?? ''
    const column = Number(/--> \d+:(\d+)/.exec(text)?.[1])
    const lines = text.split('\n')
    const sourceLine = lines.findIndex((line) => /^\d+ \| /.test(line))
    const startOf = (index: number) => lines.slice(0, index).reduce((sum, line) => sum + line.length + 1, 0)
    const target = startOf(sourceLine) + (/^\d+ \| /.exec(lines[sourceLine] ?? '')?.[0].length ?? 0) + column - 1
    const caret = startOf(sourceLine + 1) + (lines[sourceLine + 1] ?? '').indexOf('^')
    const left = (offset: number) => {
      const range = document.createRange()
      range.setStart(node as Node, offset)
      range.setEnd(node as Node, offset + 1)
      return range.getBoundingClientRect().left
    }
    return Math.abs(left(caret) - left(target))
  })
}
