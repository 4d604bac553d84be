// End-to-end tests of the built GUI in real headless Chromium, without a gateway.
import { lineColumn, validate } from '@switchyard/core'
import { httpSchema } from '@switchyard/http'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPlayground, HAS_CHROMIUM, launchChromium, pestCaretOffset } from './browser.ts'
import { serveStatic, type StaticServer } from './static-server.ts'
import { WRAP_UP_TO } from '../src/ui/expression-editor.ts'

// The browser and gateway share two cores with other test files: allow slow UI updates.
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 })

describe.skipIf(!HAS_CHROMIUM)('GUI in Chromium', () => {
  let browser: Browser
  let server: StaticServer
  let dist: string
  let page: Page
  const errors: string[] = []

  beforeAll(async () => {
    dist = await buildPlayground()
    server = await serveStatic(dist)
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
    // Accept only once the list is live (an option is selected), and past CodeMirror's
    // `interactionDelay` (75 ms): a list shown or updated more recently ignores Enter, so that a key
    // meant for the text is not taken as a choice. On a loaded machine the last keystroke's update
    // can land just before the press.
    await list.locator('li[aria-selected="true"]').first().waitFor()
    await page.waitForTimeout(250)
    await page.keyboard.press('Enter')
    await poll(() => firstEditor().textContent()).toBe('http.method')
    await page.keyboard.type(' ')
    await list.waitFor()
    const labels = await list.locator('.cm-completionLabel').allTextContents()
    expect(labels).toEqual(expect.arrayContaining(['==', '~', '^=', 'contains']))
    expect(labels).not.toContain('>')
    expect(labels).not.toContain('http.path')
    // Kinds are marked with plain characters, which every font has (CodeMirror's are emoji).
    const icon = await list.locator('.cm-completionIcon-keyword').first().evaluate((e) => getComputedStyle(e, '::after').content)
    expect(icon).toBe('"="')
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

  it('says a stream connection no route matches is closed, not answered with a 404', async () => {
    await open()
    await page.getByLabel('Scheme', { exact: true }).selectOption('udp')
    await page.getByRole('button', { name: 'Evaluate' }).click()
    await poll(() => page.locator('[data-testid=verdict]').textContent()).toBe('No route matched: Kong closes the connection.')
    await page.close()
  })

  it('says the gateway answers a request it cannot read before routing, not a route', async () => {
    await open()
    await page.getByLabel('URL (path and query)').fill('/api/users/%zz')
    await page.getByRole('button', { name: 'Evaluate' }).click()
    await poll(() => page.locator('[data-testid=verdict]').textContent()).toContain('The gateway answers 400 Bad Request before routing')
    expect(await page.locator('[data-testid=upstream-url]').count()).toBe(0)
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
    // An expression route's own priority shows in decimal beside the router's, in the hexadecimal and
    // the words of `switchyard match` (its test checks the same text).
    expect(await page.locator('[data-testid=verdict]').textContent()).toMatch(/users-api priority 100, router priority 0xFF00000000000064\./)
    // strip_path removes the matched prefix; the service path is prepended.
    expect(await page.locator('[data-testid=upstream-url]').textContent()).toBe('http://users.internal:8080/v1/7?x=1')
    // The route after the winner, which the router does not try, says what it would have done.
    const untried = page.locator('details.untried')
    expect(await untried.locator('summary').textContent()).toBe('1 route after users-api, which the router does not try: what each would have done')
    await untried.locator('summary').click()
    const later = untried.locator('.trace').first()
    expect(await later.locator('.trace-head strong').textContent()).toBe('catch-all')
    expect(await later.locator('.badge').textContent()).toBe('would match too')
    expect(await later.locator('.reason').textContent()).toContain('users-api comes first: its router priority is higher')
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
    // Each entry's router priority in hexadecimal, as `switchyard match` prints it (Kong's effective value).
    expect(await card.locator('.expr-box .muted').allTextContents()).toEqual(['   priority 0x0000000040000007', '   priority 0x0008000040000000'])
    await card.getByLabel('Methods').fill('get')
    await poll(() => card.locator('.error').textContent()).toContain('methods')
    // A header line without a name is marked, as in the request's headers box, not silently dropped.
    const headers = card.getByLabel('Headers ("name: value, value" per line)')
    await headers.fill('x-tenant: acme\nx-api-key')
    await poll(() => headers.getAttribute('aria-invalid')).toBe('true')
    expect(await card.locator(`[id="${await headers.getAttribute('aria-describedby')}"]`).textContent()).toBe('Line 2 has no "Name:" and is ignored.')
    await headers.fill('x-tenant: acme\nx-api-key: k')
    await poll(() => headers.getAttribute('aria-invalid')).toBeNull()
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

  it('moves past lower() with Tab after its field is completed, and keeps focus in the editor', async () => {
    await open()
    await replaceExpression('low')
    const list = page.locator('.cm-tooltip-autocomplete')
    await list.locator('li[aria-selected="true"]').first().waitFor()
    // CodeMirror ignores Enter on a list opened less than its interaction delay (75 ms) ago.
    await page.waitForTimeout(150)
    await page.keyboard.press('Enter')
    await poll(() => firstEditor().textContent()).toBe('lower(field)')
    // The placeholder is selected: typing replaces it, and its own completion is accepted in place.
    await page.keyboard.type('http.ho', { delay: 5 })
    await list.locator('li[aria-selected="true"]').first().waitFor()
    await page.waitForTimeout(150)
    await page.keyboard.press('Enter')
    await poll(() => firstEditor().textContent()).toBe('lower(http.host)')
    await page.keyboard.press('Tab')
    await page.keyboard.type(' ==', { delay: 5 })
    await poll(() => firstEditor().textContent()).toBe('lower(http.host) ==')
    expect(await page.evaluate(() => document.activeElement?.classList.contains('cm-content'))).toBe(true)
    await page.close()
  })

  it('leaves the caret after a whole wildcard member name on Tab, not after its first character', async () => {
    await open()
    const list = page.locator('.cm-tooltip-autocomplete')
    for (const [typed, label, name] of [
      ['http.hea', 'http.headers.<name>', 'user_agent'],
      ['http.que', 'http.queries.<name>', 'page'],
      ['http.path.se', 'http.path.segments.<n>', '10'],
    ] as const) {
      await replaceExpression(typed)
      await poll(() => list.locator('li[aria-selected="true"] .cm-completionLabel').textContent()).toBe(label)
      // CodeMirror ignores Enter on a list opened less than its interaction delay (75 ms) ago.
      await page.waitForTimeout(150)
      await page.keyboard.press('Enter')
      const member = label.replace(/<\w+>$/, name)
      await page.keyboard.type(name, { delay: 5 })
      await page.keyboard.press('Escape')
      await poll(() => firstEditor().textContent()).toBe(member)
      await page.keyboard.press('Tab')
      await page.keyboard.type(' ==', { delay: 5 })
      await poll(() => firstEditor().textContent()).toBe(`${member} ==`)
    }
    await page.close()
  })

  it('completes a quoted value without doubling the closing quote typed for it', async () => {
    await open()
    await replaceExpression('http.method == "PO')
    const list = page.locator('.cm-tooltip-autocomplete')
    await poll(() => list.locator('li[aria-selected="true"] .cm-completionLabel').textContent()).toBe('"POST"')
    await page.waitForTimeout(150)
    await page.keyboard.press('Enter')
    await poll(() => firstEditor().textContent()).toBe('http.method == "POST"')
    await page.close()
  })

  it('wraps an expression whose lines are short, and scrolls one whose line is too long to wrap while typing', async () => {
    await open()
    const wraps = () => firstEditor().evaluate((e) => e.classList.contains('cm-lineWrapping'))
    expect(await wraps()).toBe(true)
    const long = Array.from({ length: 120 }, (_, i) => `http.path == "/p/${i}/abcdefghijklmnopqrstuvwxyz"`).join(' || ')
    expect(long.length).toBeGreaterThan(WRAP_UP_TO)
    await firstEditor().click()
    await page.keyboard.press('Control+A')
    await page.keyboard.insertText(long)
    await poll(wraps).toBe(false)
    // The same text over several lines wraps again: each line is laid out apart.
    await page.keyboard.press('Control+A')
    await page.keyboard.insertText(long.replaceAll(' || ', '\n|| '))
    await poll(wraps).toBe(true)
  })

  it('lists each diagnostic in words under the editor, and selecting one puts the cursor on it', async () => {
    await open()
    await replaceExpression('http.path == "/" && http.method ==')
    await page.keyboard.press('Escape')
    const entry = page.locator('.route-card').first().locator('.diagnostics li')
    await poll(() => entry.allTextContents()).toEqual([expect.stringMatching(/^Error, column 35: The expression ends where a value was expected\./)])
    // The editor names the list as its description, so screen readers read it with the editor.
    const described = await firstEditor().getAttribute('aria-describedby')
    expect(await page.locator(`[id="${described}"] li`).count()).toBe(1)
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await entry.getByRole('button').click()
    expect(await page.evaluate(() => document.activeElement?.classList.contains('cm-content'))).toBe(true)
    await replaceExpression('http.path == "/"')
    await poll(() => entry.count()).toBe(0)
    await page.close()
  })

  it('counts the columns of listed diagnostics in code points, as the engine and the Admin API do', async () => {
    await open()
    const source = 'http.path == "😀😀" && http.pth == "x"'
    await replaceExpression(source)
    await page.keyboard.press('Escape')
    await poll(() => firstEditor().textContent()).toBe(source)
    const unknown = validate(source, httpSchema).diagnostics.find((d) => d.code === 'unknown-field')
    // Each emoji is two UTF-16 units but one character: `http.pth` starts at offset 23, column 22.
    expect(unknown?.span.start).toBe(23)
    expect(lineColumn(source, unknown!.span.start).column).toBe(22)
    const entry = page.locator('.route-card').first().locator('.diagnostics li[data-code=unknown-field]')
    await poll(() => entry.textContent()).toMatch(/^Error, column 22: /)
    await page.close()
  })

  it('shows Kong’s syntax error in a monospace block, its caret under the character it points at', async () => {
    await open()
    await replaceExpression('http.path = "/"')
    await page.keyboard.press('Escape')
    const message = page.locator('.problems pre.kong-message')
    await poll(() => message.textContent()).toContain('--> 1:11')
    expect(await message.evaluate((e) => getComputedStyle(e).whiteSpace)).toBe('pre')
    expect(await pestCaretOffset(message)).toBeLessThan(1)
    await page.close()
  })

  it('shows a bad priority on the Priority field, not as a mark at the start of the expression', async () => {
    await open()
    const card = page.locator('.route-card').first()
    await card.getByLabel('Priority').fill('abc')
    await poll(() => card.getByLabel('Priority').getAttribute('aria-invalid')).toBe('true')
    expect(await card.locator('.field-problem').first().textContent()).toMatch(/whole number/)
    await page.waitForTimeout(400)
    expect(await card.locator('.cm-lintRange, .cm-lintPoint').count()).toBe(0)
    await poll(() => card.locator('.card-problem').textContent()).toMatch(/^Not loaded: .*priority/)
    await card.getByLabel('Priority').fill('7')
    await poll(() => card.locator('.card-problem').isHidden()).toBe(true)
    expect(await card.getByLabel('Priority').getAttribute('aria-invalid')).toBeNull()
    await page.close()
  })

  it('says on the card when a misspelt protocol keeps its route out of the router', async () => {
    await open()
    const card = page.locator('.route-card').first()
    await card.getByLabel('Protocols').fill('htp')
    await poll(() => card.locator('.card-problem').textContent()).toMatch(/protocols.*expected one of/)
    await poll(() => page.locator('.result .problems').textContent()).toContain('users-api')
    await page.close()
  })

  it('reads the routes with the chosen router flavor, which a share link keeps', async () => {
    await open()
    await page.getByLabel('Router flavor').selectOption('traditional_compatible')
    // The example's routes are expression routes, which Kong refuses in that flavor.
    await poll(() => page.locator('.route-card').first().locator('.card-problem').textContent()).toMatch(/expression: unknown field/)
    const link = await page.getByLabel('Share link').inputValue()
    await page.close()
    await open(link)
    expect(await page.getByLabel('Router flavor').inputValue()).toBe('traditional_compatible')
    await page.getByLabel('Router flavor').selectOption('expressions')
    await poll(() => page.locator('.route-card').first().locator('.card-problem').isHidden()).toBe(true)
    await page.close()
  })

  it('marks request fields the router cannot read, next to the field', async () => {
    await open()
    const ip = page.getByLabel('Client IP')
    await ip.fill('10.0.0.300')
    await poll(() => ip.getAttribute('aria-invalid')).toBe('true')
    const note = await ip.getAttribute('aria-describedby')
    expect(await page.locator(`[id="${note}"]`).textContent()).toContain('not an IPv4 or IPv6 address')
    await page.getByLabel('URL (path and query)').fill('https://example.com/api')
    await poll(() => page.getByLabel('URL (path and query)').getAttribute('aria-invalid')).toBe('true')
    await ip.fill('10.0.0.3')
    await poll(() => ip.getAttribute('aria-invalid')).toBeNull()
    await page.close()
  })

  it('says which route a Remove button removes after a rename, and keeps focus among the routes', async () => {
    await open()
    const card = page.locator('.route-card').first()
    await card.getByLabel('Name').fill('renamed')
    expect(await card.getByRole('button', { name: 'Remove route renamed' }).count()).toBe(1)
    expect(await card.locator('.cm-content').getAttribute('aria-label')).toBe('Expression of route renamed')
    await card.getByRole('button', { name: 'Remove route renamed' }).click()
    await poll(() => page.locator('.route-card legend').allTextContents()).toEqual(['catch-all'])
    expect(await page.evaluate(() => document.activeElement?.closest('.route-card')?.querySelector('legend')?.textContent)).toBe('catch-all')
    await page.close()
  })

  it('adds and removes one card at a time: the other cards and their editors stay as they are', async () => {
    await open()
    const first = page.locator('.route-card').first()
    await first.evaluate((card) => void (card.dataset['kept'] = 'yes'))
    const editorOfFirst = await first.locator('.cm-editor').evaluate((editor) => {
      ;(window as unknown as { firstEditor: Element }).firstEditor = editor
      return editor.isConnected
    })
    expect(editorOfFirst).toBe(true)
    await page.getByRole('button', { name: 'Add expression route' }).click()
    await poll(() => page.locator('.route-card').count()).toBe(3)
    expect(await page.locator('.cm-editor').count()).toBe(3)
    // The new card's editor has the focus; the first card is the very element it was.
    expect(await page.evaluate(() => document.activeElement?.closest('.route-card') === document.querySelectorAll('.route-card')[2])).toBe(true)
    expect(await first.getAttribute('data-kept')).toBe('yes')
    await page.locator('.route-card').nth(2).getByRole('button', { name: /^Remove route/ }).click()
    await poll(() => page.locator('.route-card').count()).toBe(2)
    // The removed card's editor is gone from the page with it, and the first card's is the same one.
    expect(await page.locator('.cm-editor').count()).toBe(2)
    expect(await page.evaluate(() => (window as unknown as { firstEditor: Element }).firstEditor.isConnected)).toBe(true)
    expect(await first.getAttribute('data-kept')).toBe('yes')
    await page.close()
  })

  it('keeps a priority that is no number in the share link, so the link shows what its sender saw', async () => {
    await open()
    const card = page.locator('.route-card').first()
    await card.getByLabel('Priority').fill('abc')
    await poll(() => card.locator('.card-problem').textContent()).toMatch(/priority/)
    const problem = await card.locator('.card-problem').textContent()
    const link = await page.getByLabel('Share link').inputValue()
    await page.close()
    await open(link)
    const shared = page.locator('.route-card').first()
    expect(await shared.getByLabel('Priority').inputValue()).toBe('abc')
    await poll(() => shared.locator('.card-problem').textContent()).toBe(problem)
    await page.close()
  })

  it("marks a traditional card's regex priority that is no whole number on that field", async () => {
    await open()
    await page.getByRole('button', { name: 'Add traditional route' }).click()
    const field = page.locator('.route-card').last().getByLabel('Regex priority')
    await field.fill('abc')
    await poll(() => field.getAttribute('aria-invalid')).toBe('true')
    await field.fill('5')
    await poll(() => field.getAttribute('aria-invalid')).toBeNull()
    await page.close()
  })

  it('finds a route in a long trace by name, also among the routes after the winner', async () => {
    await open()
    for (let i = 0; i < 7; i++) await page.getByRole('button', { name: 'Add expression route' }).click()
    await poll(() => page.locator('.route-card').count()).toBe(9)
    const find = page.getByLabel('Find a route in the trace')
    await poll(() => find.count()).toBe(1)
    // A route after the winner: the new routes share a priority, so their order (and the winner
    // among them) follows their generated ids; the last one listed is never the winner.
    const after = page.locator('details.untried li.trace .trace-head strong')
    await poll(() => after.count()).toBeGreaterThan(0)
    const name = (await after.last().textContent()) ?? ''
    await find.fill(name)
    const shown = page.locator('li.trace:not([hidden]) .trace-head strong')
    await poll(() => shown.allTextContents()).toEqual([name])
    expect(await page.locator('details.untried').getAttribute('open')).not.toBeNull()
    // The search stays through the next evaluation.
    await page.getByLabel('URL (path and query)').fill('/other')
    await poll(() => page.locator('[data-testid=verdict]').textContent()).toContain('Matched')
    await poll(() => shown.allTextContents()).toEqual([name])
    await find.fill('')
    await poll(() => shown.count()).toBe(9)
    await page.close()
  })

  it('says so when a share link cannot be read, instead of quietly showing the example', async () => {
    await open()
    const link = await page.getByLabel('Share link').inputValue()
    await page.close()
    await open(link.slice(0, link.length - 40))
    expect(await page.locator('.routes-panel [role=status]').first().textContent()).toMatch(/share link cannot be read/)
    await page.close()
  })

  it('reports a share link holding wrongly typed route fields, naming the field, and keeps working', async () => {
    const route = { id: 'r1', name: 'shared', expression: 'http.path ^= "/"', protocols: ['http'] }
    for (const [field, value, problem] of [
      ['protocols', 'http', 'route 1 ("shared"): protocols is "http", not a list of text'],
      ['expression', 5, 'route 1 ("shared"): expression is 5, not text'],
      ['paths', '/a', 'route 1 ("shared"): paths is "/a", not a list of text'],
      ['methods', 'GET', 'route 1 ("shared"): methods is "GET", not a list of text'],
      ['headers', ['x'], 'route 1 ("shared"): headers is ["x"], not an object of header names to lists of text'],
      ['name', 7, 'route 1: name is 7, not text'],
      ['sources', 'x', 'route 1 ("shared"): sources is "x", not a list of {"ip", "port"} objects'],
    ] as const) {
      const data = JSON.stringify({ v: 1, routes: [{ ...route, [field]: value }], request: {} })
      const link = `${server.url}#playground/${Buffer.from(data).toString('base64url')}`
      const pageErrors = errors.length
      await open(link)
      expect(await page.locator('.routes-panel [role=status]').first().textContent()).toBe(`This share link cannot be read: ${problem}. The routes and request below are not from it.`)
      // The example routes stand in, and the playground still routes requests.
      expect(await page.locator('.route-card legend').allTextContents()).toEqual(['users-api', 'catch-all'])
      await poll(() => page.locator('[data-testid=verdict]').textContent()).toContain('Matched')
      // The link stays in the address bar (the state shown instead is not published over it), and
      // reloading it says the same again.
      await page.waitForTimeout(600)
      expect(page.url()).toBe(link)
      await page.reload()
      await page.locator('[data-testid=verdict]').waitFor()
      expect(await page.locator('.routes-panel [role=status]').first().textContent()).toContain(problem)
      expect(errors.slice(pageErrors)).toEqual([])
      await page.close()
    }
  })

  it('confirms that the share link was copied', async () => {
    await open()
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.slice(0, -1) })
    await page.getByRole('button', { name: 'Copy share link' }).click()
    await poll(() => page.locator('footer [role=status]').textContent()).toBe('Link copied.')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.getByLabel('Share link').inputValue())
    await page.close()
  })

  it('keeps the Routes view when the skip link is used there, and focuses the content', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${server.url}#routes`)
    await page.locator('.routes-view').waitFor()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
    await page.keyboard.press('Enter')
    expect(await page.locator('nav a[aria-current=page]').textContent()).toBe('Routes')
    expect(await page.evaluate(() => location.hash)).toBe('#routes')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main')
    await page.close()
  })

  it('sends Connect with the default /api base (a relative URL), and says whether it connected', async () => {
    await open()
    const base = page.getByLabel('Admin API')
    expect(await base.inputValue()).toBe('/api')
    await base.fill('')
    await page.getByRole('button', { name: 'Connect' }).click()
    // No gateway behind this server: the answer is a failure, but the request was made.
    await poll(() => page.locator('.admin-status').textContent()).toBe('Not connected: see Routes.')
    expect(await base.inputValue()).toBe('/api')
    // The status takes no room from the fields: both stay wide enough to read.
    expect((await base.boundingBox())?.width).toBeGreaterThan(120)
    expect((await page.getByLabel('Admin token').boundingBox())?.width).toBeGreaterThan(100)
    await page.close()
  })

  it('says an Admin API URL without a scheme lacks one, instead of calling it and showing "Not found"', async () => {
    await open()
    const base = page.getByLabel('Admin API')
    await base.fill('127.0.0.1:19301')
    await page.getByRole('button', { name: 'Connect' }).click()
    await poll(() => page.locator('.admin-status').textContent()).toBe('"127.0.0.1:19301" has no scheme: write http://127.0.0.1:19301 (or https://), or a path on this site such as /api.')
    expect(await base.getAttribute('aria-invalid')).toBe('true')
    await base.fill('/api')
    await page.getByRole('button', { name: 'Connect' }).click()
    await poll(() => page.locator('.admin-status').textContent()).toBe('Not connected: see Routes.')
    expect(await base.getAttribute('aria-invalid')).toBeNull()
    await page.close()
    // Given in the page URL, it is said in the Routes view.
    await open(`${server.url}?admin=127.0.0.1:19301`)
    await page.getByRole('link', { name: 'Routes' }).click()
    await poll(() => page.locator('.routes-view [role=status]').textContent()).toContain('has no scheme: write http://127.0.0.1:19301')
    await page.close()
  })

  it('works opened from disk (file://), without any server', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(pathToFileURL(`${dist}/index.html`).href)
    await poll(() => page.locator('[data-testid=verdict]').textContent()).toContain('catch-all')
    await page.getByRole('link', { name: 'Routes' }).click()
    await poll(() => page.locator('.routes-view [role=status]').textContent()).toMatch(/opened from a file/)
    await page.close()
  })

  it('draws the editor’s caret and tooltips for a dark colour scheme', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' })
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(server.url)
    await page.locator('[data-testid=verdict]').waitFor()
    await page.locator('.route-card').first().locator('.cm-route-field', { hasText: 'http.method' }).hover()
    const tooltip = page.locator('.cm-tooltip-hover')
    await tooltip.waitFor()
    // WCAG contrast of the tooltip's text on its own background, and of the strings on the editor's.
    const contrast = (selector: string, backgroundOf: string) =>
      page.evaluate(([text, background]) => {
        const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number)
        const luminance = (css: string) => {
          const [r, g, b] = rgb(css).map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4))
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
        }
        const opaque = (element: Element | null): string => {
          for (let at = element; at !== null; at = at.parentElement) {
            const colour = getComputedStyle(at).backgroundColor
            if (!colour.startsWith('rgba(0, 0, 0, 0)') && colour !== 'transparent') return colour
          }
          return 'rgb(255, 255, 255)'
        }
        const [a, b] = [luminance(getComputedStyle(document.querySelector(text)!).color), luminance(opaque(document.querySelector(background)))]
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
      }, [selector, backgroundOf] as const)
    expect(await contrast('.cm-tooltip-hover strong', '.cm-tooltip-hover')).toBeGreaterThan(4.5)
    expect(await contrast('.route-card .cm-route-string', '.route-card .cm-editor')).toBeGreaterThan(4.5)
    // Buttons and the current view's tab: text on the accent colour.
    expect(await contrast('button.add-route', 'button.add-route')).toBeGreaterThan(4.5)
    expect(await contrast('nav a[aria-current=page]', 'nav a[aria-current=page]')).toBeGreaterThan(4.5)
    expect(await page.locator('.route-card .cm-editor').first().evaluate((e) => e.classList.contains('cm-editor') && getComputedStyle(e.querySelector('.cm-content')!).caretColor)).not.toBe('rgb(0, 0, 0)')
    await page.close()
  })

  it('raised no page errors', () => {
    expect(errors).toEqual([])
  })
})
