import pino from 'pino'
import { helpText, loadConfig, SETTINGS, type Config } from '../config.ts'
import { isWorker, runPrimary, runWorker } from '../cluster.ts'
import { DeclarativeConfigError, startGateway } from '../gateway.ts'
import { readInputFile } from '../input-file.ts'

/** Parses `--name value` / `--name=value` flags into setting name → value; `-c FILE` reads a conf file. */
export function parseStartFlags(args: readonly string[]): { settings: Record<string, string>; conf: string | undefined; errors: string[]; help: boolean } {
  const byFlag = new Map(SETTINGS.map((s) => [s.flag, s.name]))
  const settings: Record<string, string> = {}
  const errors: string[] = []
  let conf: string | undefined
  let help = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--help' || arg === '-h') {
      help = true
      continue
    }
    const [flag = '', inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const isConf = flag === '-c' || flag === '--conf'
    // An unknown option takes no value: what follows it is read on its own.
    if (!isConf && !byFlag.has(flag)) {
      errors.push(flag.startsWith('-') ? `unknown option ${flag} (switchyard --help lists them)` : `unexpected argument "${arg}"`)
      continue
    }
    const value = inline ?? args[++i]
    if (value === undefined) {
      errors.push(`${flag}: missing value`)
      continue
    }
    if (isConf) conf = value
    else settings[byFlag.get(flag) as string] = value
  }
  return { settings, conf, errors, help }
}

/** Loads the config for `start` from flags, environment and the optional conf file. */
export function configFromArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>>): { ok: true; config: Config } | { ok: false; errors: readonly string[]; help: boolean } {
  const parsed = parseStartFlags(args)
  if (parsed.help) return { ok: false, errors: [], help: true }
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors, help: false }
  const confPath = parsed.conf ?? env['SWITCHYARD_CONF']
  const file = confPath === undefined ? undefined : readInputFile(confPath)
  if (file !== undefined && !file.ok) return { ok: false, errors: [`${parsed.conf === undefined ? 'SWITCHYARD_CONF' : '-c'}: ${file.message}`], help: false }
  const result = loadConfig({ ...(file === undefined || confPath === undefined ? {} : { file: file.text, fileName: confPath }), env, flags: parsed.settings })
  if (!result.ok) return { ok: false, errors: result.errors, help: false }
  // A gateway with neither a proxy nor an Admin API would run with nothing to answer (the GUI needs
  // the Admin API): refused like any other setting it cannot use.
  if (result.config.proxyListen.length === 0 && result.config.adminListen.length === 0) {
    return { ok: false, errors: ['proxy_listen and admin_listen are both off, so nothing would listen: set one of them'], help: false }
  }
  return result
}

/** The message of a start refused for its settings: one line for one problem, a list for more. */
export function invalidConfiguration(errors: readonly string[]): string {
  return errors.length === 1 ? `switchyard: invalid configuration: ${errors[0]}\n` : `switchyard: invalid configuration:\n${errors.map((e) => `  ${e}`).join('\n')}\n`
}

/**
 * `switchyard start`: runs the gateway until SIGTERM or SIGINT, then stops accepting, lets in-flight
 * requests finish and exits 0. Logs go to stderr as JSON lines; the `switchyard started` line gives
 * the bound ports (proxy, admin, gui).
 */
export async function start(args: readonly string[]): Promise<number> {
  const log = pino({ level: process.env['SWITCHYARD_LOG_LEVEL'] ?? 'info', base: { pid: process.pid } }, pino.destination(2))
  if (isWorker()) {
    await runWorker(log)
    return -1
  }
  const loaded = configFromArgs(args, process.env)
  if (!loaded.ok) {
    if (loaded.help) {
      process.stdout.write(helpText() + '\n')
      return 0
    }
    process.stderr.write(invalidConfiguration(loaded.errors))
    return 1
  }
  const config = loaded.config
  log.level = config.logLevel
  let running: { close(): Promise<void> }
  if (config.adminGuiListen.length > 0 && config.adminListen.length === 0) {
    // The GUI works through the Admin API (its `/api`): without one there is nothing to serve it with.
    log.warn('admin_gui_listen is set but admin_listen is off: the GUI needs the Admin API and is not started; set admin_listen, or admin_gui_listen = off to silence this')
  }
  try {
    if (config.workers > 1) {
      const primary = await runPrimary(config, log)
      running = primary
      log.info({ proxy: primary.proxyPorts, stream: primary.streamPorts, admin: primary.adminPorts, gui: primary.guiPorts, status: primary.statusPorts, workers: config.workers, database: config.database }, 'switchyard started')
    } else {
      const gateway = await startGateway(config, log)
      running = gateway
      log.info({ proxy: gateway.proxy.addresses.map((a) => a.port), stream: gateway.proxy.streamAddresses.map((a) => a.port), admin: gateway.adminAddresses.map((a) => a.port), gui: gateway.guiAddresses.map((a) => a.port), status: gateway.statusAddresses.map((a) => a.port), workers: 1, database: config.database }, 'switchyard started')
    }
  } catch (error) {
    process.stderr.write(`switchyard: ${error instanceof DeclarativeConfigError || error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
  return new Promise<number>((resolve) => {
    let stopping = false
    const stop = (signal: string): void => {
      if (stopping) return
      stopping = true
      log.info({ signal }, 'shutting down: finishing in-flight requests')
      running.close().then(
        () => resolve(0),
        () => resolve(1),
      )
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
  })
}
