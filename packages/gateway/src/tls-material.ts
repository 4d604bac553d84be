import { createPrivateKey, X509Certificate } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { readSettingFile } from './input-file.ts'

/** The certificates and their keys for `ssl` listeners, in pairs: Node serves each client the one its TLS offer takes (RSA, ECDSA). */
export interface TlsMaterial {
  // Mutable arrays: Node's TLS options take no readonly ones.
  readonly cert: string[]
  readonly key: string[]
}

const PEM = '-----BEGIN'

/** One entry of `ssl_cert` or `ssl_cert_key`, resolved to PEM text, with how messages name it. */
interface Entry {
  readonly pem: string
  readonly name: string
}

/**
 * One entry as Kong takes it: PEM text itself, base64 of PEM text (one line, as in an environment
 * variable), or the path of a PEM file.
 */
function entryOf(setting: string, text: string, position: number, count: number): Entry {
  const which = count > 1 ? ` (entry ${position})` : ''
  if (text.startsWith(PEM)) return { pem: text, name: `the PEM text${which}` }
  if (/^[A-Za-z0-9+/]+=*$/.test(text)) {
    const decoded = Buffer.from(text, 'base64').toString('utf8')
    if (decoded.startsWith(PEM)) return { pem: decoded, name: `the base64 PEM text${which}` }
  }
  return { pem: readSettingFile(setting, text), name: text }
}

function entriesOf(setting: string, value: string): Entry[] {
  const parts = value.split(',').map((part) => part.trim()).filter((part) => part !== '')
  return parts.map((part, i) => entryOf(setting, part, i + 1, parts.length))
}

/**
 * Kong's `ssl_cert` and `ssl_cert_key`: comma-separated, the n-th key for the n-th certificate (an
 * RSA and an ECDSA certificate, say), each a path, PEM text or base64 of it. Throws with the setting
 * and the entry named when one cannot be read, the counts differ, or a pair is not a certificate and
 * its private key.
 */
export function readTlsMaterial(certSetting: string, keySetting: string): TlsMaterial {
  const certs = entriesOf('ssl_cert', certSetting)
  const keys = entriesOf('ssl_cert_key', keySetting)
  if (certs.length !== keys.length) throw new Error(`ssl_cert, ssl_cert_key: ${certs.length} certificate(s) but ${keys.length} key(s); give one key per certificate, in the same order`)
  certs.forEach((cert, i) => {
    const key = keys[i] as Entry
    let problem: string | undefined
    try {
      createSecureContext({ cert: cert.pem, key: key.pem })
      // OpenSSL keeps a key of another type than the certificate's in a slot of its own, unpaired.
      if (!new X509Certificate(cert.pem).checkPrivateKey(createPrivateKey(key.pem))) problem = 'the key does not belong to the certificate'
    } catch (error) {
      problem = (error as Error).message
    }
    if (problem !== undefined) throw new Error(`ssl_cert, ssl_cert_key: ${cert.name} and ${key.name} are not a PEM certificate and its private key (${problem})`)
  })
  return { cert: certs.map((c) => c.pem), key: keys.map((k) => k.pem) }
}
