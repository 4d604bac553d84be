// The GUI against a real gateway: routes created through the Routes view proxy real requests.
// The gateway runs in this process on ephemeral ports (its own test harness); the built GUI is served
// as the GUI listener serves it, with `/api/*` going to the Admin API.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, httpGet, startInProcess, startUpstream, type InProcessGateway, type TestServer } from '../../gateway/src/testing/harness.ts'
import { buildPlayground, HAS_CHROMIUM, launchChromium, pestCaretOffset } from './browser.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

// The browser and gateway share two cores with other test files: allow slow UI updates.
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 })

describe.skipIf(!HAS_CHROMIUM)('GUI with a real gateway', () => {
  let browser: Browser
  let gateway: InProcessGateway
  let upstream: TestServer
  let gui: StaticServer
  let dist: string
  let page: Page

  beforeAll(async () => {
    ;[upstream, gateway, browser, dist] = await Promise.all([startUpstream('echo'), startInProcess(), launchChromium(), buildPlayground()])
    gui = await serveStatic(dist, gateway.admin)
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    // Fail fast with a useful message instead of running into the test timeout.
    page.setDefaultTimeout(8000)
    page.on('dialog', (dialog) => void dialog.accept())
  })

  // A test that fails with the route form open must not fail the next ones too: close it.
  afterEach(async () => {
    const cancel = page.locator('.route-form').getByRole('button', { name: 'Cancel' })
    if ((await cancel.count()) > 0) await cancel.click()
  })

  afterAll(async () => {
    await browser?.close()
    await gui?.close()
    await gateway?.close()
    await upstream?.close()
  })

  /** Proxies a request, retrying briefly while the router applies the store change. */
  async function proxied(path: string, expectedStatus: number) {
    let answer = await httpGet(gateway.proxy + path)
    for (let i = 0; i < 20 && answer.status !== expectedStatus; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      answer = await httpGet(gateway.proxy + path)
    }
    return answer
  }

  it('creates a service and an expression route in the Routes view, and the gateway proxies by it', async () => {
    await page.goto(`${gui.url}#routes`)
    await poll(() => page.locator('.routes-view [role=status]').textContent()).toContain('router flavor')
    // The header says so too, without a press on Connect.
    expect(await page.locator('.admin-status').textContent()).toBe('Connected.')
    await page.getByLabel('Service name').fill('echo')
    await page.getByLabel('Service URL').fill(`http://127.0.0.1:${upstream.port}`)
    await page.getByRole('button', { name: 'Add service' }).click()
    await poll(() => page.locator('table.list').first().textContent()).toContain('echo')

    await page.getByRole('button', { name: 'New route' }).click()
    await page.getByLabel('Name', { exact: true }).fill('gui-route')
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'echo' })
    const editor = page.locator('.route-form .cm-content')
    await editor.click()
    await editor.pressSequentially('http.path ^= "/gui"', { delay: 5 })
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Save route' }).click()
    await poll(() => page.locator('tr[data-route]').allTextContents()).toContainEqual(expect.stringContaining('gui-route'))

    const answer = await proxied('/gui/hello?x=1', 200)
    expect(answer.status).toBe(200)
    const echo = JSON.parse(answer.body) as { name: string; url: string }
    expect(echo).toMatchObject({ name: 'echo', url: '/hello?x=1' })
  })

  /** Opens a new route form, types `expression` into its editor and saves it. */
  async function saveNewExpressionRoute(expression: string): Promise<void> {
    await page.getByRole('button', { name: 'New route' }).click()
    const editor = page.locator('.route-form .cm-content')
    await editor.click()
    await editor.pressSequentially(expression, { delay: 5 })
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Save route' }).click()
  }

  it('shows the Admin API’s refusal of a bad expression in the form, with the diagnostic in the editor', async () => {
    await saveNewExpressionRoute('http.path == 1')
    await poll(() => page.locator('.route-form [role=alert]').textContent()).toMatch(/schema violation|expression/i)
    // Marked as coming from the API (not only from the editor's own lint), at core's span.
    await poll(() => page.locator('.route-form .cm-route-from-api.cm-route-diagnostic-operator-type-mismatch').count()).toBeGreaterThan(0)
    // The editor's own lint running again (a protocols edit reconfigures it; under load it can also
    // finish after the API's answer) shows the API's diagnostic beside its own, not instead of it.
    await page.getByLabel('Protocols').fill('http, https')
    await page.waitForTimeout(600)
    expect(await page.locator('.route-form .cm-route-from-api.cm-route-diagnostic-operator-type-mismatch').count()).toBeGreaterThan(0)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('shows the Admin API’s syntax error in a monospace block, its caret under the character it points at', async () => {
    await saveNewExpressionRoute('http.path = "/"')
    const message = page.locator('.route-form [role=alert] pre.kong-message')
    await poll(() => message.textContent()).toContain('--> 1:11')
    expect(await pestCaretOffset(message)).toBeLessThan(1)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('creates a traditional route with the live converted expression, and it proxies too', async () => {
    await page.getByRole('button', { name: 'New route' }).click()
    await page.getByLabel('Name', { exact: true }).fill('trad-route')
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'echo' })
    await page.getByLabel('Match by').selectOption('traditional')
    await page.getByLabel('Paths (a leading ~ makes a regex)').fill('/trad')
    await page.getByLabel('Methods (comma-separated)').fill('GET')
    await poll(() => page.locator('[data-testid=converted-expression]').textContent()).toContain('http.path ^= r#"/trad"#')
    await page.getByRole('button', { name: 'Save route' }).click()
    await poll(() => page.locator('tr[data-route]').allTextContents()).toContainEqual(expect.stringContaining('trad-route'))
    const answer = await proxied('/trad/x', 200)
    expect(JSON.parse(answer.body)).toMatchObject({ name: 'echo', url: '/x' })
  })

  it('says how precedence changes when traditional fields become an expression route', async () => {
    await page.getByRole('button', { name: 'New route' }).click()
    await page.getByLabel('Match by').selectOption('traditional')
    await page.getByLabel('Paths (a leading ~ makes a regex)').fill('/plain, ~/re/\\d+$')
    await page.getByLabel('Regex priority').fill('5')
    await poll(() => page.locator('[data-testid=converted-expression]').count()).toBe(2)
    await page.getByLabel('Match by').selectOption('expression')
    const notice = page.locator('[data-testid=precedence-notice]')
    await poll(() => notice.textContent()).toContain('tried before every traditional route')
    expect(await notice.textContent()).toContain('The 2 router entries')
    // Without a service the route is valid, and what it matches gets 503: said beside the choice.
    const serviceNote = page.locator('[data-testid=service-note]')
    expect(await serviceNote.textContent()).toBe('No service: Kong answers 503 to the requests this route matches.')
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'echo' })
    await poll(() => serviceNote.textContent()).toBe('')
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('refuses header lines without a name in the traditional fields, on the field, and sends nothing', async () => {
    await page.getByRole('button', { name: 'New route' }).click()
    await page.getByLabel('Name', { exact: true }).fill('headers-route')
    await page.getByLabel('Match by').selectOption('traditional')
    await page.getByLabel('Paths (a leading ~ makes a regex)').fill('/h')
    const headers = page.getByLabel('Headers ("name: value, value" per line)')
    await headers.fill('x-tenant: acme\nx-api-key')
    await poll(() => headers.getAttribute('aria-invalid')).toBe('true')
    await page.getByRole('button', { name: 'Save route' }).click()
    await poll(() => page.locator('.route-form [role=alert]').textContent()).toMatch(/^Line 2 has no "Name:" and is refused/)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('headers')
    expect((await adminCall(gateway.admin, 'GET', '/routes/headers-route')).status).toBe(404)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  // A refused traditional route's error used to be on the page three times: in the live conversion
  // preview, in Kong's message under the form, and on the Paths field. It is on the field only.
  it('shows a refused traditional route’s error once, on the field it names, before and after saving', async () => {
    await page.goto(`${gui.url}#routes`)
    await page.getByRole('button', { name: 'New route' }).click()
    await page.getByLabel('Name', { exact: true }).fill('no-slash')
    await page.getByLabel('Match by').selectOption('traditional')
    const paths = page.getByLabel('Paths (a leading ~ makes a regex)')
    await paths.fill('foo')
    const message = 'should start with: / (fixed path) or ~/ (regex path)'
    const shown = () => page.locator('.route-form').evaluate((form, text) => (form as HTMLElement).innerText.split(text).length - 1, message)
    await poll(() => paths.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator(`[id="${await paths.getAttribute('aria-describedby')}"]`).textContent()).toBe(message)
    expect(await shown()).toBe(1)
    await page.getByRole('button', { name: 'Save route' }).click()
    const errors = page.locator('.route-form .form-errors')
    await poll(() => errors.textContent()).toContain('paths')
    expect(await shown()).toBe(1)
    expect(await page.locator(`[id="${await paths.getAttribute('aria-describedby')}"]`).textContent()).toBe(message)
    expect((await adminCall(gateway.admin, 'GET', '/routes/no-slash')).status).toBe(404)
    // Fixed, the field is clear and the route converts.
    await paths.fill('/foo')
    await poll(() => paths.getAttribute('aria-invalid')).toBeNull()
    expect(await shown()).toBe(0)
    await poll(() => page.locator('[data-testid=converted-expression]').count()).toBe(1)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('creates a tcp route by destination port with the traditional fields', async () => {
    await page.getByRole('button', { name: 'New route' }).click()
    await page.getByLabel('Name', { exact: true }).fill('db-route')
    await page.getByLabel('Protocols').fill('tcp')
    await page.getByLabel('Match by').selectOption('traditional')
    await page.getByLabel('Destinations (IP, CIDR, :port)').fill(':5432')
    await poll(() => page.locator('[data-testid=converted-expression]').textContent()).toBe('(net.dst.port == 5432) && (net.protocol == r#"tcp"#)')
    await page.getByRole('button', { name: 'Save route' }).click()
    await poll(() => page.locator('tr[data-route]').allTextContents()).toContainEqual(expect.stringContaining('db-route'))
    expect((await adminCall(gateway.admin, 'GET', '/routes/db-route')).body).toMatchObject({ destinations: [{ port: 5432 }], protocols: ['tcp'] })
    await adminCall(gateway.admin, 'DELETE', '/routes/db-route')
    await page.getByRole('link', { name: 'Playground' }).click()
    await page.getByRole('link', { name: 'Routes' }).click()
  })

  it('loads the gateway’s routes into the playground and computes the same upstream', async () => {
    await page.getByRole('link', { name: 'Playground' }).click()
    await page.getByRole('button', { name: 'Load from gateway' }).click()
    await poll(() => page.locator('.route-card legend').allTextContents()).toEqual(expect.arrayContaining(['gui-route', 'trad-route']))
    await page.getByLabel('Method', { exact: true }).selectOption('GET')
    await page.getByLabel('URL (path and query)').fill('/gui/hello?x=1')
    await page.getByRole('button', { name: 'Evaluate' }).click()
    await poll(() => page.locator('[data-testid=verdict]').textContent()).toContain('gui-route')
    expect(await page.locator('[data-testid=upstream-url]').textContent()).toBe(`http://127.0.0.1:${upstream.port}/hello?x=1`)
  })

  it('brings back the routes typed in before a load from the gateway with the browser’s Back button', async () => {
    await page.getByRole('button', { name: 'Add expression route' }).click()
    const typed = page.locator('.route-card').last()
    await typed.getByLabel('Name').fill('typed-before-load')
    // The address bar takes the state a moment after the last change.
    const sharedState = () => page.evaluate(() => atob(location.hash.replace('#playground/', '').replace(/-/g, '+').replace(/_/g, '/')))
    await poll(sharedState).toContain('typed-before-load')
    await page.getByRole('button', { name: 'Load from gateway' }).click()
    await poll(() => page.locator('.route-card legend').allTextContents()).not.toContain('typed-before-load')
    await page.goBack()
    await poll(() => page.locator('.route-card legend').allTextContents()).toContain('typed-before-load')
    // Forward gives the gateway's routes again.
    await page.goForward()
    await poll(() => page.locator('.route-card legend').allTextContents()).toEqual(expect.arrayContaining(['gui-route', 'trad-route']))
  })

  it('turns an expression route into a traditional one and back, and the gateway proxies by each', async () => {
    await page.getByRole('link', { name: 'Routes' }).click()
    await page.getByRole('button', { name: 'Edit route gui-route' }).click()
    await page.getByLabel('Priority (0 to 2^46 − 1)').fill('5')
    await page.getByLabel('Match by').selectOption('traditional')
    await page.getByLabel('Paths (a leading ~ makes a regex)').fill('/switched')
    await page.getByRole('button', { name: 'Save route' }).click()
    await poll(() => page.locator('tr[data-route]', { hasText: 'gui-route' }).textContent()).toContain('/switched')
    expect((await proxied('/switched/x', 200)).status).toBe(200)

    await page.getByRole('button', { name: 'Edit route gui-route' }).click()
    await page.getByLabel('Match by').selectOption('expression')
    const editor = page.locator('.route-form .cm-content')
    // The editor starts from the converted expression: replace it.
    await poll(() => editor.textContent()).toContain('/switched')
    await editor.click()
    await page.keyboard.press('Control+A')
    await page.keyboard.press('Delete')
    await editor.pressSequentially('http.path ^= "/gui"', { delay: 5 })
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Save route' }).click()
    await poll(() => page.locator('tr[data-route]', { hasText: 'gui-route' }).textContent()).toContain('http.path ^= "/gui"')
    expect((await proxied('/gui/x', 200)).status).toBe(200)
  })

  it('refuses a priority that is not a number on the field itself, and sends nothing', async () => {
    await page.getByRole('button', { name: 'Edit route gui-route' }).click()
    const priority = page.getByLabel('Priority (0 to 2^46 − 1)')
    await priority.fill('abc')
    await poll(() => priority.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('[data-testid=live-priority]').count()).toBe(0)
    await page.getByRole('button', { name: 'Save route' }).click()
    await poll(() => page.locator('.route-form [role=alert]').textContent()).toMatch(/whole number/)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('priority')
    await page.getByRole('button', { name: 'Cancel' }).click()
    // Focus returns to the route's Edit button, not to the page body.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit route gui-route')
  })

  it('keeps an open route form, and what was typed in it, across a visit to the Playground', async () => {
    await page.getByRole('button', { name: 'New route' }).click()
    await page.getByLabel('Name', { exact: true }).fill('half-typed')
    await page.getByRole('link', { name: 'Playground' }).click()
    await page.getByRole('link', { name: 'Routes' }).click()
    await poll(() => page.locator('.routes-view > [role=status]').textContent()).toContain('router flavor')
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('half-typed')
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('starts an expression from the converted one when a traditional route is switched to Match by Expression', async () => {
    await page.getByRole('button', { name: 'Edit route trad-route' }).click()
    const converted = await page.locator('[data-testid=converted-expression]').allTextContents()
    expect(converted.length).toBeGreaterThan(0)
    await page.getByLabel('Match by').selectOption('expression')
    const expected = converted.length === 1 ? converted[0] : converted.map((e) => `(${e})`).join(' || ')
    await poll(() => page.locator('.route-form .cm-content').textContent()).toBe(expected)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('takes an answer of the Admin API off the form once a field changes', async () => {
    await page.getByRole('button', { name: 'New route' }).click()
    await page.getByLabel('Protocols').fill('htp')
    const editor = page.locator('.route-form .cm-content')
    await editor.click()
    await editor.pressSequentially('http.path == "/x"', { delay: 5 })
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Save route' }).click()
    const errors = page.locator('.route-form .form-errors')
    await poll(() => errors.textContent()).toMatch(/protocols/)
    // Kong's field error is on the field it names.
    const protocols = page.getByLabel('Protocols')
    expect(await protocols.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator(`[id="${await protocols.getAttribute('aria-describedby')}"]`).textContent()).toMatch(/expected one of/)
    await protocols.fill('http')
    await poll(() => errors.textContent()).toBe('')
    expect(await protocols.getAttribute('aria-invalid')).toBeNull()
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('marks a name another route has on the Name field, and Escape leaves the form', async () => {
    await page.getByRole('button', { name: 'New route' }).click()
    const name = page.getByLabel('Name', { exact: true })
    await name.fill('gui-route')
    await page.getByLabel('Match by').selectOption('traditional')
    await page.getByLabel('Paths (a leading ~ makes a regex)').fill('/taken')
    await page.getByRole('button', { name: 'Save route' }).click()
    await poll(() => name.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator(`[id="${await name.getAttribute('aria-describedby')}"]`).textContent()).toBe('Another route already has this name: gui-route.')
    await name.focus()
    await page.keyboard.press('Escape')
    await poll(() => page.locator('.route-form').count()).toBe(0)
  })

  it('returns focus to the saved route’s Edit button', async () => {
    await page.getByRole('button', { name: 'Edit route trad-route' }).click()
    await page.getByLabel('Methods (comma-separated)').fill('GET, POST')
    await page.getByRole('button', { name: 'Save route' }).click()
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit route trad-route')
  })

  it('lists routes by name and filters a long list', async () => {
    for (const name of ['zeta', 'alpha-2', 'alpha-10']) await adminCall(gateway.admin, 'POST', '/routes', { name, expression: `http.path == "/${name}"` })
    await page.getByRole('link', { name: 'Playground' }).click()
    await page.getByRole('link', { name: 'Routes' }).click()
    await poll(() => page.locator('tr[data-route] td:first-child').allTextContents()).toEqual(['alpha-2', 'alpha-10', 'gui-route', 'trad-route', 'zeta'])
    // Filtering moves the rows made for this list rather than making them again.
    await page.locator('tr[data-route]', { hasText: 'alpha-10' }).evaluate((row) => void (row.dataset['kept'] = 'yes'))
    await page.getByLabel('Filter routes').fill('ALPHA')
    await poll(() => page.locator('tr[data-route] td:first-child').allTextContents()).toEqual(['alpha-2', 'alpha-10'])
    expect(await page.locator('tr[data-route]', { hasText: 'alpha-10' }).getAttribute('data-kept')).toBe('yes')
    await page.getByLabel('Filter routes').fill('/switched')
    await poll(() => page.locator('tr[data-route] td:first-child').allTextContents()).toEqual([])
    // Deleting a filtered row puts focus on the next row the filter shows.
    await page.getByLabel('Filter routes').fill('alpha')
    await poll(() => page.locator('tr[data-route] td:first-child').allTextContents()).toEqual(['alpha-2', 'alpha-10'])
    await page.getByRole('button', { name: 'Delete route alpha-2' }).click()
    await poll(() => page.locator('tr[data-route] td:first-child').allTextContents()).toEqual(['alpha-10'])
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit route alpha-10')
    await page.getByLabel('Filter routes').fill('')
    for (const name of ['zeta', 'alpha-10']) await adminCall(gateway.admin, 'DELETE', `/routes/${name}`)
  })

  it('deletes a service nothing uses, and explains why one that routes use stays', async () => {
    await page.getByLabel('Service name').fill('spare')
    await page.getByLabel('Service URL').fill('http://127.0.0.1:9')
    await page.getByRole('button', { name: 'Add service' }).click()
    await poll(() => page.locator('tr[data-service]').allTextContents()).toContainEqual(expect.stringContaining('spare'))
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('service-name')
    await page.getByRole('button', { name: 'Delete service echo' }).click()
    await poll(() => page.locator('.routes-view > [role=status]').textContent()).toMatch(/still used by routes/)
    await page.getByRole('button', { name: 'Delete service spare' }).click()
    await poll(() => page.locator('tr[data-service]').allTextContents()).not.toContainEqual(expect.stringContaining('spare'))
  })

  it('edits a service in its row, and the gateway proxies to its new URL; Escape leaves it unchanged', async () => {
    await page.getByRole('button', { name: 'Edit service echo' }).click()
    const form = page.getByRole('form', { name: 'Edit service echo' })
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('edit-service-name')
    // A URL Kong refuses keeps the form open with its message, and changes nothing.
    await form.getByLabel('URL').fill('ftp://nowhere')
    await form.getByRole('button', { name: 'Save service' }).click()
    await poll(() => form.getByRole('alert').textContent()).not.toBe('')
    await form.getByLabel('URL').fill(`http://127.0.0.1:${upstream.port}/base`)
    await form.getByRole('button', { name: 'Save service' }).click()
    await poll(() => page.locator('tr[data-service]').allTextContents()).toContainEqual(expect.stringContaining(`127.0.0.1:${upstream.port}/base`))
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit service echo')
    let answer = await proxied('/gui/hello', 200)
    for (let i = 0; i < 20 && !(JSON.parse(answer.body) as { url: string }).url.startsWith('/base'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      answer = await proxied('/gui/hello', 200)
    }
    expect(JSON.parse(answer.body)).toMatchObject({ name: 'echo', url: '/base/hello' })

    await page.getByRole('button', { name: 'Edit service echo' }).click()
    await page.getByRole('form', { name: 'Edit service echo' }).getByLabel('Name').fill('renamed')
    await page.keyboard.press('Escape')
    await poll(() => page.locator('tr[data-service]').allTextContents()).toContainEqual(expect.stringContaining('echo'))
    expect(await adminCall(gateway.admin, 'GET', '/services/echo')).toMatchObject({ status: 200 })
    // Back to the URL the later tests expect.
    await page.getByRole('button', { name: 'Edit service echo' }).click()
    await page.getByRole('form', { name: 'Edit service echo' }).getByLabel('URL').fill(`http://127.0.0.1:${upstream.port}`)
    await page.getByRole('form', { name: 'Edit service echo' }).getByRole('button', { name: 'Save service' }).click()
    await poll(() => page.locator('tr[data-service]').allTextContents()).not.toContainEqual(expect.stringContaining('/base'))
  })

  it('keeps the Edit and Delete buttons on screen in a narrow window', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    const edit = page.getByRole('button', { name: 'Edit route gui-route' })
    // The lists may still be redrawing after the service saved by the test before: the button's box
    // is read once it is on the page again (no box while it is not rendered).
    await poll(async () => {
      const box = await edit.boundingBox()
      return box === null ? undefined : box.x + box.width
    }).toBeLessThanOrEqual(390)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('deletes a route from the Routes view, and the gateway stops proxying it', async () => {
    await page.getByRole('link', { name: 'Routes' }).click()
    await page.getByRole('button', { name: 'Delete route gui-route' }).click()
    await poll(() => page.locator('tr[data-route]').allTextContents()).not.toContainEqual(expect.stringContaining('gui-route'))
    expect((await proxied('/gui/hello', 404)).status).toBe(404)
  })

  it('shows the latest Connect only: an earlier Admin API URL that answers late changes nothing', async () => {
    // Holds every request until released, then refuses it.
    const held: (() => void)[] = []
    const late = createServer((_request, response) => void held.push(() => response.writeHead(503, { 'access-control-allow-origin': '*' }).end('late')))
    await new Promise<void>((resolve) => late.listen(0, '127.0.0.1', resolve))
    try {
      await page.goto(`${gui.url}#routes`)
      const base = page.getByLabel('Admin API')
      const status = page.locator('.routes-view > [role=status]')
      await base.fill(`http://127.0.0.1:${(late.address() as AddressInfo).port}`)
      await page.getByRole('button', { name: 'Connect' }).click()
      await poll(() => held.length).toBeGreaterThan(0)
      await base.fill('/api')
      await page.getByRole('button', { name: 'Connect' }).click()
      await poll(() => status.textContent()).toContain('router flavor')
      await poll(() => page.locator('.admin-status').textContent()).toBe('Connected.')
      const lists = await page.locator('tr[data-route]').count()
      for (const release of held.splice(0)) release()
      // Time for the late answers to arrive and be dropped.
      await poll(() => page.evaluate(() => new Promise((resolve) => setTimeout(() => resolve(true), 300)))).toBe(true)
      expect(await status.textContent()).toContain('router flavor')
      expect(await page.locator('.admin-status').textContent()).toBe('Connected.')
      expect(await page.locator('tr[data-route]').count()).toBe(lists)
    } finally {
      late.closeAllConnections()
      await new Promise((resolve) => late.close(resolve))
    }
  })

  it('connects with an admin token typed next to the default /api base', async () => {
    const guarded = await startInProcess({ admin_token: 'gui-secret' })
    const guardedGui = await serveStatic(dist, guarded.admin)
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    try {
      await other.goto(`${guardedGui.url}#routes`)
      const status = other.locator('.routes-view > [role=status]')
      await poll(() => status.textContent()).toMatch(/Unauthorized.*admin token/)
      await other.getByLabel('Admin token').fill('gui-secret')
      await other.getByRole('button', { name: 'Connect' }).click()
      await poll(() => status.textContent()).toContain('router flavor')
      expect(await other.locator('.admin-status').textContent()).toBe('Connected.')
    } finally {
      await other.close()
      await guardedGui.close()
      await guarded.close()
    }
  })
})
