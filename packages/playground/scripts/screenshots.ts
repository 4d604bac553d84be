// Takes the README screenshots from the real GUI: builds it, starts a gateway in this process with an
// echo upstream, seeds services and routes through the Admin API, serves the GUI as the GUI listener
// does (`/api/*` → Admin API), and photographs both views in headless Chromium.
//
//   npx tsx packages/playground/scripts/screenshots.ts [OUT_DIR]     (default: docs/screenshots)
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { adminCall, startInProcess, startUpstream } from '../../gateway/src/testing/harness.ts'
import { buildPlayground, HAS_CHROMIUM, launchChromium, CHROMIUM } from '../test/browser.ts'
import { serveStatic } from '../test/static-server.ts'

const out = resolve(process.argv[2] ?? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url)))
if (!HAS_CHROMIUM) {
  console.error(`${CHROMIUM} is missing: apt-get install -y chromium`)
  process.exit(1)
}
mkdirSync(out, { recursive: true })

const [dist, upstream, gateway, browser] = await Promise.all([buildPlayground(), startUpstream('users'), startInProcess(), launchChromium()])
const gui = await serveStatic(dist, gateway.admin)
try {
  const service = await adminCall(gateway.admin, 'POST', '/services', { name: 'users', url: `http://127.0.0.1:${upstream.port}/v1` })
  const serviceId = String(service.body['id'])
  await adminCall(gateway.admin, 'POST', '/routes', { name: 'users-read', expression: 'http.path ^= "/users" && http.method == "GET"', priority: 100, service: { id: serviceId } })
  await adminCall(gateway.admin, 'POST', '/routes', { name: 'users-write', expression: 'http.path ^= "/users" && (http.method == "POST" || http.method == "PUT") && http.headers.authorization ^= "Bearer "', priority: 90, service: { id: serviceId } })
  await adminCall(gateway.admin, 'POST', '/routes', { name: 'legacy', paths: ['/old', '~/v0/(?<rest>.*)$'], methods: ['GET'], service: { id: serviceId } })

  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 })
  page.setDefaultTimeout(10_000)

  await page.goto(`${gui.url}#routes`)
  await page.locator('tr[data-route]').first().waitFor()
  await page.screenshot({ path: `${out}/routes.png`, fullPage: true })

  await page.getByRole('button', { name: 'Edit route users-write' }).click()
  const editor = page.locator('.route-form .cm-content')
  await editor.click()
  await page.keyboard.press('End')
  await editor.pressSequentially(' && net.src.ip in 10.0.0.1/8 || http.que', { delay: 5 })
  await page.keyboard.press('Escape')
  await page.keyboard.press('Control+Space')
  await page.locator('.cm-tooltip-autocomplete').waitFor()
  // Let the lint marks (150 ms debounce) and the completion list settle.
  await page.waitForTimeout(600)
  await page.screenshot({ path: `${out}/route-editor.png`, fullPage: true })
  await page.keyboard.press('Escape')

  await page.goto(`${gui.url}#playground`)
  await page.getByRole('button', { name: 'Load from gateway' }).click()
  await page.locator('.route-card legend', { hasText: 'legacy' }).waitFor()
  await page.getByLabel('Method', { exact: true }).selectOption('POST')
  await page.getByLabel('URL (path and query)').fill('/users/42?expand=groups')
  await page.getByLabel('Headers (one "Name: value" per line)').fill('Authorization: Bearer abc\nAccept: application/json')
  await page.getByRole('button', { name: 'Evaluate' }).click()
  await page.locator('.trace.matched').waitFor()
  await page.screenshot({ path: `${out}/playground.png`, fullPage: true })

  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: `${out}/playground-narrow.png`, fullPage: false })
  console.log(`screenshots written to ${out}`)
} finally {
  await browser.close()
  await gui.close()
  await gateway.close()
  await upstream.close()
}
