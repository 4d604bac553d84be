import { expressionRoutePriority, schemaForProtocols, traditionalMatchers, validateExpressionRoute } from '@switchyard/http'
import type { AdminRoute, AdminService } from '../admin/client.ts'
import { AdminError } from '../admin/client.ts'
import { checkbox, h, replaceChildren, select, textArea, textField, type Child } from './dom.ts'
import { createExpressionEditor, type ExpressionEditor } from './expression-editor.ts'

/** What the route form edits: the Admin API's route fields, as typed. */
interface RouteDraft {
  mode: 'expression' | 'traditional'
  name: string
  service: string
  protocols: string
  expression: string
  priority: string
  methods: string
  hosts: string
  paths: string
  headers: string
  snis: string
  regexPriority: string
  stripPath: boolean
  preserveHost: boolean
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

function headerRecord(text: string): Record<string, string[]> {
  const headers: Record<string, string[]> = {}
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    headers[line.slice(0, colon).trim()] = list(line.slice(colon + 1))
  }
  return headers
}

function draftOf(route: AdminRoute | undefined, flavor: string): RouteDraft {
  const traditional = route !== undefined && (route.expression === undefined || route.expression === null)
  return {
    mode: flavor !== 'expressions' || traditional ? 'traditional' : 'expression',
    name: route?.name ?? '',
    service: route?.service?.id ?? '',
    protocols: (route?.protocols ?? ['http', 'https']).join(', '),
    expression: route?.expression ?? '',
    priority: String(route?.priority ?? 0),
    methods: (route?.methods ?? []).join(', '),
    hosts: (route?.hosts ?? []).join(', '),
    paths: (route?.paths ?? []).join(', '),
    headers: Object.entries(route?.headers ?? {}).map(([k, v]) => `${k}: ${v.join(', ')}`).join('\n'),
    snis: (route?.snis ?? []).join(', '),
    regexPriority: String(route?.regex_priority ?? 0),
    stripPath: route?.strip_path ?? true,
    preserveHost: route?.preserve_host ?? false,
  }
}

/**
 * The Admin API body for a draft: only the fields of its mode, so switching modes never leaves a
 * stale expression behind (null clears it on update).
 */
function bodyOf(draft: RouteDraft): Record<string, unknown> {
  const common = {
    name: draft.name === '' ? null : draft.name,
    protocols: list(draft.protocols),
    service: draft.service === '' ? null : { id: draft.service },
    strip_path: draft.stripPath,
    preserve_host: draft.preserveHost,
  }
  if (draft.mode === 'expression') {
    return { ...common, expression: draft.expression, priority: Number(draft.priority), methods: null, hosts: null, paths: null, headers: null, snis: null }
  }
  const headers = headerRecord(draft.headers)
  const orNull = (values: string[]) => (values.length === 0 ? null : values)
  return {
    ...common,
    methods: orNull(list(draft.methods)),
    hosts: orNull(list(draft.hosts)),
    paths: orNull(list(draft.paths)),
    headers: Object.keys(headers).length === 0 ? null : headers,
    snis: orNull(list(draft.snis)),
    regex_priority: Number(draft.regexPriority),
  }
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
export function routeForm(route: AdminRoute | undefined, host: RouteFormHost): HTMLElement {
  const draft = draftOf(route, host.flavor)
  const errors = h('div', { class: 'form-errors', role: 'alert' })
  const body = h('div')
  const live = h('div', { class: 'live', 'aria-live': 'polite' })
  let editor: ExpressionEditor | undefined
  const form = h('form', { class: 'route-form', 'aria-labelledby': 'route-form-title' })

  const validator = (source: string) => validateExpressionRoute({ expression: source, priority: Number(draft.priority), protocols: list(draft.protocols) }).diagnostics

  const refreshLive = () => {
    if (draft.mode === 'expression') {
      const priority = Number(draft.priority)
      replaceChildren(live, Number.isSafeInteger(priority) && priority >= 0 ? h('p', {}, 'Router priority: ', h('code', { 'data-testid': 'live-priority' }, expressionRoutePriority(priority).toString())) : null)
      return
    }
    const converted = traditionalMatchers({ id: route?.id ?? 'new', ...bodyOf(draft) }, { flavor: host.flavor === 'expressions' ? 'expressions' : 'traditional_compatible' })
    if (!converted.ok) {
      replaceChildren(live, h('p', { class: 'error' }, converted.violation.message))
      return
    }
    replaceChildren(
      live,
      h('p', {}, converted.matchers.length === 1 ? 'Converted expression and priority:' : `Converted into ${converted.matchers.length} router entries:`),
      ...converted.matchers.map((m) => h('pre', { class: 'expr-box' }, h('code', { 'data-testid': 'converted-expression' }, m.expression), '\n', h('span', { class: 'muted' }, `priority ${m.priority.toString()}`))),
    )
  }

  const renderBody = () => {
    editor?.view.destroy()
    editor = undefined
    const fields: Child[] = []
    if (draft.mode === 'expression') {
      const holder = h('div', { class: 'editor' })
      fields.push(
        h('div', { class: 'field' }, h('span', { class: 'label', id: 'route-expression-label' }, 'Expression'), holder),
        textField('Priority (0 to 2^46 − 1)', draft.priority, (v) => {
          draft.priority = v
          editor?.configure(schemaForProtocols(list(draft.protocols)), validator)
          refreshLive()
        }, { inputmode: 'numeric', name: 'priority' }),
      )
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
      const bind = (key: 'methods' | 'hosts' | 'paths' | 'snis' | 'regexPriority') => (v: string) => {
        draft[key] = v
        refreshLive()
      }
      fields.push(
        textField('Methods (comma-separated)', draft.methods, bind('methods'), { name: 'methods' }),
        textField('Hosts', draft.hosts, bind('hosts'), { name: 'hosts' }),
        textField('Paths (a leading ~ makes a regex)', draft.paths, bind('paths'), { name: 'paths' }),
        textArea('Headers ("name: value, value" per line)', draft.headers, (v) => {
          draft.headers = v
          refreshLive()
        }, { name: 'headers' }),
        textField('SNIs', draft.snis, bind('snis'), { name: 'snis' }),
        textField('Regex priority', draft.regexPriority, bind('regexPriority'), { inputmode: 'numeric', name: 'regex-priority' }),
      )
    }
    replaceChildren(body, ...fields)
    refreshLive()
  }

  const modes: [string, string][] = host.flavor === 'expressions' ? [['expression', 'Expression'], ['traditional', 'Traditional fields']] : [['traditional', 'Traditional fields']]
  form.append(
    h('h3', { id: 'route-form-title' }, route === undefined ? 'New route' : `Edit route ${route.name ?? route.id}`),
    h(
      'div',
      { class: 'row' },
      textField('Name', draft.name, (v) => (draft.name = v), { name: 'name' }),
      select('Service', draft.service, [['', '(none)'], ...host.services.map((s): [string, string] => [s.id, s.name ?? s.id])], (v) => (draft.service = v), { name: 'service' }),
      textField('Protocols', draft.protocols, (v) => {
        draft.protocols = v
        editor?.configure(schemaForProtocols(list(v)), validator)
        refreshLive()
      }, { name: 'protocols' }),
      select('Match by', draft.mode, modes, (v) => {
        draft.mode = v === 'traditional' ? 'traditional' : 'expression'
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
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    replaceChildren(errors)
    host.save(bodyOf(draft)).catch((error: unknown) => {
      if (!(error instanceof AdminError)) {
        replaceChildren(errors, h('p', {}, String(error instanceof Error ? error.message : error)))
        return
      }
      const fields = Object.entries(error.body.fields ?? {}).filter(([name]) => name !== '@entity')
      replaceChildren(
        errors,
        h('p', {}, error.message),
        fields.length === 0 ? null : h('ul', {}, ...fields.map(([name, text]) => h('li', {}, h('code', {}, name), `: ${typeof text === 'string' ? text : JSON.stringify(text)}`))),
      )
      if (error.body.diagnostics !== undefined && editor !== undefined) editor.showDiagnostics(error.body.diagnostics)
    })
  })
  renderBody()
  return form
}
