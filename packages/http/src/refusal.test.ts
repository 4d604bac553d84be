import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hasBadTarget, isValidHost, requestHeadOf, requestRefusal, type RequestHead } from './refusal.ts'

const head = (fields: Partial<RequestHead>): RequestHead => ({ method: 'GET', target: '/', hosts: ['a.example'], http11: true, ...fields })

describe('requestRefusal: what nginx answers before routing', () => {
  it.each([
    ['/a/%zz', /'%' at character 4 /],
    ['/a%0', /does not start an escape/],
    ['/a%00b', /%00/],
    ['/../x', /climb above/],
    ['/a/%2e%2e/%2E%2e/x', /climb above/],
    ['/a/..%2f..%2fx', /climb above/],
    // nginx's path ends at a raw '#' as at '?' (Kong differential run)
    ['/..#frag', /climb above/],
    ['/a/../..#x?y', /climb above/],
    ['*', /does not start with '\/'/],
  ])('refuses the target %s with 400', (target, reason) => {
    const refusal = requestRefusal(head({ target }))
    expect(refusal?.status).toBe(400)
    expect(refusal?.reason).toMatch(reason)
  })

  it.each(['/a/../b', '/a/./b/..', '/x?q=%zz&r=../..', '/%41%2fb', '/a..b/..c', '/a#%zz', '/a#/../..', '/a#b?%4'])('routes the target %s', (target) => {
    expect(requestRefusal(head({ target }))).toBeUndefined()
  })

  it.each([
    [[], true, /must have a Host/],
    [['a.example', 'b.example'], true, /more than one Host/],
    [['ex ample'], true, /not a valid host/],
    [[''], false, /not a valid host/],
    [['a..b'], true, /not a valid host/],
    [['a/b'], true, /not a valid host/],
    [[':80'], true, /not a valid host/],
  ])('refuses the Host lines %j (HTTP/1.1: %s) with 400', (hosts, http11, reason) => {
    const refusal = requestRefusal(head({ hosts, http11 }))
    expect(refusal?.status).toBe(400)
    expect(refusal?.reason).toMatch(reason)
  })

  it('routes an HTTP/1.0 request without Host, and hosts nginx accepts', () => {
    expect(requestRefusal(head({ hosts: [], http11: false }))).toBeUndefined()
    for (const host of ['.a.example', 'a.example.', '[::1]:8000', 'a\\b', 'xn--e1afmkfd.example']) expect(isValidHost(host)).toBe(true)
  })

  it('refuses an absolute-form host nginx cannot read', () => {
    expect(requestRefusal(head({ lineHost: 'user@h' }))?.status).toBe(400)
    expect(requestRefusal(head({ lineHost: 'a.example:8000' }))).toBeUndefined()
  })

  it('answers TRACE 405 once the request is readable', () => {
    expect(requestRefusal(head({ method: 'TRACE' }))).toEqual({ status: 405, reason: 'TRACE is not allowed' })
    expect(requestRefusal(head({ method: 'TRACE', target: '/%zz' }))?.status).toBe(400)
    expect(requestRefusal(head({ method: 'TRACE', hosts: [], http11: false }))?.status).toBe(405)
  })

  it('reads the head of a request given as fields: host, else every Host header line', () => {
    expect(requestHeadOf({ path: '/a', host: 'h', headers: { Host: ['x', 'y'] } }, true)).toEqual({ method: 'GET', target: '/a', hosts: ['h'], http11: true })
    expect(requestHeadOf({ method: 'POST', path: '/a', headers: { HOST: ['x', 'y'], accept: '*/*' } }, false)).toEqual({ method: 'POST', target: '/a', hosts: ['x', 'y'], http11: false })
  })

  it('agrees with the fast check the proxy runs on every request', () => {
    const target = fc.stringMatching(/^\/[a-z.%0-9A-F/?]{0,12}$/)
    fc.assert(
      fc.property(target, (t) => {
        expect(hasBadTarget(t)).toBe(requestRefusal(head({ target: t })) !== undefined)
      }),
    )
  })
})
