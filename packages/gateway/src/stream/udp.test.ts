import { createSocket, type Socket } from 'node:dgram'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRouteChecker, createRoutingTable } from '../engine.ts'
import { loadDeclarative } from '../store/declarative.ts'
import type { StreamRecord } from './server.ts'
import { bindUdp, createUdpStreamServer, type UdpStreamServer } from './udp.ts'

let echo: Socket
let listener: UdpStreamServer
let listenerPort: number
const records: StreamRecord[] = []

function bound(socket: Socket): Promise<number> {
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)))
}

/** Sends one datagram from a new client socket; resolves with the answer, or undefined after `waitMs`. */
async function ask(text: string, waitMs = 300): Promise<string | undefined> {
  const client = createSocket('udp4')
  await bound(client)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.close()
      resolve(undefined)
    }, waitMs)
    client.once('message', (answer) => {
      clearTimeout(timer)
      client.close()
      resolve(String(answer))
    })
    client.send(text, listenerPort, '127.0.0.1')
  })
}

beforeAll(async () => {
  echo = createSocket('udp4')
  echo.on('message', (datagram, from) => echo.send(datagram, from.port, from.address))
  const echoPort = await bound(echo)
  const loaded = loadDeclarative(
    { _format_version: '3.0', services: [{ name: 'echo', protocol: 'udp', host: '127.0.0.1', port: echoPort, read_timeout: 60_000, routes: [{ name: 'all', protocols: ['udp'], expression: 'net.src.ip in 127.0.0.0/8' }] }] },
    { flavor: 'expressions', checkRoute: createRouteChecker('expressions') },
  )
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems))
  const table = createRoutingTable({ flavor: 'expressions' }, 'stream')
  table.load(loaded.snapshot)
  // One session at most, so that the second client meets the limit.
  listener = createUdpStreamServer({ table, observe: (record) => records.push(record) }, 'udp4', 1)
  listenerPort = (await bindUdp(listener, '127.0.0.1', 0)).port
})

afterAll(async () => {
  await listener?.close()
  echo?.close()
})

describe('UDP stream listener', () => {
  it('relays for as many clients as its session limit, drops and logs the datagrams of the next, and logs each session when it ends', async () => {
    expect(await ask('first')).toBe('first')
    expect(await ask('second')).toBeUndefined()
    expect(records).toEqual([expect.objectContaining({ protocol: 'udp', status: 503, error: 'too many sessions', clientIp: '127.0.0.1', received: 6 })])
    await listener.close()
    expect(records[1]).toMatchObject({ protocol: 'udp', status: 200, routeName: 'all', serviceName: 'echo', received: 5, sent: 5 })
  })
})
