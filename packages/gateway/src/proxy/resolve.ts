import type { RequestLike } from '@switchyard/http'
import type { Route } from '../entities/route.ts'
import type { Service } from '../entities/service.ts'

/** Where a routed request goes, as packages/http computed it from the match (strip_path, preserve_host). */
export interface Resolution {
  readonly route: Route
  readonly service: Service | null
  /** Upstream path and query, escaped, ready for the request line. */
  readonly path: string
  /** The upstream Host header: the client's with preserve_host, else the service's. */
  readonly host: string
  /** X-Forwarded-Prefix: the stripped prefix, when it is not `/`. */
  readonly prefix: string | undefined
}

/** The routing decision for one request. */
export type ResolveResult =
  | { readonly kind: 'routed'; readonly resolution: Resolution }
  /** Kong answers itself after the match: 426 or a redirect for https-only routes, 415 for gRPC. */
  | { readonly kind: 'respond'; readonly route: Route; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly message: string }
  | { readonly kind: 'no-route' }
  /** A field value the router cannot accept (invalid UTF-8 path): Kong answers 404 then. */
  | { readonly kind: 'bad-field'; readonly field: string; readonly error: string }

/** A request as the proxy hands it to the resolver: what the router reads, plus what Kong checks after the match. */
export interface ProxyRequest extends RequestLike {
  /** Kong's forwarded host for redirects, nginx's `$host` (an absolute-form target's host, else the Host header's); unset: from `host`. */
  readonly forwardedHost?: string | undefined
  /** The scheme Kong checks https-only routes against (a trusted client's X-Forwarded-Proto); unset: `scheme`. */
  readonly forwardedProto?: string | undefined
  /** The `Content-Type` header, which gRPC routes check. */
  readonly contentType?: string | undefined
  /** The HTTP major version (1 or 2), which gRPC routes check. */
  readonly httpVersion?: number | undefined
}

/** Routes a request; implemented by the engine wiring over the live routing table. */
export type Resolver = (request: ProxyRequest) => ResolveResult
