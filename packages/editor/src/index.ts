// The public API of @switchyard/editor, chosen export by export. Whatever is not exported here is private.

export type { RouteExpressionOptions } from './route-expression.ts'
export { routeExpression } from './route-expression.ts'
export type { CompletionSituation } from './complete.ts'
export { completionSituation, expressionCompletions, expressionCompletionSource, operatorsForType } from './complete.ts'
export type { ExpressionValidator } from './lint.ts'
export { applyQuickFix, expressionDiagnostics, parenthesize, quickFixAt, toLintDiagnostic } from './lint.ts'
export type { HoverInfo } from './hover.ts'
export { hoverInfo, expressionHover } from './hover.ts'
export { TOKEN_TAGS, tokenDecorations, tokenHighlighter } from './highlight.ts'
export { parsedExpression } from './parsed.ts'
export type { FieldInfo } from './fields.ts'
export { FIELD_MEANINGS, describeField, fieldInfos, knownValues } from './fields.ts'
