import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { adminCall, spawnGateway, type GatewayProcess } from '../../src/testing/harness.ts'
import type { PgSettings } from '../../src/store/postgres/settings.ts'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

/** The flags that point a `switchyard` process at a test database. */
export function pgFlags(settings: PgSettings): string[] {
  return ['--database', 'postgres', '--pg-host', settings.host, '--pg-port', String(settings.port), '--pg-user', settings.user, '--pg-database', settings.database, ...(settings.password === undefined ? [] : ['--pg-password', settings.password])]
}

/** Starts one gateway node (a real `switchyard start` process) on the test database. */
export function startNode(settings: PgSettings): Promise<GatewayProcess> {
  // Log level stays info: the harness waits for the `switchyard started` line.
  return spawnGateway(pgFlags(settings))
}

/** Runs `switchyard migrations <command>` as a process; resolves with exit code and output. */
export function runMigrationsCommand(settings: PgSettings, command: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'migrations', command, ...pgFlags(settings)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')))
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')))
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })))
}

/** What a node says on `GET /status` about the database. */
export interface NodeDatabaseStatus {
  readonly reachable: boolean
  readonly config_version: number
  readonly changes_applied: number
  readonly rebuilds: number
}

/** Reads a node's `/status` database section. */
export async function databaseStatus(node: GatewayProcess): Promise<NodeDatabaseStatus> {
  const response = await fetch(`${node.admin}/status`)
  return ((await response.json()) as { database: NodeDatabaseStatus }).database
}

/** The node's whole configuration (`GET /config`, Kong's declarative YAML text), ids sorted, for comparing nodes. */
export async function nodeConfig(node: GatewayProcess): Promise<unknown> {
  const body = (await (await fetch(`${node.admin}/config`)).json()) as { config: string }
  const config = parseYaml(body.config) as { services?: { id: string }[]; routes?: { id: string }[] }
  const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : 1)
  return { services: [...(config.services ?? [])].sort(byId), routes: [...(config.routes ?? [])].sort(byId) }
}

/** The proxy's status for a path on a node. */
export async function probe(node: GatewayProcess, path: string): Promise<number> {
  const response = await fetch(node.proxy + path)
  await response.arrayBuffer()
  return response.status
}

/** An Admin API call retried while the node answers 503 (database away); resolves with the final status and the last 503 message. */
export async function writeWithRetry(node: () => GatewayProcess, method: string, path: string, body?: unknown): Promise<{ status: number; retries: number; unavailable: string | undefined }> {
  let unavailable: string | undefined
  for (let retries = 0; ; retries++) {
    let status: number
    try {
      const answer = await adminCall(node().admin, method, path, body)
      status = answer.status
      if (status === 503) unavailable = String(answer.body.message)
    } catch {
      // The node itself is down (killed in a test): the caller's `node()` picks another next time.
      status = 599
    }
    if (status !== 503 && status !== 599) return { status, retries, unavailable }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Percentile of a sample (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN
}
