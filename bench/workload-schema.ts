// What the measuring process and the memory probe both read from a workload's routes file.
import { readFileSync } from 'node:fs'
import { Schema, isValueType, type ValueType } from '@switchyard/core'

export interface RouteLine {
  id: string
  priority: number
  expression: string
}

/** The router schema of a workload file, which names types as the conformance files do. */
export function schemaOf(fields: Record<string, string>): Schema {
  return new Schema(
    Object.entries(fields).map(([field, type]): [string, ValueType] => {
      if (!isValueType(type)) throw new Error(`unknown type ${type}`)
      return [field, type]
    }),
  )
}

/**
 * A workload file, parsed. Read in a function of its own on purpose: a temporary of a module's
 * top-level code (here the file's text, 18 MB at 100k routes) stays referenced from that frame's
 * interpreter registers until the frame ends, which for top-level code is after the whole
 * measurement, so the router's heap and resident figures would include it.
 */
export function readWorkload<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}
