import { schemaForProtocols, validateExpressionRoute } from '@switchyard/http'
import { evaluate } from '../model/engine.ts'
import { DEFAULT_REQUEST, type RequestDraft } from '../model/request.ts'
import { isExpressionRoute, routeLabel, type PlaygroundRoute } from '../model/route.ts'
import { encodeState, type PlaygroundState } from '../model/share.ts'
import { checkbox, h, newId, replaceChildren, select, textArea, textField } from './dom.ts'
import { createExpressionEditor } from './expression-editor.ts'
import { resultView } from './result-view.ts'
import { traditionalFields } from './traditional-fields.ts'

/** What the playground needs from the app around it. */
export interface PlaygroundHost {
  /** Routes and services from the gateway as playground routes; rejects when it is unreachable. */
  readonly loadFromGateway: () => Promise<PlaygroundRoute[]>
  /** Called with the share hash whenever the state changes. */
  readonly onStateChange: (hash: string) => void
}

/** Two example routes, so a first visit shows a match and an explain trace straight away. */
export const EXAMPLE_STATE: PlaygroundState = {
  routes: [
    {
      id: '6f1c1a9e-2b1d-4c55-9a53-1b0b5f6f0a01',
      name: 'users-api',
      expression: 'http.path ^= "/api/users" && http.method == "GET"',
      priority: 100,
      protocols: ['http', 'https'],
      strip_path: true,
      service: { url: 'http://users.internal:8080/v1' },
    },
    {
      id: '6f1c1a9e-2b1d-4c55-9a53-1b0b5f6f0a02',
      name: 'catch-all',
      expression: 'http.path ^= "/"',
      priority: 0,
      protocols: ['http', 'https'],
      strip_path: false,
      service: { url: 'http://web.internal:80' },
    },
  ],
  request: { ...DEFAULT_REQUEST, method: 'POST', url: '/api/users/42?expand=1' },
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

/** The Playground view: routes (typed in or loaded), a request builder, and the result from the engine. */
export class PlaygroundView {
  readonly element: HTMLElement
  readonly #host: PlaygroundHost
  #routes: PlaygroundRoute[]
  #request: RequestDraft
  readonly #routeList = h('div', { class: 'route-cards' })
  readonly #requestForm = h('form', { class: 'request', 'aria-labelledby': 'request-title' })
  // Not a live region as a whole: re-rendered on each edit, it would be read out every time. The
  // verdict inside it is a `status` and is announced alone.
  readonly #result = h('div')
  readonly #status = h('p', { class: 'muted', role: 'status' })
  #timer: ReturnType<typeof setTimeout> | undefined

  /** Builds the view around an initial state. */
  constructor(state: PlaygroundState, host: PlaygroundHost) {
    this.#host = host
    this.#routes = [...state.routes]
    this.#request = state.request
    this.#requestForm.addEventListener('submit', (event) => {
      event.preventDefault()
      this.#evaluateNow()
    })
    this.element = h(
      'div',
      { class: 'playground' },
      h(
        'section',
        { class: 'panel routes-panel', 'aria-labelledby': 'pg-routes-title' },
        h('h2', { id: 'pg-routes-title' }, 'Routes'),
        h(
          'div',
          { class: 'toolbar' },
          h('button', { type: 'button', onclick: () => this.#addRoute() }, 'Add expression route'),
          h('button', { type: 'button', onclick: () => this.#addTraditionalRoute() }, 'Add traditional route'),
          h('button', { type: 'button', onclick: () => void this.#load() }, 'Load from gateway'),
        ),
        this.#status,
        this.#routeList,
      ),
      h('section', { class: 'panel' }, h('h2', { id: 'request-title' }, 'Request'), this.#requestForm, this.#result),
    )
    this.#renderRoutes()
    this.#renderRequest()
    this.#evaluateNow()
  }

  /** The current state (what a share link holds). */
  get state(): PlaygroundState {
    return { routes: this.#routes, request: this.#request }
  }

  /** Replaces the whole state, e.g. when a share link is opened. */
  setState(state: PlaygroundState): void {
    this.#routes = [...state.routes]
    this.#request = state.request
    this.#renderRoutes()
    this.#renderRequest()
    this.#evaluateNow()
  }

  /** Re-evaluates and republishes the state, e.g. when the view is shown again. */
  refresh(): void {
    this.#evaluateNow()
  }

  #changed(): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#evaluateNow(), 120)
  }

  #evaluateNow(): void {
    clearTimeout(this.#timer)
    replaceChildren(this.#result, resultView(evaluate(this.#routes, this.#request)))
    this.#host.onStateChange(encodeState(this.state))
  }

  #update(index: number, patch: Partial<PlaygroundRoute>): void {
    const current = this.#routes[index]
    if (current === undefined) return
    this.#routes[index] = { ...current, ...patch }
    this.#changed()
  }

  #addRoute(): void {
    this.#routes.push({ id: newId(), name: `route-${this.#routes.length + 1}`, expression: 'http.path ^= "/"', priority: 0, protocols: ['http', 'https'], strip_path: true, service: { url: 'http://upstream.internal:8080' } })
    this.#renderRoutes()
    this.#evaluateNow()
    const cards = this.#routeList.querySelectorAll<HTMLElement>('.cm-content')
    cards[cards.length - 1]?.focus()
  }

  #addTraditionalRoute(): void {
    this.#routes.push({ id: newId(), name: `route-${this.#routes.length + 1}`, protocols: ['http', 'https'], paths: ['/'], strip_path: true, service: { url: 'http://upstream.internal:8080' } })
    this.#renderRoutes()
    this.#evaluateNow()
    const inputs = this.#routeList.querySelectorAll<HTMLElement>('.route-card:last-of-type input')
    inputs[0]?.focus()
  }

  async #load(): Promise<void> {
    this.#status.textContent = 'Loading routes from the gateway…'
    try {
      const routes = await this.#host.loadFromGateway()
      this.#routes = routes
      this.#status.textContent = `Loaded ${routes.length} route${routes.length === 1 ? '' : 's'} from the gateway.`
      this.#renderRoutes()
      this.#evaluateNow()
    } catch (error) {
      this.#status.textContent = `${error instanceof Error ? error.message : String(error)} The routes typed in here still work.`
    }
  }

  #renderRoutes(): void {
    replaceChildren(this.#routeList, ...this.#routes.map((route, index) => this.#routeCard(route, index)))
    if (this.#routes.length === 0) this.#routeList.append(h('p', { class: 'muted' }, 'No routes yet: add one, or load them from the gateway.'))
  }

  #routeCard(route: PlaygroundRoute, index: number): HTMLElement {
    const title = h('legend', {}, routeLabel(route))
    const card = h('fieldset', { class: 'route-card', 'data-route': route.id }, title)
    const protocols = route.protocols ?? ['http', 'https']
    card.append(
      h(
        'div',
        { class: 'row' },
        textField('Name', route.name ?? '', (name) => {
          title.textContent = name === '' ? route.id.slice(0, 8) : name
          this.#update(index, { name })
        }),
        isExpressionRoute(route)
          ? textField(
              'Priority',
              String(route.priority ?? 0),
              (text) => {
                this.#update(index, { priority: Number(text) })
                editor?.configure(schemaForProtocols(this.#routes[index]?.protocols ?? []), validator(index))
              },
              { inputmode: 'numeric', class: 'narrow' },
            )
          : null,
        textField('Protocols', protocols.join(', '), (text) => {
          this.#update(index, { protocols: list(text) })
          editor?.configure(schemaForProtocols(list(text)), validator(index))
        }),
      ),
    )
    const validator = (i: number) => (source: string) => {
      const r = this.#routes[i]
      return validateExpressionRoute({ expression: source, priority: r?.priority ?? 0, protocols: r?.protocols ?? [] }).diagnostics
    }
    let editor: ReturnType<typeof createExpressionEditor> | undefined
    if (isExpressionRoute(route)) {
      const holder = h('div', { class: 'editor' })
      card.append(h('div', { class: 'field' }, h('span', { class: 'label' }, 'Expression'), holder))
      editor = createExpressionEditor(holder, {
        doc: route.expression ?? '',
        schema: schemaForProtocols(protocols),
        validate: validator(index),
        label: `Expression of route ${routeLabel(route)}`,
        onChange: (expression) => this.#update(index, { expression }),
      })
    } else {
      card.append(...traditionalFields(route, (patch) => this.#update(index, patch)))
    }
    card.append(
      h(
        'div',
        { class: 'row' },
        textField('Service URL', route.service?.url ?? '', (url) => this.#update(index, { service: url === '' ? null : { url } }), { type: 'url' }),
        checkbox('Strip path', route.strip_path ?? true, (strip_path) => this.#update(index, { strip_path })),
        checkbox('Preserve host', route.preserve_host ?? false, (preserve_host) => this.#update(index, { preserve_host })),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          'aria-label': `Remove route ${routeLabel(route)}`,
          onclick: () => {
            this.#routes.splice(index, 1)
            this.#renderRoutes()
            this.#evaluateNow()
          },
        },
        'Remove',
      ),
    )
    return card
  }

  #renderRequest(): void {
    const r = this.#request
    const set = (patch: Partial<RequestDraft>) => {
      this.#request = { ...this.#request, ...patch }
      this.#changed()
    }
    replaceChildren(
      this.#requestForm,
      h(
        'div',
        { class: 'row' },
        select('Method', r.method, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => [m, m] as const), (method) => set({ method })),
        select('Scheme', r.scheme, [['http', 'http'], ['https', 'https'], ['tcp', 'tcp (stream)'], ['tls', 'tls (stream)'], ['udp', 'udp (stream)']], (scheme) => set({ scheme })),
        textField('URL (path and query)', r.url, (url) => set({ url }), { class: 'wide', name: 'url' }),
      ),
      h('div', { class: 'row' }, textField('Host', r.host, (host) => set({ host }), { name: 'host' }), textField('SNI', r.sni, (sni) => set({ sni }), { name: 'sni' })),
      textArea('Headers (one "Name: value" per line)', r.headers, (headers) => set({ headers }), { name: 'headers' }),
      h(
        'div',
        { class: 'row' },
        textField('Client IP', r.srcIp, (srcIp) => set({ srcIp }), { name: 'src-ip' }),
        textField('Client port', r.srcPort, (srcPort) => set({ srcPort }), { inputmode: 'numeric', class: 'narrow', name: 'src-port' }),
        textField('Server IP', r.dstIp, (dstIp) => set({ dstIp }), { name: 'dst-ip' }),
        textField('Server port', r.dstPort, (dstPort) => set({ dstPort }), { inputmode: 'numeric', class: 'narrow', name: 'dst-port' }),
      ),
      h('button', { type: 'submit' }, 'Evaluate'),
    )
  }
}
