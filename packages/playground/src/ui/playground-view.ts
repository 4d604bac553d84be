import { ROUTER_VALIDATION_PREFIX, schemaForProtocols, traditionalMatchers, validateExpressionRoute, type Flavor } from '@switchyard/http'
import { adminErrorText } from '../admin/client.ts'
import { evaluate, serviceUrlProblem } from '../model/engine.ts'
import { DEFAULT_REQUEST, requestProblems, type CheckedRequestField, type RequestDraft } from '../model/request.ts'
import { priorityProblem, typedNumber } from '../model/route-draft.ts'
import { isExpressionRoute, routeLabel, type PlaygroundRoute } from '../model/route.ts'
import { asFlavor, encodeState, type PlaygroundState } from '../model/share.ts'
import { checkbox, h, newId, replaceChildren, select, setFieldProblem, textArea, textField } from './dom.ts'
import { createExpressionEditor, type ExpressionEditor } from './expression-editor.ts'
import { resultView } from './result-view.ts'
import { traditionalFields } from './traditional-fields.ts'

/** What the playground needs from the app around it. */
export interface PlaygroundHost {
  /** Routes and services from the gateway as playground routes, and its router flavor; rejects when it is unreachable. */
  readonly loadFromGateway: () => Promise<{ readonly routes: PlaygroundRoute[]; readonly flavor: Flavor }>
  /**
   * Called with the share hash whenever the state changes; `newEntry` when the change replaced the
   * routes wholesale (loaded from the gateway), so that the browser's Back can bring them back.
   */
  readonly onStateChange: (hash: string, options?: { readonly newEntry: boolean }) => void
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

/** One route card: its element, the parts that change after it is drawn, and its editor to free. */
interface CardParts {
  readonly element: HTMLElement
  /** Shows why the engine could not load the route (empty: it loaded). */
  readonly problem: HTMLElement
  readonly editor: ExpressionEditor | undefined
}

let nextCardKey = 0

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
  /**
   * Each route's card, by a key of the card's own (route ids need not be unique in typed-in or
   * shared routes); `#keys[i]` is the key of `#routes[i]`. Cards are added and removed one at a
   * time: with hundreds of routes, redrawing every card and editor on each change froze the page.
   */
  readonly #cards = new Map<number, CardParts>()
  #keys: number[] = []
  readonly #requestFields = new Map<CheckedRequestField, HTMLElement>()
  #timer: ReturnType<typeof setTimeout> | undefined
  /** The explain trace's search text, kept while the result is drawn again after each change. */
  readonly #traceFilter = { text: '', onChange: (text: string) => void (this.#traceFilter.text = text) }
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

  #evaluateNow(newEntry = false): void {
    clearTimeout(this.#timer)
    const evaluation = evaluate(this.#routes, this.#request, this.#flavor)
    replaceChildren(this.#result, resultView(evaluation, this.#traceFilter))
    // Each card says itself why its route did not load: the list in the result is far away.
    const problemsById = new Map<string, string[]>()
    for (const p of evaluation.problems) {
      const message = cardMessage(p.route, p.message, this.#flavor)
      if (message !== undefined) problemsById.set(p.route.id, [...(problemsById.get(p.route.id) ?? []), message])
    }
    this.#routes.forEach((route, index) => {
      const parts = this.#cards.get(this.#keys[index] as number)
      if (parts === undefined) return
      const messages = problemsById.get(route.id) ?? []
      parts.problem.hidden = messages.length === 0
      parts.problem.textContent = messages.length === 0 ? '' : `Not loaded: ${messages.join(' ')}`
    })
    const problems = requestProblems(this.#request)
    for (const [key, field] of this.#requestFields) setFieldProblem(field, problems[key])
    this.#host.onStateChange(encodeState(this.state), { newEntry })
  }

  /** The route of a card, by the card's key. */
  #update(key: number, patch: Partial<PlaygroundRoute>): void {
    const index = this.#keys.indexOf(key)
    const current = this.#routes[index]
    if (current === undefined) return
    this.#routes[index] = { ...current, ...patch }
    this.#changed()
  }

  #route(key: number): PlaygroundRoute | undefined {
    return this.#routes[this.#keys.indexOf(key)]
  }

  #addRoute(): void {
    const card = this.#append({ id: newId(), name: `route-${this.#routes.length + 1}`, expression: 'http.path ^= "/"', priority: 0, protocols: ['http', 'https'], strip_path: true, service: { url: 'http://upstream.internal:8080' } })
    this.#evaluateNow()
    card.querySelector<HTMLElement>('.cm-content')?.focus()
  }

  #addTraditionalRoute(): void {
    const card = this.#append({ id: newId(), name: `route-${this.#routes.length + 1}`, protocols: ['http', 'https'], paths: ['/'], strip_path: true, service: { url: 'http://upstream.internal:8080' } })
    this.#evaluateNow()
    card.querySelector<HTMLElement>('input')?.focus()
  }

  /** Adds a route and its card at the end, leaving the other cards as they are. */
  #append(route: PlaygroundRoute): HTMLElement {
    if (this.#routes.length === 0) replaceChildren(this.#routeList)
    const key = nextCardKey++
    this.#routes.push(route)
    this.#keys.push(key)
    const card = this.#routeCard(route, key)
    this.#routeList.append(card)
    return card
  }

  #remove(key: number): void {
    const index = this.#keys.indexOf(key)
    if (index < 0) return
    this.#routes.splice(index, 1)
    this.#keys.splice(index, 1)
    const parts = this.#cards.get(key)
    this.#cards.delete(key)
    parts?.editor?.destroy()
    parts?.element.remove()
    if (this.#routes.length === 0) this.#showEmpty()
    this.#evaluateNow()
    // Focus goes to the card that took the removed one's place (or the one before), not the page body.
    const next = this.#cards.get(this.#keys[Math.min(index, this.#keys.length - 1)] as number)?.element
    ;(next?.querySelector<HTMLElement>('input') ?? this.element.querySelector<HTMLElement>('button.add-route'))?.focus()
  }

  #showEmpty(): void {
    this.#routeList.append(h('p', { class: 'muted' }, 'No routes yet: add one, or load them from the gateway.'))
  }

  async #load(): Promise<void> {
    this.#status.textContent = 'Loading routes from the gateway…'
    try {
      const { routes, flavor } = await this.#host.loadFromGateway()
      this.#routes = routes
      this.#setFlavor(flavor)
      this.#status.textContent = routes.length === 0 ? 'The gateway has no routes yet.' : `Loaded ${routes.length} route${routes.length === 1 ? '' : 's'} from the gateway (the browser's Back button brings back the routes before).`
      this.#renderRoutes()
      this.#evaluateNow(true)
    } catch (error) {
      this.#status.textContent = `${adminErrorText(error)} The routes typed in here still work.`
    }
  }

  /** Draws every card again (a new state, routes loaded from the gateway), freeing the old editors. */
  #renderRoutes(): void {
    for (const parts of this.#cards.values()) parts.editor?.destroy()
    this.#cards.clear()
    this.#keys = this.#routes.map(() => nextCardKey++)
    replaceChildren(this.#routeList, ...this.#routes.map((route, index) => this.#routeCard(route, this.#keys[index] as number)))
    if (this.#routes.length === 0) this.#showEmpty()
  }

  #routeCard(route: PlaygroundRoute, key: number): HTMLElement {
    const title = h('legend', {}, routeLabel(route))
    const problem = h('p', { class: 'card-problem', hidden: true })
    const card = h('fieldset', { class: 'route-card', 'data-route': route.id }, title)
    const protocols = route.protocols ?? ['http', 'https']
    const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Remove route ${routeLabel(route)}`, onclick: () => this.#remove(key) }, 'Remove')
    const validate = (source: string) => {
      const r = this.#route(key)
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
            this.#update(key, { priority: typedNumber(text) })
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
          this.#update(key, { name })
        }),
        priority,
        textField('Protocols', protocols.join(', '), (text) => {
          this.#update(key, { protocols: list(text) })
          editor?.configure(schemaForProtocols(list(text)), validate)
        }),
      ),
    )
    if (isExpressionRoute(route)) {
      const holder = h('div', { class: 'editor' })
      card.append(h('div', { class: 'field' }, h('span', { class: 'label' }, 'Expression'), holder))
      editor = createExpressionEditor(holder, {
        doc: route.expression ?? '',
        schema: schemaForProtocols(protocols),
        validate,
        label: `Expression of route ${routeLabel(route)}`,
        onChange: (expression) => this.#update(key, { expression }),
      })
    } else {
      card.append(...traditionalFields(route, (patch) => this.#update(key, patch)))
    }
    this.#cards.set(key, { element: card, problem, editor })
    const service = textField('Service URL', route.service?.url ?? '', (url) => {
      setFieldProblem(service, url.trim() === '' ? undefined : serviceUrlProblem(url.trim()))
      this.#update(key, { service: url.trim() === '' ? null : { url: url.trim() } })
    }, { inputmode: 'url', placeholder: 'none: Kong answers 503' })
    if (route.service !== null && route.service !== undefined) setFieldProblem(service, serviceUrlProblem(route.service.url))
    card.append(
      h(
        'div',
        { class: 'row' },
        service,
        checkbox('Strip path', route.strip_path ?? true, (strip_path) => this.#update(key, { strip_path })),
        checkbox('Preserve host', route.preserve_host ?? false, (preserve_host) => this.#update(key, { preserve_host })),
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
