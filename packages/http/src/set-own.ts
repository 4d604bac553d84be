/**
 * Sets an own, enumerable property and returns the value. Keys that come from clients (body fields,
 * header names, entity names) may be `__proto__`, where a plain assignment would replace the
 * object's prototype, or walk into `Object.prototype` when read back, instead of holding an entry.
 */
export function setOwn<T>(target: object, key: string | number, value: T): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  return value
}
