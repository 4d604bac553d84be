/** One element of a route's `sources` or `destinations`, as the Admin API holds it. */
export interface AddressEntry {
  readonly ip?: string
  /** A number, or the typed text when it is none (the route's check then says so). */
  readonly port?: number | string
}

/**
 * Reads a comma-separated list of `IP`, `CIDR`, `:PORT`, `IP:PORT` or `[IPv6]:PORT` into address
 * entries; null when empty (Kong's unset). A bare IPv6 address (two or more colons) has no port.
 * Nothing is validated here: the route's own check reports a bad address with Kong's message.
 */
export function parseAddresses(text: string): AddressEntry[] | null {
  const entries = text.split(',').map((item) => item.trim()).filter((item) => item !== '').map(parseAddress)
  return entries.length === 0 ? null : entries
}

function parseAddress(item: string): AddressEntry {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(item)
  if (bracketed !== null) return entry(bracketed[1]!, bracketed[2])
  const colons = item.split(':').length - 1
  if (colons !== 1) return { ip: item }
  const [ip, port] = item.split(':') as [string, string]
  return entry(ip === '*' ? '' : ip, port)
}

function entry(ip: string, port: string | undefined): AddressEntry {
  const portValue = port === undefined || port === '' ? undefined : /^\d+$/.test(port) ? Number(port) : port
  return { ...(ip === '' ? {} : { ip }), ...(portValue === undefined ? {} : { port: portValue }) }
}

/** Writes address entries back as `parseAddresses` reads them. */
export function formatAddresses(entries: readonly AddressEntry[] | null | undefined): string {
  return (entries ?? [])
    .map(({ ip, port }) => {
      if (port === undefined || port === null) return ip ?? ''
      if (ip === undefined || ip === null) return `:${port}`
      return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
    })
    .filter((text) => text !== '')
    .join(', ')
}
