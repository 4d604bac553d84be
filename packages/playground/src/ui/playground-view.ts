import { ROUTER_VALIDATION_PREFIX, schemaForProtocols, traditionalMatchers, validateExpressionRoute, type Flavor } from '@switchyard/http'
import { adminErrorText } from '../admin/client.ts'
import { evaluate, serviceUrlProblem } from '../model/engine.ts'
import { DEFAULT_REQUEST, requestProblems, type CheckedRequestField, type RequestDraft } from '../model/request.ts'
import { priorityProblem } from '../model/route-draft.ts'
import { isExpressionRoute, routeLabel, type PlaygroundRoute } from '../model/route.ts'
import { asFlavor, encodeState, type PlaygroundState } from '../model/share.ts'
import { checkbox, h, newId, replaceChildren, select, setFieldProblem, textArea, textField } from './dom.ts'
import { createExpressionEditor } from './expression-editor.ts'
import { resultView } from './result-view.ts'
import { traditionalFields } from './traditional-fields.ts'

/** What the playground needs from the app around it. */
export interface PlaygroundHost {
  /** Routes and services from the gateway as playground routes, and its router flavor; rejects when it is unreachable. */
  readonly loadFromGateway: () => Promise<{ readonly routes: PlaygroundRoute[]; readonly flavor: Flavor }>
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

/** A typed priority as the route holds it: a number when it is one, else the text, which the engine reports. */
function priorityOf(text: string): number {
  return text.trim() === '' ? 0 : Number(text.trim())
}

/**
 * A route problem as its card says it: the expression's own errors are already listed under its
 * editor with their positions, so the card points there instead of repeating Kong's text.
 */
function cardMessage(route: PlaygroundRoute, message: string, flavor: Flavor): string | undefined {
  if (isExpressionRoute(route)) return message.includes(ROUTER_VALIDATION_PREFIX) ? 'Kong refuses this expression: see the errors under it.' : message
  // A traditional card's preview shows its conversion's refusal already.
  const converted = traditionalMatchers(route, { flavor })
  return !converted.ok && converted.violation.message === message ? undefined : message
}

/** One route card's parts that change after it is drawn. */
interface CardParts {
  /** Shows why the engine could not load the route (empty: it loaded). */
  readonly problem: HTMLElement
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
  readonly #cards = new Map<string, CardParts>()
  readonly #requestFields = new Map<CheckedRequestField, HTMLElement>()
  #timer: ReturnType<typeof setTimeout> | undefined
  /** Kong's router flavor the routes are read with: the connected gateway's once loaded from it. */
  #flavor: Flavor = 'expressions'
  readonly #flavorField = select(
    'Router flavor',
    'expressions',
    [
      ['expressions', 'expressions (expression and traditional routes)'],
      ['traditional_compatible', 'traditional_compatible (traditional routes only)'],
    ],
    (value) => {
      this.#flavor = asFlavor(value)
      this.#evaluateNow()
    },
    { name: 'router-flavor' },
  )

  #setFlavor(flavor: Flavor): void {
    this.#flavor = flavor
    const control = this.#flavorField.querySelector('select')
    if (control !== null) control.value = flavor
  }

  /** Builds the view around an initial state. */
  constructor(state: PlaygroundState, host: PlaygroundHost) {
    this.#host = host
    this.#routes = [...state.routes]
    this.#request = state.request
    this.#setFlavor(state.flavor ?? 'expressions')
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
          h('button', { type: 'button', class: 'add-route', onclick: () => this.#addRoute() }, 'Add expression route'),
          h('button', { type: 'button', onclick: () => this.#addTraditionalRoute() }, 'Add traditional route'),
          h('button', { type: 'button', onclick: () => void this.#load() }, 'Load from gateway'),
        ),
        this.#flavorField,
        this.#status,
        this.#routeList,
      ),
      h('section', { class: 'panel request-panel', 'aria-labelledby': 'request-title' }, h('h2', { id: 'request-title' }, 'Request'), this.#requestForm, this.#result),
    )
    this.#renderRoutes()
    this.#renderRequest()
    this.#evaluateNow()
  }

  /** The current state (what a share link holds). */
  get state(): PlaygroundState {
    return { routes: this.#routes, request: this.#request, flavor: this.#flavor }
  }

  /** Replaces the whole state, e.g. when a share link is opened. */
  setState(state: PlaygroundState): void {
    this.#routes = [...state.routes]
    this.#request = state.request
    this.#setFlavor(state.flavor ?? 'expressions')
    this.#renderRoutes()
    this.#renderRequest()
    this.#evaluateNow()
  }

  /** Re-evaluates and republishes the state, e.g. when the view is shown again. */
  refresh(): void {
    this.#evaluateNow()
  }

  /** Shows a message in the view's status line (announced to screen readers). */
  say(message: string): void {
    this.#status.textContent = message
  }

  #changed(): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#evaluateNow(), 120)
  }

  #evaluateNow(): void {
    clearTimeout(this.#timer)
    const evaluation = evaluate(this.#routes, this.#request, this.#flavor)
    replaceChildren(this.#result, resultView(evaluation))
    // Each card says itself why its route did not load: the list in the result is far away.
    for (const [id, parts] of this.#cards) {
      const messages = evaluation.problems.filter((p) => p.route.id === id).flatMap((p) => cardMessage(p.route, p.message, this.#flavor) ?? [])
      parts.problem.hidden = messages.length === 0
      parts.problem.textContent = messages.length === 0 ? '' : `Not loaded: ${messages.join(' ')}`
    }
    const problems = requestProblems(this.#request)
    for (const [key, field] of this.#requestFields) setFieldProblem(field, problems[key])
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

  #remove(index: number): void {
    this.#routes.splice(index, 1)
    this.#renderRoutes()
    this.#evaluateNow()
    // Focus goes to the card that took the removed one's place (or the one before), not the page body.
    const cards = this.#routeList.querySelectorAll<HTMLElement>('.route-card')
    const next = cards[Math.min(index, cards.length - 1)]
    ;(next?.querySelector<HTMLElement>('input') ?? this.element.querySelector<HTMLElement>('button.add-route'))?.focus()
  }

  async #load(): Promise<void> {
    this.#status.textContent = 'Loading routes from the gateway…'
    try {
      const { routes, flavor } = await this.#host.loadFromGateway()
      this.#routes = routes
      this.#setFlavor(flavor)
      this.#status.textContent = routes.length === 0 ? 'The gateway has no routes yet.' : `Loaded ${routes.length} route${routes.length === 1 ? '' : 's'} from the gateway.`
      this.#renderRoutes()
      this.#evaluateNow()
    } catch (error) {
      this.#status.textContent = `${adminErrorText(error)} The routes typed in here still work.`
    }
  }

  #renderRoutes(): void {
    this.#cards.clear()
    replaceChildren(this.#routeList, ...this.#routes.map((route, index) => this.#routeCard(route, index)))
    if (this.#routes.length === 0) this.#routeList.append(h('p', { class: 'muted' }, 'No routes yet: add one, or load them from the gateway.'))
  }

  #routeCard(route: PlaygroundRoute, index: number): HTMLElement {
    const title = h('legend', {}, routeLabel(route))
    const problem = h('p', { class: 'card-problem', hidden: true })
    const card = h('fieldset', { class: 'route-card', 'data-route': route.id }, title)
    this.#cards.set(route.id, { problem })
    const protocols = route.protocols ?? ['http', 'https']
    const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Remove route ${routeLabel(route)}`, onclick: () => this.#remove(index) }, 'Remove')
    const validator = (i: number) => (source: string) => {
      const r = this.#routes[i]
      // A bad priority is shown on the Priority field, not as a mark at the start of the expression.
      return validateExpressionRoute({ expression: source, priority: 0, protocols: r?.protocols ?? [] }).diagnostics.filter((d) => d.code !== 'invalid-priority')
    }
    let editor: ReturnType<typeof createExpressionEditor> | undefined
    const priority = isExpressionRoute(route)
      ? textField(
          'Priority',
          String(route.priority ?? 0),
          (text) => {
            setFieldProblem(priority!, priorityProblem(text))
            this.#update(index, { priority: priorityOf(text) })
          },
          { inputmode: 'numeric', class: 'narrow' },
        )
      : null
    if (priority !== null) setFieldProblem(priority, priorityProblem(String(route.priority ?? 0)))
    card.append(
      h(
        'div',
        { class: 'row' },
        textField('Name', route.name ?? '', (name) => {
          const label = name.trim() === '' ? route.id.slice(0, 8) : name
          title.textContent = label
          remove.setAttribute('aria-label', `Remove route ${label}`)
          editor?.setLabel(`Expression of route ${label}`)
          this.#update(index, { name })
        }),
        priority,
        textField('Protocols', protocols.join(', '), (text) => {
          this.#update(index, { protocols: list(text) })
          editor?.configure(schemaForProtocols(list(text)), validator(index))
        }),
      ),
    )
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
    const service = textField('Service URL', route.service?.url ?? '', (url) => {
      setFieldProblem(service, url.trim() === '' ? undefined : serviceUrlProblem(url.trim()))
      this.#update(index, { service: url.trim() === '' ? null : { url: url.trim() } })
    }, { inputmode: 'url', placeholder: 'none: Kong answers 503' })
    if (route.service !== null && route.service !== undefined) setFieldProblem(service, serviceUrlProblem(route.service.url))
    card.append(
      h(
        'div',
        { class: 'row' },
        service,
        checkbox('Strip path', route.strip_path ?? true, (strip_path) => this.#update(index, { strip_path })),
        checkbox('Preserve host', route.preserve_host ?? false, (preserve_host) => this.#update(index, { preserve_host })),
      ),
      problem,
      remove,
    )
    return card
  }

  #renderRequest(): void {
    const r = this.#request
    const set = (patch: Partial<RequestDraft>) => {
      this.#request = { ...this.#request, ...patch }
      this.#changed()
    }
    const checked = (key: CheckedRequestField, field: HTMLElement) => {
      this.#requestFields.set(key, field)
      return field
    }
    this.#requestFields.clear()
    replaceChildren(
      this.#requestForm,
      h(
        'div',
        { class: 'row' },
        select('Method', r.method, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => [m, m] as const), (method) => set({ method })),
        select('Scheme', r.scheme, [['http', 'http'], ['https', 'https'], ['tcp', 'tcp (stream)'], ['tls', 'tls (stream)'], ['udp', 'udp (stream)']], (scheme) => set({ scheme })),
        checked('url', textField('URL (path and query)', r.url, (url) => set({ url }), { class: 'wide', name: 'url' })),
      ),
      h('div', { class: 'row' }, textField('Host', r.host, (host) => set({ host }), { name: 'host' }), checked('sni', textField('SNI', r.sni, (sni) => set({ sni }), { name: 'sni' }))),
      checked('headers', textArea('Headers (one "Name: value" per line)', r.headers, (headers) => set({ headers }), { name: 'headers' })),
      h(
        'div',
        { class: 'row' },
        checked('srcIp', textField('Client IP', r.srcIp, (srcIp) => set({ srcIp }), { name: 'src-ip' })),
        checked('srcPort', textField('Client port', r.srcPort, (srcPort) => set({ srcPort }), { inputmode: 'numeric', class: 'narrow', name: 'src-port' })),
        checked('dstIp', textField('Server IP', r.dstIp, (dstIp) => set({ dstIp }), { name: 'dst-ip' })),
        checked('dstPort', textField('Server port', r.dstPort, (dstPort) => set({ dstPort }), { inputmode: 'numeric', class: 'narrow', name: 'dst-port' })),
      ),
      h('button', { type: 'submit' }, 'Evaluate'),
    )
  }
}
