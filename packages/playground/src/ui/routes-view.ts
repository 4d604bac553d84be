import { traditionalMatchers } from '@switchyard/http'
import { AdminClient, AdminUnreachable, serviceUrl, type AdminRoute, type AdminService } from '../admin/client.ts'
import { h, replaceChildren, textField } from './dom.ts'
import { routeForm } from './route-form.ts'

function matching(route: AdminRoute, flavor: string): HTMLElement {
  if (route.expression !== undefined && route.expression !== null) return h('code', { class: 'expr' }, route.expression)
  const converted = traditionalMatchers(route, { flavor: flavor === 'expressions' ? 'expressions' : 'traditional_compatible' })
  const summary = [route.methods?.join(' '), route.hosts?.join(' '), route.paths?.join(' ')].filter((s) => s !== undefined && s !== '').join(' · ')
  return h('span', {}, summary, converted.ok ? h('code', { class: 'expr muted block' }, converted.matchers.map((m) => m.expression).join('\n')) : null)
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

  /** Builds the view; `client` returns the client for the currently configured Admin API. */
  constructor(client: () => AdminClient) {
    this.#client = client
    this.element = h('section', { class: 'panel routes-view', 'aria-labelledby': 'routes-title' }, h('h2', { id: 'routes-title' }, 'Services and routes'), this.#status, this.#content)
  }

  /** Reloads everything from the Admin API. */
  async refresh(): Promise<void> {
    this.#status.textContent = 'Loading…'
    try {
      const client = this.#client()
      const [info, services, routes] = await Promise.all([client.info(), client.services(), client.routes()])
      this.#flavor = info.routerFlavor
      this.#services = services
      this.#routes = routes
      this.#status.textContent = `Gateway ${info.version}, router flavor ${info.routerFlavor}: ${services.length} services, ${routes.length} routes.`
      this.#renderLists()
    } catch (error) {
      const unreachable = error instanceof AdminUnreachable
      this.#status.textContent = `${error instanceof Error ? error.message : String(error)}${unreachable ? ' Set the Admin API URL above; the Playground works without a gateway.' : ''}`
      replaceChildren(this.#content)
    }
  }

  #renderLists(): void {
    const serviceName = (id: string | undefined) => {
      const service = this.#services.find((s) => s.id === id)
      return service === undefined ? '—' : (service.name ?? service.id.slice(0, 8))
    }
    replaceChildren(
      this.#content,
      h('h3', {}, 'Services'),
      this.#services.length === 0
        ? h('p', { class: 'muted' }, 'No services.')
        : h(
            'table',
            { class: 'list' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'URL'))),
            h('tbody', {}, ...this.#services.map((s) => h('tr', {}, h('td', {}, s.name ?? s.id), h('td', {}, h('code', {}, serviceUrl(s)))))),
          ),
      this.#serviceForm(),
      h('h3', {}, 'Routes'),
      h('div', { class: 'toolbar' }, h('button', { type: 'button', onclick: () => this.#edit(undefined) }, 'New route')),
      this.#routes.length === 0
        ? h('p', { class: 'muted' }, 'No routes.')
        : this.#routeTable(serviceName),
    )
  }

  #routeTable(serviceName: (id: string | undefined) => string): HTMLElement {
    const head = h('thead', {}, h('tr', {}, ...['Name', 'Service', 'Matching', 'Priority', 'Actions'].map((t) => h('th', { scope: 'col' }, t))))
    const rows = this.#routes.map((r) => {
      const label = r.name ?? r.id
      return h(
        'tr',
        { 'data-route': r.id },
        h('td', {}, r.name ?? r.id.slice(0, 8)),
        h('td', {}, serviceName(r.service?.id)),
        h('td', {}, matching(r, this.#flavor)),
        // Traditional routes have no priority of their own: Kong derives it from their fields.
        h('td', {}, r.expression !== undefined && r.expression !== null ? String(r.priority ?? 0) : 'derived'),
        h(
          'td',
          { class: 'actions' },
          h('button', { type: 'button', onclick: () => this.#edit(r), 'aria-label': `Edit route ${label}` }, 'Edit'),
          h('button', { type: 'button', class: 'danger', onclick: () => void this.#delete(r), 'aria-label': `Delete route ${label}` }, 'Delete'),
        ),
      )
    })
    // Wide tables scroll sideways in a narrow window instead of widening the page.
    return h('div', { class: 'scroll' }, h('table', { class: 'list' }, head, h('tbody', {}, ...rows)))
  }

  #serviceForm(): HTMLElement {
    const draft = { name: '', url: '' }
    const message = h('p', { role: 'alert', class: 'form-errors' })
    const form = h(
      'form',
      { class: 'row service-form', 'aria-label': 'Add a service' },
      textField('Service name', '', (v) => (draft.name = v), { name: 'service-name' }),
      textField('Service URL', '', (v) => (draft.url = v), { name: 'service-url', placeholder: 'http://backend:8080' }),
      h('button', { type: 'submit' }, 'Add service'),
      message,
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.#client()
        .createService(draft.name === '' ? { url: draft.url } : { name: draft.name, url: draft.url })
        .then(() => this.refresh())
        .catch((error: unknown) => (message.textContent = error instanceof Error ? error.message : String(error)))
    })
    return form
  }

  #edit(route: AdminRoute | undefined): void {
    const form = routeForm(route, {
      services: this.#services,
      flavor: this.#flavor,
      save: async (body) => {
        const client = this.#client()
        if (route === undefined) await client.createRoute(body)
        else await client.updateRoute(route.id, body)
        await this.refresh()
      },
      cancel: () => this.#renderLists(),
    })
    replaceChildren(this.#content, form)
    form.querySelector<HTMLElement>('input, .cm-content')?.focus()
  }

  async #delete(route: AdminRoute): Promise<void> {
    if (!window.confirm(`Delete route ${route.name ?? route.id}?`)) return
    try {
      await this.#client().deleteRoute(route.id)
    } catch (error) {
      this.#status.textContent = error instanceof Error ? error.message : String(error)
      return
    }
    await this.refresh()
  }
}
