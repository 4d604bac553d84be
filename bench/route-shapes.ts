// The cost of one match by the shape of the route that wins: each shape in a router of its own,
// the same request matched again and again (everything in the caches), median of seven rounds of a
// million matches. It shows what a route's own test and the Match it returns cost, apart from the
// index and the memory a large configuration spreads over (which `npm run bench` measures).
//   npm run bench:shapes
import { Router, Schema, type Context } from '@switchyard/core'
import { contextFromFields } from '@switchyard/http'

const schema = new Schema([
  ['http.host', 'String'],
  ['http.path', 'String'],
  ['http.method', 'String'],
  ['net.src.ip', 'IpAddr'],
])
const request = { 'http.host': 'api.example.com', 'http.path': '/users/42/orders', 'http.method': 'GET', 'net.src.ip': '10.1.2.3' }
const SHAPES: readonly (readonly [string, string])[] = [
  ['exact path', 'http.host == "api.example.com" && http.path == "/users/42/orders"'],
  ['path prefix + method', 'http.host == "api.example.com" && http.path ^= "/users/" && http.method == "GET"'],
  ['method set (||)', 'http.path ^= "/users/" && (http.method == "GET" || http.method == "HEAD")'],
  ['CIDR', 'http.path ^= "/users/" && net.src.ip in 10.0.0.0/8'],
  ['regex, no group', 'http.host == "api.example.com" && http.path ~ r#"^/users/\\d+/orders$"#'],
  ['regex, one group', 'http.host == "api.example.com" && http.path ~ r#"^/users/(\\d+)/orders$"#'],
  ['regex, named group', 'http.host == "api.example.com" && http.path ~ r#"^/users/(?P<id>\\d+)/orders$"#'],
  ['regex, lower()', 'http.host == "api.example.com" && lower(http.path) ~ r#"^/users/(?P<id>\\d+)/"#'],
]
const ROUNDS = 7
const MATCHES = 1_000_000

const built = contextFromFields(schema, request)
if (!built.ok) throw new Error(built.error)
const context: Context = built.context
console.log('| route shape | ns a match |\n|---|---:|')
for (const [shape, expression] of SHAPES) {
  const router = new Router(schema)
  const added = router.add({ id: shape, priority: 1, expression })
  if (!added.ok) throw new Error(`${shape}: ${added.diagnostics.map((d) => d.message).join('; ')}`)
  if (router.match(context)?.id !== shape) throw new Error(`${shape}: the request does not match its route`)
  for (let i = 0; i < MATCHES / 10; i++) router.match(context)
  const rounds: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now()
    for (let i = 0; i < MATCHES; i++) router.match(context)
    rounds.push(((performance.now() - start) * 1e6) / MATCHES)
  }
  rounds.sort((a, b) => a - b)
  console.log(`| ${shape} | ${Math.round(rounds[ROUNDS >> 1] as number)} |`)
}
