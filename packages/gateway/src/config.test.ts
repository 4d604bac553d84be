import { describe, expect, it } from 'vitest'
import { helpText, loadConfig, SETTINGS, trustedNetworks } from './config.ts'

describe('loadConfig', () => {
  it('uses Kong’s defaults', () => {
    const result = loadConfig({ env: {} })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config).toMatchObject({ proxyListen: [{ host: '0.0.0.0', port: 8000, ssl: false }], adminListen: [{ host: '127.0.0.1', port: 8001 }], database: 'sqlite', routerFlavor: 'expressions' })
  })

  it('takes flags over environment over file', () => {
    const result = loadConfig({ file: 'database = off\nrouter_flavor = traditional_compatible # comment\nworkers = 3', env: { SWITCHYARD_WORKERS: '2', SWITCHYARD_PROXY_LISTEN: '127.0.0.1:9000, [::1]:9443 ssl http2' }, flags: { workers: '4' } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual(['proxy_listen: an `ssl` listener needs ssl_cert and ssl_cert_key'])
    const fixed = loadConfig({ file: 'database = off\nrouter_flavor = traditional_compatible', env: { SWITCHYARD_WORKERS: '2', SWITCHYARD_PROXY_LISTEN: '127.0.0.1:9000' }, flags: { workers: '4' } })
    expect(fixed.ok && fixed.config).toMatchObject({ database: 'off', routerFlavor: 'traditional_compatible', workers: 4, proxyListen: [{ host: '127.0.0.1', port: 9000 }] })
  })

  it('reads trusted_ips as IPs and CIDRs, and names each bad entry', () => {
    const good = loadConfig({ env: { SWITCHYARD_TRUSTED_IPS: '10.0.0.0/8, 192.168.1.10,::1, 0.0.0.0/0' } })
    expect(good.ok && good.config.trustedIps).toEqual(['10.0.0.0/8', '192.168.1.10', '::1', '0.0.0.0/0'])
    // Text in the config, which travels to the workers as JSON; networks where they are used.
    expect(good.ok && JSON.parse(JSON.stringify(good.config)).trustedIps).toEqual(good.ok && good.config.trustedIps)
    expect(trustedNetworks(good.ok ? good.config.trustedIps : [])).toEqual([
      { family: 4, network: 0x0a000000, prefix: 8 },
      { family: 4, network: 0xc0a8010a, prefix: 32 },
      { family: 6, network: 1n, prefix: 128 },
      { family: 4, network: 0, prefix: 0 },
    ])
    expect(loadConfig({ env: {} }).ok && (loadConfig({ env: {} }) as { config: { trustedIps: unknown } }).config.trustedIps).toEqual([])
    const bad = loadConfig({ env: { SWITCHYARD_TRUSTED_IPS: '10.0.0.1/8,lb.example' } })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.errors).toEqual([
      "trusted_ips: '10.0.0.1/8' is not a CIDR (the address has bits set beyond the prefix; e.g. 10.0.0.0/8)",
      "trusted_ips: 'lb.example' is not an IP address or CIDR (e.g. 10.0.0.0/8, 192.168.1.10, ::1)",
    ])
  })

  it('reads real_ip_header and real_ip_recursive, with Kong’s defaults X-Real-IP and off', () => {
    expect(loadConfig({ env: {} })).toMatchObject({ ok: true, config: { realIpHeader: 'X-Real-IP', realIpRecursive: false } })
    expect(loadConfig({ env: { SWITCHYARD_REAL_IP_HEADER: 'X-Forwarded-For', SWITCHYARD_REAL_IP_RECURSIVE: 'on' } })).toMatchObject({ ok: true, config: { realIpHeader: 'X-Forwarded-For', realIpRecursive: true } })
    expect(loadConfig({ file: 'real_ip_header = CF-Connecting-IP\nreal_ip_recursive = on', flags: { real_ip_recursive: 'off' } })).toMatchObject({ ok: true, config: { realIpHeader: 'CF-Connecting-IP', realIpRecursive: false } })
  })

  it('reads error_default_type (Kong’s text/plain by default) and refuses a type Kong does not offer', () => {
    expect(loadConfig({ env: {} })).toMatchObject({ ok: true, config: { errorDefaultType: 'text/plain' } })
    expect(loadConfig({ env: { SWITCHYARD_ERROR_DEFAULT_TYPE: 'application/json' } })).toMatchObject({ ok: true, config: { errorDefaultType: 'application/json' } })
    expect(loadConfig({ file: 'error_default_type = text/html', flags: { error_default_type: 'application/xml' } })).toMatchObject({ ok: true, config: { errorDefaultType: 'application/xml' } })
    const refused = loadConfig({ env: { SWITCHYARD_ERROR_DEFAULT_TYPE: 'application/yaml' } })
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.errors.join('\n')).toMatch(/error_default_type: expected one of text\/plain, application\/json, application\/xml, text\/html, got "application\/yaml"/)
  })

  it('reads the body sizes as nginx writes them, with Kong’s defaults 0 (no limit) and 8k', () => {
    expect(loadConfig({ env: {} })).toMatchObject({ ok: true, config: { clientMaxBodySize: 0, clientBodyBufferSize: 8192 } })
    const sizes = loadConfig({ env: { SWITCHYARD_NGINX_HTTP_CLIENT_MAX_BODY_SIZE: '10M' }, file: 'nginx_http_client_body_buffer_size = 1m', flags: { nginx_http_client_body_buffer_size: '512' } })
    expect(sizes).toMatchObject({ ok: true, config: { clientMaxBodySize: 10 * 1024 * 1024, clientBodyBufferSize: 512 } })
    expect(loadConfig({ env: { SWITCHYARD_NGINX_HTTP_CLIENT_MAX_BODY_SIZE: '2g' } })).toMatchObject({ ok: true, config: { clientMaxBodySize: 2 * 1024 ** 3 } })
    const refused = loadConfig({ env: { SWITCHYARD_NGINX_HTTP_CLIENT_MAX_BODY_SIZE: '10 MB', SWITCHYARD_NGINX_HTTP_CLIENT_BODY_BUFFER_SIZE: '-1' } })
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.errors).toContain('nginx_http_client_max_body_size: expected a size such as 8k, 10m or 1g (or bytes), got "10 MB"')
      expect(refused.errors).toContain('nginx_http_client_body_buffer_size: expected a size such as 8k, 10m or 1g (or bytes), got "-1"')
    }
  })

  it('takes proxy_protocol, and refuses a value that is no header name and a real_ip_recursive other than on or off', () => {
    expect(loadConfig({ env: { SWITCHYARD_REAL_IP_HEADER: 'proxy_protocol' } })).toMatchObject({ ok: true, config: { realIpHeader: 'proxy_protocol' } })
    const result = loadConfig({ env: { SWITCHYARD_REAL_IP_RECURSIVE: 'yes' } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual(['real_ip_recursive: expected one of on, off, got "yes"'])
    expect(loadConfig({ flags: { real_ip_header: 'X Client' } })).toMatchObject({ ok: false, errors: ['real_ip_header: expected a header name such as X-Forwarded-For or X-Real-IP, got "X Client"'] })
    expect(loadConfig({ file: 'real_ip_header =' })).toMatchObject({ ok: false, errors: ['real_ip_header: expected a header name such as X-Forwarded-For or X-Real-IP, got ""'] })
  })

  it("takes nginx's log levels as Kong's log_level does", () => {
    expect(loadConfig({ file: 'log_level = notice' })).toMatchObject({ ok: true, config: { logLevel: 'info' } })
    expect(loadConfig({ file: 'log_level = crit' })).toMatchObject({ ok: true, config: { logLevel: 'fatal' } })
    expect(loadConfig({ file: 'log_level = warn' })).toMatchObject({ ok: true, config: { logLevel: 'warn' } })
    expect(loadConfig({ file: 'log_level = verbose' })).toMatchObject({ ok: false, errors: ['log_level: expected one of debug, info, notice, warn, error, crit, alert, emerg, silent, got "verbose"'] })
  })

  it('reads port_maps as Kong does (HOST_PORT:LISTENER_PORT, comma-separated) and names every bad entry', () => {
    expect(loadConfig({})).toMatchObject({ ok: true, config: { portMaps: [] } })
    expect(loadConfig({ file: 'port_maps = 80:8000, 443 : 8443' })).toMatchObject({ ok: true, config: { portMaps: [{ hostPort: 80, listenerPort: 8000 }, { hostPort: 443, listenerPort: 8443 }] } })
    const refused = loadConfig({ env: { SWITCHYARD_PORT_MAPS: 'src:dst,80,0:8000,80:65536,0x50:8000,81:9000,82:9000' } })
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    const invalid = (item: string): string => `port_maps: invalid port mapping '${item}': expected HOST_PORT:LISTENER_PORT with ports 1-65535 (e.g. 80:8000)`
    expect(refused.errors).toEqual([invalid('src:dst'), invalid('80'), invalid('0:8000'), invalid('80:65536'), invalid('0x50:8000'), "port_maps: listener port 9000 is mapped twice ('81:9000' and '82:9000'); keep one"])
  })

  it('reads the proxy_protocol flag on proxy_listen and stream_listen, and refuses it elsewhere', () => {
    const read = loadConfig({ file: 'proxy_listen = 0.0.0.0:8000 proxy_protocol, 0.0.0.0:8001\nstream_listen = 127.0.0.1:5555 reuseport proxy_protocol' })
    expect(read).toMatchObject({ ok: true, config: { proxyListen: [{ port: 8000, proxyProtocol: true }, { port: 8001 }], streamListen: [{ port: 5555, proxyProtocol: true }] } })
    if (read.ok) expect(read.config.proxyListen[1]?.proxyProtocol).toBeUndefined()
    const refused = loadConfig({ env: { SWITCHYARD_ADMIN_LISTEN: '127.0.0.1:8001 proxy_protocol', SWITCHYARD_STREAM_LISTEN: '127.0.0.1:5353 udp proxy_protocol' } })
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.errors).toEqual([
      'stream_listen: `udp` and `proxy_protocol` together in "127.0.0.1:5353 udp proxy_protocol" (the PROXY protocol is read on TCP listeners); remove one',
      'admin_listen: `proxy_protocol` is not supported in "127.0.0.1:8001 proxy_protocol" (only proxy_listen and stream_listen read the PROXY protocol); remove it',
    ])
  })

  it('reads stream_listen as proxy_listen with udp, and refuses udp with ssl, and ssl without a certificate', () => {
    expect(loadConfig({})).toMatchObject({ ok: true, config: { streamListen: [] } })
    const read = loadConfig({ file: 'stream_listen = 0.0.0.0:5555, 127.0.0.1:5556 reuseport, 127.0.0.1:5353 udp' })
    expect(read).toMatchObject({ ok: true, config: { streamListen: [{ host: '0.0.0.0', port: 5555, ssl: false }, { host: '127.0.0.1', port: 5556, ssl: false }, { host: '127.0.0.1', port: 5353, ssl: false, udp: true }] } })
    const refused = loadConfig({ env: { SWITCHYARD_STREAM_LISTEN: '0.0.0.0:5555 udp ssl, 0.0.0.0:5557 ssl' } })
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.errors).toEqual([
      'stream_listen: `udp` and `ssl` together in "0.0.0.0:5555 udp ssl" (TLS over UDP is not supported); choose one',
      'stream_listen: an `ssl` listener needs ssl_cert and ssl_cert_key',
    ])
  })

  it('reports every problem at once', () => {
    const result = loadConfig({ env: { SWITCHYARD_DATABASE: 'mysql', SWITCHYARD_WORKERS: 'zero', SWITCHYARD_ADMIN_LISTEN: '0.0.0.0:8001' } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toHaveLength(3)
    expect(result.errors.join('\n')).toContain('requires admin_token')
  })

  it('documents every setting in --help', () => {
    const help = helpText()
    for (const s of SETTINGS) expect(help).toContain(`SWITCHYARD_${s.name.toUpperCase()}`)
  })
})
