/**
 * The longest expression accepted, in UTF-16 code units. Far above what a hand-written route needs,
 * so that a converted traditional route with as many hosts or paths as MAX_PREDICATES allows (about
 * 36 characters each) still loads; the predicate and nesting limits are what keep the recursive
 * stages within the stack.
 */
export const MAX_EXPRESSION_LENGTH = 1_048_576

/**
 * The deepest nesting of parentheses (and of transformations) accepted. Kong sets none; 256 is far
 * beyond any route and keeps every recursive stage within the stack with room to spare (measured:
 * 2,000 levels of both kinds still parse, check, compile, match and explain).
 */
export const MAX_NESTING_DEPTH = 256

/** The most predicates one expression may hold (keeps every recursive stage far from stack limits). */
export const MAX_PREDICATES = 2_048
