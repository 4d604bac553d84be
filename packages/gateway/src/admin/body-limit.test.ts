// nginx_admin_client_max_body_size (Kong's default 10m): a larger Admin API body is nginx's 413,
// whether its length is declared or it arrives in chunks, and the configuration stays as it was.
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminCall, startInProcess, type InProcessGateway } from '../testing/harness.ts'

let gw: InProcessGateway

beforeAll(async () => {
  gw = await startInProcess({ nginx_admin_client_max_body_size: '1k' })
})

afterAll(async () => {
  await gw.close()
})

/** Sends a body, declared or chunked, and reads the status and body of the answer. */
function send(body: string, chunked: boolean, type = 'application/json'): Promise<{ status: number; body: string; connection: string | undefined }> {
  const url = new URL(`${gw.admin}/services`)
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': type }
    if (!chunked) headers['content-length'] = String(Buffer.byteLength(body))
    const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => (text += chunk.toString()))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, connection: response.headers.connection }))
    })
    request.on('error', reject)
    // In pieces, so a chunked body is seen growing past the limit.
    for (let i = 0; i < body.length; i += 256) request.write(body.slice(i, i + 256))
    request.end()
  })
}

describe('nginx_admin_client_max_body_size', () => {
  const large = JSON.stringify({ name: 'too-large', host: 'a.example', tags: Array.from({ length: 200 }, (_, i) => `tag-${i}`) })

  it.each([false, true])('answers 413 to a body past the limit (chunked: %s), and stores nothing', async (chunked) => {
    expect(Buffer.byteLength(large)).toBeGreaterThan(1024)
    // The connection is closed, not kept to drain the rest of a body that may never end.
    expect(await send(large, chunked)).toEqual({ status: 413, body: JSON.stringify({ message: 'Payload too large' }), connection: 'close' })
    expect((await adminCall(gw.admin, 'GET', '/services/too-large')).status).toBe(404)
  })

  it('checks the length before the body type, as nginx does before Kong runs', async () => {
    expect((await send(large, false, 'text/plain')).status).toBe(413)
    expect((await send('x', false, 'text/plain')).status).toBe(415)
  })

  it('takes a body within the limit', async () => {
    expect((await send(JSON.stringify({ name: 'small', host: 'a.example' }), true)).status).toBe(201)
  })
})
