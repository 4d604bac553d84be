// End-to-end tests of the built GUI in real headless Chromium, without a gateway.
import { validate } from '@switchyard/core'
import { httpSchema } from '@switchyard/http'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPlayground, HAS_CHROMIUM, launchChromium } from './browser.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

// The browser and gateway share two cores with other test files: allow slow UI updates.
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 })

describe.skipIf(!HAS_CHROMIUM)('GUI in Chromium', () => {
  let browser: Browser
  let server: StaticServer
  let page: Page
  const errors: string[] = []

  beforeAll(async () => {
    server = await serveStatic(await buildPlayground())
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  async function open(url = server.url): Promise<Page> {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.setDefaultTimeout(8000)
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(url)
    await page.locator('[data-testid=verdict]').waitFor()
    return page
  }

  /** The first route card's expression editor. */
  function firstEditor() {
    return page.locator('.route-card').first().locator('.cm-content')
  }

  async function replaceExpression(text: string): Promise<void> {
    const editor = firstEditor()
    await editor.click()
    await page.keyboard.press('Control+A')
    await page.keyboard.press('Delete')
    // Typed character by character, as a person would, so completion and lint react to input events.
    await editor.pressSequentially(text, { delay: 5 })
  }

  it('shows the lint mark under exactly the characters of core’s span', async () => {
    await open()
    const source = 'http.path == "/" && http.method == 1'
    await replaceExpression(source)
    await page.keyboard.press('Escape')
    const mismatch = validate(source, httpSchema).diagnostics.find((d) => d.code === 'operator-type-mismatch')
    expect(mismatch).toBeDefined()
    const mark = page.locator('.cm-route-diagnostic-operator-type-mismatch')
    await mark.first().waitFor()
    const marked = (await mark.allTextContents()).join('')
    expect(marked).toBe(source.slice(mismatch!.span.start, mismatch!.span.end))
    expect(await page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0)

    // Highlighting comes from core's tokens, and hovering a field tells its type and meaning.
    const card = page.locator('.route-card').first()
    const field = card.locator('.cm-route-field', { hasText: 'http.method' })
    expect(await card.locator('.cm-route-operator').allTextContents()).toEqual(['==', '=='])
    await field.hover()
    await poll(() => page.locator('.cm-route-hover').textContent()).toContain('http.method: String')
    await page.close()
  })

  it('accepts a field completion, then offers only the operators of its type', async () => {
    await open()
    await replaceExpression('http.me')
    const list = page.locator('.cm-tooltip-autocomplete')
    await list.waitFor()
    await poll(() => list.locator('li').first().textContent()).toContain('http.method')
    // Accept only once the list is live (an option is selected): on a loaded machine the list can
    // be drawn a moment before it takes keys.
    await list.locator('li[aria-selected="true"]').first().waitFor()
    await page.keyboard.press('Enter')
    await poll(() => firstEditor().textContent()).toBe('http.method')
    await page.keyboard.type(' ')
    await list.waitFor()
    const labels = await list.locator('.cm-completionLabel').allTextContents()
    expect(labels).toEqual(expect.arrayContaining(['==', '~', '^=', 'contains']))
    expect(labels).not.toContain('>')
    expect(labels).not.toContain('http.path')
    await page.close()
  })

  it('fixes mixed && and || with the quick fix, using the keyboard only', async () => {
    await open()
    await replaceExpression('http.path == "/a" || http.path == "/b" && http.method == "GET"')
    await page.keyboard.press('Escape')
    await page.locator('.cm-route-diagnostic-mixed-and-or').first().waitFor()
    await page.keyboard.press('Control+Shift+M')
    const fix = page.locator('.cm-panel.cm-panel-lint button', { hasText: 'Add parentheses' })
    await fix.waitFor()
    // The panel takes focus; Home selects the first diagnostic, and an action runs by its access key.
    await page.keyboard.press('Home')
    await page.keyboard.press('a')
    await poll(() => firstEditor().textContent()).toBe('(http.path == "/a" || http.path == "/b") && http.method == "GET"')

    // Or, without the panel, Ctrl-. at the cursor inside the warned span.
    await replaceExpression('http.path == "/a" || http.path == "/b" && http.method == "GET"')
    await page.keyboard.press('Escape')
    await page.keyboard.press('Control+Home')
    await page.keyboard.press('Control+.')
    await poll(() => firstEditor().textContent()).toBe('(http.path == "/a" || http.path == "/b") && http.method == "GET"')
    await page.close()
  })

  it('evaluates a request in the browser and shows the explain trace with the deciding predicate', async () => {
    await open()
    await page.getByLabel('Method', { exact: true }).selectOption('POST')
    await page.getByLabel('URL (path and query)').fill('/api/users/7?x=1')
    await page.getByRole('button', { name: 'Evaluate' }).click()
    await poll(() => page.locator('[data-testid=verdict]').textContent()).toContain('catch-all')
    const skipped = page.locator('.trace.skipped').first()
    expect(await skipped.locator('.trace-head strong').textContent()).toBe('users-api')
    expect(await skipped.locator('mark.decisive').textContent()).toBe('http.method == "GET"')
    expect(await skipped.locator('.reason').textContent()).toContain('"POST"')

    await page.getByLabel('Method', { exact: true }).selectOption('GET')
    await page.getByRole('button', { name: 'Evaluate' }).click()
    await poll(() => page.locator('[data-testid=verdict]').textContent()).toContain('users-api')
    // strip_path removes the matched prefix; the service path is prepended.
    expect(await page.locator('[data-testid=upstream-url]').textContent()).toBe('http://users.internal:8080/v1/7?x=1')
    await page.close()
  })

  it('adds a traditional route whose converted expression follows its fields', async () => {
    await open()
    await page.getByRole('button', { name: 'Add traditional route' }).click()
    const card = page.locator('.route-card').last()
    await card.getByLabel('Paths (a leading ~ makes a regex)').fill('/legacy, ~/v0/\\d+$')
    await card.getByLabel('Methods').fill('GET')
    await poll(() => card.locator('[data-testid=converted-expression]').allTextContents()).toEqual([
      '(http.method == r#"GET"#) && (http.path ^= r#"/legacy"#) && (net.protocol == r#"http"# || net.protocol == r#"https"#)',
      '(http.method == r#"GET"#) && (http.path ~ r#"^/v0/\\d+$"#) && (net.protocol == r#"http"# || net.protocol == r#"https"#)',
    ])
    await card.getByLabel('Methods').fill('get')
    await poll(() => card.locator('.error').textContent()).toContain('methods')
    await page.close()
  })

  it('reproduces the whole state from a share link', async () => {
    await open()
    await replaceExpression('http.path ^= "/shop" && http.headers.x_tenant == "acme"')
    await page.getByLabel('URL (path and query)').fill('/shop/cart')
    await page.getByLabel('Headers (one "Name: value" per line)').fill('X-Tenant: acme')
    await page.getByRole('button', { name: 'Evaluate' }).click()
    await poll(() => page.locator('[data-testid=verdict]').textContent()).toContain('users-api')
    const link = await page.getByLabel('Share link').inputValue()
    const verdict = await page.locator('[data-testid=verdict]').textContent()
    const trace = await page.locator('.explain').textContent()
    await page.close()

    await open(link)
    expect(await firstEditor().textContent()).toBe('http.path ^= "/shop" && http.headers.x_tenant == "acme"')
    expect(await page.getByLabel('URL (path and query)').inputValue()).toBe('/shop/cart')
    expect(await page.getByLabel('Headers (one "Name: value" per line)').inputValue()).toBe('X-Tenant: acme')
    expect(await page.locator('[data-testid=verdict]').textContent()).toBe(verdict)
    expect(await page.locator('.explain').textContent()).toBe(trace)
    await page.close()
  })

  it('works without a gateway: the Routes view says the Admin API is unreachable', async () => {
    await open()
    await page.getByRole('link', { name: 'Routes' }).click()
    await poll(() => page.locator('.routes-view [role=status]').textContent()).toMatch(/Admin API|answer|HTTP/)
    await page.getByRole('link', { name: 'Playground' }).click()
    await page.getByRole('button', { name: 'Load from gateway' }).click()
    await poll(() => page.locator('.routes-panel [role=status]').first().textContent()).toContain('still work')
    expect(await page.locator('.route-card legend').allTextContents()).toEqual(['users-api', 'catch-all'])
    await poll(() => page.locator('[data-testid=verdict]').textContent()).toContain('Matched')
    await page.close()
  })

  it('raised no page errors', () => {
    expect(errors).toEqual([])
  })
})
