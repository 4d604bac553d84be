import { mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import pino, { type Logger } from 'pino'
import type { RequestRecord } from '../proxy/server.ts'
import type { StreamRecord } from '../stream/server.ts'

/** Writes one access-log line. */
export interface AccessLog {
  write(record: RequestRecord): void
  /** One line per stream (L4) session, when it ends. */
  writeStream(record: StreamRecord): void
  /** Writes out what is buffered; called when the gateway stops, after the last request. */
  flush(): void
}

/** Opens (creating it and its folder if needed) an access-log file for appending; throws a clear error. */
export function openAccessLogFile(target: string): number {
  try {
    mkdirSync(dirname(target), { recursive: true })
    return openSync(target, 'a')
  } catch (error) {
    throw new Error(`proxy_access_log: cannot open ${target}: ${(error as Error).message}`)
  }
}

/** The route, service and client of a request or a stream session, as both kinds of line name them. */
function matched(record: RequestRecord | StreamRecord): Record<string, string | null> {
  return {
    route: record.routeId ?? null,
    route_name: record.routeName ?? null,
    service: record.serviceId ?? null,
    service_name: record.serviceName ?? null,
    client_ip: record.clientIp,
  }
}

function milliseconds(value: number): number {
  return Math.round(value * 1000) / 1000
}

/** The longest a logged line waits to be written when traffic is light. */
const FLUSH_EVERY_MS = 1000

/**
 * Creates the access log: one JSON line per request (pino), with route, service, status and both
 * latencies. `off` writes nothing; `stdout` or a file path writes asynchronously, so logging never
 * blocks the proxy's event loop on disk.
 */
export function createAccessLog(target: string): AccessLog {
  if (target === 'off') return { write: () => {}, writeStream: () => {}, flush: () => {} }
  // The file is opened here, synchronously: an unwritable path is a clear start-up error, and the
  // writer gets a descriptor that is open from the first moment (one still being opened cannot be
  // flushed when the process stops early).
  const fd = target === 'stdout' ? 1 : openAccessLogFile(target)
  const destination = pino.destination({ dest: fd, sync: false, minLength: 4096 })
  const logger: Logger = pino({ base: null, messageKey: 'msg', timestamp: pino.stdTimeFunctions.isoTime }, destination)
  // Lines are written in 4 KB batches; on a quiet gateway a batch could wait for traffic
  // indefinitely, so whatever was logged is written out at least once a second.
  let unwritten = false
  const timer = setInterval(() => {
    if (!unwritten) return
    unwritten = false
    try {
      destination.flush()
    } catch {
      // Closed while stopping: the stop's own flush wrote what there was.
    }
  }, FLUSH_EVERY_MS).unref()
  return {
    write(record) {
      unwritten = true
      logger.info({
        request_id: record.requestId,
        method: record.method,
        path: record.path,
        status: record.status,
        ...matched(record),
        latency_ms: milliseconds(record.totalLatency),
        upstream_latency_ms: record.upstreamLatency === undefined ? null : milliseconds(record.upstreamLatency),
        // Why the gateway answered 502 or 504 itself (the upstream refused, timed out, …).
        ...(record.error === undefined ? {} : { error: record.error }),
      })
    },
    writeStream(record) {
      unwritten = true
      logger.info({
        stream: record.protocol,
        status: record.status,
        ...matched(record),
        bytes_received: record.received,
        bytes_sent: record.sent,
        session_ms: milliseconds(record.sessionMs),
        ...(record.error === undefined ? {} : { error: record.error }),
      })
    },
    flush() {
      clearInterval(timer)
      try {
        destination.flushSync()
      } catch {
        // Not open yet, or already closed: nothing buffered to lose.
      }
    },
  }
}
