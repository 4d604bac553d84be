// The public API of @switchyard/core, chosen export by export. Whatever is not exported here is private.

export type { Span, LineColumn } from './diagnostics/span.ts'
export { span, lineColumn } from './diagnostics/span.ts'
export type { DiagnosticKind, DiagnosticCode } from './diagnostics/catalog.ts'
export { catalog } from './diagnostics/catalog.ts'
export type { Diagnostic, Severity, Result } from './diagnostics/diagnostic.ts'
export { hasErrors } from './diagnostics/diagnostic.ts'
export { renderDiagnostic, renderDiagnostics } from './diagnostics/render.ts'

export type { ValueType, IpAddr, IpCidr, FieldValue } from './values/types.ts'
export { INT_MIN, INT_MAX, isValueType } from './values/types.ts'
export { parseIpAddr, parseIpCidr, cidrContains, ipEquals, formatIpAddr, formatIpCidr } from './values/ip.ts'
export type { CompiledRegex, RegexError } from './values/regex/index.ts'
export { compileRegex, RegexCache, literalPrefix } from './values/regex/index.ts'

export type { Expr, And, Or, Not, Predicate, FieldRef, Literal, StringLiteral, IntLiteral, IpAddrLiteral, IpCidrLiteral, SetLiteral } from './syntax/ast.ts'
export { forEachPredicate, fieldsOf } from './syntax/ast.ts'
export type { OperatorName, OperatorSpec, LiteralType, Transform } from './syntax/operators.ts'
export { operators, OPERATOR_NAMES, isTransform } from './syntax/operators.ts'
export type { Token, TokenKind } from './syntax/token.ts'
export type { ParseOutcome } from './syntax/parser.ts'
export { parse, parseDetailed } from './syntax/parser.ts'
export { print, printExplicit, printField, printLiteral } from './syntax/print.ts'
export { and, or, not, predicate, stringLiteral, anyOf, allOf, withoutSpans } from './syntax/build.ts'
export { MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH, MAX_PREDICATES } from './syntax/limits.ts'

export { Schema } from './schema/schema.ts'

export type { CheckedExpression } from './check/checker.ts'
export { check, literalType, operatorsFor } from './check/checker.ts'
export type { Validation } from './check/validate.ts'
export { validate } from './check/validate.ts'

export type { Context } from './context/context.ts'
export { FieldContext } from './context/context.ts'
export type { Match } from './context/match.ts'
export { MatchRecord } from './context/match.ts'

export type { Matcher, CompileOptions } from './compile/predicate.ts'
export { compile, compileExpr } from './compile/compiler.ts'
export type { Trace, PredicateTrace, LogicTrace, ExpressionTrace } from './compile/explain.ts'
export { explainExpr } from './compile/explain.ts'

export type { RouteInput, PreparedRoute } from './router/route.ts'
export { RouterError, compareRoutes, normalizeId, normalizePriority } from './router/route.ts'
export type { RouterApi, Explanation, RouteExplanation } from './router/router-api.ts'
export { LinearRouter } from './router/linear-router.ts'
export { LinearRouter as Router } from './router/linear-router.ts'
