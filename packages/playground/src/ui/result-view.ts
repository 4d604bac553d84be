import { formatRouterPriority } from '@switchyard/http'
import type { EvaluatedEntry, Evaluation, PredicateOutcome } from '../model/engine.ts'
import { upstreamUrl } from '../model/engine.ts'
import { isExpressionRoute, routeLabel, type PlaygroundRoute } from '../model/route.ts'
import { h, type Child } from './dom.ts'
import { kongMessage } from './kong-message.ts'

function table(caption: string, record: Readonly<Record<string, string>>, empty: string): HTMLElement {
  const rows = Object.entries(record)
  if (rows.length === 0) return h('p', { class: 'muted' }, empty)
  return h(
    'table',
    { class: 'kv' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Value'))),
    h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, h('code', {}, k)), h('td', {}, h('code', {}, JSON.stringify(v)))))),
  )
}

/**
 * The router's expression with each predicate marked by outcome, and the deciding one highlighted:
 * the text is cut at predicate spans (leaves never overlap), so what is marked is exactly what ran.
 */
export function markedExpression(entry: EvaluatedEntry): HTMLElement {
  const code = h('code', { class: 'expr' })
  let at = 0
  for (const p of [...entry.predicates].sort((a, b) => a.start - b.start)) {
    if (p.end <= p.start || p.start < at) continue
    code.append(entry.source.slice(at, p.start))
    const state = p.result === undefined ? 'skipped' : p.result ? 'pass' : 'fail'
    // Only a route that did not match has a predicate to blame; a match needs all its parts.
    const decisive = !entry.matched && p === entry.decidedBy
    const title = `${p.text}: ${p.reason}`
    code.append(decisive ? h('mark', { class: `pred ${state} decisive`, title }, entry.source.slice(p.start, p.end)) : h('span', { class: `pred ${state}`, title }, entry.source.slice(p.start, p.end)))
    at = p.end
  }
  code.append(entry.source.slice(at))
  return code
}

function values(p: PredicateOutcome): string {
  return p.values.length === 0 ? 'absent' : p.values.map((v) => JSON.stringify(v)).join(', ')
}

/**
 * A router priority in hexadecimal, where Kong's bit layout is readable (`0xFF…` = expression route,
 * then the route's own priority), with the decimal value on hover: the words `switchyard match` prints.
 */
function routerPriority(priority: bigint, route: PlaygroundRoute): HTMLElement {
  // An expression route's own priority, in decimal as it was written, before the router's layout.
  const own = isExpressionRoute(route) ? `priority ${String(route.priority ?? 0)}, router priority ` : 'router priority '
  return h('span', { class: 'muted', title: `router priority ${priority.toString()}` }, `${own}${formatRouterPriority(priority)}`)
}


function traceItem(entry: EvaluatedEntry, winner: EvaluatedEntry | undefined): HTMLElement {
  const decided = entry.decidedBy
  const badge = entry.afterWinner ? (entry.matched ? 'would match too' : 'would not match') : entry.matched ? 'matched' : 'did not match'
  return h(
    'li',
    { class: entry.matched ? 'trace matched' : 'trace skipped', 'data-route': entry.route.id, 'data-label': `${routeLabel(entry.route)} ${entry.route.id}` },
    h(
      'div',
      { class: 'trace-head' },
      h('strong', {}, routeLabel(entry.route)),
      h('span', { class: entry.matched ? 'badge ok' : 'badge no' }, badge),
      routerPriority(entry.priority, entry.route),
    ),
    h('pre', { class: 'expr-box' }, markedExpression(entry)),
    entry.matched
      ? h('p', { class: 'reason' }, entry.afterWinner && winner !== undefined ? `Every predicate the outcome needed passed, but ${routeLabel(winner.route)} comes first: ${winnerReason(winner, entry)}.` : 'Every predicate the outcome needed passed.')
      : decided === undefined
        ? null
        : h('p', { class: 'reason' }, 'Failed at ', h('code', {}, decided.text), `: ${decided.reason} (value: ${values(decided)}).`),
  )
}

/** Why the winner is tried before a later route: a higher router priority, or the same one and a greater id. */
function winnerReason(winner: EvaluatedEntry, later: EvaluatedEntry): string {
  return winner.priority > later.priority ? 'its router priority is higher' : 'it has the same router priority and a greater id, which goes first'
}

function upstreamSection(evaluation: Extract<Evaluation, { ok: true }>): Child {
  const match = evaluation.match
  if (match === undefined) return null
  const upstream = match.upstream
  if (upstream.kind === 'respond') {
    return h('p', { class: 'upstream' }, `Kong answers itself: ${upstream.status} ${upstream.message}`, ...Object.entries(upstream.headers).map(([k, v]) => h('span', { class: 'muted' }, ` ${k}: ${v}`)))
  }
  const url = upstreamUrl(upstream)
  return h(
    'dl',
    { class: 'upstream' },
    h('dt', {}, 'Upstream URL'),
    h(
      'dd',
      {},
      match.serviceProblem !== undefined
        ? h('span', { class: 'error' }, `none: ${match.serviceProblem}`)
        : url === undefined
          ? 'none: the route has no service, Kong answers 503'
          : h('code', { 'data-testid': 'upstream-url' }, url),
    ),
    h('dt', {}, 'Host header'),
    h('dd', {}, h('code', {}, upstream.host ?? '(none)')),
    upstream.prefix === undefined ? null : h('dt', {}, 'Stripped prefix'),
    upstream.prefix === undefined ? null : h('dd', {}, h('code', {}, upstream.prefix)),
  )
}

/** The request as the router read it: only the fields some route uses, as Kong computes only those. */
function fieldsSection(fields: Readonly<Record<string, readonly string[]>>): HTMLElement {
  const rows = Object.entries(fields).map(([field, values]) =>
    h('tr', {}, h('th', { scope: 'row' }, h('code', {}, field)), h('td', {}, values.length === 0 ? h('span', { class: 'muted' }, 'absent') : h('code', {}, values.map((v) => JSON.stringify(v)).join(', ')))),
  )
  return h(
    'details',
    { class: 'fields' },
    h('summary', {}, `Fields read by the router (${rows.length})`),
    h('table', { class: 'kv' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Values'))), h('tbody', {}, ...rows)),
  )
}

/** Renders an evaluation: the winner, its records and upstream, then the explain trace. */
/** How many routes the trace lists before it offers to find one by name. */
const FIND_FROM = 8

/** The explain trace's search: its text, kept across evaluations, and who hears it change. */
export interface TraceFilter {
  readonly text: string
  readonly onChange: (text: string) => void
}

/**
 * Shows only the trace's routes whose name (or id) holds `text`, ignoring case, and opens the
 * section of routes after the winner when one of them is found there.
 */
function applyFilter(trace: HTMLElement, text: string): void {
  const needle = text.trim().toLowerCase()
  for (const item of trace.querySelectorAll<HTMLElement>('li.trace')) {
    item.hidden = needle !== '' && !(item.dataset['label'] ?? '').toLowerCase().includes(needle)
  }
  const untried = trace.querySelector<HTMLDetailsElement>('details.untried')
  if (untried !== null && needle !== '' && untried.querySelector('li.trace:not([hidden])') !== null) untried.open = true
}

export function resultView(evaluation: Evaluation, filter?: TraceFilter): HTMLElement {
  // Shown right under the verdict: a route that did not load changes what can match.
  const problems =
    evaluation.problems.length === 0
      ? null
      : h(
          'div',
          { class: 'problems' },
          h('h3', {}, `Routes not loaded (${evaluation.problems.length})`),
          h('p', { class: 'muted' }, 'Kong refuses these routes, so they take no part below.'),
          h('ul', {}, ...evaluation.problems.map((p) => h('li', {}, h('strong', {}, routeLabel(p.route)), ': ', kongMessage(p.message, 'span')))),
        )
  if (!evaluation.ok) {
    const { refusal } = evaluation
    const verdict =
      refusal === undefined
        ? `The router cannot read ${evaluation.field}: ${evaluation.error}. Kong answers 404.`
        : `The gateway answers ${refusal.status} ${refusal.status === 400 ? 'Bad Request' : 'Not Allowed'} before routing, as nginx does in front of Kong: ${refusal.reason}.`
    return h('section', { class: 'result', 'aria-labelledby': 'result-title' }, h('h2', { id: 'result-title' }, 'Result'), h('p', { class: 'verdict no', role: 'status', 'data-testid': 'verdict' }, verdict), problems)
  }
  const match = evaluation.match
  const tried = evaluation.entries.filter((entry) => !entry.afterWinner)
  const untried = evaluation.entries.filter((entry) => entry.afterWinner)
  const winner = tried.find((entry) => entry.matched)
  const verdict =
    match === undefined
      ? h(
          'p',
          { class: 'verdict no', role: 'status', 'data-testid': 'verdict' },
          // A stream connection has no HTTP to answer in: Kong's stream proxy closes it.
          evaluation.subsystem === 'stream' ? 'No route matched: Kong closes the connection.' : 'No route matched: Kong answers 404 "no Route matched with those values".',
        )
      : h('p', { class: 'verdict ok', role: 'status', 'data-testid': 'verdict' }, 'Matched route ', h('strong', {}, routeLabel(match.route)), ' ', routerPriority(match.priority, match.route), '.')
  return h(
    'section',
    { class: 'result', 'aria-labelledby': 'result-title' },
    h('h2', { id: 'result-title' }, 'Result'),
    verdict,
    problems,
    upstreamSection(evaluation),
    match === undefined ? null : table('Matched values', match.matches, 'No values recorded.'),
    match === undefined || Object.keys(match.captures).length === 0 ? null : table('Captures', match.captures, ''),
    fieldsSection(evaluation.fields),
    h('h3', {}, 'Explain'),
    evaluation.entries.length === 0
      ? h(
          'p',
          { class: 'muted' },
          evaluation.loaded > 0
            ? 'No route could match this request.'
            : evaluation.subsystem === 'stream'
              ? 'There is no tcp, tls or udp route: give a route one of those protocols to test stream routing.'
              : 'There is no http or https route to try.',
        )
      : withFilter(
          filter,
          evaluation.entries.length,
          h(
            'p',
            { class: 'legend muted' },
            'Predicates: ',
            h('span', { class: 'pred pass' }, 'passed'),
            ', ',
            h('span', { class: 'pred fail' }, 'failed'),
            ', ',
            h('span', { class: 'pred skipped' }, 'not evaluated'),
            '; the one that decided a route that did not match is ',
            h('mark', { class: 'decisive' }, 'highlighted'),
            '.',
          ),
          h('ol', { class: 'explain', 'aria-label': 'Routes in evaluation order' }, ...tried.map((entry) => traceItem(entry, undefined))),
          untried.length === 0
            ? null
            : h(
                'details',
                { class: 'untried' },
                h('summary', {}, `${untried.length} route${untried.length === 1 ? '' : 's'} after ${winner === undefined ? 'the winner' : routeLabel(winner.route)}, which the router does not try: what each would have done`),
                h('ol', { class: 'explain-untried', 'aria-label': 'Routes after the winner' }, ...untried.map((entry) => traceItem(entry, winner))),
              ),
        ),
  )
}

/**
 * The trace's lists under a search field once they are long (hundreds of routes after a winner):
 * "why did my route not match?" starts by finding that route.
 */
function withFilter(filter: TraceFilter | undefined, count: number, ...children: Child[]): HTMLElement {
  const trace = h('div', {}, ...children)
  if (filter === undefined || count < FIND_FROM) return trace
  const input = h('input', { type: 'search', value: filter.text, placeholder: 'route name or id', 'aria-label': 'Find a route in the trace', class: 'medium' })
  input.addEventListener('input', () => {
    filter.onChange(input.value)
    applyFilter(trace, input.value)
  })
  trace.prepend(h('div', { class: 'field' }, input))
  applyFilter(trace, filter.text)
  return trace
}
