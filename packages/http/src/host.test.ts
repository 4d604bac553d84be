import { describe, expect, it } from 'vitest'
import { splitHost } from './host.ts'

describe('splitHost', () => {
  it.each([
    ['example.com', 'example.com', undefined],
    ['example.com:8000', 'example.com', 8000],
    ['www.example.com:80', 'www.example.com', 80],
    ['Example.COM:443', 'Example.COM', 443],
    ['example.com:', 'example.com:', undefined],
    ['example.com:x', 'example.com:x', undefined],
    ['example.com:80x', 'example.com:80x', undefined],
    ['a:1:2', 'a:1:2', undefined],
    ['[::1]:8000', '[::1]:8000', undefined],
    ['[::1]', '[::1]', undefined],
    ['::1', '::1', undefined],
    ['h:0080', 'h', 80],
    ['h:99999999999999999999', 'h', undefined],
    // Lua tonumber, as for route hosts (traditional-routes.md §2.11).
    ['example.com:0x50', 'example.com', 80],
    ['any-port.com:0x1F90', 'any-port.com', 8080],
    ['example.com:8e1', 'example.com', 80],
    ['example.com:80.0', 'example.com', 80],
    ['example.com: 80', 'example.com', 80],
    ['example.com:80 ', 'example.com', 80],
    ['example.com:80.9', 'example.com', 80],
    ['example.com:-1', 'example.com', -1],
    ['example.com:1e400', 'example.com', undefined],
    ['example.com:0x', 'example.com:0x', undefined],
    // LuaJIT's tonumber also reads hex fractions with binary exponents, 0b binary, and inf / nan
    // (Kong's transform.lua run under LuaJIT): such a suffix is split off too; inf and nan give no port.
    ['example.com:0x1p4', 'example.com', 16],
    ['example.com:+0x50', 'example.com', 80],
    ['example.com:0b1010000', 'example.com', 80],
    ['example.com:nan', 'example.com', undefined],
    ['example.com:NaN', 'example.com', undefined],
    ['example.com:inf', 'example.com', undefined],
    ['example.com:-Infinity', 'example.com', undefined],
  ])('%j → host %j, port %j', (value, host, port) => {
    expect(splitHost(value)).toEqual({ host, port })
  })
})
