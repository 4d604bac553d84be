import type { Route } from '../../src/entities/route.ts'
import type { Service } from '../../src/entities/service.ts'
import type { Snapshot } from '../../src/store/store.ts'

/** A deterministic UUID for test entity `n` of a kind (`a` services, `b` routes). */
export function uuid(kind: 'a' | 'b', n: number): string {
  return `${kind}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

/** A complete service as the Admin API would store it. */
export function service(n: number, overrides: Partial<Service> = {}): Service {
  return {
    id: uuid('a', n), name: `svc-${n}`, created_at: 1, updated_at: 1, protocol: 'http', host: '127.0.0.1', port: 9, path: null, retries: 5,
    connect_timeout: 60000, write_timeout: 60000, read_timeout: 60000, tags: null, client_certificate: null, tls_verify: null, tls_verify_depth: null, ca_certificates: null, enabled: true,
    ...overrides,
  }
}

/** A complete traditional route matching `/p<n>`. */
export function route(n: number, serviceId: string | null, overrides: Partial<Route> = {}): Route {
  return {
    id: uuid('b', n), name: `route-${n}`, created_at: 1, updated_at: 1, protocols: ['http', 'https'], methods: null, hosts: null, paths: [`/p${n}`], headers: null, snis: null,
    sources: null, destinations: null, https_redirect_status_code: 426, regex_priority: 0, strip_path: true, path_handling: 'v0', preserve_host: false,
    request_buffering: true, response_buffering: true, tags: null, service: serviceId === null ? null : { id: serviceId },
    ...overrides,
  }
}

/** A snapshot in a canonical order, for comparing nodes. */
export function canonical(snapshot: Snapshot): Snapshot {
  const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  return { services: [...snapshot.services].sort(byId), routes: [...snapshot.routes].sort(byId) }
}

/** Polls `check` every few milliseconds until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, everyMs = 5): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
