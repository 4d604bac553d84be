import { describe, expect, it } from 'vitest'
import { formatAddresses, parseAddresses } from './addresses.ts'

describe('source and destination lists', () => {
  it.each([
    ['10.0.0.0/8', [{ ip: '10.0.0.0/8' }]],
    ['10.0.0.1:5432, :53', [{ ip: '10.0.0.1', port: 5432 }, { port: 53 }]],
    ['*:80', [{ port: 80 }]],
    ['::1, [::1]:8443, fe80::/10', [{ ip: '::1' }, { ip: '::1', port: 8443 }, { ip: 'fe80::/10' }]],
    ['10.0.0.1:http', [{ ip: '10.0.0.1', port: 'http' }]],
  ])('%s', (text, entries) => {
    expect(parseAddresses(text)).toEqual(entries)
    expect(parseAddresses(formatAddresses(parseAddresses(text)))).toEqual(entries)
  })

  it('reads an empty list as unset, as Kong stores it', () => {
    expect(parseAddresses(' , ')).toBeNull()
    expect(formatAddresses(null)).toBe('')
  })
})
