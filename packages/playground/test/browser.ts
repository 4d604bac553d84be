// Shared setup of the browser tests: Debian's Chromium through playwright-core (never a downloaded
// browser), and the GUI built into dist/ once per test file.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { build } from 'vite'

/** Debian's Chromium; `apt-get install -y chromium` provides it (`.ci/run` does). */
export const CHROMIUM = '/usr/bin/chromium'

/** True when the browser tests can run; they are skipped with a message otherwise. */
export const HAS_CHROMIUM = existsSync(CHROMIUM)

if (!HAS_CHROMIUM) console.warn(`browser tests skipped: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`)`)

/** The playground package folder. */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))

/** The built GUI. */
export const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url))

/** Launches headless Chromium with the flags CI containers need. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** Builds the GUI into dist/ exactly as `npm run build -w packages/playground` does. */
export async function buildPlayground(): Promise<void> {
  await build({ configFile: `${PACKAGE_DIR}vite.config.ts`, root: PACKAGE_DIR, logLevel: 'warn' })
}
