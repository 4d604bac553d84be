import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { loadConfig } from '../config.ts'
import { startGateway, type RunningGateway } from '../gateway.ts'

/** What the echo upstream saw, returned as its JSON body. */
export interface Echo {
  readonly name: string
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/** A real HTTP server on 127.0.0.1 and an ephemeral port. */
export interface TestServer {
  readonly port: number
  readonly server: Server
  close(): Promise<void>
}

/** Starts an upstream; the default handler echoes the request as JSON with the server's name. */
export async function startUpstream(name = 'upstream', handler?: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestServer> {
  const server = createServer(
    handler ??
      ((request, response) => {
        const chunks: Buffer[] = []
        request.on('data', (c: Buffer) => chunks.push(c))
        request.on('end', () => {
          const echo: Echo = { name, method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') }
          response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name })
          response.end(JSON.stringify(echo))
        })
      }),
  )
  // Upgraded sockets are not closed by closeAllConnections, so track every socket.
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    }),
  }
}

/** A fresh temporary folder, removed by `cleanup`. */
export function tempDir(): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'switchyard-test-'))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}

/** A gateway running in this process (fast; for Admin API and proxy behaviour). */
export interface InProcessGateway {
  readonly gateway: RunningGateway
  readonly proxy: string
  readonly admin: string
  /** The gateway's data folder (the `prefix` setting). */
  readonly prefix: string
  close(): Promise<void>
}

/**
 * A self-signed certificate and its key, made with openssl at test time (nothing secret is
 * committed), written to `dir` as `NAME-cert.pem` and `NAME-key.pem`; their paths.
 */
export function selfSignedCertificate(dir: string, name: string, commonName: string, altNames: readonly string[] = []): { readonly cert: string; readonly key: string } {
  const cert = join(dir, `${name}-cert.pem`)
  const key = join(dir, `${name}-key.pem`)
  const extensions = altNames.length === 0 ? [] : ['-addext', `subjectAltName=${altNames.map((n) => `DNS:${n}`).join(',')}`]
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${commonName}`, ...extensions, '-keyout', key, '-out', cert], { stdio: 'ignore' })
  return { cert, key }
}

/** Starts a gateway in this process on ephemeral loopback ports; `settings` are setting name → value. */
export async function startInProcess(settings: Record<string, string> = {}): Promise<InProcessGateway> {
  const dir = tempDir()
  const result = loadConfig({
    env: {},
    flags: { prefix: dir.path, proxy_listen: '127.0.0.1:0', admin_listen: '127.0.0.1:0', admin_gui_listen: 'off', workers: '1', proxy_access_log: 'off', log_level: 'silent', ...settings },
  })
  if (!result.ok) throw new Error(result.errors.join('; '))
  const gateway = await startGateway(result.config, pino({ level: 'silent' }))
  const proxyPort = gateway.proxy.addresses[0]?.port
  const adminPort = gateway.adminAddresses[0]?.port
  return {
    gateway,
    proxy: `http://127.0.0.1:${proxyPort}`,
    admin: `http://127.0.0.1:${adminPort}`,
    prefix: dir.path,
    async close() {
      await gateway.close()
      dir.cleanup()
    },
  }
}

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url))

/** A `switchyard start` child process. */
export interface GatewayProcess {
  readonly child: ChildProcess
  readonly proxyPorts: readonly number[]
  readonly adminPort: number
  readonly proxy: string
  readonly admin: string
  /** Everything written to stderr so far. */
  readonly output: () => string
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Spawns `node --import tsx main.ts start ARGS` and waits for its `switchyard started` log line.
 * Defaults: ephemeral loopback ports, one worker, access log off.
 */
export function spawnGateway(args: readonly string[], env: Record<string, string> = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start', '--proxy-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--admin-gui-listen', 'off', '--workers', '1', '--proxy-access-log', 'off', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Nobody gets a handle to a process that did not start in time: stop it here, or it outlives the test.
      child.kill('SIGKILL')
      reject(new Error(`gateway did not start:\n${stderr}`))
    }, 30_000)
    child.stdout?.resume()
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
      const line = stderr.split('\n').find((l) => l.includes('"switchyard started"'))
      if (line === undefined) return
      clearTimeout(timer)
      const started = JSON.parse(line) as { proxy: number[]; admin: number[] }
      const adminPort = started.admin[0] ?? 0
      resolve({
        child,
        proxyPorts: started.proxy,
        adminPort,
        proxy: `http://127.0.0.1:${started.proxy[0] ?? 0}`,
        admin: `http://127.0.0.1:${adminPort}`,
        output: () => stderr,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal)
          return exited
        },
      })
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited with ${String(code)} before starting:\n${stderr}`))
    })
  })
}

/** A plain HTTP GET with full control of headers (fetch forbids Host and Connection). */
export function httpGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      let body = ''
      response.on('data', (c: Buffer) => (body += c.toString('utf8')))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

/**
 * Sends raw bytes to a server (`http://host:port`) and returns all it answers, read as latin1, once
 * it closes the connection: for requests no HTTP client sends (`CONNECT`, absolute targets, bad bytes).
 */
export function rawExchange(base: string, text: string): Promise<string> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text))
    let received = ''
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    socket.on('close', () => resolve(received))
    socket.on('error', reject)
  })
}

/** A parsed JSON body that tests can walk without casts (`body.data[0].id`). */
export type JsonTree = { readonly [key: string]: JsonTree } & { readonly [index: number]: JsonTree }

/** Sends a JSON body to the Admin API; returns status and parsed body. */
export async function adminCall(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: JsonTree }> {
  const response = await fetch(base + path, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })
  const text = await response.text()
  return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as JsonTree }
}
