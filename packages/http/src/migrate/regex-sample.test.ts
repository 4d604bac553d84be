import { describe, expect, it } from 'vitest'
import { regexSample } from './regex-sample.ts'

describe('regexSample', () => {
  it.each([
    ['/users/\\d+/profile', /^\/users\/\d+\/profile/],
    ['/v1/(?<res>[a-z]+)$', /^\/v1\/[a-z]+$/],
    ['/(users/)?1984/(?P<sub>profile)$', /^\/(users\/)?1984\/profile$/],
    ['/status/(re|ok)', /^\/status\/(re|ok)/],
    ['/items/[^/]+/x', /^\/items\/[^/]+\/x/],
    ['/a{3}b', /^\/aaab/],
    ['/\\\\/*$', /^\/\\\/*$/],
  ])('%s', (pattern, check) => {
    expect(regexSample(pattern)).toMatch(check)
  })
})
