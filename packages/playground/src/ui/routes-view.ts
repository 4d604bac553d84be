import { traditionalMatchers } from '@switchyard/http'
import { AdminClient, adminErrorText, AdminUnreachable, serviceUrl, type AdminRoute, type AdminService } from '../admin/client.ts'
import { h, replaceChildren, textField } from './dom.ts'
import { routeForm } from './route-form.ts'

/** How long the route filter waits for typing to settle before drawing the list again. */
const FILTER_DELAY_MS = 120

/** `1 route`, `2 routes`. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function matching(route: AdminRoute, flavor: string): HTMLElement {
  if (route.expression !== undefined && route.expression !== null) return h('code', { class: 'expr' }, route.expression)
  const converted = traditionalMatchers(route, { flavor: flavor === 'expressions' ? 'expressions' : 'traditional_compatible' })
  const summary = [route.methods?.join(' '), route.hosts?.join(' '), route.paths?.join(' ')].filter((s) => s !== undefined && s !== '').join(' · ')
  return h('span', {}, summary, converted.ok ? h('code', { class: 'expr muted block' }, converted.matchers.map((m) => m.expression).join('\n')) : null)
}

/** Named routes first, alphabetically (numbers in names in numeric order), then unnamed ones by id. */
function byName(a: { readonly name: string | null; readonly id: string }, b: { readonly name: string | null; readonly id: string }): number {
  if ((a.name === null) !== (b.name === null)) return a.name === null ? 1 : -1
  return (a.name ?? a.id).localeCompare(b.name ?? b.id, undefined, { numeric: true, sensitivity: 'base' }) || a.id.localeCompare(b.id)
}

/** A table cell that keeps its column's name, shown beside the value when rows are stacked on a narrow screen. */
function cell(label: string, ...children: (Node | string)[]): HTMLTableCellElement {
  return h('td', { 'data-label': label }, ...children)
}

/** The Routes view: services and routes of the gateway's Admin API, with create, edit and delete. */
export class RoutesView {
  readonly element: HTMLElement
  readonly #client: () => AdminClient
  readonly #content = h('div')
  readonly #status = h('p', { role: 'status', class: 'muted' })
  #services: AdminService[] = []
  #routes: AdminRoute[] = []
  #flavor = 'expressions'
  #filter = ''
  /** The open route form, kept across reloads: going to the Playground and back must not lose an edit. */
  #form: HTMLElement | undefined
  /** The service being edited in its row, if any. */
  #editingService: string | undefined

  /**
   * Builds the view; `client` returns the client for the currently configured Admin API, and
   * `onConnection` hears after every refresh whether the gateway answered.
   */
  constructor(client: () => AdminClient, onConnection: (connected: boolean) => void = () => {}) {
    this.#client = client
    this.#onConnection = onConnection
    this.element = h('section', { class: 'panel routes-view', 'aria-labelledby': 'routes-title' }, h('h2', { id: 'routes-title' }, 'Services and routes'), this.#status, this.#content)
  }

  readonly #onConnection: (connected: boolean) => void
  /** Refreshes started so far: the number of the latest, which alone may draw. */
  #refreshes = 0

  /** Reloads everything from the Admin API; resolves to whether it could, or undefined when a later refresh superseded it. */
  async refresh(): Promise<boolean | undefined> {
    // Only the latest refresh may draw: an older one answering late (a slow URL given before the
    // right one, a refresh started by a tab switch during a save) would show stale lists.
    const ticket = ++this.#refreshes
    this.#status.textContent = 'Loading…'
    try {
      const client = this.#client()
      const [info, services, routes] = await Promise.all([client.info(), client.services(), client.routes()])
      if (ticket !== this.#refreshes) return undefined
      this.#flavor = info.routerFlavor
      this.#services = services.sort(byName)
      this.#routes = routes.sort(byName)
      this.#rows = new WeakMap()
      this.#status.textContent = `Gateway ${info.version}, router flavor ${info.routerFlavor}: ${counted(services.length, 'service')}, ${counted(routes.length, 'route')}.`
      if (this.#form === undefined) this.#renderLists()
      this.#onConnection(true)
      return true
    } catch (error) {
      if (ticket !== this.#refreshes) return undefined
      const unreachable = error instanceof AdminUnreachable
      this.#status.textContent = `${adminErrorText(error)}${unreachable ? ' Set the Admin API URL above; the Playground works without a gateway.' : ''}`
      if (this.#form === undefined) replaceChildren(this.#content)
      this.#onConnection(false)
      return false
    }
  }

  #renderLists(): void {
    replaceChildren(
      this.#content,
      h('h3', {}, 'Services'),
      this.#services.length === 0 ? h('p', { class: 'muted' }, 'No services yet: add one below, then routes can send requests to it.') : this.#serviceTable(),
      this.#serviceForm(),
      h('h3', {}, 'Routes'),
      h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'new-route', onclick: () => this.#edit(undefined) }, 'New route')),
      this.#routes.length === 0 ? h('p', { class: 'muted' }, 'No routes yet: create one with New route.') : this.#routeList(),
    )
  }

  #serviceTable(): HTMLElement {
    const rows = this.#services.map((s) => {
      const label = s.name ?? s.id
      if (s.id === this.#editingService) return h('tr', { 'data-service': s.id, class: 'editing' }, h('td', { colspan: 3 }, this.#serviceEditForm(s)))
      return h(
        'tr',
        { 'data-service': s.id },
        cell('Name', s.name ?? s.id),
        cell('URL', h('code', {}, serviceUrl(s))),
        h(
          'td',
          { class: 'actions' },
          h('button', { type: 'button', class: 'edit', onclick: () => this.#editService(s.id), 'aria-label': `Edit service ${label}` }, 'Edit'),
          h('button', { type: 'button', class: 'danger', onclick: () => void this.#deleteService(s), 'aria-label': `Delete service ${label}` }, 'Delete'),
        ),
      )
    })
    const head = h('thead', {}, h('tr', {}, ...['Name', 'URL', 'Actions'].map((t) => h('th', { scope: 'col' }, t))))
    return h('div', { class: 'scroll' }, h('table', { class: 'list services' }, head, h('tbody', {}, ...rows)))
  }

  /** Opens a service's row as a form (one at a time), focused on its name. */
  #editService(id: string): void {
    this.#editingService = id
    this.#renderLists()
    this.#content.querySelector<HTMLElement>(`tr[data-service="${CSS.escape(id)}"] input`)?.focus()
  }

  /** Puts focus back on a service's Edit button after its row's form closes. */
  #focusService(id: string): void {
    this.#content.querySelector<HTMLElement>(`tr[data-service="${CSS.escape(id)}"] button.edit`)?.focus()
  }

  /** A service's name and URL in its row, saved with PATCH; Escape or Cancel leaves it unchanged. */
  #serviceEditForm(service: AdminService): HTMLElement {
    const label = service.name ?? service.id
    const draft = { name: service.name ?? '', url: serviceUrl(service) }
    const message = h('p', { role: 'alert', class: 'form-errors' })
    const close = (): void => {
      this.#editingService = undefined
      this.#renderLists()
      this.#focusService(service.id)
    }
    const form = h(
      'form',
      { class: 'row service-edit', 'aria-label': `Edit service ${label}` },
      textField('Name', draft.name, (v) => (draft.name = v), { name: 'edit-service-name' }),
      textField('URL', draft.url, (v) => (draft.url = v), { name: 'edit-service-url', required: true, class: 'medium' }),
      h('button', { type: 'submit' }, 'Save service'),
      h('button', { type: 'button', onclick: close }, 'Cancel'),
      message,
    )
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') close()
    })
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const name = draft.name.trim()
      this.#client()
        .updateService(service.id, { name: name === '' ? null : name, url: draft.url.trim() })
        .then(async () => {
          this.#editingService = undefined
          if (await this.refresh()) this.#focusService(service.id)
        })
        .catch((error: unknown) => (message.textContent = adminErrorText(error)))
    })
    return form
  }

  #serviceName(id: string | undefined): string {
    const service = this.#services.find((s) => s.id === id)
    return service === undefined ? '—' : (service.name ?? service.id.slice(0, 8))
  }

  /**
   * Each route's table row and search text, made once per refresh (a route object lives until the
   * next one): filtering hundreds of routes then only moves rows, instead of converting every
   * traditional route again on each keystroke.
   */
  #rows = new WeakMap<AdminRoute, { readonly row: HTMLTableRowElement; readonly text: string }>()
  #filterTimer: ReturnType<typeof setTimeout> | undefined

  /** The route table with a filter above it: long lists are found by name, service or what they match. */
  #routeList(): HTMLElement {
    const holder = h('div')
    const render = () => {
      const needle = this.#filter.trim().toLowerCase()
      const shown = needle === '' ? this.#routes : this.#routes.filter((r) => this.#searchText(r).includes(needle))
      replaceChildren(
        holder,
        needle === '' ? null : h('p', { class: 'muted', role: 'status' }, `${counted(shown.length, 'route')} of ${this.#routes.length} match the filter.`),
        shown.length === 0 ? null : this.#routeTable(shown),
      )
    }
    // Typing settles before the list is drawn again.
    const filter = textField('Filter routes', this.#filter, (text) => {
      this.#filter = text
      clearTimeout(this.#filterTimer)
      this.#filterTimer = setTimeout(render, FILTER_DELAY_MS)
    }, { type: 'search', name: 'route-filter', placeholder: 'name, service, path, host…', class: 'medium' })
    render()
    return h('div', {}, filter, holder)
  }

  #searchText(route: AdminRoute): string {
    return this.#rowOf(route).text
  }

  #rowOf(route: AdminRoute): { readonly row: HTMLTableRowElement; readonly text: string } {
    let made = this.#rows.get(route)
    if (made === undefined) {
      const parts = [route.name, route.id, this.#serviceName(route.service?.id), route.expression, ...(route.paths ?? []), ...(route.hosts ?? []), ...(route.methods ?? []), ...(route.snis ?? [])]
      made = { row: this.#routeRow(route), text: parts.filter((part) => typeof part === 'string').join('\n').toLowerCase() }
      this.#rows.set(route, made)
    }
    return made
  }

  #routeTable(routes: readonly AdminRoute[]): HTMLElement {
    const head = h('thead', {}, h('tr', {}, ...['Name', 'Service', 'Matching', 'Priority', 'Actions'].map((t) => h('th', { scope: 'col' }, t))))
    const rows = routes.map((r) => this.#rowOf(r).row)
    // Wide tables scroll sideways in a narrow window instead of widening the page.
    return h('div', { class: 'scroll' }, h('table', { class: 'list routes' }, head, h('tbody', {}, ...rows)))
  }

  #routeRow(r: AdminRoute): HTMLTableRowElement {
    const label = r.name ?? r.id
    return h(
      'tr',
      { 'data-route': r.id },
      cell('Name', r.name ?? r.id.slice(0, 8)),
      cell('Service', this.#serviceName(r.service?.id)),
      cell('Matching', matching(r, this.#flavor)),
      // Traditional routes have no priority of their own: Kong derives it from their fields.
      cell('Priority', r.expression !== undefined && r.expression !== null ? String(r.priority ?? 0) : 'derived'),
      h(
        'td',
        { class: 'actions' },
        h('button', { type: 'button', class: 'edit', onclick: () => this.#edit(r), 'aria-label': `Edit route ${label}` }, 'Edit'),
        h('button', { type: 'button', class: 'danger', onclick: () => void this.#delete(r), 'aria-label': `Delete route ${label}` }, 'Delete'),
      ),
    )
  }

  #serviceForm(): HTMLElement {
    const draft = { name: '', url: '' }
    const message = h('p', { role: 'alert', class: 'form-errors' })
    const form = h(
      'form',
      { class: 'row service-form', 'aria-label': 'Add a service' },
      textField('Service name', '', (v) => (draft.name = v), { name: 'service-name' }),
      textField('Service URL', '', (v) => (draft.url = v), { name: 'service-url', placeholder: 'http://backend:8080', required: true }),
      h('button', { type: 'submit' }, 'Add service'),
      message,
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const name = draft.name.trim()
      this.#client()
        .createService(name === '' ? { url: draft.url.trim() } : { name, url: draft.url.trim() })
        .then(async () => {
          if (await this.refresh()) this.#content.querySelector<HTMLElement>('.service-form input')?.focus()
        })
        .catch((error: unknown) => (message.textContent = adminErrorText(error)))
    })
    return form
  }

  #edit(route: AdminRoute | undefined): void {
    const form = routeForm(route, {
      services: this.#services,
      flavor: this.#flavor,
      save: async (body) => {
        const client = this.#client()
        const saved = route === undefined ? await client.createRoute(body) : await client.updateRoute(route.id, body)
        this.#form = undefined
        if (await this.refresh()) this.#focusRoute(saved.id)
      },
      cancel: () => {
        this.#form = undefined
        this.#renderLists()
        this.#focusRoute(route?.id)
      },
    })
    this.#form = form
    replaceChildren(this.#content, form)
    form.querySelector<HTMLElement>('input, .cm-content')?.focus()
  }

  /**
   * Puts focus back where the person was after the form closes (the route's Edit button, else New
   * route), instead of dropping it on the page body when the list is redrawn.
   */
  #focusRoute(id: string | undefined): void {
    const edit = id === undefined ? null : this.#content.querySelector<HTMLElement>(`tr[data-route="${CSS.escape(id)}"] button.edit`)
    ;(edit ?? this.#content.querySelector<HTMLElement>('button.new-route'))?.focus()
  }

  async #delete(route: AdminRoute): Promise<void> {
    if (!window.confirm(`Delete route ${route.name ?? route.id}?`)) return
    // Focus goes to the row shown after the deleted one (or before it), among the rows the filter shows.
    const shown = () => [...this.#content.querySelectorAll<HTMLElement>('tr[data-route]')].map((row) => row.dataset['route'])
    const index = shown().indexOf(route.id)
    try {
      await this.#client().deleteRoute(route.id)
    } catch (error) {
      this.#status.textContent = adminErrorText(error)
      return
    }
    if (await this.refresh()) {
      const rows = shown()
      this.#focusRoute(rows[Math.min(index, rows.length - 1)])
    }
  }

  async #deleteService(service: AdminService): Promise<void> {
    if (!window.confirm(`Delete service ${service.name ?? service.id}?`)) return
    try {
      await this.#client().deleteService(service.id)
    } catch (error) {
      // Kong refuses to delete a service routes still use; say which way out there is.
      const inUse = error instanceof Error && /references this 'services'/.test(error.message)
      this.#status.textContent = inUse ? `Service ${service.name ?? service.id} is still used by routes: delete them or move them to another service first.` : adminErrorText(error)
      return
    }
    if (await this.refresh()) this.#content.querySelector<HTMLElement>('.service-form input')?.focus()
  }
}
