/**
 * A best-effort string that a path regex matches, for sample requests. It handles the constructs
 * routes use (classes, escapes, groups, alternation, quantifiers); when it guesses wrong the request
 * is simply another near-miss, which the check compares all the same.
 */

/** A request path the regex (route text after `~`, anchored at the start) probably matches. */
export function regexSample(pattern: string): string {
  let out = ''
  let i = pattern.startsWith('^') ? 1 : 0
  const atoms: string[] = []
  const emit = (atom: string): void => {
    atoms.push(atom)
    out += atom
  }
  while (i < pattern.length) {
    const ch = pattern[i]!
    if (ch === '$') {
      i++
    } else if (ch === '\\') {
      emit(escapeSample(pattern[i + 1] ?? ''))
      i += 2
    } else if (ch === '[') {
      const end = classEnd(pattern, i)
      emit(classSample(pattern.slice(i + 1, end)))
      i = end + 1
    } else if (ch === '(') {
      const end = groupEnd(pattern, i)
      let body = pattern.slice(i + 1, end)
      const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(body)
      if (named !== null) body = body.slice(named[0].length)
      else if (body.startsWith('?:')) body = body.slice(2)
      emit(regexSample(firstAlternative(body)))
      i = end + 1
    } else if (ch === '|') {
      break
    } else if (ch === '.') {
      emit('x')
      i++
    } else if (ch === '*' || ch === '?') {
      // Zero occurrences are enough; dropping the atom keeps the sample short and still matching.
      const last = atoms.pop() ?? ''
      out = out.slice(0, out.length - last.length)
      i++
      if (pattern[i] === '?') i++
    } else if (ch === '+') {
      i++
      if (pattern[i] === '?') i++
    } else if (ch === '{') {
      const end = pattern.indexOf('}', i)
      const count = Number(/^\{(\d+)/.exec(pattern.slice(i))?.[1] ?? '1')
      const last = atoms[atoms.length - 1] ?? ''
      if (count === 0) out = out.slice(0, out.length - last.length)
      else out += last.repeat(count - 1)
      i = end < 0 ? pattern.length : end + 1
    } else {
      emit(ch)
      i++
    }
  }
  return out
}

function escapeSample(ch: string): string {
  switch (ch) {
    case 'd':
      return '1'
    case 'w':
      return 'a'
    case 's':
      return '%20'
    case 'D':
    case 'W':
    case 'S':
      return '-'
    default:
      return ch
  }
}

function classEnd(pattern: string, start: number): number {
  let i = start + 1
  if (pattern[i] === '^') i++
  if (pattern[i] === ']') i++
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1
  return i
}

function classSample(body: string): string {
  if (body.startsWith('^')) {
    for (const candidate of ['q', 'z', '0', '-'])
      if (!body.includes(candidate) && !/a-z/.test(body) && !/0-9/.test(body)) return candidate
    return 'Q'
  }
  if (body.startsWith('\\')) return escapeSample(body[1] ?? '')
  return body[0] ?? 'x'
}

function groupEnd(pattern: string, start: number): number {
  let depth = 0
  for (let i = start; i < pattern.length; i++) {
    const ch = pattern[i]
    if (ch === '\\') i++
    else if (ch === '[') i = classEnd(pattern, i)
    else if (ch === '(') depth++
    else if (ch === ')' && --depth === 0) return i
  }
  return pattern.length
}

function firstAlternative(body: string): string {
  let depth = 0
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]
    if (ch === '\\') i++
    else if (ch === '[') i = classEnd(body, i)
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === '|' && depth === 0) return body.slice(0, i)
  }
  return body
}
