import { describe, expect, it } from 'vitest'
import { AdminClient, AdminUnreachable, adminUrlProblem } from './client.ts'

describe('Admin API URL', () => {
  it.each(['/api', '/gw/api/', './api', 'api', 'http://127.0.0.1:8001', 'https://admin.example.com/kong', 'HTTP://[::1]:8001'])('takes %j', (base) => {
    expect(adminUrlProblem(base)).toBeUndefined()
  })

  it.each([
    ['127.0.0.1:19301', 'http://127.0.0.1:19301'],
    ['localhost:8001', 'http://localhost:8001'],
    ['[::1]:8001', 'http://[::1]:8001'],
    ['admin.example.com', 'http://admin.example.com'],
    ['gateway.internal:8001/api', 'http://gateway.internal:8001/api'],
  ])('says %j has no scheme and what to write instead', (base, written) => {
    expect(adminUrlProblem(base)).toBe(`"${base}" has no scheme: write ${written} (or https://), or a path on this site such as /api.`)
  })

  it('says the Admin API is not called over other schemes', () => {
    expect(adminUrlProblem('ftp://127.0.0.1:8001')).toMatch(/^The Admin API is called over http or https, not ftp/)
  })

  it('gives the hint instead of calling an address without a scheme', async () => {
    const call = new AdminClient('127.0.0.1:19301').info()
    await expect(call).rejects.toBeInstanceOf(AdminUnreachable)
    await expect(call).rejects.toThrow('write http://127.0.0.1:19301')
  })
})
