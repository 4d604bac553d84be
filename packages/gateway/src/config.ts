import { availableParallelism } from 'node:os'
import { ERROR_DEFAULT_TYPES, type ErrorDefaultType } from './proxy/error-response.ts'
import { isAbsolute, join } from 'node:path'
import { parseIpAddr, parseIpCidr, type IpCidr } from '@switchyard/core'
import { parsePgSettings, type PgSettings } from './store/postgres/settings.ts'
import { DEFAULT_HEADERS_SETTING, parseHeadersSetting, type InjectedHeader } from './proxy/injected-headers.ts'

/** One address a listener binds; `ssl` makes it an HTTPS listener. */
export interface ListenAddress {
  readonly host: string
  readonly port: number
  readonly ssl: boolean
  /** A UDP listener (`stream_listen` only). */
  readonly udp?: boolean
  /** Every connection starts with a PROXY protocol header (`proxy_listen` and `stream_listen`). */
  readonly proxyProtocol?: boolean
}

/** Which router flavor routes are compiled for (Kong's `router_flavor`). */
export type RouterFlavor = 'expressions' | 'traditional_compatible'

/** The validated settings of one gateway process. Every field has a Kong-named setting. */
export interface Config {
  readonly proxyListen: readonly ListenAddress[]
  /** Kong's `stream_listen`: TCP listeners (`ssl`: SNI read, TLS passed through or ended here) and UDP ones, routed by stream routes; empty when `off`. */
  readonly streamListen: readonly ListenAddress[]
  readonly adminListen: readonly ListenAddress[]
  /** Where the GUI (route editor and playground) is served, Kong Manager's convention; empty when `off`. */
  readonly adminGuiListen: readonly ListenAddress[]
  /** Kong's Status API: `/status`, `/status/ready` and `/metrics`, read-only and without the admin token. */
  readonly statusListen: readonly ListenAddress[]
  /** `sqlite` keeps entities in `<prefix>/switchyard.db`; `off` is DB-less (declarative config). */
  readonly database: 'sqlite' | 'off' | 'postgres'
  /** PostgreSQL connection (`database = postgres`): Kong's `pg_*` settings or `pg_url`. */
  readonly postgres: PgSettings
  /** The data folder: SQLite file and logs. */
  readonly prefix: string
  readonly declarativeConfig: string | undefined
  readonly routerFlavor: RouterFlavor
  /** Proxy processes; 1 runs everything in one process. */
  readonly workers: number
  /** Bearer token the Admin API requires; mandatory when it listens on a non-loopback address. */
  readonly adminToken: string | undefined
  readonly sslCert: string | undefined
  readonly sslCertKey: string | undefined
  /** The certificates of `ssl` Admin API, GUI and Status API listeners (Kong's `admin_ssl_cert` and the like); `ssl_cert`'s when unset. */
  readonly adminSslCert: string | undefined
  readonly adminSslCertKey: string | undefined
  readonly adminGuiSslCert: string | undefined
  readonly adminGuiSslCertKey: string | undefined
  readonly statusSslCert: string | undefined
  readonly statusSslCertKey: string | undefined
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'
  /** `off`, `stdout`, or a file path (relative paths are under `prefix`). */
  readonly proxyAccessLog: string
  /** Idle keep-alive connections kept per upstream (Kong's `upstream_keepalive_pool_size`). */
  readonly upstreamKeepalivePoolSize: number
  /** Seconds an idle upstream connection is kept (Kong's `upstream_keepalive_idle_timeout`). */
  readonly upstreamKeepaliveIdleTimeout: number
  /**
   * Kong's `trusted_ips`: clients (load balancers, other proxies) whose X-Forwarded-Proto/Host/Port/
   * Path/Prefix are passed on and believed for https-only routes; empty, nobody is trusted.
   */
  readonly trustedIps: readonly string[]
  /**
   * Kong's `real_ip_header` (nginx's realip module, with `trusted_ips` as `set_real_ip_from`): the
   * request header that names the real client of a trusted one; default `X-Real-IP`.
   */
  readonly realIpHeader: string
  /** Kong's `real_ip_recursive`: walk `real_ip_header` from the right past trusted addresses; default off. */
  readonly realIpRecursive: boolean
  /** Kong's `error_default_type`: the format of the proxy's error pages for requests with neither Accept nor Content-Type. */
  readonly errorDefaultType: ErrorDefaultType
  /** Kong's `headers`: which of the gateway's own headers clients receive (Server, Via, latencies, request id, upstream status). */
  readonly headers: readonly InjectedHeader[]
  /** Kong's `headers_upstream`: whether upstream requests carry the request id (`X-Switchyard-Request-Id`). */
  readonly headersUpstream: boolean
  /** Kong's `nginx_http_client_max_body_size` in bytes: the largest request body the proxy takes (413 beyond); 0 for no limit. */
  readonly clientMaxBodySize: number
  /** Kong's `nginx_http_client_body_buffer_size` in bytes: how much of a buffered request body stays in memory before it goes to a temporary file. */
  readonly clientBodyBufferSize: number
  /** nginx's `underscores_in_headers` (Kong's `nginx_http_underscores_in_headers`): whether header lines with `_` in their names are taken. */
  readonly underscoresInHeaders: boolean
  /** Kong's `nginx_admin_client_max_body_size` in bytes: the largest Admin API request body (413 beyond); 0 for no limit. */
  readonly adminClientMaxBodySize: number
  /**
   * Kong's `port_maps`: the port clients reach for each proxy listener port that a container or NAT
   * forwards to it. Routes see it as `net.dst.port` (when the Host header names no port) and
   * upstreams as `X-Forwarded-Port`. A list rather than a Map: the config travels to workers as JSON.
   */
  readonly portMaps: readonly PortMap[]
}

/** One `port_maps` entry, `HOST_PORT:LISTENER_PORT`: clients reach `hostPort`, which arrives at `listenerPort`. */
export interface PortMap {
  readonly hostPort: number
  readonly listenerPort: number
}

/** One documented setting: its Kong-style name, flag, default and meaning (shown by `--help`). */
export interface SettingSpec {
  readonly name: string
  readonly flag: string
  readonly default: string
  readonly help: string
}

/** Every setting, in `--help` order. Environment variable = `SWITCHYARD_` + name upper-cased. */
export const SETTINGS: readonly SettingSpec[] = [
  { name: 'proxy_listen', flag: '--proxy-listen', default: '0.0.0.0:8000', help: 'Proxy addresses, comma-separated; add `ssl` for HTTPS (e.g. "0.0.0.0:8000, 0.0.0.0:8443 ssl"), `proxy_protocol` when a load balancer in front sends PROXY protocol headers, or `off`.' },
  { name: 'stream_listen', flag: '--stream-listen', default: 'off', help: 'Stream (L4) proxy addresses for stream routes, comma-separated; `ssl` reads the SNI, then passes TLS through (tls_passthrough routes) or ends it here (ssl_cert, ssl_cert_key); `udp` for UDP; `proxy_protocol` as on proxy_listen; e.g. "0.0.0.0:5555, 0.0.0.0:5556 ssl, 0.0.0.0:5353 udp"; or `off`.' },
  { name: 'admin_listen', flag: '--admin-listen', default: '127.0.0.1:8001', help: 'Admin API addresses, comma-separated, or `off`. A non-loopback address requires admin_token.' },
  { name: 'admin_gui_listen', flag: '--admin-gui-listen', default: '127.0.0.1:8002', help: 'GUI addresses (route editor and playground, with the Admin API under /api), comma-separated, or `off`.' },
  { name: 'status_listen', flag: '--status-listen', default: 'off', help: 'Status API addresses (GET /status, /status/ready for readiness probes, /metrics; no token), comma-separated, or `off`.' },
  { name: 'database', flag: '--database', default: 'sqlite', help: '`sqlite` (embedded, in the prefix folder), `postgres` (shared by many nodes) or `off` (DB-less: declarative_config, POST /config).' },
  { name: 'pg_host', flag: '--pg-host', default: '127.0.0.1', help: 'PostgreSQL host (database = postgres).' },
  { name: 'pg_port', flag: '--pg-port', default: '5432', help: 'PostgreSQL port.' },
  { name: 'pg_user', flag: '--pg-user', default: 'kong', help: 'PostgreSQL user.' },
  { name: 'pg_password', flag: '--pg-password', default: '', help: 'PostgreSQL password.' },
  { name: 'pg_database', flag: '--pg-database', default: 'kong', help: 'PostgreSQL database.' },
  { name: 'pg_ssl', flag: '--pg-ssl', default: 'off', help: 'TLS to PostgreSQL: on or off.' },
  { name: 'pg_url', flag: '--pg-url', default: '', help: 'postgres://user:password@host:port/database; overrides the other pg_* settings.' },
  { name: 'prefix', flag: '--prefix', default: './data', help: 'Data folder: switchyard.db and logs/.' },
  { name: 'declarative_config', flag: '--declarative-config', default: '', help: 'Kong-format kong.yml loaded at start when database is off.' },
  { name: 'router_flavor', flag: '--router-flavor', default: 'expressions', help: '`expressions` (expression + priority and traditional routes) or `traditional_compatible`.' },
  { name: 'workers', flag: '--workers', default: 'auto', help: 'Proxy processes (node:cluster); `auto` = number of CPUs.' },
  { name: 'admin_token', flag: '--admin-token', default: '', help: 'Token the Admin API requires (Authorization: Bearer, or Kong-Admin-Token header).' },
  { name: 'ssl_cert', flag: '--ssl-cert', default: '', help: 'Certificate of `ssl` listeners: a PEM file, PEM text or base64 PEM; comma-separated for several (RSA and ECDSA), paired with ssl_cert_key in order.' },
  { name: 'ssl_cert_key', flag: '--ssl-cert-key', default: '', help: 'Private key of each ssl_cert certificate, in the same order: a PEM file, PEM text or base64 PEM.' },
  { name: 'admin_ssl_cert', flag: '--admin-ssl-cert', default: '', help: 'Certificate of `ssl` admin_listen entries (as ssl_cert); ssl_cert\'s when unset.' },
  { name: 'admin_ssl_cert_key', flag: '--admin-ssl-cert-key', default: '', help: 'Private key of admin_ssl_cert (as ssl_cert_key).' },
  { name: 'admin_gui_ssl_cert', flag: '--admin-gui-ssl-cert', default: '', help: 'Certificate of `ssl` admin_gui_listen entries (as ssl_cert); ssl_cert\'s when unset.' },
  { name: 'admin_gui_ssl_cert_key', flag: '--admin-gui-ssl-cert-key', default: '', help: 'Private key of admin_gui_ssl_cert (as ssl_cert_key).' },
  { name: 'status_ssl_cert', flag: '--status-ssl-cert', default: '', help: 'Certificate of `ssl` status_listen entries (as ssl_cert); ssl_cert\'s when unset.' },
  { name: 'status_ssl_cert_key', flag: '--status-ssl-cert-key', default: '', help: 'Private key of status_ssl_cert (as ssl_cert_key).' },
  { name: 'log_level', flag: '--log-level', default: 'info', help: 'debug, info, warn, error or silent; also nginx\'s levels as Kong takes them (notice logs as info; crit, alert and emerg as fatal).' },
  { name: 'proxy_access_log', flag: '--proxy-access-log', default: 'logs/access.log', help: 'Access log: `off`, `stdout`, or a file (relative to prefix).' },
  { name: 'upstream_keepalive_pool_size', flag: '--upstream-keepalive-pool-size', default: '512', help: 'Connections kept per upstream.' },
  { name: 'upstream_keepalive_idle_timeout', flag: '--upstream-keepalive-idle-timeout', default: '60', help: 'Seconds an idle upstream connection is kept.' },
  { name: 'trusted_ips', flag: '--trusted-ips', default: '', help: 'Comma-separated IPs or CIDRs (`0.0.0.0/0,::/0` for all) whose X-Forwarded-* headers are trusted.' },
  { name: 'real_ip_header', flag: '--real-ip-header', default: 'X-Real-IP', help: 'Header whose address becomes the client address (net.src.ip, X-Real-IP, access log) for clients in trusted_ips only: X-Real-IP, X-Forwarded-For or another name, or `proxy_protocol` for the client a PROXY protocol header names (listeners with the `proxy_protocol` flag).' },
  { name: 'real_ip_recursive', flag: '--real-ip-recursive', default: 'off', help: '`off`: take the last address of real_ip_header; `on`: the last one, from the right, that is not in trusted_ips.' },
  { name: 'nginx_http_client_max_body_size', flag: '--nginx-http-client-max-body-size', default: '0', help: 'Largest request body the proxy takes, as nginx sizes are written (`10m`, `512k`, `1g`, bytes); larger ones get 413. `0`: no limit.' },
  { name: 'nginx_admin_client_max_body_size', flag: '--nginx-admin-client-max-body-size', default: '10m', help: 'Largest Admin API request body (a `/config` declarative file included), as nginx sizes are written; larger ones get 413. `0`: no limit.' },
  { name: 'nginx_http_underscores_in_headers', flag: '--nginx-http-underscores-in-headers', default: 'off', help: '`on` takes request header lines whose names hold `_` (routed on and sent upstream); `off`, as nginx, ignores them.' },
  { name: 'nginx_http_client_body_buffer_size', flag: '--nginx-http-client-body-buffer-size', default: '8k', help: 'How much of a request body a route with request_buffering keeps in memory; the rest goes to a temporary file in <prefix>/client_body_temp.' },
  { name: 'port_maps', flag: '--port-maps', default: '', help: 'Ports forwarded to the proxy listeners by a container or NAT, comma-separated `HOST_PORT:LISTENER_PORT` (e.g. "80:8000, 443:8443"): routes see the host port as net.dst.port, upstreams as X-Forwarded-Port.' },
  { name: 'headers', flag: '--headers', default: DEFAULT_HEADERS_SETTING, help: 'The gateway\'s own headers clients receive, comma-separated (Kong\'s names): server_tokens (Server, Via), latency_tokens (the X-Switchyard-*-Latency headers), X-Kong-Request-Id, X-Kong-Upstream-Status, or single ones (Server, Via, X-Kong-Proxy-Latency, …); `off` for none.' },
  { name: 'headers_upstream', flag: '--headers-upstream', default: 'X-Kong-Request-Id', help: 'X-Kong-Request-Id to send the request id upstream (as X-Switchyard-Request-Id), or `off`.' },
  { name: 'error_default_type', flag: '--error-default-type', default: 'text/plain', help: 'Format of the proxy\'s error pages (400, 502, 504) for requests with neither Accept nor Content-Type: text/plain, application/json, application/xml or text/html.' },
]

/** Where settings come from, in rising precedence: file < environment < flags. */
export interface ConfigSources {
  /** Contents of a kong.conf-style file (`name = value`, `#` comments). */
  readonly file?: string
  /** That file's name, for its errors (`kong.conf:3: unknown setting "x"`). */
  readonly fileName?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Setting name → value, from command-line flags. */
  readonly flags?: Readonly<Record<string, string>>
}

/** A validated config, or every problem found. */
export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly errors: readonly string[] }

/** Parses a kong.conf-style file into name → value; unknown names are reported. */
export function parseConfFile(text: string, errors: string[], fileName?: string): Record<string, string> {
  const at = (index: number): string => (fileName === undefined ? `config file line ${index + 1}` : `${fileName}:${index + 1}`)
  const known = new Set(SETTINGS.map((s) => s.name))
  const out: Record<string, string> = {}
  text.split('\n').forEach((raw, index) => {
    // kong.conf allows `#` comments; `\#` keeps a literal hash.
    const line = raw.replace(/(?<!\\)#.*$/, '').replace(/\\#/g, '#').trim()
    if (line === '') return
    const eq = line.indexOf('=')
    if (eq < 0) return void errors.push(`${at(index)}: expected "name = value"`)
    const name = line.slice(0, eq).trim().toLowerCase()
    if (!known.has(name)) return void errors.push(`${at(index)}: unknown setting "${name}"`)
    out[name] = line.slice(eq + 1).trim()
  })
  return out
}

/** Parses a listen setting such as `0.0.0.0:8000, [::1]:8443 ssl reuseport`; `off` gives none. */
export function parseListen(name: string, text: string, errors: string[]): ListenAddress[] {
  return listenEntries(name, text, errors).map((entry) => {
    if (entry.flags.includes('proxy_protocol')) errors.push(`${name}: \`proxy_protocol\` is not supported in "${entry.text}" (only proxy_listen and stream_listen read the PROXY protocol); remove it`)
    return entry.address
  })
}

/** `proxy_listen`: as any listen setting, plus Kong's `proxy_protocol` flag. */
function parseProxyListen(text: string, errors: string[]): ListenAddress[] {
  return listenEntries('proxy_listen', text, errors).map(withProxyProtocol)
}

function withProxyProtocol({ address, flags }: ListenEntry): ListenAddress {
  return flags.includes('proxy_protocol') ? { ...address, proxyProtocol: true } : address
}

/** One entry of a listen setting: its address, its flags, and its text (for messages). */
interface ListenEntry {
  readonly address: ListenAddress
  readonly flags: readonly string[]
  readonly text: string
}

/** The valid entries of a listen setting, each with its flags; every invalid one is an error. */
function listenEntries(name: string, text: string, errors: string[]): ListenEntry[] {
  if (text.trim() === 'off') return []
  const out: ListenEntry[] = []
  for (const part of text.split(',')) {
    const [address = '', ...flags] = part.trim().split(/\s+/)
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address)
    const port = m === null ? NaN : Number(m[3])
    if (m === null) {
      errors.push(`${name}: invalid address "${address}" (expected host:port)`)
      continue
    }
    if (!(port >= 0 && port <= 65535)) {
      // 0 stays allowed: the system picks a free port (tests and one-off runs use it).
      errors.push(`${name}: invalid port ${m[3]} in "${address}" (a port is 1-65535, or 0 for any free one)`)
      continue
    }
    // Kong's nginx flags (http2, reuseport, backlog=…) are accepted and ignored; only `ssl` matters here.
    out.push({ address: { host: m[1] ?? m[2] ?? '', port, ssl: flags.includes('ssl') }, flags, text: part.trim() })
  }
  return out
}

/**
 * `stream_listen`: as `proxy_listen`, plus Kong's `udp` flag for a UDP listener. `udp` with `ssl` (no
 * DTLS) or with `proxy_protocol` (no version 2 datagrams) is refused rather than ignored: the
 * listener would not do what they ask.
 */
function parseStreamListen(text: string, errors: string[]): ListenAddress[] {
  return listenEntries('stream_listen', text, errors).map((entry) => {
    const { address, flags, text: part } = entry
    const udp = flags.includes('udp')
    if (udp && address.ssl) errors.push(`stream_listen: \`udp\` and \`ssl\` together in "${part}" (TLS over UDP is not supported); choose one`)
    if (udp && flags.includes('proxy_protocol')) errors.push(`stream_listen: \`udp\` and \`proxy_protocol\` together in "${part}" (the PROXY protocol is read on TCP listeners); remove one`)
    const read = withProxyProtocol(entry)
    return udp ? { ...read, udp } : read
  })
}

function integer(name: string, text: string, min: number, errors: string[]): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min) errors.push(`${name}: expected an integer ≥ ${min}, got "${text}"`)
  return value
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }

/** A size as nginx writes it: bytes, or a number with `k`, `m` or `g` (either case). */
function nginxSize(name: string, text: string, errors: string[]): number {
  const m = /^(\d+)([kmg]?)$/i.exec(text)
  const bytes = m === null ? NaN : Number(m[1]) * (SIZE_UNITS[(m[2] as string).toLowerCase()] as number)
  if (!Number.isSafeInteger(bytes)) errors.push(`${name}: expected a size such as 8k, 10m or 1g (or bytes), got "${text}"`)
  return bytes
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[], errors: string[]): T {
  if (!(allowed as readonly string[]).includes(text)) errors.push(`${name}: expected one of ${allowed.join(', ')}, got "${text}"`)
  return text as T
}

/** True for addresses only this machine can reach, where the Admin API needs no token. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}

/** Merges defaults, file, environment and flags, and validates the result as a whole. */
export function loadConfig(sources: ConfigSources): ConfigResult {
  const errors: string[] = []
  const values: Record<string, string> = Object.fromEntries(SETTINGS.map((s) => [s.name, s.default]))
  if (sources.file !== undefined) Object.assign(values, parseConfFile(sources.file, errors, sources.fileName))
  for (const s of SETTINGS) {
    const fromEnv = sources.env?.[`SWITCHYARD_${s.name.toUpperCase()}`]
    if (fromEnv !== undefined && fromEnv !== '') values[s.name] = fromEnv
  }
  Object.assign(values, sources.flags ?? {})
  const get = (name: string): string => (values[name] ?? '').trim()
  const optional = (name: string): string | undefined => (get(name) === '' ? undefined : get(name))

  const prefix = get('prefix')
  const workersText = get('workers')
  const config: Config = {
    proxyListen: parseProxyListen(get('proxy_listen'), errors),
    streamListen: parseStreamListen(get('stream_listen'), errors),
    adminListen: parseListen('admin_listen', get('admin_listen'), errors),
    adminGuiListen: parseListen('admin_gui_listen', get('admin_gui_listen'), errors),
    statusListen: parseListen('status_listen', get('status_listen'), errors),
    database: oneOf('database', get('database'), ['sqlite', 'off', 'postgres'] as const, errors),
    postgres: parsePgSettings(get, errors),
    prefix,
    declarativeConfig: optional('declarative_config'),
    routerFlavor: oneOf('router_flavor', get('router_flavor'), ['expressions', 'traditional_compatible'] as const, errors),
    workers: workersText === 'auto' ? availableParallelism() : integer('workers', workersText, 1, errors),
    adminToken: optional('admin_token'),
    sslCert: optional('ssl_cert'),
    sslCertKey: optional('ssl_cert_key'),
    adminSslCert: optional('admin_ssl_cert'),
    adminSslCertKey: optional('admin_ssl_cert_key'),
    adminGuiSslCert: optional('admin_gui_ssl_cert'),
    adminGuiSslCertKey: optional('admin_gui_ssl_cert_key'),
    statusSslCert: optional('status_ssl_cert'),
    statusSslCertKey: optional('status_ssl_cert_key'),
    logLevel: logLevelOf(oneOf('log_level', get('log_level'), LOG_LEVELS, errors)),
    proxyAccessLog: get('proxy_access_log'),
    upstreamKeepalivePoolSize: integer('upstream_keepalive_pool_size', get('upstream_keepalive_pool_size'), 1, errors),
    upstreamKeepaliveIdleTimeout: integer('upstream_keepalive_idle_timeout', get('upstream_keepalive_idle_timeout'), 0, errors),
    trustedIps: parseTrustedIps(get('trusted_ips'), errors),
    realIpHeader: parseRealIpHeader(get('real_ip_header'), errors),
    realIpRecursive: oneOf('real_ip_recursive', get('real_ip_recursive'), ['on', 'off'] as const, errors) === 'on',
    errorDefaultType: oneOf('error_default_type', get('error_default_type'), ERROR_DEFAULT_TYPES, errors),
    headers: parseHeadersSetting('headers', get('headers'), errors),
    headersUpstream: parseHeadersUpstream(get('headers_upstream'), errors),
    clientMaxBodySize: nginxSize('nginx_http_client_max_body_size', get('nginx_http_client_max_body_size'), errors),
    clientBodyBufferSize: nginxSize('nginx_http_client_body_buffer_size', get('nginx_http_client_body_buffer_size'), errors),
    underscoresInHeaders: oneOf('nginx_http_underscores_in_headers', get('nginx_http_underscores_in_headers'), ['on', 'off'] as const, errors) === 'on',
    adminClientMaxBodySize: nginxSize('nginx_admin_client_max_body_size', get('nginx_admin_client_max_body_size'), errors),
    portMaps: parsePortMaps(get('port_maps'), errors),
  }
  if (prefix === '') errors.push('prefix: must not be empty')
  if (config.proxyListen.some((l) => l.ssl) && (config.sslCert === undefined || config.sslCertKey === undefined)) {
    errors.push('proxy_listen: an `ssl` listener needs ssl_cert and ssl_cert_key')
  }
  if (config.streamListen.some((l) => l.ssl && l.udp !== true) && (config.sslCert === undefined || config.sslCertKey === undefined)) {
    errors.push('stream_listen: an `ssl` listener needs ssl_cert and ssl_cert_key')
  }
  for (const [name, prefix, addresses, cert, key] of [
    ['admin_listen', 'admin_', config.adminListen, config.adminSslCert, config.adminSslCertKey],
    ['admin_gui_listen', 'admin_gui_', config.adminGuiListen, config.adminGuiSslCert, config.adminGuiSslCertKey],
    ['status_listen', 'status_', config.statusListen, config.statusSslCert, config.statusSslCertKey],
  ] as const) {
    if ((cert === undefined) !== (key === undefined)) errors.push(`${prefix}ssl_cert, ${prefix}ssl_cert_key: set both or neither`)
    else if (addresses.some((l) => l.ssl) && cert === undefined && (config.sslCert === undefined || config.sslCertKey === undefined)) {
      errors.push(`${name}: an \`ssl\` listener needs ${prefix}ssl_cert and ${prefix}ssl_cert_key (or ssl_cert and ssl_cert_key)`)
    }
  }
  // An Admin API reachable from other machines can reroute all traffic; never expose it unauthenticated.
  if (config.adminToken === undefined && config.adminListen.some((l) => !isLoopback(l.host))) {
    errors.push('admin_listen: a non-loopback address requires admin_token (SWITCHYARD_ADMIN_TOKEN)')
  }
  if (config.adminToken === undefined && config.adminGuiListen.some((l) => !isLoopback(l.host))) {
    errors.push('admin_gui_listen: a non-loopback address requires admin_token (SWITCHYARD_ADMIN_TOKEN), since the GUI forwards /api to the Admin API')
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config }
}

/** Resolves a path setting against the prefix folder, as Kong does for its log paths. */
export function inPrefix(config: Config, path: string): string {
  return isAbsolute(path) ? path : join(config.prefix, path)
}

/** The `--help` text: usage, commands and one entry per setting with flag, variable and default. */
export function helpText(): string {
  const lines = [
    'Usage: switchyard [start] [flags]            start the gateway',
    '       switchyard check EXPRESSION [--schema http|stream]',
    '       switchyard match --config FILE --request JSON [--explain]',
    '       switchyard config validate FILE       (also `config parse FILE`, Kong\'s name)',
    '       switchyard migrations bootstrap|up|status   (database = postgres)',
    '       switchyard convert FILE ...            traditional routes → expressions',
    '       switchyard version [--all]             (also --version, -V)',
    '       (match, config validate and convert read FILE - from standard input)',
    '',
    'Settings (flag, environment variable, default). Precedence: flag > environment > config file > default.',
    '  -c, --conf FILE   kong.conf-style file of `name = value` lines',
  ]
  for (const s of SETTINGS) {
    lines.push(`  ${s.flag} VALUE   (SWITCHYARD_${s.name.toUpperCase()}, default: ${s.default === '' ? 'unset' : s.default})`)
    lines.push(`      ${s.help}`)
  }
  return lines.join('\n')
}

/**
 * `trusted_ips`: IPs and CIDRs, comma-separated; an error names each bad one. Kept as text (the
 * config travels to worker processes as JSON); {@link trustedNetworks} reads them.
 */
function parseTrustedIps(text: string, errors: string[]): string[] {
  const items = text.split(',').map((part) => part.trim()).filter((part) => part !== '')
  for (const item of items) {
    const network = trustedNetwork(item)
    if (typeof network === 'string') errors.push(`trusted_ips: '${item}' ${network}`)
  }
  return items
}

const PORT = /^[0-9]{1,5}$/

/**
 * `port_maps`: comma-separated `HOST_PORT:LISTENER_PORT` pairs of ports 1-65535, as Kong reads them
 * (kong/conf_loader). A listener port mapped twice is refused, where Kong keeps the last silently:
 * which port clients reach would otherwise depend on the order of the list.
 */
function parsePortMaps(text: string, errors: string[]): PortMap[] {
  const maps: PortMap[] = []
  for (const item of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const colon = item.indexOf(':')
    const hostText = colon < 0 ? '' : item.slice(0, colon).trim()
    const listenerText = colon < 0 ? '' : item.slice(colon + 1).trim()
    const hostPort = PORT.test(hostText) ? Number(hostText) : 0
    const listenerPort = PORT.test(listenerText) ? Number(listenerText) : 0
    if (hostPort < 1 || hostPort > 65535 || listenerPort < 1 || listenerPort > 65535) {
      errors.push(`port_maps: invalid port mapping '${item}': expected HOST_PORT:LISTENER_PORT with ports 1-65535 (e.g. 80:8000)`)
      continue
    }
    const earlier = maps.find((map) => map.listenerPort === listenerPort)
    if (earlier !== undefined) {
      errors.push(`port_maps: listener port ${listenerPort} is mapped twice ('${earlier.hostPort}:${listenerPort}' and '${item}'); keep one`)
      continue
    }
    maps.push({ hostPort, listenerPort })
  }
  return maps
}

/** `log_level`'s values: the logger's, and nginx's as Kong takes them (its default is `notice`). */
const LOG_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg', 'silent'] as const

/** The logger's level for a `log_level`: nginx's `notice` is between info and warn, its last three above error. */
function logLevelOf(level: (typeof LOG_LEVELS)[number]): Config['logLevel'] {
  if (level === 'notice') return 'info'
  if (level === 'crit' || level === 'alert' || level === 'emerg') return 'fatal'
  return level
}

/** `headers_upstream`: Kong's one header there, the request id, or `off`. */
function parseHeadersUpstream(text: string, errors: string[]): boolean {
  const value = text.trim().toLowerCase()
  if (value === 'off') return false
  if (value !== 'x-kong-request-id' && value !== 'x-switchyard-request-id') errors.push(`headers_upstream: expected X-Kong-Request-Id or off, got "${text}"`)
  return true
}

/** An HTTP field name (RFC 9110 §5.1: a token). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * `real_ip_header`: a header name, or nginx's `proxy_protocol`: the client a trusted peer's PROXY
 * protocol header names (on listeners with the `proxy_protocol` flag).
 */
function parseRealIpHeader(text: string, errors: string[]): string {
  if (text !== 'proxy_protocol' && !FIELD_NAME.test(text)) errors.push(`real_ip_header: expected a header name such as X-Forwarded-For or X-Real-IP, got "${text}"`)
  return text
}

/** An IP (as a /32 or /128) or a CIDR, or why it is neither. */
function trustedNetwork(item: string): IpCidr | string {
  if (item.includes('/')) {
    const cidr = parseIpCidr(item)
    if (typeof cidr === 'object') return cidr
    return `is not a CIDR (${cidr === 'host-bits' ? 'the address has bits set beyond the prefix' : cidr === 'invalid-prefix' ? 'the prefix length is out of range' : 'the address does not parse'}; e.g. 10.0.0.0/8)`
  }
  const ip = parseIpAddr(item)
  if (ip === undefined) return 'is not an IP address or CIDR (e.g. 10.0.0.0/8, 192.168.1.10, ::1)'
  return ip.family === 4 ? { family: 4, network: ip.value, prefix: 32 } : { family: 6, network: ip.value, prefix: 128 }
}

/** The networks of a validated `trusted_ips` list. */
export function trustedNetworks(items: readonly string[]): IpCidr[] {
  return items.map(trustedNetwork).filter((network): network is IpCidr => typeof network === 'object')
}
