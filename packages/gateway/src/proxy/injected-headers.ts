/**
 * Kong's `headers` setting: which of the gateway's own headers it adds to what clients receive.
 * Kong's names are taken for the gateway's (`X-Kong-Proxy-Latency` is `X-Switchyard-Proxy-Latency`
 * here), as are the gateway's own names, in any case.
 */

/** The headers the gateway adds, by the lower-case name it sends them under. */
export const INJECTED_HEADERS = {
  server: 'server',
  via: 'via',
  proxyLatency: 'x-switchyard-proxy-latency',
  responseLatency: 'x-switchyard-response-latency',
  upstreamLatency: 'x-switchyard-upstream-latency',
  adminLatency: 'x-switchyard-admin-latency',
  upstreamStatus: 'x-switchyard-upstream-status',
  requestId: 'x-switchyard-request-id',
} as const

export type InjectedHeader = (typeof INJECTED_HEADERS)[keyof typeof INJECTED_HEADERS]

const ALL: ReadonlySet<string> = new Set(Object.values(INJECTED_HEADERS))

/** Kong's groups and the names of its headers, each for the headers it stands for here. */
const ENTRIES: Readonly<Record<string, readonly InjectedHeader[]>> = {
  server_tokens: [INJECTED_HEADERS.server, INJECTED_HEADERS.via],
  latency_tokens: [INJECTED_HEADERS.proxyLatency, INJECTED_HEADERS.responseLatency, INJECTED_HEADERS.adminLatency, INJECTED_HEADERS.upstreamLatency],
  server: [INJECTED_HEADERS.server],
  via: [INJECTED_HEADERS.via],
  'x-kong-proxy-latency': [INJECTED_HEADERS.proxyLatency],
  'x-kong-response-latency': [INJECTED_HEADERS.responseLatency],
  'x-kong-upstream-latency': [INJECTED_HEADERS.upstreamLatency],
  'x-kong-admin-latency': [INJECTED_HEADERS.adminLatency],
  'x-kong-upstream-status': [INJECTED_HEADERS.upstreamStatus],
  'x-kong-request-id': [INJECTED_HEADERS.requestId],
  ...Object.fromEntries([...ALL].filter((name) => name.startsWith('x-switchyard-')).map((name) => [name, [name as InjectedHeader]])),
}

/** Kong's default: `server_tokens, latency_tokens, X-Kong-Request-Id`. */
export const DEFAULT_HEADERS_SETTING = 'server_tokens, latency_tokens, X-Kong-Request-Id'

/**
 * The headers a `headers` setting turns on (a list: configurations travel to worker processes as
 * JSON), or the errors naming each entry it cannot take.
 */
export function parseHeadersSetting(name: string, text: string, errors: string[]): readonly InjectedHeader[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  const on = new Set<InjectedHeader>()
  if (entries.length === 1 && entries[0]?.toLowerCase() === 'off') return []
  for (const entry of entries) {
    const headers = ENTRIES[entry.toLowerCase()]
    if (entry.toLowerCase() === 'off') errors.push(`${name}: \`off\` cannot be listed with other entries; use it alone`)
    else if (headers === undefined) errors.push(`${name}: unknown entry "${entry}" (expected server_tokens, latency_tokens, Server, Via, X-Kong-Proxy-Latency, X-Kong-Response-Latency, X-Kong-Upstream-Latency, X-Kong-Admin-Latency, X-Kong-Upstream-Status, X-Kong-Request-Id, or off)`)
    else for (const header of headers) on.add(header)
  }
  return [...on]
}

/** Which of its own headers the gateway adds. */
export class InjectedHeaders {
  static readonly DEFAULT = new InjectedHeaders(parseHeadersSetting('headers', DEFAULT_HEADERS_SETTING, []))

  private readonly on: ReadonlySet<InjectedHeader>

  constructor(on: Iterable<InjectedHeader>) {
    this.on = new Set(on)
  }

  has(header: InjectedHeader): boolean {
    return this.on.has(header)
  }

  /** A flat name/value list without the gateway's own headers that are turned off (other names stay). */
  pick(list: readonly string[]): string[] {
    const out: string[] = []
    for (let i = 0; i < list.length; i += 2) {
      const name = (list[i] as string).toLowerCase()
      if (ALL.has(name) && !this.on.has(name as InjectedHeader)) continue
      out.push(list[i] as string, list[i + 1] as string)
    }
    return out
  }
}
