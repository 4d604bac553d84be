import { LinearRouter } from './linear-router.ts'
import { runRouterContract } from './router-contract.ts'

runRouterContract('LinearRouter', (schema, options) => new LinearRouter(schema, options))
