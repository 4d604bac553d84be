import { describeSchema } from '../entities/describe.ts'
import { prepareRoute, prepareService, type PrepareContext } from '../entities/prepare.ts'
import { routeSchema } from '../entities/route.ts'
import type { JsonObject } from '../entities/schema.ts'
import { SERVICE_SCHEMA } from '../entities/service.ts'
import type { EntityContext, WriteBody } from './entities.ts'
import { METHOD_NOT_ALLOWED, schemaViolation, type AdminResponse } from './problem.ts'

/** How each entity Kong's `/schemas/{entity}` knows is described and validated. */
interface SchemaEndpoint {
  readonly describe: (context: EntityContext) => ReturnType<typeof describeSchema>
  /** True, or the 400 a create with this body would get from the schema checks. */
  readonly validate: (input: JsonObject, context: PrepareContext) => AdminResponse | true
}

const ENTITIES: Readonly<Record<string, SchemaEndpoint>> = {
  services: {
    describe: () => describeSchema(SERVICE_SCHEMA),
    validate: (input, context) => {
      const prepared = prepareService(input, undefined, undefined, context)
      return prepared.ok || schemaViolation(prepared.violation)
    },
  },
  routes: {
    describe: (context) => describeSchema(routeSchema(context.flavor)),
    validate: (input, context) => {
      const prepared = prepareRoute(input, undefined, undefined, context)
      return prepared.ok || schemaViolation(prepared.violation)
    },
  },
}

/**
 * Kong's schema endpoints for services and routes: `GET /schemas/{entity}` (the fields as Kong lists
 * them) and `POST /schemas/{entity}/validate` (the schema and entity checks of a create, nothing
 * stored, no references looked up). Unknown entities are 404 `No entity named '…'`.
 */
export function schemasEndpoint(method: string, parts: readonly string[], body: WriteBody, context: EntityContext): AdminResponse | undefined {
  const [, name, action] = parts
  if (name === undefined || parts.length > 3 || (action !== undefined && action !== 'validate')) return undefined
  const entity = Object.hasOwn(ENTITIES, name) ? ENTITIES[name] : undefined
  if (entity === undefined) return { status: 404, body: { message: `No entity named '${name}'` } }
  if (action === undefined) return method === 'GET' ? { status: 200, body: entity.describe(context) } : METHOD_NOT_ALLOWED
  if (method !== 'POST') return METHOD_NOT_ALLOWED
  const checked = entity.validate(body.value, { flavor: context.flavor, checkRoute: context.checkRoute, now: 0, form: body.form })
  return checked === true ? { status: 200, body: { message: 'schema validation successful' } } : checked
}
