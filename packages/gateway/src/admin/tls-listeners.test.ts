// `ssl` Admin API, GUI and Status API listeners (Kong's admin_listen `ssl` and admin_ssl_cert, …), on
// loopback: each serves its own certificate, or ssl_cert's when it has none, and the GUI forwards
// /api over TLS when every Admin API listener is `ssl`.
import { request } from 'node:https'
import type { PeerCertificate, TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selfSignedCertificate, startInProcess, tempDir, type InProcessGateway } from '../testing/harness.ts'

let dir: { path: string; cleanup: () => void }
let gw: InProcessGateway

/** GET over TLS (any certificate): the status, the body and the certificate the listener showed. */
function get(port: number, path: string): Promise<{ status: number; body: string; certificate: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (response) => {
      let body = ''
      const certificate = (response.socket as TLSSocket).getPeerCertificate()
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, certificate }))
    })
    call.on('error', reject)
    call.end()
  })
}

beforeAll(async () => {
  dir = tempDir()
  const shared = selfSignedCertificate(dir.path, 'shared', 'shared.test')
  const admin = selfSignedCertificate(dir.path, 'admin', 'admin.test')
  gw = await startInProcess({
    admin_listen: '127.0.0.1:0 ssl',
    admin_gui_listen: '127.0.0.1:0 ssl',
    status_listen: '127.0.0.1:0 ssl',
    admin_ssl_cert: admin.cert,
    admin_ssl_cert_key: admin.key,
    ssl_cert: shared.cert,
    ssl_cert_key: shared.key,
  })
})

afterAll(async () => {
  await gw?.close()
  dir?.cleanup()
})

describe('ssl Admin API, GUI and Status API listeners', () => {
  it('serve the Admin API over TLS with admin_ssl_cert', async () => {
    const answer = await get(gw.gateway.adminAddresses[0]?.port ?? 0, '/')
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toMatchObject({ tagline: expect.any(String) })
    expect(answer.certificate.subject.CN).toBe('admin.test')
  })

  it('serve the Status API and the GUI with ssl_cert, the GUI forwarding /api over TLS', async () => {
    const status = await get(gw.gateway.statusAddresses[0]?.port ?? 0, '/status')
    expect(status.status).toBe(200)
    expect(status.certificate.subject.CN).toBe('shared.test')
    const forwarded = await get(gw.gateway.guiAddresses[0]?.port ?? 0, '/api/services')
    expect(forwarded.status).toBe(200)
    expect(JSON.parse(forwarded.body)).toEqual({ data: [], next: null })
    expect(forwarded.certificate.subject.CN).toBe('shared.test')
  })
})
