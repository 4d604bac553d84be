import { formatRouterPriority, traditionalMatchers } from '@switchyard/http'
import { formatAddresses, parseAddresses } from '../model/addresses.ts'
import { unnamedHeaderLinesProblem } from '../model/request.ts'
import { regexPriorityProblem, routeHeaders, typedNumber } from '../model/route-draft.ts'
import type { PlaygroundRoute } from '../model/route.ts'
import { h, replaceChildren, setFieldProblem, textArea, textField } from './dom.ts'
import { DESTINATIONS_LABEL, SOURCES_LABEL } from './route-form.ts'

type ListKey = 'methods' | 'hosts' | 'paths' | 'snis'

function list(text: string): string[] | null {
  const values = text.split(',').map((s) => s.trim()).filter((s) => s !== '')
  return values.length === 0 ? null : values
}

function headersText(headers: PlaygroundRoute['headers']): string {
  return Object.entries(headers ?? {}).map(([name, values]) => `${name}: ${values.join(', ')}`).join('\n')
}

/**
 * The preview of a traditional route: the expression and priority of each router entry Kong makes of
 * it (several when regex and prefix paths are split), or the validation message.
 */
export function conversionPreview(route: PlaygroundRoute): HTMLElement {
  const converted = traditionalMatchers(route, { flavor: 'expressions' })
  if (!converted.ok) return h('p', { class: 'error', role: 'status' }, converted.violation.message)
  return h(
    'pre',
    { class: 'expr-box', 'aria-label': 'Converted expression' },
    ...converted.matchers.flatMap((m, i) => [i > 0 ? '\n' : '', h('code', { 'data-testid': 'converted-expression' }, m.expression), h('span', { class: 'muted' }, `   priority ${formatRouterPriority(m.priority)}`)]),
  )
}

/** Editable traditional fields of a playground route, with the converted expression updated live. */
export function traditionalFields(route: PlaygroundRoute, onChange: (patch: Partial<PlaygroundRoute>) => void): HTMLElement[] {
  let current = route
  const preview = h('div', { 'aria-live': 'polite' }, conversionPreview(route))
  const change = (patch: Partial<PlaygroundRoute>) => {
    current = { ...current, ...patch }
    replaceChildren(preview, conversionPreview(current))
    onChange(patch)
  }
  // A regex priority that is no whole number is marked on its own field, as the priority of an expression route is.
  const regexPriority: HTMLElement = textField(
    'Regex priority',
    String(route.regex_priority ?? 0),
    (text) => {
      setFieldProblem(regexPriority, regexPriorityProblem(text))
      change({ regex_priority: typedNumber(text) })
    },
    { inputmode: 'numeric', class: 'narrow', name: 'regex-priority' },
  )
  setFieldProblem(regexPriority, regexPriorityProblem(String(route.regex_priority ?? 0)))
  // Lines without a name are marked, as in the request's headers box: the route is read without them.
  const headers: HTMLElement = textArea(
    'Headers ("name: value, value" per line)',
    headersText(route.headers),
    (text) => {
      setFieldProblem(headers, unnamedHeaderLinesProblem(text, 'ignored'))
      change({ headers: routeHeaders(text) })
    },
    { rows: 2, name: 'route-headers' },
  )
  const listField = (label: string, key: ListKey) =>
    textField(label, (route[key] ?? []).join(', '), (text) => change({ [key]: list(text) }), { name: key })
  return [
    h('div', { class: 'row' }, listField('Methods', 'methods'), listField('Hosts', 'hosts')),
    h('div', { class: 'row' }, listField('Paths (a leading ~ makes a regex)', 'paths'), listField('SNIs', 'snis')),
    headers,
    h(
      'div',
      { class: 'row' },
      textField(SOURCES_LABEL, formatAddresses(route.sources), (text) => change({ sources: parseAddresses(text) }), { name: 'sources', placeholder: '10.0.0.0/8, 10.1.1.1:5432' }),
      textField(DESTINATIONS_LABEL, formatAddresses(route.destinations), (text) => change({ destinations: parseAddresses(text) }), { name: 'destinations', placeholder: ':5432' }),
    ),
    regexPriority,
    h('div', { class: 'field' }, h('span', { class: 'label' }, 'Converted expression and router priority'), preview),
  ]
}
