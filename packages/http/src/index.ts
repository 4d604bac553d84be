// The public API of @switchyard/http, chosen export by export. Whatever is not exported here is private.

export { httpSchema, streamSchema, schemaForProtocols, subsystemForProtocols } from './schemas.ts'
export type { Subsystem } from './schemas.ts'

export type { RequestLike, ExtractionResult, ExtractorOptions, FieldExtractor } from './request.ts'
export { createFieldExtractor, extractFields, hostOfRequest } from './request.ts'
export type { JsonFieldValue, FieldsResult } from './fields-record.ts'
export { contextFromFields } from './fields-record.ts'

export { normalizePath, stripQuery } from './path.ts'
export type { RequestHead, RequestRefusal } from './refusal.ts'
export { hasBadTarget, isValidHost, isValidLineHost, requestHeadOf, requestRefusal } from './refusal.ts'
export type { Utf8Result } from './bytes.ts'
export type { SegmentSelector } from './segments.ts'
export { parseSegmentSelector, splitSegments } from './segments.ts'
export { splitHost } from './host.ts'
export type { HostParts } from './host.ts'
export { isNginxHeaderName, MAX_HEADERS, takesHeaderName, type HeaderNames } from './headers.ts'
export { MAX_QUERY_ARGS } from './query.ts'

export * from './traditional/index.ts'
export * from './upstream.ts'

export type { ExpressionRouteInput, ExpressionRouteValidation, ExpressionRouteMatcher } from './expression-route.ts'
export {
  validateExpressionRoute,
  kongExpressionError,
  ROUTER_VALIDATION_PREFIX,
  expressionRouteMatcher,
  expressionRoutePriority,
  amendProtocols,
  routeProtocols,
  isWellFormedSegmentSuffix,
  MAX_EXPRESSION_PRIORITY,
  EXPRESSION_ONLY_BITS,
} from './expression-route.ts'
export * from './migrate/index.ts'
export { setOwn } from './set-own.ts'
