import { Router } from './router.ts'
import { runRouterContract } from './router-contract.ts'

runRouterContract('Router (indexed)', (schema) => new Router(schema))
