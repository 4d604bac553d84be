// traditional-routes.md §5.4: every row of Kong's path-handling fixture
// (spec/fixtures/router_path_handling_tests.lua), with the route path as a prefix and as the regex
// `~/[0]?` + path, v0 and v1 (v1 is handled as v0 by the ATC flavors).
import { describe, expect, it } from 'vitest'
import { upstreamRequest } from './upstream.ts'

type Row = readonly [service: string, route: string | undefined, strip: string, requests: readonly string[], v0: string]

const ROWS: readonly Row[] = [
  ["/", "/", "both", ["/"], "/"],
  ["/", "/", "both", ["/route"], "/route"],
  ["/", "/", "both", ["/route/"], "/route/"],
  ["/", "/", "both", ["/routereq"], "/routereq"],
  ["/", "/", "both", ["/route/req"], "/route/req"],
  ["/", "/route", "false", ["/route"], "/route"],
  ["/", "/route", "false", ["/route/"], "/route/"],
  ["/", "/route", "false", ["/routereq"], "/routereq"],
  ["/", "/route", "true", ["/route"], "/"],
  ["/", "/route", "true", ["/route/"], "/"],
  ["/", "/route", "true", ["/routereq"], "/req"],
  ["/", "/route/", "false", ["/route/"], "/route/"],
  ["/", "/route/", "false", ["/route/req"], "/route/req"],
  ["/", "/route/", "true", ["/route/"], "/"],
  ["/", "/route/", "true", ["/route/req"], "/req"],
  ["/srv", "/rou", "false", ["/roureq"], "/srv/roureq"],
  ["/srv", "/rou", "true", ["/roureq"], "/srv/req"],
  ["/srv/", "/rou", "false", ["/rou"], "/srv/rou"],
  ["/srv/", "/rou", "true", ["/rou"], "/srv"],
  ["/service", "/", "both", ["/"], "/service"],
  ["/service", "/", "both", ["/route"], "/service/route"],
  ["/service", "/", "both", ["/route/"], "/service/route/"],
  ["/service", "/", "both", ["/routereq"], "/service/routereq"],
  ["/service", "/", "both", ["/route/req"], "/service/route/req"],
  ["/service", "/route", "false", ["/route"], "/service/route"],
  ["/service", "/route", "false", ["/route/"], "/service/route/"],
  ["/service", "/route", "false", ["/routereq"], "/service/routereq"],
  ["/service", "/route", "true", ["/route"], "/service"],
  ["/service", "/route", "true", ["/route/"], "/service/"],
  ["/service", "/route", "true", ["/routereq"], "/service/req"],
  ["/service", "/route/", "false", ["/route/"], "/service/route/"],
  ["/service", "/route/", "false", ["/route/req"], "/service/route/req"],
  ["/service", "/route/", "true", ["/route/"], "/service/"],
  ["/service", "/route/", "true", ["/route/req"], "/service/req"],
  ["/service/", "/", "both", ["/"], "/service/"],
  ["/service/", "/", "both", ["/route"], "/service/route"],
  ["/service/", "/", "both", ["/route/"], "/service/route/"],
  ["/service/", "/", "both", ["/routereq"], "/service/routereq"],
  ["/service/", "/", "both", ["/route/req"], "/service/route/req"],
  ["/service/", "/route", "false", ["/route"], "/service/route"],
  ["/service/", "/route", "false", ["/route/"], "/service/route/"],
  ["/service/", "/route", "false", ["/routereq"], "/service/routereq"],
  ["/service/", "/route", "true", ["/route"], "/service"],
  ["/service/", "/route", "true", ["/route/"], "/service/"],
  ["/service/", "/route", "true", ["/routereq"], "/service/req"],
  ["/service/", "/route/", "false", ["/route/"], "/service/route/"],
  ["/service/", "/route/", "false", ["/route/req"], "/service/route/req"],
  ["/service/", "/route/", "true", ["/route/"], "/service/"],
  ["/service/", "/route/", "true", ["/route/req"], "/service/req"],
  ["/", undefined, "both", ["/"], "/"],
  ["/", undefined, "both", ["/route"], "/route"],
  ["/", undefined, "both", ["/route/"], "/route/"],
  ["/service", undefined, "both", ["/"], "/service"],
  ["/service", undefined, "both", ["/route"], "/service/route"],
  ["/service", undefined, "both", ["/route/"], "/service/route/"],
  ["/service/", undefined, "both", ["/"], "/service/"],
  ["/service/", undefined, "both", ["/route"], "/service/route"],
  ["/service/", undefined, "both", ["/route/"], "/service/route/"],
  ["/service", "/route", "true", ["/route./req", "/route%2E/req", "/route%2e/req"], "/service/req"],
  ["/service/", "/route", "true", ["/route./req", "/route%2E/req", "/route%2e/req"], "/service/req"],
  ["/service", "/route", "true", ["/route../req", "/route%2E%2E/req", "/route%2e%2E/req"], "/service/req"],
  ["/service/", "/route", "true", ["/route../req", "/route%2E%2E/req", "/route%2e%2E/req"], "/service/req"],
  ["/service", "/route", "false", ["/route./req", "/route%2E/req", "/route%2e/req"], "/service/route./req"],
  ["/service/", "/route", "false", ["/route./req", "/route%2E/req", "/route%2e/req"], "/service/route./req"],
  ["/service", "/route", "false", ["/route../req", "/route%2E%2E/req", "/route%2e%2E/req"], "/service/route../req"],
  ["/service/", "/route", "false", ["/route../req", "/route%2E%2E/req", "/route%2e%2E/req"], "/service/route../req"],
]

function cases(): [string, string, string | undefined, boolean, string, string, string][] {
  const out: [string, string, string | undefined, boolean, string, string, string][] = []
  for (const [service, route, strip, requests, expected] of ROWS) {
    const strips = strip === 'both' ? [true, false] : [strip === 'true']
    for (const stripPath of strips)
      for (const request of requests)
        for (const handling of ['v0', 'v1'])
          for (const kind of route === undefined ? ['hosts'] : ['prefix', 'regex'])
            out.push([kind, service, route, stripPath, request, handling, expected])
  }
  return out
}

describe('path handling fixture (§5.4)', () => {
  it.each(cases())('%s route: service %s, route %s, strip %s, request %s, %s', (kind, service, route, strip, request, handling, expected) => {
    let recorded: string | undefined
    if (kind === 'prefix') recorded = route
    if (kind === 'regex') {
      // The engine records the whole match of `^/[0]?rest` on the normalized path.
      const normalized = request.replace(/%2[eE]/g, '.')
      recorded = new RegExp(`^/[0]?${route!.slice(1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(normalized)?.[0]
      expect(recorded).toBeDefined()
    }
    const result = upstreamRequest(
      { strip_path: strip, path_handling: handling },
      { protocol: 'http', host: 'upstream', path: service },
      { target: request, host: 'kong' },
      { path: recorded },
    )
    expect(result).toMatchObject({ kind: 'proxy', path: expected })
  })
})
