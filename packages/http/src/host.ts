import { splitHostPort } from './traditional/hosts.ts'

/** A Host value split as Kong's router splits it. */
export interface HostParts {
  /** The host without the port, or the whole value when there was no numeric port. */
  readonly host: string
  /** The port after the first `:`, when that text is a number; an Int value. */
  readonly port: number | undefined
}

/**
 * Splits a Host header value at its **first** `:` when the rest is a number (spec §7.6), with the
 * very function that splits route hosts: Kong runs `split_host_port` on both, and "a number" is
 * Lua's `tonumber` (traditional-routes.md §2.11). So `example.com:8000` → (`example.com`, 8000),
 * `example.com:0x50`, `:8e1` and `: 80` → port 80, `example.com:x` and `example.com:` → unchanged,
 * and `[::1]:8000` → unchanged (its first `:` is inside the brackets). Case is preserved. The port
 * becomes an Int as atc-router's Lua binding converts a number, dropping any fraction; a number
 * beyond ±(2^53 − 1) is still removed from the host but gives no port value.
 */
export function splitHost(value: string): HostParts {
  const { host, port } = splitHostPort(value)
  if (port === undefined) return { host, port: undefined }
  const integer = Math.trunc(port)
  return { host, port: Number.isSafeInteger(integer) ? integer : undefined }
}
