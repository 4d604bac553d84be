/** The longest expression accepted, in UTF-16 code units (64 KiB of text is far beyond any real route). */
export const MAX_EXPRESSION_LENGTH = 65_536

/** The deepest nesting of parentheses accepted. */
export const MAX_NESTING_DEPTH = 100

/** The most predicates one expression may hold (keeps every recursive stage far from stack limits). */
export const MAX_PREDICATES = 2_048
