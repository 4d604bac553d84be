// Traditional routes beside expressions: the public part of this folder.

export type { AddressMatch, Flavor, PriorityLayout, Protocol, TraditionalRoute } from './route.ts'
export { PROTOCOLS, isStreamRoute, isRegexPath, subsystemOf } from './route.ts'
export type { FieldError, SchemaViolation, KongErrorFields } from './errors.ts'
export { schemaViolation } from './errors.ts'
export type { NormalizeOptions, NormalizeResult, RouteDefaults } from './validate.ts'
export { normalizeRoute, withEntityDefaults } from './validate.ts'
export {
  checkUtf8Name,
  utf8Error,
  checkKongPath,
  isEmptyTable,
  protocolFieldErrors,
  subschemaKeyError,
  exclusiveProtocolsError,
  snisRefused,
  SNI_PROTOCOLS,
  SNIS_ENTITY_ERROR,
  SNIS_FIELD_ERROR,
  TLS_PASSTHROUGH_SNIS_ERROR,
  MATCHING_FIELDS,
  isNonEmpty,
  routeEntityChecks,
} from './entity-rules.ts'
export type { EntityCheckResult, FailedFields } from './entity-rules.ts'
export { checkHeaderName } from './headers.ts'
export { checkHostWithoutPort } from './hosts.ts'
export { checkAddress } from './addresses.ts'
export { luaToNumber } from './lua-number.ts'
export { traditionalExpression } from './expression.ts'
export { flavorExpression, protocolPredicate } from './flavor.ts'
export { rewriteNetPort as rewriteNetPortText, rewriteNetPortMapped, usesNetPort, writtenDiagnostic } from '../net-port.ts'
export type { PriorityParts } from './priority.ts'
export {
  documentedPriority,
  effectivePriority,
  formatRouterPriority,
  priorityParts,
  routePriority,
  streamPriority,
} from './priority.ts'
export type { RoutePart } from './split.ts'
export { splitByPath, splitRouteId } from './split.ts'
export { SPLIT_ROUTE_NAMESPACE, uuidV5 } from './uuid.ts'
export { needsRegexRewrite, regexPathPattern } from './paths.ts'
export type { TraditionalMatcher, TraditionalMatcherOptions, TraditionalMatchersResult } from './matchers.ts'
export { matchersOf, traditionalMatchers } from './matchers.ts'
