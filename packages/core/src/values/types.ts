/** The five value types of the language. `IpCidr` and `Regex` exist as literals; schemas may declare `IpCidr`. */
export type ValueType = 'String' | 'Int' | 'IpAddr' | 'IpCidr' | 'Regex'

/** The value types a schema may give a field. */
export const FIELD_TYPES: readonly ValueType[] = ['String', 'Int', 'IpAddr', 'IpCidr', 'Regex']

/** True when `text` names a value type. */
export function isValueType(text: string): text is ValueType {
  return (FIELD_TYPES as readonly string[]).includes(text)
}

/**
 * One IP address. IPv4 is held as an unsigned 32-bit number and IPv6 as a 128-bit bigint, so that
 * the common IPv4 case compares without bigint arithmetic. The two families never compare equal.
 */
export type IpAddr =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint }

/** An IP network whose host bits are zero. */
export type IpCidr =
  | { readonly family: 4; readonly network: number; readonly prefix: number }
  | { readonly family: 6; readonly network: bigint; readonly prefix: number }

/**
 * A value a request supplies for a field: String as `string`, Int as an integer `number` or a
 * `bigint` (both compared exactly), IpAddr and IpCidr as parsed addresses.
 */
export type FieldValue = string | number | bigint | IpAddr | IpCidr

/** The smallest and largest Int (signed 64-bit). */
export const INT_MIN = -(2n ** 63n)
export const INT_MAX = 2n ** 63n - 1n
