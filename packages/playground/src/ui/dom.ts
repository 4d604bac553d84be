/** A child of `h`: nodes and text; null, undefined and false are skipped so conditions read inline. */
export type Child = Node | string | null | undefined | false

/** Attributes (`class`, `aria-*`, …; true → present, false/undefined → absent) and event listeners (`onclick`, …). */
export type Props = Readonly<Record<string, string | number | boolean | undefined | ((event: Event) => void)>>

/** Creates an element with attributes, listeners and children: the whole UI toolkit of the playground. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value)
    else if (value === true) element.setAttribute(name, '')
    else if (value !== false && value !== undefined) element.setAttribute(name, String(value))
  }
  append(element, children)
  return element
}

/** Appends children, skipping the empty ones. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child)
  }
}

/** Replaces all children of an element. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, children)
}

let nextId = 0

/** A document-unique id for label/control and aria pairs. */
export function uniqueId(prefix: string): string {
  nextId += 1
  return `${prefix}-${nextId}`
}

/**
 * Shows or clears a problem under a labelled field (from `textField`, `textArea` or `select`): the
 * control is marked `aria-invalid` and described by the message, so screen readers say it too.
 */
export function setFieldProblem(field: HTMLElement, message: string | undefined): void {
  const control = field.querySelector<HTMLElement>('input, textarea, select')
  let note = field.querySelector<HTMLElement>(':scope > .field-problem')
  if (message === undefined) {
    note?.remove()
    control?.removeAttribute('aria-invalid')
    control?.removeAttribute('aria-describedby')
    return
  }
  if (note === null) {
    note = h('p', { class: 'field-problem', id: uniqueId('problem') })
    field.append(note)
  }
  note.textContent = message
  control?.setAttribute('aria-invalid', 'true')
  control?.setAttribute('aria-describedby', note.id)
}

/** A labelled text input; `oninput` receives the new value. */
export function textField(label: string, value: string, oninput: (value: string) => void, props: Props = {}): HTMLElement {
  const id = uniqueId('field')
  const input = h('input', { id, type: 'text', value, spellcheck: 'false', autocomplete: 'off', ...props })
  input.addEventListener('input', () => oninput(input.value))
  return h('div', { class: 'field' }, h('label', { for: id }, label), input)
}

/** A labelled multi-line input. */
export function textArea(label: string, value: string, oninput: (value: string) => void, props: Props = {}): HTMLElement {
  const id = uniqueId('field')
  const area = h('textarea', { id, rows: 3, spellcheck: 'false', ...props })
  area.value = value
  area.addEventListener('input', () => oninput(area.value))
  return h('div', { class: 'field' }, h('label', { for: id }, label), area)
}

/** A labelled checkbox. */
export function checkbox(label: string, checked: boolean, onchange: (checked: boolean) => void, props: Props = {}): HTMLElement {
  const id = uniqueId('check')
  const input = h('input', { id, type: 'checkbox', checked, ...props })
  input.addEventListener('change', () => onchange(input.checked))
  return h('div', { class: 'field check' }, input, h('label', { for: id }, label))
}

/** A labelled select of `[value, label]` options. */
export function select(label: string, value: string, options: readonly (readonly [string, string])[], onchange: (value: string) => void, props: Props = {}): HTMLElement {
  const id = uniqueId('select')
  const element = h('select', { id, ...props }, ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)))
  element.addEventListener('change', () => onchange(element.value))
  return h('div', { class: 'field' }, h('label', { for: id }, label), element)
}

/** A random route id (UUID v4); `crypto.randomUUID` is missing outside secure contexts, hence the fallback. */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
