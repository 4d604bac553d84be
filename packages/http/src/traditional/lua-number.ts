/**
 * Lua's `tonumber`, which Kong applies to the port after the first `:` of a host: of a route's
 * hosts and of the request's Host header alike (both go through `split_host_port`), and Lua's
 * `tostring` of a number, which writes such a port into the generated expression. LuaJIT's
 * `tonumber` accepts surrounding whitespace, an optional sign, decimal integers and fractions with
 * exponents, `0x` hex (with a fraction and a binary `p` exponent too), `0b` binary, and `inf`,
 * `infinity` and `nan` in any case: `:0x50`, `:8e1`, `: 80` and `:0b1010000` all read as 80, and
 * `:inf` as infinity (traditional-routes.md §2.11).
 */

const SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g
const DECIMAL = /^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
const HEX = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([-+]?[0-9]+))?$/
const BINARY = /^0[bB]([01]+)$/

/** The number Lua's `tonumber(text)` returns, or `undefined` where it returns nil. */
export function luaToNumber(text: string): number | undefined {
  const trimmed = text.replace(SPACE, '')
  const sign = trimmed.startsWith('-') ? -1 : 1
  const body = trimmed.startsWith('-') || trimmed.startsWith('+') ? trimmed.slice(1) : trimmed
  const magnitude = unsignedNumber(body)
  return magnitude === undefined ? undefined : sign * magnitude
}

function unsignedNumber(body: string): number | undefined {
  if (/^(inf|infinity)$/i.test(body)) return Infinity
  if (/^nan$/i.test(body)) return NaN
  const hex = HEX.exec(body)
  if (hex !== null) {
    const whole = hex[1] ?? ''
    const fraction = hex[2] ?? ''
    if (whole === '' && fraction === '') return undefined
    let value = whole === '' ? 0 : parseInt(whole, 16)
    for (let i = 0; i < fraction.length; i++) value += parseInt(fraction[i]!, 16) / 16 ** (i + 1)
    return hex[3] === undefined ? value : value * 2 ** Number(hex[3])
  }
  const binary = BINARY.exec(body)
  if (binary !== null) {
    // LuaJIT refuses a binary number of more than 64 significant digits.
    const digits = binary[1]!.replace(/^0+(?=.)/, '')
    return digits.length > 64 ? undefined : parseInt(digits, 2)
  }
  return DECIMAL.test(body) ? Number(body) : undefined
}

/**
 * A number as Lua's `tostring` (and `..`) writes it: C's `%.14g` (`1e+15`, `1e-05`, `0.1`), and
 * `inf`, `-inf`, `nan`, `-0`.
 */
export function luaNumberText(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Infinity) return 'inf'
  if (value === -Infinity) return '-inf'
  if (Object.is(value, -0)) return '-0'
  const [mantissa, exponentText] = value.toExponential(13).split('e') as [string, string]
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 14)
    return `${stripZeros(mantissa)}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
  return stripZeros(value.toFixed(13 - exponent))
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}
