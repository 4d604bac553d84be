import { AdminClient, adminUrlProblem, serviceUrl, type AdminRoute, type AdminService } from '../admin/client.ts'
import { ROUTING_FIELDS, type PlaygroundRoute } from '../model/route.ts'
import { asFlavor, decodeState, encodeState, SHARE_PREFIX } from '../model/share.ts'
import { h, replaceChildren, uniqueId } from './dom.ts'
import { EXAMPLE_STATE, PlaygroundView } from './playground-view.ts'
import { RoutesView } from './routes-view.ts'

/** Where the Admin API is looked for unless configured: the GUI listener's `/api` proxy. */
export const DEFAULT_ADMIN_URL = '/api'

const ADMIN_URL_KEY = 'switchyard.adminUrl'
/** How long the address bar waits for the playground's state to settle (see `#publish`). */
const PUBLISH_DELAY_MS = 400

/** An Admin API route with its service's URL, as the playground holds routes: routing fields only, nulls dropped. */
export function toPlaygroundRoute(route: AdminRoute, services: readonly AdminService[]): PlaygroundRoute {
  const service = services.find((s) => s.id === route.service?.id)
  const record = route as unknown as Readonly<Record<string, unknown>>
  // Timestamps, tags and the like stay out of the playground (and so out of share links).
  const kept = Object.fromEntries(ROUTING_FIELDS.map((key) => [key, record[key]]).filter(([, value]) => value !== undefined && value !== null))
  return { ...(kept as unknown as PlaygroundRoute), service: service === undefined ? null : { url: serviceUrl(service) } }
}

/** Reads the configured Admin API URL: `?admin=` in the page URL, else the saved one, else `/api`. */
function initialAdminUrl(): string {
  const fromQuery = new URLSearchParams(location.search).get('admin')
  if (fromQuery !== null && fromQuery !== '') return fromQuery
  try {
    return localStorage.getItem(ADMIN_URL_KEY) ?? DEFAULT_ADMIN_URL
  } catch {
    return DEFAULT_ADMIN_URL
  }
}

type ViewName = 'routes' | 'playground'

/** What the playground says instead of opening a share link it cannot read. */
function unreadableLink(problem: string): string {
  return `This share link cannot be read: ${problem}. The routes and request below are not from it.`
}

/** The whole GUI: header with navigation and Admin API setting, and the two views. */
export class App {
  readonly element: HTMLElement
  #adminUrl = initialAdminUrl()
  // The admin token lives in memory only: never in storage, never in share links.
  #adminToken = ''
  readonly #routes: RoutesView
  readonly #playground: PlaygroundView
  readonly #main = h('main', { id: 'main', tabindex: '-1' })
  readonly #tabs: Record<ViewName, HTMLAnchorElement>
  readonly #share = h('input', { type: 'text', readonly: true, id: uniqueId('share'), 'aria-label': 'Share link', class: 'share-link' })
  readonly #copied = h('span', { role: 'status', class: 'muted' })
  readonly #adminStatus = h('span', { role: 'status', class: 'muted admin-status', id: uniqueId('admin-status') })
  // Unset until `start`, so the first evaluation does not overwrite the hash the page was opened with.
  #view: ViewName | undefined = undefined
  readonly #footer: HTMLElement

  /** Builds the app; call `start` once it is in the document. */
  constructor() {
    const client = () => new AdminClient(this.#adminUrl, this.#adminToken)
    // The header says after every refresh of the Routes view whether the gateway answered, on the
    // Playground too, where that view and its explanation are hidden.
    this.#routes = new RoutesView(client, (connected) => {
      this.#adminStatus.textContent = connected ? 'Connected.' : 'Not connected: see Routes.'
    })
    const shared = decodeState(location.hash)
    this.#playground = new PlaygroundView(shared?.ok === true ? shared.state : EXAMPLE_STATE, {
      loadFromGateway: async () => {
        const [info, services, routes] = await Promise.all([client().info(), client().services(), client().routes()])
        return { routes: routes.map((r) => toPlaygroundRoute(r, services)), flavor: asFlavor(info.routerFlavor) }
      },
      onStateChange: (hash, options) => {
        this.#share.value = location.href.split('#')[0] + hash
        this.#publish(hash, options?.newEntry === true)
      },
    })
    if (shared?.ok === false) this.#reportUnreadable(shared.problem)
    this.#tabs = {
      playground: h('a', { href: '#playground', onclick: (e) => this.#navigate(e, 'playground') }, 'Playground'),
      routes: h('a', { href: '#routes', onclick: (e) => this.#navigate(e, 'routes') }, 'Routes'),
    }
    const adminId = uniqueId('admin')
    // Not type=url: the default `/api` is a relative URL, which a url input refuses, and the browser
    // would then block every Connect (and so the admin token) without saying why.
    const adminInput = h('input', { id: adminId, type: 'text', inputmode: 'url', value: this.#adminUrl, spellcheck: 'false', autocomplete: 'off', class: 'admin-base' })
    const tokenId = uniqueId('token')
    const tokenInput = h('input', { id: tokenId, type: 'password', autocomplete: 'off', placeholder: 'token (optional)', class: 'token' })
    const adminForm = h(
      'form',
      { class: 'admin-url' },
      h('label', { for: adminId }, 'Admin API'),
      adminInput,
      h('label', { for: tokenId, class: 'visually-hidden' }, 'Admin token'),
      tokenInput,
      h('button', { type: 'submit' }, 'Connect'),
      this.#adminStatus,
    )
    adminForm.addEventListener('submit', (event) => {
      event.preventDefault()
      const typed = adminInput.value.trim() === '' ? DEFAULT_ADMIN_URL : adminInput.value.trim()
      adminInput.value = typed
      // An address without its scheme is said at once, on the field, instead of a "Not found" from
      // whatever answers it as a path; the URL in use stays as it was.
      const problem = adminUrlProblem(typed)
      if (problem !== undefined) {
        adminInput.setAttribute('aria-invalid', 'true')
        adminInput.setAttribute('aria-describedby', this.#adminStatus.id)
        this.#adminStatus.textContent = problem
        return
      }
      adminInput.removeAttribute('aria-invalid')
      adminInput.removeAttribute('aria-describedby')
      this.#adminUrl = typed
      this.#adminToken = tokenInput.value
      try {
        localStorage.setItem(ADMIN_URL_KEY, this.#adminUrl)
      } catch {
        // Storage may be disabled (private mode, file://); the setting then lasts for this page only.
      }
      this.#adminStatus.textContent = 'Connecting…'
      void this.#routes.refresh()
    })
    const copy = h('button', { type: 'button', onclick: () => void this.#copyShare() }, 'Copy share link')
    this.#footer = h('footer', { class: 'share' }, this.#share, copy, this.#copied)
    this.element = h(
      'div',
      { class: 'app' },
      // Focus moves without touching the hash: `#main` is no view, and the hash says which view is shown.
      h('a', { href: '#main', class: 'skip', onclick: (e) => {
        e.preventDefault()
        this.#main.focus()
      } }, 'Skip to content'),
      h(
        'header',
        {},
        h('h1', {}, 'Switchyard'),
        h('nav', { 'aria-label': 'Views' }, this.#tabs.playground, this.#tabs.routes),
        adminForm,
      ),
      this.#main,
      this.#footer,
    )
    window.addEventListener('hashchange', () => this.#fromHash())
  }

  #publishTimer: ReturnType<typeof setTimeout> | undefined
  #pendingPublish: (() => void) | undefined
  /**
   * An unreadable share link in the address bar and the hash of the state shown in its place. The
   * link stays there, so that reloading reports it again and it can be looked into, until that
   * state is changed.
   */
  #unreadable: { readonly link: string; readonly standIn: string } | undefined

  #reportUnreadable(problem: string): void {
    this.#unreadable = { link: location.hash, standIn: encodeState(this.#playground.state) }
    this.#playground.say(unreadableLink(problem))
  }

  /**
   * Puts the state's hash in the address bar: at once in a new history entry (Back then gives the
   * state before, e.g. before routes were loaded from the gateway), else a moment after the last
   * change, replacing the entry: the browser takes a quarter of a second to store a hash of
   * hundreds of routes, which every keystroke would pay.
   */
  #publish(hash: string, newEntry: boolean): void {
    clearTimeout(this.#publishTimer)
    // The entry being left must hold the state before: a write still waiting goes first.
    if (newEntry) this.#pendingPublish?.()
    this.#pendingPublish = undefined
    const write = (): void => {
      this.#pendingPublish = undefined
      if (this.#view !== 'playground' || location.hash === hash) return
      if (location.hash === this.#unreadable?.link && hash === this.#unreadable.standIn) return
      if (newEntry) history.pushState(null, '', hash)
      else history.replaceState(null, '', hash)
    }
    if (newEntry) return write()
    this.#pendingPublish = write
    this.#publishTimer = setTimeout(write, PUBLISH_DELAY_MS)
  }

  /** Shows the view the URL asks for. */
  start(): void {
    this.#fromHash()
  }

  #fromHash(): void {
    const hash = location.hash
    if (hash.startsWith(SHARE_PREFIX)) {
      const shared = decodeState(hash)
      // Our own replaceState does not fire hashchange; a pasted link does, so load it.
      if (shared?.ok === false) this.#reportUnreadable(shared.problem)
      else if (shared !== undefined && JSON.stringify(shared.state) !== JSON.stringify(this.#playground.state)) this.#playground.setState(shared.state)
      this.#show('playground')
    } else this.#show(hash === '#routes' ? 'routes' : 'playground')
  }

  #navigate(event: Event, view: ViewName): void {
    event.preventDefault()
    history.pushState(null, '', view === 'routes' ? '#routes' : '#playground')
    this.#show(view)
    this.#main.focus()
  }

  #show(view: ViewName): void {
    this.#view = view
    for (const [name, tab] of Object.entries(this.#tabs)) {
      if (name === view) tab.setAttribute('aria-current', 'page')
      else tab.removeAttribute('aria-current')
    }
    replaceChildren(this.#main, view === 'routes' ? this.#routes.element : this.#playground.element)
    // The share link reproduces the playground only; it has no meaning next to the Routes view.
    this.#footer.hidden = view !== 'playground'
    if (view === 'routes') void this.#routes.refresh()
    else this.#playground.refresh()
  }

  async #copyShare(): Promise<void> {
    this.#share.select()
    try {
      await navigator.clipboard.writeText(this.#share.value)
      this.#copied.textContent = 'Link copied.'
    } catch {
      // Without clipboard permission (or outside a secure context) the selected field still lets people copy by hand.
      this.#copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.'
    }
  }
}
