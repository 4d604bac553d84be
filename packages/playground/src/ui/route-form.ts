import { expressionRoutePriority, formatRouterPriority, schemaForProtocols, traditionalMatchers, validateExpressionRoute } from '@switchyard/http'
import type { AdminRoute, AdminService } from '../admin/client.ts'
import { AdminError, adminErrorText } from '../admin/client.ts'
import { bodyOf, draftOf, list, priorityProblem, regexPriorityProblem, routeHeadersProblem } from '../model/route-draft.ts'
import { checkbox, h, replaceChildren, select, setFieldProblem, textArea, textField, type Child } from './dom.ts'
import { createExpressionEditor, type ExpressionEditor } from './expression-editor.ts'
import { kongMessage } from './kong-message.ts'

/** Labels of the address fields, which stream (tcp, tls, udp) routes match on. */
export const SOURCES_LABEL = 'Sources (IP, CIDR, :port)'
export const DESTINATIONS_LABEL = 'Destinations (IP, CIDR, :port)'

/** Form field names of the entity fields Kong's errors name, where they differ. */
const FORM_NAMES: Readonly<Record<string, string>> = { regex_priority: 'regex-priority' }

/** The messages in one entry of Kong's `fields`: a text, or texts nested by position or name. */
function messagesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(messagesOf)
  return [JSON.stringify(value)]
}

/** A router priority in the hexadecimal the Playground and `switchyard match` show too, the decimal value on hover. */
function routerPriorityCode(priority: bigint): HTMLElement {
  return h('code', { 'data-testid': 'live-priority', title: priority.toString() }, formatRouterPriority(priority))
}

/** What the form does with a saved body. */
export interface RouteFormHost {
  readonly services: readonly AdminService[]
  /** The gateway's router flavor; `traditional_compatible` has no expression routes. */
  readonly flavor: string
  readonly save: (body: Record<string, unknown>) => Promise<void>
  readonly cancel: () => void
}

/**
 * The create/edit form for one route: the expression editor (lint with Kong's route rules) or the
 * traditional fields, whose converted expression and priority update as you type. API errors show
 * under the form, and expression diagnostics inline at their spans.
 */
/**
 * What changes when a traditional route's fields become one expression route: Kong's router puts
 * every expression route before every traditional one, and orders them by `priority` alone, so
 * the route moves ahead of the traditional routes, and the order its own entries had (regex
 * priority, longer paths first) is one entry's now.
 */
export function precedenceNotice(entries: number): string {
  const order =
    entries > 1
      ? ` The ${entries} router entries its fields made (ordered by regex priority and path length) are one expression now: to keep their order, make each its own route with its own priority.`
      : ''
  return `Filled from the traditional fields. As an expression route it is tried before every traditional route, and among expression routes by its priority alone.${order}`
}

export function routeForm(route: AdminRoute | undefined, host: RouteFormHost): HTMLElement {
  const draft = draftOf(route, host.flavor)
  const flavor = host.flavor === 'expressions' ? 'expressions' : 'traditional_compatible'
  const errors = h('div', { class: 'form-errors', role: 'alert' })
  const body = h('div')
  const live = h('div', { class: 'live', 'aria-live': 'polite' })
  let editor: ExpressionEditor | undefined
  let priorityField: HTMLElement | undefined
  let regexPriorityField: HTMLElement | undefined
  let headersField: HTMLElement | undefined
  const form = h('form', { class: 'route-form', 'aria-labelledby': 'route-form-title' })

  // A bad priority is the priority field's problem: it is shown there, not as a mark at the start
  // of the expression, where the route-level check puts it.
  const validator = (source: string) =>
    validateExpressionRoute({ expression: source, priority: 0, protocols: list(draft.protocols) }).diagnostics.filter((d) => d.code !== 'invalid-priority')

  /** How many router entries the traditional fields made, when the expression was filled from them. */
  let filledFrom: number | undefined

  /**
   * Puts each of Kong's field errors on the form field it names, remembering the field in `marked`;
   * returns those the form has no field for. `describe` words one error (by default its messages).
   */
  const placeFieldErrors = (fields: Readonly<Record<string, unknown>>, marked: HTMLElement[], describe = (_name: string, value: unknown) => messagesOf(value).join(' ')): [string, string][] => {
    const unplaced: [string, string][] = []
    for (const [name, value] of Object.entries(fields)) {
      if (name === '@entity') continue
      const text = describe(name, value)
      const field = form.querySelector(`[name="${CSS.escape(FORM_NAMES[name] ?? name)}"]`)?.closest<HTMLElement>('.field')
      if (field === null || field === undefined) unplaced.push([name, text])
      else {
        setFieldProblem(field, text)
        marked.push(field)
      }
    }
    return unplaced
  }

  /** Fields marked by the live check of the traditional fields, which runs Kong's route checks in the page. */
  const liveMarked: HTMLElement[] = []

  /** The router entries Kong makes of the form's traditional fields (whichever mode is shown). */
  const convertFields = () => traditionalMatchers({ id: route?.id ?? 'new', ...bodyOf({ ...draft, mode: 'traditional' }, flavor) }, { flavor })

  const refreshLive = () => {
    for (const field of liveMarked.splice(0)) setFieldProblem(field, undefined)
    if (draft.mode === 'expression') {
      const problem = priorityProblem(draft.priority)
      if (priorityField !== undefined) setFieldProblem(priorityField, problem)
      replaceChildren(
        live,
        problem === undefined
          ? h('p', {}, 'Router priority: ', routerPriorityCode(expressionRoutePriority(Number(draft.priority.trim() || '0'))))
          : null,
        filledFrom === undefined ? null : h('p', { class: 'notice', 'data-testid': 'precedence-notice' }, precedenceNotice(filledFrom)),
      )
      return
    }
    const problem = regexPriorityProblem(draft.regexPriority)
    if (regexPriorityField !== undefined) setFieldProblem(regexPriorityField, problem)
    if (problem !== undefined) {
      replaceChildren(live)
      return
    }
    const converted = convertFields()
    if (!converted.ok) {
      // Each problem once, where the user looks: on the field it names; the rest (the route as a
      // whole, fields the form lacks) here. Kong's answer to a save says the same and goes to the
      // same places, so nothing is repeated in its message under the form.
      const fields = converted.violation.fields as Readonly<Record<string, unknown>>
      const unplaced = placeFieldErrors(fields, liveMarked)
      const general = [...messagesOf(fields['@entity'] ?? []), ...unplaced.map(([name, text]) => `${name}: ${text}`)]
      replaceChildren(live, ...general.map((text) => h('p', { class: 'error' }, text)))
      return
    }
    replaceChildren(
      live,
      h('p', {}, converted.matchers.length === 1 ? 'Converted expression and priority:' : `Converted into ${converted.matchers.length} router entries:`),
      ...converted.matchers.map((m) => h('pre', { class: 'expr-box' }, h('code', { 'data-testid': 'converted-expression' }, m.expression), '\n', h('span', { class: 'muted' }, 'priority ', routerPriorityCode(m.priority)))),
    )
  }

  /** The expression the traditional fields convert to (router entries joined with `||`), if they convert. */
  const convertedExpression = (): string | undefined => {
    const converted = convertFields()
    if (!converted.ok || converted.matchers.length === 0) return undefined
    const expressions = converted.matchers.map((m) => m.expression)
    return expressions.length === 1 ? expressions[0] : expressions.map((e) => `(${e})`).join(' || ')
  }

  const renderBody = () => {
    editor?.destroy()
    editor = undefined
    priorityField = undefined
    regexPriorityField = undefined
    headersField = undefined
    const fields: Child[] = []
    if (draft.mode === 'expression') {
      const holder = h('div', { class: 'editor' })
      priorityField = textField('Priority (0 to 2^46 − 1)', draft.priority, (v) => {
        draft.priority = v
        refreshLive()
      }, { inputmode: 'numeric', name: 'priority', class: 'medium' })
      fields.push(h('div', { class: 'field' }, h('span', { class: 'label', id: 'route-expression-label', onclick: () => editor?.view.focus() }, 'Expression'), holder), priorityField)
      editor = createExpressionEditor(holder, {
        doc: draft.expression,
        schema: schemaForProtocols(list(draft.protocols)),
        validate: validator,
        label: 'Route expression',
        onChange: (text) => {
          draft.expression = text
        },
      })
    } else {
      const bind = (key: 'methods' | 'hosts' | 'paths' | 'snis' | 'sources' | 'destinations' | 'regexPriority') => (v: string) => {
        draft[key] = v
        refreshLive()
      }
      regexPriorityField = textField('Regex priority', draft.regexPriority, bind('regexPriority'), { inputmode: 'numeric', name: 'regex-priority' })
      // Lines without a name are marked as they are typed, and nothing is sent while there are any.
      const headers: HTMLElement = textArea('Headers ("name: value, value" per line)', draft.headers, (v) => {
        draft.headers = v
        setFieldProblem(headers, routeHeadersProblem(v))
        refreshLive()
      }, { name: 'headers' })
      headersField = headers
      fields.push(
        textField('Methods (comma-separated)', draft.methods, bind('methods'), { name: 'methods' }),
        textField('Hosts', draft.hosts, bind('hosts'), { name: 'hosts' }),
        textField('Paths (a leading ~ makes a regex)', draft.paths, bind('paths'), { name: 'paths' }),
        headers,
        textField('SNIs', draft.snis, bind('snis'), { name: 'snis' }),
        h(
          'div',
          { class: 'row' },
          textField(SOURCES_LABEL, draft.sources, bind('sources'), { name: 'sources', placeholder: '10.0.0.0/8, 192.168.1.5:5432' }),
          textField(DESTINATIONS_LABEL, draft.destinations, bind('destinations'), { name: 'destinations', placeholder: ':5432' }),
        ),
        regexPriorityField,
      )
    }
    replaceChildren(body, ...fields)
    refreshLive()
  }

  // A route without a service is valid, and Kong answers 503 to what it matches: said beside the choice.
  const serviceNote = h('p', { class: 'muted', 'data-testid': 'service-note' })
  const noteService = (): void => replaceChildren(serviceNote, draft.service === '' ? 'No service: Kong answers 503 to the requests this route matches.' : null)
  const serviceField = select('Service', draft.service, [['', '(none)'], ...host.services.map((s): [string, string] => [s.id, s.name ?? s.id])], (v) => {
    draft.service = v
    noteService()
  }, { name: 'service' })
  serviceField.append(serviceNote)
  noteService()

  const modes: [string, string][] = host.flavor === 'expressions' ? [['expression', 'Expression'], ['traditional', 'Traditional fields']] : [['traditional', 'Traditional fields']]
  form.append(
    h('h3', { id: 'route-form-title' }, route === undefined ? 'New route' : `Edit route ${route.name ?? route.id}`),
    h(
      'div',
      { class: 'row' },
      textField('Name', draft.name, (v) => (draft.name = v), { name: 'name' }),
      serviceField,
      textField('Protocols', draft.protocols, (v) => {
        draft.protocols = v
        editor?.configure(schemaForProtocols(list(v)), validator)
        refreshLive()
      }, { name: 'protocols' }),
      select('Match by', draft.mode, modes, (v) => {
        draft.mode = v === 'traditional' ? 'traditional' : 'expression'
        // A traditional route turned into an expression one starts from what its fields convert to.
        filledFrom = undefined
        if (draft.mode === 'expression' && draft.expression.trim() === '') {
          const converted = convertFields()
          draft.expression = convertedExpression() ?? ''
          if (draft.expression !== '' && converted.ok) filledFrom = converted.matchers.length
        }
        renderBody()
      }, { name: 'mode' }),
    ),
    body,
    live,
    h(
      'div',
      { class: 'row' },
      checkbox('Strip path', draft.stripPath, (v) => {
        draft.stripPath = v
      }),
      checkbox('Preserve host', draft.preserveHost, (v) => {
        draft.preserveHost = v
      }),
    ),
    errors,
    h('div', { class: 'toolbar' }, h('button', { type: 'submit' }, 'Save route'), h('button', { type: 'button', onclick: () => host.cancel() }, 'Cancel')),
  )
  // An answer to the last save is about what was sent then: it goes once anything is changed.
  const apiMarked: HTMLElement[] = []
  const clearAnswer = (): void => {
    replaceChildren(errors)
    const marked = apiMarked.splice(0)
    for (const field of marked) setFieldProblem(field, undefined)
    // A field the live check marks too keeps its live problem.
    if (marked.length > 0) refreshLive()
  }
  form.addEventListener('input', clearAnswer)
  form.addEventListener('change', clearAnswer)
  // Escape leaves the form as Cancel does, but not from the editor, where it closes completions.
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented && !(event.target instanceof Element && event.target.closest('.cm-editor') !== null)) host.cancel()
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    // Number("abc") would reach the API as null and come back as "required field missing"; a header
    // line without a name would be left out of the route without a word.
    const checks: [HTMLElement | undefined, string | undefined][] =
      draft.mode === 'expression'
        ? [[priorityField, priorityProblem(draft.priority)]]
        : [[regexPriorityField, regexPriorityProblem(draft.regexPriority)], [headersField, routeHeadersProblem(draft.headers)]]
    const [invalid, problem] = checks.find(([, found]) => found !== undefined) ?? []
    if (problem !== undefined) {
      replaceChildren(errors, h('p', {}, problem))
      invalid?.querySelector<HTMLElement>('input, textarea')?.focus()
      return
    }
    clearAnswer()
    host.save(bodyOf(draft, flavor)).catch((error: unknown) => {
      if (!(error instanceof AdminError)) {
        replaceChildren(errors, h('p', {}, adminErrorText(error)))
        return
      }
      // Each of Kong's errors is shown once. One on a field the form has is marked there; Kong's
      // message, which repeats every error, is then left out, and what is said under the form is
      // which fields are marked, the route's own errors and the fields the form lacks. A unique
      // violation names the field with the value already taken, not with a message.
      const unique = error.status === 409
      const fields = error.body.fields ?? {}
      const unplaced = placeFieldErrors(fields, apiMarked, unique ? (name, value) => `Another route already has this ${name}: ${messagesOf(value).join(', ')}.` : undefined)
      if (apiMarked.length === 0) {
        // Nothing on a field: Kong's message says it all (a syntax error's caret block included).
        replaceChildren(errors, kongMessage(adminErrorText(error), 'p'))
      } else {
        const names = Object.keys(fields).filter((name) => name !== '@entity' && !unplaced.some(([other]) => other === name))
        replaceChildren(
          errors,
          h('p', {}, `The Admin API refused the route: see the marked field${names.length === 1 ? '' : 's'} (${names.join(', ')}).`),
          ...messagesOf(fields['@entity'] ?? []).map((text) => h('p', {}, text)),
          unplaced.length === 0 ? null : h('ul', {}, ...unplaced.map(([name, text]) => h('li', {}, h('code', {}, name), ': ', kongMessage(text, 'span')))),
        )
      }
      if (error.body.diagnostics !== undefined && editor !== undefined) editor.showDiagnostics(error.body.diagnostics)
    })
  })
  renderBody()
  return form
}
