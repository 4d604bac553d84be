/**
 * The longest expression accepted, in UTF-16 code units. Far above what a hand-written route needs,
 * so that a converted traditional route with as many hosts or paths as MAX_PREDICATES allows (about
 * 36 characters each) still loads; the predicate and nesting limits are what keep the recursive
 * stages within the stack.
 */
export const MAX_EXPRESSION_LENGTH = 1_048_576

/** The deepest nesting of parentheses accepted. */
export const MAX_NESTING_DEPTH = 100

/** The most predicates one expression may hold (keeps every recursive stage far from stack limits). */
export const MAX_PREDICATES = 2_048
