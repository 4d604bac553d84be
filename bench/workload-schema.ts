// What the measuring process and the memory probe both read from a workload's routes file.
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
