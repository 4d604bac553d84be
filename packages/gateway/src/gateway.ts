import { closeSync, existsSync } from 'node:fs'
import { createServer, type RequestListener, type Server, type ServerOptions as HttpServerOptions } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cidrContains, parseIpAddr, type IpCidr } from '@switchyard/core'
import { PLAYGROUND_DIST } from '@switchyard/playground'
import type { HeaderNames } from '@switchyard/http'
import type { Logger } from 'pino'
import { AdminApi, type ServerCounts } from './admin/server.ts'
import { inPrefix, trustedNetworks, type Config, type ListenAddress } from './config.ts'
import { createResolver, createRouteChecker, createRoutingTable, type GatewayRoutingTable } from './engine.ts'
import { createGuiHandler } from './gui/server.ts'
import { readSettingFile } from './input-file.ts'
import { closeGracefully, listen } from './listen.ts'
import { createAccessLog, openAccessLogFile, type AccessLog } from './observability/access-log.ts'
import { emptyMetrics, recordRequest, recordStream, renderMetrics, type MetricsData } from './observability/metrics.ts'
import { ConnectionTracker, type ConnectionCounts } from './proxy/connections.ts'
import { Upstreams } from './proxy/forward.ts'
import { InjectedHeaders } from './proxy/injected-headers.ts'
import { createRealIp, proxyProtocolRealIp } from './proxy/real-ip.ts'
import { CLIENT_BODY_TIMEOUT_MS } from './proxy/request-body.ts'
import { createProxyServer, type ProxyOptions } from './proxy/server.ts'
import { readTlsMaterial, type TlsMaterial } from './tls-material.ts'
import { closeStreamServer, createStreamServer, type StreamRecord, type StreamServer } from './stream/server.ts'
import { bindUdp, createUdpStreamServer, type UdpStreamServer } from './stream/udp.ts'
import { configHash, loadDeclarative, type ConfigProblem } from './store/declarative.ts'
import { parseConfigText } from './store/config-text.ts'
import { describeProblems } from './store/declarative-report.ts'
import { MemoryStore } from './store/memory-store.ts'
import { SqliteStore } from './store/sqlite-store.ts'
import { databaseMetrics, openPostgresStore } from './store/postgres/wiring.ts'
import type { Store } from './store/store.ts'
import type { Route } from './entities/route.ts'

/** How long in-flight requests get to finish on shutdown, in milliseconds. */
export const SHUTDOWN_GRACE_MS = 30_000

/** A declarative file that failed to load: the setting, the file, and every problem with its place in the file. */
export class DeclarativeConfigError extends Error {
  /** Wraps the problems found in the file at `file`, whose text was `text`. */
  constructor(
    readonly problems: readonly ConfigProblem[],
    file: string,
    text: string,
  ) {
    super(`declarative_config: ${file} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}; \`switchyard config validate ${file}\` checks it without starting):\n${describeProblems(file, text, problems).trimEnd()}`)
    this.name = 'DeclarativeConfigError'
  }
}

/** The SQLite store in the prefix folder, or an error that says which file could not be used and why. */
function openSqliteStore(file: string): SqliteStore {
  try {
    return new SqliteStore(file)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`database: cannot use the SQLite database ${file} (${reason}); check the prefix setting, or move the file aside to start empty`)
  }
}

/** Opens the configured store: SQLite in the prefix folder, or memory loaded from the declarative file. */
export async function openStore(config: Config, log?: Logger): Promise<Store> {
  if (config.database === 'postgres') return openPostgresStore(config, log)
  if (config.database === 'sqlite') return openSqliteStore(join(config.prefix, 'switchyard.db'))
  const store = new MemoryStore()
  if (config.declarativeConfig !== undefined) {
    const text = readSettingFile('declarative_config', config.declarativeConfig)
    const parsed = parseConfigText(text, config.declarativeConfig)
    if (!parsed.ok) throw new DeclarativeConfigError(parsed.problems, config.declarativeConfig, text)
    const loaded = loadDeclarative(parsed.value, { flavor: config.routerFlavor, checkRoute: createRouteChecker(config.routerFlavor) })
    if (!loaded.ok) throw new DeclarativeConfigError(loaded.problems, config.declarativeConfig, text)
    // The file's hash, as POST /config hashes a posted text: `check_hash` then knows the running config.
    store.replaceAll(loaded.snapshot, configHash(text))
  }
  return store
}

/** The proxy side of a process: routing table, upstream pools, listeners, access log and metrics. */
export interface ProxyNode {
  readonly table: GatewayRoutingTable
  readonly servers: readonly Server[]
  readonly addresses: readonly AddressInfo[]
  /** The stream (L4) listeners' bound addresses (`stream_listen`), in its order. */
  readonly streamAddresses: readonly AddressInfo[]
  readonly metrics: MetricsData
  /** This process's proxy connections, in nginx's stub_status terms. */
  readonly connections: () => ConnectionCounts
  close(): Promise<void>
}

/** Where the access log goes: `off`, `stdout` or a file (relative paths are in the prefix folder). */
function accessLogTarget(config: Config): string {
  return config.proxyAccessLog === 'off' || config.proxyAccessLog === 'stdout' ? config.proxyAccessLog : inPrefix(config, config.proxyAccessLog)
}

/**
 * Reads what proxy processes will read (TLS material, the access-log file), so that a primary
 * fails its start once, with one clear error, instead of every worker failing.
 */
export function checkProxySettings(config: Config): void {
  tlsMaterialOf(config)
  const target = accessLogTarget(config)
  if (target !== 'off' && target !== 'stdout') closeSync(openAccessLogFile(target))
}

/** The certificate and key of `ssl` listeners, read and checked (a clear error names the setting and file). */
function tlsMaterialOf(config: Config): TlsMaterial | undefined {
  if (config.sslCert === undefined || config.sslCertKey === undefined) return undefined
  return readTlsMaterial(config.sslCert, config.sslCertKey)
}

/** Kong's `trusted_ips` check on the connecting peer's address (not on X-Forwarded-For). */
function trustedClients(networks: readonly IpCidr[]): (clientIp: string) => boolean {
  return (clientIp) => {
    const address = parseIpAddr(clientIp)
    return address !== undefined && networks.some((network) => cidrContains(network, address))
  }
}

/** The proxy's `trusted_ips` check and, over the same networks, nginx's realip rules; nothing when no client is trusted. */
function trust(config: Config): Pick<ProxyOptions, 'trusted' | 'realIp'> {
  if (config.trustedIps.length === 0) return {}
  const networks = trustedNetworks(config.trustedIps)
  const realIp = config.realIpHeader === 'proxy_protocol' ? proxyProtocolRealIp : createRealIp(networks, config.realIpHeader, config.realIpRecursive)
  return { trusted: trustedClients(networks), realIp }
}

/** Starts the proxy listeners over a store whose changes feed the routing table. */
export async function startProxy(config: Config, store: Store, log: Logger): Promise<ProxyNode> {
  // Settings that can fail are read before anything is started.
  const tls = tlsMaterialOf(config)
  const accessLog: AccessLog = createAccessLog(accessLogTarget(config))
  const onRouteError = (route: Route, message: string): void => log.error({ route: route.id, message }, 'route not loaded')
  const table = createRoutingTable({ flavor: config.routerFlavor, onRouteError })
  // Kong's second router: stream routes (first protocol tcp, tls, udp or tls_passthrough) for the stream listeners.
  const streamTable = createRoutingTable({ flavor: config.routerFlavor, onRouteError }, 'stream')
  const snapshot = store.snapshot()
  table.load(snapshot)
  streamTable.load(snapshot)
  const unsubscribe = store.subscribe((change) => {
    table.apply(change)
    streamTable.apply(change)
  })
  const upstreams = new Upstreams({ keepaliveIdleTimeoutMs: config.upstreamKeepaliveIdleTimeout * 1000, keepalivePoolSize: config.upstreamKeepalivePoolSize })
  const metrics = emptyMetrics()
  // nginx's header-name rules, which Kong's router sees through: lines it ignores are not routed on or sent.
  const headerNames: HeaderNames = config.underscoresInHeaders ? 'nginx-underscores' : 'nginx'
  const resolve = createResolver(table, headerNames)
  const options = {
    resolve,
    upstreams,
    observe: (record: Parameters<typeof recordRequest>[1]) => {
      recordRequest(metrics, record)
      accessLog.write(record)
    },
    ...trust(config),
    errorDefaultType: config.errorDefaultType,
    headerNames,
    hostPorts: new Map(config.portMaps.map((map) => [map.listenerPort, map.hostPort])),
    onBrokenHeader: (reason: string) => log.warn({ reason }, 'connection closed: no PROXY protocol header'),
    injected: new InjectedHeaders(config.headers),
    upstreamRequestId: config.headersUpstream,
    requestBody: { maxSize: config.clientMaxBodySize, bufferSize: config.clientBodyBufferSize, tempDir: inPrefix(config, 'client_body_temp'), timeoutMs: CLIENT_BODY_TIMEOUT_MS },
  }
  const tracker = new ConnectionTracker()
  const servers: Server[] = []
  const addresses: AddressInfo[] = []
  for (const address of config.proxyListen) {
    const server = createProxyServer(options, address.ssl ? tls : undefined, address.proxyProtocol === true)
    tracker.attach(server, address.ssl)
    servers.push(server)
    addresses.push(await listen(server, address, 'proxy_listen'))
  }
  const streams: StreamServer[] = []
  const streamAddresses: AddressInfo[] = []
  const observeStream = (record: StreamRecord): void => {
    recordStream(metrics, record)
    accessLog.writeStream(record)
  }
  const streamOptions = { table: streamTable, hostPorts: options.hostPorts, observe: observeStream, trusted: options.trusted, onBrokenHeader: options.onBrokenHeader }
  const udpStreams: UdpStreamServer[] = []
  for (const address of config.streamListen) {
    if (address.udp === true) {
      const udp = createUdpStreamServer(streamOptions, address.host.includes(':') ? 'udp6' : 'udp4')
      udpStreams.push(udp)
      streamAddresses.push(await bindUdp(udp, address.host, address.port))
      continue
    }
    const stream = createStreamServer(streamOptions, address.ssl ? tls : undefined, address.proxyProtocol === true)
    streams.push(stream)
    streamAddresses.push(await listen(stream.server, address, 'stream_listen'))
  }
  return {
    table,
    servers,
    addresses,
    streamAddresses,
    metrics,
    connections: () => tracker.counts(),
    async close() {
      await Promise.all([...servers.map((s) => closeGracefully(s, SHUTDOWN_GRACE_MS)), ...streams.map((s) => closeStreamServer(s, SHUTDOWN_GRACE_MS)), ...udpStreams.map((u) => u.close())])
      unsubscribe()
      await upstreams.close()
      accessLog.flush()
    },
  }
}

/** Providers of the live figures the Admin API reports. */
export interface AdminFigures {
  readonly routerSize: () => number
  readonly routerUpdatedAt: () => number
  readonly metrics: () => Promise<MetricsData>
  /** Proxy connections and requests of every proxy process, read afresh. */
  readonly server: () => Promise<ServerCounts>
  /** The pids of the proxy worker processes this process forked. */
  readonly workerPids?: () => readonly number[]
  /** Proxy worker processes serving with their router built, of how many should. */
  readonly routers?: () => { readonly ready: number; readonly total: number }
}

/** Starts the Admin API listeners. */
export async function startAdmin(
  config: Config,
  store: Store,
  figures: AdminFigures,
): Promise<{ servers: Server[]; addresses: AddressInfo[]; guiAddresses: AddressInfo[]; statusAddresses: AddressInfo[] }> {
  const options = {
    config,
    store,
    flavor: config.routerFlavor,
    checkRoute: createRouteChecker(config.routerFlavor),
    status: {
      routerSize: figures.routerSize,
      routerUpdatedAt: figures.routerUpdatedAt,
      metrics: async () => renderMetrics(await figures.metrics(), { size: figures.routerSize(), updatedAt: figures.routerUpdatedAt() }) + databaseMetrics(store),
      server: figures.server,
      ...(figures.workerPids === undefined ? {} : { workerPids: figures.workerPids }),
      ...(figures.routers === undefined ? {} : { routers: figures.routers }),
    },
  }
  const servers: Server[] = []
  const adminTls = listenerTls(config.adminListen, config.adminSslCert, config.adminSslCertKey, config)
  /** Starts one listener per address, each answering with the API's handler (over TLS for `ssl` ones). */
  const serve = async (api: AdminApi, addresses: readonly ListenAddress[], setting: string, tls: TlsMaterial | undefined): Promise<AddressInfo[]> => {
    const bound: AddressInfo[] = []
    for (const address of addresses) {
      const server = httpServer({ requireHostHeader: false }, address.ssl ? tls : undefined, api.handle)
      server.on('clientError', api.handleClientError)
      server.on('connect', api.handleConnect)
      servers.push(server)
      bound.push(await listen(server, address, setting))
    }
    return bound
  }
  const addresses = await serve(new AdminApi(options), config.adminListen, 'admin_listen', adminTls)
  const statusAddresses = await serve(new AdminApi({ ...options, surface: 'status' }), config.statusListen, 'status_listen', listenerTls(config.statusListen, config.statusSslCert, config.statusSslCertKey, config))
  const guiAddresses: AddressInfo[] = []
  // The GUI forwards /api to a plain Admin API listener when there is one, else over TLS to an `ssl` one.
  const plainAt = config.adminListen.findIndex((address) => !address.ssl)
  const target = addresses[plainAt >= 0 ? plainAt : 0]
  if (target !== undefined) {
    const scheme = plainAt >= 0 ? 'http' : 'https'
    const handler = guiHandler(`${scheme}://${target.family === 'IPv6' ? `[${target.address}]` : target.address}:${target.port}`, config.adminToken !== undefined, plainAt >= 0 ? undefined : adminTls?.cert)
    const guiTls = listenerTls(config.adminGuiListen, config.adminGuiSslCert, config.adminGuiSslCertKey, config)
    for (const address of config.adminGuiListen) {
      const server = httpServer({}, address.ssl ? guiTls : undefined, handler)
      servers.push(server)
      guiAddresses.push(await listen(server, address, 'admin_gui_listen'))
    }
  }
  return { servers, addresses, guiAddresses, statusAddresses }
}

/** A listener's HTTP server, or HTTPS with `tls`. */
function httpServer(options: HttpServerOptions, tls: TlsMaterial | undefined, handler: RequestListener): Server {
  return tls === undefined ? createServer(options, handler) : createHttpsServer({ ...options, cert: tls.cert, key: tls.key }, handler)
}

/** The certificates of a listener setting's `ssl` entries: its own (`admin_ssl_cert`, …), else `ssl_cert`'s; none without `ssl` entries. */
function listenerTls(addresses: readonly ListenAddress[], cert: string | undefined, key: string | undefined, config: Config): TlsMaterial | undefined {
  if (!addresses.some((address) => address.ssl)) return undefined
  if (cert !== undefined && key !== undefined) return readTlsMaterial(cert, key)
  return tlsMaterialOf(config)
}

/** The GUI listener's handler: the built playground, with the Admin API under `/api`. */
function guiHandler(adminUrl: string, adminTokenRequired: boolean, adminCertificates: readonly string[] | undefined): RequestListener {
  const root = fileURLToPath(PLAYGROUND_DIST)
  const index = join(root, 'index.html')
  const handler = createGuiHandler({ root, adminTokenRequired, adminUrl: adminUrl.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:'), ...(adminCertificates === undefined ? {} : { adminCertificates }) })
  return (request, response) => {
    // The Admin API is forwarded either way; the pages need the playground to have been built.
    if (request.url?.startsWith('/api') !== true && !existsSync(index)) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      response.end('The GUI is not built: run `npm run build -w packages/playground` (npm start does it).\n')
      return
    }
    handler(request, response)
  }
}

/** A running single-process gateway. */
export interface RunningGateway {
  readonly store: Store
  readonly proxy: ProxyNode
  readonly adminAddresses: readonly AddressInfo[]
  /** Where the GUI listens (empty when `admin_gui_listen` is off). */
  readonly guiAddresses: readonly AddressInfo[]
  /** Where the Status API listens (empty when `status_listen` is off, the default). */
  readonly statusAddresses: readonly AddressInfo[]
  close(): Promise<void>
}

/** Starts everything in this process: store, routing table, proxy and Admin API. */
export async function startGateway(config: Config, log: Logger): Promise<RunningGateway> {
  const store = await openStore(config, log)
  const proxy = await startProxy(config, store, log)
  const admin = await startAdmin(config, store, {
    routerSize: () => proxy.table.size,
    routerUpdatedAt: () => proxy.table.updatedAt,
    metrics: async () => proxy.metrics,
    server: async () => ({ ...proxy.connections(), totalRequests: proxy.metrics.total }),
  })
  return {
    store,
    proxy,
    adminAddresses: admin.addresses,
    guiAddresses: admin.guiAddresses,
    statusAddresses: admin.statusAddresses,
    async close() {
      await Promise.all([proxy.close(), ...admin.servers.map((s) => closeGracefully(s, 1000))])
      store.close()
    },
  }
}
