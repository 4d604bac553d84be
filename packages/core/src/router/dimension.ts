import type { FieldValue } from '../values/types.ts'
import { sameDimension, type Atom, type Casing } from './index-plan.ts'

/**
 * A lookup structure over one dimension (one kind of atom on one field): maps atoms to slots, and
 * finds every slot whose atom holds for a request value.
 */
export interface DimensionIndex<T> {
  /** The field it reads, and how values are cased first. */
  readonly field: string
  readonly casing: Casing
  /** True when the atom belongs here (its kind, field and casing). */
  holds(atom: Atom): boolean
  /** The slot of an atom, created with `create` when missing. */
  slot(atom: Atom, create: () => T): T
  /** The slot of an atom, or undefined. */
  slotFor(atom: Atom): T | undefined
  /** Puts another slot in place of an atom's slot (the atom has one). */
  replace(atom: Atom, slot: T): void
  /** Forgets an atom's slot. */
  drop(atom: Atom): void
  /** Visits every slot, with the kind of its atom. */
  eachSlot(visit: (slot: T, kind: Atom['kind']) => void): void
  /** Calls `visit` for every slot whose atom holds for `value` (the value is already lower-cased when the dimension is). */
  query(value: FieldValue, visit: (slot: T) => void): void
  /** Lays the structure out for lookups once a bulk load has filled it (a no-op where layout does not matter). */
  settle(): void
  /** Number of slots. */
  readonly size: number
}

/** The text an atom compares with ('' for atoms without one). */
export function atomText(atom: Atom): string {
  return 'text' in atom ? atom.text : ''
}

/** The dimension fields of the indexes of one kind of atom that are not themselves a Map. */
export abstract class Dimensioned {
  readonly kind: Atom['kind']
  readonly field: string
  readonly casing: Casing

  constructor(atom: Atom) {
    this.kind = atom.kind
    this.field = atom.field
    this.casing = atom.casing
  }

  holds(atom: Atom): boolean {
    return sameDimension(atom, this)
  }

  settle(): void {}
}

// Removing a route looks its key up several times in a row (find, then prune): the last reversal
// is kept rather than redone.
let lastText = ''
let lastReversed = ''

/** A suffix's key in a radix tree: its UTF-16 code units reversed, as suffix queries read values from the end. */
export function reversedKey(text: string): string {
  if (text !== lastText) {
    lastReversed = reverseUnits(text)
    lastText = text
  }
  return lastReversed
}

function reverseUnits(text: string): string {
  // Joined from an array, the result is one flat string; concatenating characters would build a
  // rope that every later comparison walks through.
  const units: string[] = new Array<string>(text.length)
  for (let i = 0; i < text.length; i++) units[text.length - 1 - i] = text[i] as string
  return units.join('')
}
