import type { ClientConfig } from 'pg'

/** How to reach PostgreSQL: Kong's `pg_*` settings, or one `postgres://` URL that overrides them. */
export interface PgSettings {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string | undefined
  readonly database: string
  /** `pg_ssl`: TLS to the server (certificate checked unless `pg_ssl_verify` is off in the URL). */
  readonly ssl: boolean
  readonly url: string | undefined
}

/** Kong's defaults for the `pg_*` settings. */
export const DEFAULT_PG_SETTINGS: PgSettings = { host: '127.0.0.1', port: 5432, user: 'kong', password: undefined, database: 'kong', ssl: false, url: undefined }

/** The node-postgres connection options for these settings; `application_name` shows the node in `pg_stat_activity`. */
export function clientConfig(settings: PgSettings, applicationName = 'switchyard'): ClientConfig {
  const base: ClientConfig =
    settings.url !== undefined
      ? { connectionString: settings.url }
      : { host: settings.host, port: settings.port, user: settings.user, database: settings.database, ...(settings.password === undefined ? {} : { password: settings.password }), ...(settings.ssl ? { ssl: true } : {}) }
  return { ...base, application_name: applicationName }
}

/** A short description for logs and errors; never contains the password. */
export function describeTarget(settings: PgSettings): string {
  if (settings.url !== undefined) {
    try {
      const u = new URL(settings.url)
      return `${u.hostname}:${u.port === '' ? '5432' : u.port}${u.pathname}`
    } catch {
      return 'the configured pg_url'
    }
  }
  return `${settings.host}:${settings.port}/${settings.database}`
}

/**
 * Reads the `pg_*` settings from a name → text lookup (the config loader's), reporting problems
 * into `errors` in the config loader's style.
 */
export function parsePgSettings(get: (name: string) => string, errors: string[]): PgSettings {
  const port = Number(get('pg_port'))
  if (!Number.isInteger(port) || port < 1 || port > 65535) errors.push(`pg_port: expected a port number, got "${get('pg_port')}"`)
  const ssl = get('pg_ssl')
  if (!['on', 'off', 'true', 'false'].includes(ssl)) errors.push(`pg_ssl: expected on or off, got "${ssl}"`)
  const url = get('pg_url')
  if (url !== '' && !/^postgres(ql)?:\/\//.test(url)) errors.push('pg_url: expected a postgres:// or postgresql:// URL')
  const password = get('pg_password')
  return { host: get('pg_host'), port, user: get('pg_user'), password: password === '' ? undefined : password, database: get('pg_database'), ssl: ssl === 'on' || ssl === 'true', url: url === '' ? undefined : url }
}
