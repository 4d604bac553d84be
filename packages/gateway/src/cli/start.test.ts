import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../testing/harness.ts'
import { configFromArgs, invalidConfiguration } from './start.ts'

const dir = tempDir()
afterAll(() => dir.cleanup())

const errorsOf = (args: readonly string[], env: Record<string, string> = {}): readonly string[] => {
  const loaded = configFromArgs(args, env)
  return loaded.ok ? [] : loaded.errors
}

describe('switchyard start: what it refuses, each in one line naming the option, setting or file', () => {
  it('names an unknown option as unknown, also the last one, without taking what follows as its value', () => {
    expect(errorsOf(['--bogus'])).toEqual(['unknown option --bogus (switchyard --help lists them)'])
    expect(errorsOf(['--workers', '2', '--bogus'])).toEqual(['unknown option --bogus (switchyard --help lists them)'])
    expect(errorsOf(['--bogus', '--workers', '2'])).toEqual(['unknown option --bogus (switchyard --help lists them)'])
    expect(errorsOf(['--workers'])).toEqual(['--workers: missing value'])
  })

  it('names a configuration file it cannot read, and the file and line of a bad setting in it', () => {
    const missing = join(dir.path, 'missing.conf')
    expect(errorsOf(['-c', missing])).toEqual([`-c: cannot read ${missing}: no such file`])
    expect(errorsOf([], { SWITCHYARD_CONF: missing })).toEqual([`SWITCHYARD_CONF: cannot read ${missing}: no such file`])
    const conf = join(dir.path, 'kong.conf')
    writeFileSync(conf, '# settings\nworkers = 2\nbogus = 1\nno equals sign\n')
    expect(errorsOf(['--conf', conf])).toEqual([`${conf}:3: unknown setting "bogus"`, `${conf}:4: expected "name = value"`])
  })

  it('says a port is out of range rather than that the address is not host:port', () => {
    expect(errorsOf(['--proxy-listen', '127.0.0.1:99999'])).toEqual(['proxy_listen: invalid port 99999 in "127.0.0.1:99999" (a port is 1-65535, or 0 for any free one)'])
    expect(errorsOf(['--proxy-listen', '127.0.0.1'])).toEqual(['proxy_listen: invalid address "127.0.0.1" (expected host:port)'])
  })

  it('refuses to start with nothing to listen on', () => {
    expect(errorsOf(['--proxy-listen', 'off', '--admin-listen', 'off'])).toEqual(['proxy_listen and admin_listen are both off, so nothing would listen: set one of them'])
    expect(errorsOf(['--proxy-listen', 'off'])).toEqual([])
  })

  it('writes one problem on one line and several as a list', () => {
    expect(invalidConfiguration(['a'])).toBe('switchyard: invalid configuration: a\n')
    expect(invalidConfiguration(['a', 'b'])).toBe('switchyard: invalid configuration:\n  a\n  b\n')
  })
})
