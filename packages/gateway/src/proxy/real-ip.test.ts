// Kong's real_ip_header and real_ip_recursive: nginx's realip module with trusted_ips as
// set_real_ip_from. The tables run the address walk alone; the gateways below check what routes,
// upstreams and the access log see over real sockets.
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trustedNetworks } from '../config.ts'
import { adminCall, startInProcess, startUpstream, tempDir, type Echo, type InProcessGateway, type TestServer } from '../testing/harness.ts'
import { createRealIp } from './real-ip.ts'

const TRUSTED = trustedNetworks(['10.0.0.0/8', '192.168.0.0/16', '2001:db8:ffff::/48'])
const PEER = '10.0.0.1'

/** The client address for a request from a trusted peer carrying `lines` of `name`. */
function realIp(header: string, recursive: boolean, name: string, lines: readonly string[], peer = PEER): string | undefined {
  const found = createRealIp(TRUSTED, header, recursive)(peer, lines.flatMap((value) => [name, value]), {})
  return found === undefined ? undefined : found.port === undefined ? found.ip : `${found.ip} port ${found.port}`
}

describe('createRealIp', () => {
  it.each([
    ['the last address', ['198.51.100.1, 203.0.113.7'], '203.0.113.7'],
    ['the last address, trusted or not', ['203.0.113.7, 10.0.0.2'], '10.0.0.2'],
    ['the last line of several', ['203.0.113.7', '198.51.100.1'], '198.51.100.1'],
    ['an address with its port', ['203.0.113.7:5555'], '203.0.113.7 port 5555'],
    ['a bracketed IPv6 address with its port', ['[2001:DB8::1]:8080'], '2001:db8::1 port 8080'],
    ['IPv6 as nginx writes it', ['2001:0db8:0:0:0:0:0:1'], '2001:db8::1'],
    ['IPv6 with a single zero group kept', ['1:0:1:0:0:1:0:1'], '1:0:1::1:0:1'],
    ['IPv4-mapped IPv6 as IPv6 text', ['::FFFF:203.0.113.7'], '::ffff:203.0.113.7'],
    ['IPv4 with leading zeros (nginx reads them as decimal)', ['203.000.113.007'], '203.0.113.7'],
    ['nothing from a value that is no address', ['unknown'], undefined],
    ['nothing from an address with port 0', ['203.0.113.7:0'], undefined],
    ['nothing from 255.255.255.255 (nginx’s INADDR_NONE)', ['255.255.255.255'], undefined],
    ['nothing from an empty value', [''], undefined],
    ['nothing from a bracketed address without port', ['[2001:db8::1]'], undefined],
  ] as const)('X-Forwarded-For, recursive off: %s', (_, lines, expected) => {
    expect(realIp('X-Forwarded-For', false, 'X-Forwarded-For', lines)).toBe(expected)
  })

  it.each([
    ['skips trusted addresses from the right', ['198.51.100.1, 203.0.113.7, 10.0.0.2, 192.168.1.1'], '203.0.113.7'],
    ['takes the leftmost when every address is trusted', ['10.0.0.3, 10.0.0.2'], '10.0.0.3'],
    ['walks on through earlier lines', ['198.51.100.1, 203.0.113.7', '10.0.0.2'], '203.0.113.7'],
    ['stops at an item that does not parse, keeping the last address taken', ['203.0.113.7, garbage, 10.0.0.2'], '10.0.0.2'],
    ['stops at a line that does not parse, keeping the last address taken', ['203.0.113.7', 'garbage', '10.0.0.2'], '10.0.0.2'],
    ['takes nothing when the last item does not parse', ['203.0.113.7, garbage'], undefined],
    ['counts an IPv4-mapped address as IPv4 when checking trust', ['203.0.113.7, ::ffff:10.0.0.2'], '203.0.113.7'],
    ['skips trusted IPv6 addresses', ['2001:db8::7, 2001:db8:ffff::1'], '2001:db8::7'],
    ['ignores separators at the end', ['203.0.113.7,,'], '203.0.113.7'],
  ] as const)('X-Forwarded-For, recursive on: %s', (_, lines, expected) => {
    expect(realIp('X-Forwarded-For', true, 'x-forwarded-for', lines)).toBe(expected)
  })

  it('reads only the first line of any header but the exact name X-Forwarded-For, and its last address', () => {
    expect(realIp('X-Real-IP', false, 'X-Real-IP', ['203.0.113.7', '198.51.100.1'])).toBe('203.0.113.7')
    expect(realIp('X-Real-IP', false, 'x-real-ip', ['198.51.100.1, 203.0.113.7'])).toBe('203.0.113.7')
    expect(realIp('X-Real-IP', true, 'X-Real-IP', ['198.51.100.1 10.0.0.2'])).toBe('198.51.100.1')
    expect(realIp('CF-Connecting-IP', false, 'cf-connecting-ip', ['203.0.113.9'])).toBe('203.0.113.9')
    // nginx picks its X-Forwarded-For handling by the exact spelling; other spellings name a plain header.
    expect(realIp('x-forwarded-for', false, 'X-Forwarded-For', ['203.0.113.7', '198.51.100.1'])).toBe('203.0.113.7')
  })

  it('leaves an untrusted peer, and a request without the header, alone', () => {
    expect(realIp('X-Forwarded-For', true, 'X-Forwarded-For', ['203.0.113.7'], '198.51.100.50')).toBeUndefined()
    expect(realIp('X-Real-IP', false, 'X-Forwarded-For', ['203.0.113.7'])).toBeUndefined()
  })
})

/** A GET with header lines in order (repeated names stay separate lines); Node adds no Host to such a list. */
function get(url: string, lines: readonly string[] = []): Promise<{ status: number; echo: Echo | undefined }> {
  const headers = lines.some((name, i) => i % 2 === 0 && name.toLowerCase() === 'host') ? [...lines] : ['Host', 'localhost', ...lines]
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, echo: response.statusCode === 200 ? (JSON.parse(body) as Echo) : undefined }))
    })
    request.on('error', reject)
    request.end()
  })
}

describe('real_ip_header over the wire', () => {
  let upstream: TestServer
  let lastAddress: InProcessGateway
  let recursive: InProcessGateway
  let realIpHeader: InProcessGateway
  let untrusted: InProcessGateway
  const logs = tempDir()
  const accessLog = join(logs.path, 'access.log')
  let logClosed = false

  async function configure(gw: InProcessGateway): Promise<void> {
    await adminCall(gw.admin, 'POST', '/services', { name: 'echo', url: `http://127.0.0.1:${upstream.port}` })
    await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'by-ip', expression: 'net.src.ip in 203.0.113.0/24 && http.path ^= "/ip"', strip_path: false })
    await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'by-port', expression: 'net.src.port == 5555 && http.path ^= "/port"', strip_path: false })
    await adminCall(gw.admin, 'POST', '/services/echo/routes', { name: 'open', expression: 'http.path ^= "/open"', strip_path: false })
  }

  beforeAll(async () => {
    upstream = await startUpstream('echo')
    // The tests connect from 127.0.0.1: trusted by the first three gateways.
    lastAddress = await startInProcess({ trusted_ips: '127.0.0.0/8', real_ip_header: 'X-Forwarded-For' })
    recursive = await startInProcess({ trusted_ips: '127.0.0.0/8', real_ip_header: 'X-Forwarded-For', real_ip_recursive: 'on' })
    realIpHeader = await startInProcess({ trusted_ips: '127.0.0.0/8', proxy_access_log: accessLog })
    untrusted = await startInProcess({ trusted_ips: '10.0.0.0/8', real_ip_header: 'X-Forwarded-For' })
    for (const gw of [lastAddress, recursive, realIpHeader, untrusted]) await configure(gw)
  })

  afterAll(async () => {
    for (const gw of [lastAddress, recursive, untrusted]) await gw.close()
    if (!logClosed) await realIpHeader.close()
    await upstream.close()
    logs.cleanup()
  })

  it('routes on the last X-Forwarded-For address of a trusted client, and sends it upstream as X-Real-IP', async () => {
    const { status, echo } = await get(`${lastAddress.proxy}/ip`, ['X-Forwarded-For', '198.51.100.1, 203.0.113.7'])
    expect(status).toBe(200)
    // Kong appends the connecting address ($realip_remote_addr) to the client's chain.
    expect(echo?.headers).toMatchObject({ 'x-real-ip': '203.0.113.7', 'x-forwarded-for': '198.51.100.1, 203.0.113.7, 127.0.0.1' })
    // Not recursive: a trusted last hop is the client all the same.
    expect((await get(`${lastAddress.proxy}/ip`, ['X-Forwarded-For', '203.0.113.7, 127.0.0.2'])).status).toBe(404)
  })

  it('skips trusted hops from the right with real_ip_recursive, across header lines', async () => {
    const { status, echo } = await get(`${recursive.proxy}/ip`, ['X-Forwarded-For', '203.0.113.7, 127.0.0.2'])
    expect(status).toBe(200)
    expect(echo?.headers).toMatchObject({ 'x-real-ip': '203.0.113.7', 'x-forwarded-for': '203.0.113.7, 127.0.0.2, 127.0.0.1' })
    const lines = await get(`${recursive.proxy}/ip`, ['X-Forwarded-For', '198.51.100.1, 203.0.113.8', 'X-Forwarded-For', '127.0.0.3, 127.0.0.2'])
    expect([lines.status, lines.echo?.headers['x-real-ip']]).toEqual([200, '203.0.113.8'])
    const allTrusted = await get(`${recursive.proxy}/open`, ['X-Forwarded-For', '127.0.0.5, 127.0.0.2'])
    expect(allTrusted.echo?.headers['x-real-ip']).toBe('127.0.0.5')
  })

  it('keeps the connecting address when the header holds no address', async () => {
    expect((await get(`${lastAddress.proxy}/ip`, ['X-Forwarded-For', '203.0.113.7, unknown'])).status).toBe(404)
    const { echo } = await get(`${lastAddress.proxy}/open`, ['X-Forwarded-For', 'unknown'])
    expect(echo?.headers).toMatchObject({ 'x-real-ip': '127.0.0.1', 'x-forwarded-for': 'unknown, 127.0.0.1' })
  })

  it('ignores the header of a client outside trusted_ips', async () => {
    expect((await get(`${untrusted.proxy}/ip`, ['X-Forwarded-For', '203.0.113.7'])).status).toBe(404)
    expect((await get(`${untrusted.proxy}/port`, ['X-Forwarded-For', '203.0.113.7:5555'])).status).toBe(404)
    const { echo } = await get(`${untrusted.proxy}/open`, ['X-Forwarded-For', '203.0.113.7'])
    expect(echo?.headers).toMatchObject({ 'x-real-ip': '127.0.0.1', 'x-forwarded-for': '203.0.113.7, 127.0.0.1' })
  })

  it('gives routes the header’s port as net.src.port, and no port when it has none', async () => {
    expect((await get(`${lastAddress.proxy}/port`, ['X-Forwarded-For', '203.0.113.7:5555'])).status).toBe(200)
    expect((await get(`${lastAddress.proxy}/port`, ['X-Forwarded-For', '203.0.113.7'])).status).toBe(404)
  })

  it('reads X-Real-IP by default, and sends the address as X-Forwarded-For when the client sent none', async () => {
    const { status, echo } = await get(`${realIpHeader.proxy}/ip`, ['X-Real-IP', '203.0.113.7'])
    expect(status).toBe(200)
    expect(echo?.headers).toMatchObject({ 'x-real-ip': '203.0.113.7', 'x-forwarded-for': '203.0.113.7' })
    const chained = await get(`${realIpHeader.proxy}/ip`, ['X-Real-IP', '203.0.113.7', 'X-Forwarded-For', '198.51.100.1'])
    expect(chained.echo?.headers).toMatchObject({ 'x-real-ip': '203.0.113.7', 'x-forwarded-for': '198.51.100.1, 127.0.0.1' })
  })

  it('logs the real client address, except for a request refused before it was read', async () => {
    await get(`${realIpHeader.proxy}/ip/logged`, ['X-Real-IP', '203.0.113.7'])
    await get(`${realIpHeader.proxy}/nowhere`, ['X-Real-IP', '203.0.113.8'])
    // nginx answers an invalid Host with 400 while reading the head, before the realip module runs.
    await get(`${realIpHeader.proxy}/open`, ['X-Real-IP', '203.0.113.9', 'Host', 'a..b'])
    // Stopping writes the log out.
    await realIpHeader.close()
    logClosed = true
    const lines = readFileSync(accessLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { path: string; status: number; client_ip: string })
    expect(lines.slice(-3).map((line) => [line.path, line.status, line.client_ip])).toEqual([
      ['/ip/logged', 200, '203.0.113.7'],
      ['/nowhere', 404, '203.0.113.8'],
      ['/open', 400, '127.0.0.1'],
    ])
  })
})
