import { createServer, type Server, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConnectionTracker } from './connections.ts'

// A real HTTP server on loopback, driven by raw sockets, so each state is reached on purpose.
let server: Server
let tracker: ConnectionTracker
let held: ServerResponse[]
const sockets: Socket[] = []

beforeEach(async () => {
  held = []
  server = createServer((request, response) => {
    // `/hold` answers only when the test releases it: the connection is writing meanwhile.
    if (request.url === '/hold') held.push(response)
    else response.end('ok')
  })
  server.on('upgrade', (_request, socket) => {
    // A tunnel ends when its client does.
    socket.on('end', () => socket.destroy())
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n')
  })
  tracker = new ConnectionTracker()
  tracker.attach(server, false)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
})
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

async function open(): Promise<Socket> {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1')
  sockets.push(socket)
  await new Promise((resolve) => socket.once('connect', resolve))
  return socket
}

/** Waits until the counts show `expected` (the server sees socket events a little after the client). */
async function settle(expected: Partial<ReturnType<ConnectionTracker['counts']>>): Promise<void> {
  await expect.poll(() => tracker.counts(), { timeout: 2000 }).toMatchObject(expected)
}

describe('ConnectionTracker', () => {
  it('follows a connection from reading to writing to waiting, and forgets it when it closes', async () => {
    const socket = await open()
    await settle({ accepted: 1, handled: 1, active: 1, reading: 1, writing: 0, waiting: 0 })
    socket.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\n')
    await settle({ reading: 0, writing: 1, waiting: 0 })
    held[0]?.end('done')
    await settle({ reading: 0, writing: 0, waiting: 1, active: 1 })
    socket.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\n')
    await settle({ writing: 1, waiting: 0 })
    socket.destroy()
    await settle({ accepted: 1, active: 0, reading: 0, writing: 0, waiting: 0 })
  })

  it('keeps a connection writing until every pipelined request is answered', async () => {
    const socket = await open()
    socket.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n')
    await settle({ writing: 1 })
    held[0]?.end('done')
    await settle({ writing: 0, waiting: 1 })
  })

  it('counts a tunnelled upgrade as writing until it closes', async () => {
    const socket = await open()
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n')
    await settle({ writing: 1, reading: 0 })
    socket.destroy()
    await settle({ active: 0 })
  })

  it('counts each connection once when a server is handed the same socket again', async () => {
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve))
    await open()
    const serverSide = await accepted
    await settle({ accepted: 1 })
    server.emit('connection', serverSide)
    expect(tracker.counts()).toMatchObject({ accepted: 1, active: 1 })
  })

  it('counts several connections side by side', async () => {
    const idle = await open()
    const busy = await open()
    idle.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n')
    busy.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\n')
    await open()
    await settle({ accepted: 3, active: 3, reading: 1, writing: 1, waiting: 1 })
  })
})
