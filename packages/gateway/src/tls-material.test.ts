// Kong's ssl_cert and ssl_cert_key: comma-separated pairs (an RSA and an ECDSA certificate served to
// the clients that take each), each a path, PEM text or base64 PEM text; on a real HTTPS listener.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type PeerCertificate } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selfSignedCertificate, startInProcess, tempDir } from './testing/harness.ts'
import { readTlsMaterial } from './tls-material.ts'

let dir: { path: string; cleanup: () => void }
let rsa: { cert: string; key: string }
let ec: { cert: string; key: string }

beforeAll(() => {
  dir = tempDir()
  rsa = selfSignedCertificate(dir.path, 'rsa', 'api.example.com')
  ec = { cert: join(dir.path, 'ec-cert.pem'), key: join(dir.path, 'ec-key.pem') }
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=api.example.com', '-keyout', ec.key, '-out', ec.cert], { stdio: 'ignore' })
})

afterAll(() => dir?.cleanup())

/** The certificate a listener shows a client that signs only with `sigalgs`. */
function served(port: number, sigalgs: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'api.example.com', rejectUnauthorized: false, sigalgs, maxVersion: 'TLSv1.2' }, () => {
      resolve(socket.getPeerCertificate())
      socket.destroy()
    })
    socket.on('error', reject)
  })
}

describe('ssl_cert and ssl_cert_key', () => {
  it('read paths, PEM text and base64 PEM text, pair by pair', () => {
    const pem = readFileSync(ec.cert, 'utf8')
    const base64Key = readFileSync(ec.key).toString('base64')
    const material = readTlsMaterial(`${rsa.cert}, ${pem}`, `${rsa.key},${base64Key}`)
    expect(material.cert).toEqual([readFileSync(rsa.cert, 'utf8'), pem.trim()])
    expect(material.key).toEqual([readFileSync(rsa.key, 'utf8'), readFileSync(ec.key, 'utf8')])
  })

  it('refuse counts that differ, a pair that does not belong together, and a file that is not there, naming each', () => {
    expect(() => readTlsMaterial(`${rsa.cert}, ${ec.cert}`, rsa.key)).toThrow('ssl_cert, ssl_cert_key: 2 certificate(s) but 1 key(s); give one key per certificate, in the same order')
    expect(() => readTlsMaterial(`${rsa.cert}, ${ec.cert}`, `${rsa.key}, ${rsa.key}`)).toThrow(`ssl_cert, ssl_cert_key: ${ec.cert} and ${rsa.key} are not a PEM certificate and its private key`)
    expect(() => readTlsMaterial(join(dir.path, 'missing.pem'), rsa.key)).toThrow(/^ssl_cert: cannot read .*missing\.pem: no such file/)
  })

  it('serve the ECDSA certificate to a client that signs with ECDSA only, and the RSA one to the others', async () => {
    const gw = await startInProcess({ proxy_listen: '127.0.0.1:0 ssl', ssl_cert: `${rsa.cert}, ${ec.cert}`, ssl_cert_key: `${rsa.key}, ${ec.key}` })
    try {
      const port = gw.gateway.proxy.addresses[0]?.port ?? 0
      const byEcdsa = await served(port, 'ecdsa_secp256r1_sha256')
      const byRsa = await served(port, 'rsa_pss_rsae_sha256:rsa_pkcs1_sha256')
      expect(byEcdsa.asn1Curve).toBe('prime256v1')
      expect(byRsa.asn1Curve).toBeUndefined()
      expect(byRsa.modulus).toMatch(/^[0-9A-F]+$/)
    } finally {
      await gw.close()
    }
  })
})
