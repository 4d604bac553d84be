// `npm run bench:proxy -- [--duration S] [--connections N] [--tool wrk|autocannon] [--json FILE]`
// Measures, in one run on loopback with wrk (autocannon when wrk is not installed): requests/s and p50/p99 latency straight to an
// upstream, through nginx (proxy_pass with keep-alive upstreams: the anchor), and through the
// Switchyard gateway with 1 route and with the 10k-route gateway-mix workload (1 worker and
// --workers 2). Two references run beside them: Node's HTTP server with undici and no routing
// (bare-proxy.mjs, the floor of any proxy built on them) and raw sockets with no HTTP library
// (raw-proxy.mjs, the ceiling of a proxy written in Node). Prints each figure and its ratio to
// nginx. The upstream is an nginx that answers 200 itself, so it costs as little CPU as possible
// on a small machine.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { parseOptions } from './options.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
const options = parseOptions(process.argv.slice(2), 'npm run bench:proxy --', 'Proxy throughput and latency on loopback: upstream, nginx, Node references and the gateway (see bench/RESULTS.md).', {
  duration: { kind: 'number', help: 'seconds per scenario (default 10)' },
  connections: { kind: 'number', help: 'concurrent connections of the load generator (default 50)' },
  tool: { kind: 'string', choices: ['wrk', 'autocannon'], help: 'load generator, wrk when installed:' },
  json: { kind: 'string', help: 'also write the rows as JSON to this file' },
})
const DURATION = options.duration ?? 10
const CONNECTIONS = options.connections ?? 50
const JSON_OUT = options.json
const WORKLOAD = resolve(here, '../../shared/bench/workloads/gateway-mix-10k')
const MAIN = resolve(here, '../packages/gateway/src/main.ts')
const UPSTREAM_PORT = 18_090
const NGINX_PORT = 18_091
const GATEWAY_PORT = 18_092
const ADMIN_PORT = 18_093
const BARE_PORT = 18_094
const RAW_PORT = 18_095

const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-'))
const children: ChildProcess[] = []

function nginxAvailable(): boolean {
  return spawnSync('nginx', ['-v']).status === 0
}

/** Starts an nginx with one worker and the given `http` block body. */
async function startNginx(name: string, server: string): Promise<void> {
  const dir = join(work, name)
  spawnSync('mkdir', ['-p', join(dir, 'logs')])
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  ${server}
}
`,
  )
  children.push(spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'inherit' }))
  await new Promise((r) => setTimeout(r, 500))
}

/** Starts the gateway DB-less on a declarative file; resolves once it logs that it started. */
function startGateway(config: string, workers: number): Promise<ChildProcess> {
  const file = join(work, `kong-${workers}-${Date.now()}.json`)
  writeFileSync(file, config)
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start', '--database', 'off', '--declarative-config', file, '--prefix', join(work, 'gw'), '--proxy-listen', `127.0.0.1:${GATEWAY_PORT}`, '--admin-listen', `127.0.0.1:${ADMIN_PORT}`, '--admin-gui-listen', 'off', '--workers', String(workers), '--proxy-access-log', 'off'], { stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'info' } })
  children.push(child)
  return new Promise((resolveStart, reject) => {
    let output = ''
    setTimeout(() => reject(new Error(`gateway did not start in 120 s:\n${output}`)), 120_000).unref()
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('switchyard started')) resolveStart(child)
    })
    child.once('exit', (code) => reject(new Error(`gateway exited with ${String(code)}:\n${output}`)))
  })
}

/** Resolves once something accepts connections on the port (fails after 10 s). */
async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), done(true)))
      socket.on('error', () => done(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

interface Row {
  readonly scenario: string
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly non2xx: number
  readonly errors: number
}

type Requests = { method: string; path: string; headers: Record<string, string> }[]

/** wrk (Debian) when installed: written in C, it leaves more of a small machine to the proxies under test. */
const TOOL = options.tool ?? (spawnSync('wrk', ['--version']).error === undefined ? 'wrk' : 'autocannon')

interface LoadResult {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly non2xx: number
  readonly errors: number
}

/** A wrk script that sends the requests in turn and prints the figures as JSON (latency in ms). */
function wrkScript(requests: Requests | undefined): string {
  const quote = (text: string): string => JSON.stringify(text)
  const lines = ['local requests = {}']
  for (const r of requests ?? []) {
    const headers = Object.entries(r.headers).map(([name, value]) => `[${quote(name)}] = ${quote(value)}`).join(', ')
    lines.push(`requests[#requests + 1] = wrk.format(${quote(r.method)}, ${quote(r.path)}, { ${headers} })`)
  }
  lines.push(
    'local i = 0',
    'if #requests > 0 then request = function() i = i % #requests + 1; return requests[i] end end',
    'done = function(summary, latency)',
    '  local e = summary.errors',
    '  io.write(string.format("WRK_JSON {\\"requests\\": %d, \\"duration\\": %d, \\"p50\\": %f, \\"p99\\": %f, \\"non2xx\\": %d, \\"errors\\": %d}\\n", summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))',
    'end',
  )
  return lines.join('\n')
}

function runWrk(url: string, duration: number, requests: Requests | undefined): LoadResult {
  const script = join(work, `wrk-${Date.now()}.lua`)
  writeFileSync(script, wrkScript(requests))
  const run = spawnSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${duration}s`, '-s', script, url], { encoding: 'utf8' })
  const line = /WRK_JSON (.*)/.exec(run.stdout)?.[1]
  if (line === undefined) throw new Error(`wrk failed: ${run.stderr}${run.stdout}`)
  const figures = JSON.parse(line) as { requests: number; duration: number; p50: number; p99: number; non2xx: number; errors: number }
  return { rps: figures.requests / (figures.duration / 1e6), p50: figures.p50, p99: figures.p99, non2xx: figures.non2xx, errors: figures.errors }
}

async function runAutocannon(url: string, duration: number, requests: Requests | undefined): Promise<LoadResult> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration, ...(requests === undefined ? {} : { requests }) })
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts }
}

async function measure(scenario: string, port: number, requests?: Requests): Promise<Row> {
  const url = `http://127.0.0.1:${port}`
  const load = (duration: number): Promise<LoadResult> => (TOOL === 'wrk' ? Promise.resolve(runWrk(url, duration, requests)) : runAutocannon(url, duration, requests))
  // A short warm-up lets the JIT and the keep-alive pools settle before the measured run.
  await load(2)
  const row = { scenario, ...(await load(DURATION)) }
  const ms = (value: number): string => value.toFixed(2)
  console.log(`  ${scenario}: ${row.rps.toFixed(0)} req/s, p50 ${ms(row.p50)} ms, p99 ${ms(row.p99)} ms${row.non2xx > 0 ? `, ${row.non2xx} non-2xx` : ''}${row.errors > 0 ? `, ${row.errors} errors` : ''}`)
  return row
}

interface WorkloadRoute {
  readonly id: string
  readonly priority: number
  readonly expression: string
}

interface WorkloadRequest {
  readonly fields: Record<string, string | string[]>
}

function workloadConfig(): { config: string; requests: Requests } {
  const routes = (JSON.parse(readFileSync(`${WORKLOAD}.routes.json`, 'utf8')) as { routes: WorkloadRoute[] }).routes
  const config = {
    _format_version: '3.0',
    services: [{ name: 'upstream', url: `http://127.0.0.1:${UPSTREAM_PORT}`, routes: routes.map((r) => ({ id: r.id, expression: r.expression, priority: r.priority, strip_path: false })) }],
  }
  const requests = (JSON.parse(readFileSync(`${WORKLOAD}.requests.json`, 'utf8')) as { requests: WorkloadRequest[] }).requests.map((r) => {
    const f = r.fields
    const headers: Record<string, string> = { host: String(f['http.host'] ?? 'localhost') }
    const tenant = f['http.headers.x_tenant']
    if (tenant !== undefined) headers['x-tenant'] = Array.isArray(tenant) ? (tenant[0] ?? '') : tenant
    // wrk and autocannon wait for a body after HEAD and stall; the routes that accept HEAD accept GET too.
    const method = String(f['http.method'] ?? 'GET')
    return { method: method === 'HEAD' ? 'GET' : method, path: String(f['http.path'] ?? '/'), headers }
  })
  return { config: JSON.stringify(config), requests }
}

async function main(): Promise<void> {
  if (!nginxAvailable()) {
    console.error('nginx is not installed (Debian: apt-get install nginx-light); it is both the upstream and the reference proxy.')
    process.exitCode = 1
    return
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  console.log(`bench:proxy — ${cpus().length} × ${cpu}, Node ${process.version}, ${TOOL}, ${CONNECTIONS} connections, ${DURATION} s per run`)
  await startNginx('upstream', `server { listen 127.0.0.1:${UPSTREAM_PORT}; location / { return 200 'ok'; } }`)
  await startNginx(
    'proxy',
    `upstream backend { server 127.0.0.1:${UPSTREAM_PORT}; keepalive 512; }
  server { listen 127.0.0.1:${NGINX_PORT};
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; } }`,
  )
  const rows: Row[] = []
  rows.push(await measure('upstream direct', UPSTREAM_PORT))
  rows.push(await measure('nginx proxy_pass', NGINX_PORT))
  const bare = spawn(process.execPath, [join(here, 'bare-proxy.mjs'), String(BARE_PORT), String(UPSTREAM_PORT)], { stdio: 'inherit' })
  children.push(bare)
  await waitForPort(BARE_PORT)
  rows.push(await measure('bare Node proxy (http + undici, no routing)', BARE_PORT))
  await stop(bare)
  const raw = spawn(process.execPath, [join(here, 'raw-proxy.mjs'), String(RAW_PORT), String(UPSTREAM_PORT)], { stdio: 'inherit' })
  children.push(raw)
  await waitForPort(RAW_PORT)
  rows.push(await measure('raw-socket Node proxy (no HTTP library, no routing)', RAW_PORT))
  await stop(raw)
  const oneRoute = JSON.stringify({ _format_version: '3.0', services: [{ name: 'upstream', url: `http://127.0.0.1:${UPSTREAM_PORT}`, routes: [{ name: 'all', expression: 'http.path ^= "/"', strip_path: false }] }] })
  let gateway = await startGateway(oneRoute, 1)
  rows.push(await measure('switchyard, 1 route, 1 worker', GATEWAY_PORT))
  await stop(gateway)
  const { config, requests } = workloadConfig()
  rows.push(await measure('nginx proxy_pass, gateway-mix requests', NGINX_PORT, requests))
  gateway = await startGateway(config, 1)
  rows.push(await measure('switchyard, gateway-mix 10k routes, 1 worker', GATEWAY_PORT, requests))
  await stop(gateway)
  gateway = await startGateway(config, 2)
  rows.push(await measure('switchyard, gateway-mix 10k routes, 2 workers', GATEWAY_PORT, requests))
  await stop(gateway)

  const nginx = rows[1] as Row
  console.log('\n| scenario | req/s | p50 ms | p99 ms | req/s vs nginx | p99 vs nginx | non-2xx |')
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  for (const row of rows) {
    console.log(`| ${row.scenario} | ${row.rps.toFixed(0)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${(row.rps / nginx.rps).toFixed(2)} | ${(row.p99 / Math.max(nginx.p99, 1)).toFixed(2)} | ${row.non2xx} |`)
  }
  if (JSON_OUT !== undefined) writeFileSync(JSON_OUT, JSON.stringify({ cpu, cores: cpus().length, node: process.version, tool: TOOL, connections: CONNECTIONS, duration: DURATION, rows }, null, 2))
}

try {
  await main()
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  await new Promise((r) => setTimeout(r, 300))
  rmSync(work, { recursive: true, force: true })
}
