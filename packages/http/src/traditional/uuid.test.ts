import { describe, expect, it } from 'vitest'
import { SPLIT_ROUTE_NAMESPACE, sha1, utf8Bytes, uuidV5 } from './uuid.ts'

const hex = (bytes: number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join('')

describe('sha1', () => {
  it.each([
    ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
    ['a'.repeat(1000), '291e9a6c66994949b57ba5e650361e98fc36b1ba'],
  ])('hashes %j', (text, digest) => {
    expect(hex(sha1(utf8Bytes(text)))).toBe(digest)
  })
})

describe('uuidV5', () => {
  it.each([
    // RFC 4122 appendix / Python uuid.uuid5(NAMESPACE_DNS, 'python.org')
    ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org', '886313e1-3b8a-5372-9b90-0c9aee199e5d'],
    // traditional-routes.md §2.10, executed under Kong
    [SPLIT_ROUTE_NAMESPACE, 'e8fb37f1-102d-461e-9c51-6608a6bb8101#1', '086b6591-cafa-58be-b2dd-7640f294421f'],
    [SPLIT_ROUTE_NAMESPACE, 'e8fb37f1-102d-461e-9c51-6608a6bb8101#2', 'f3f66107-db02-53dc-baaf-ff30ef99a039'],
  ])('%s + %s → %s', (namespace, name, expected) => {
    expect(uuidV5(namespace, name)).toBe(expected)
  })

  it('encodes non-ASCII names as UTF-8', () => {
    expect(utf8Bytes('é€😀')).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80])
  })
})
