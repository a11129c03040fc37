/**
 * DOM helpers. Everything that comes from the API (untrusted: event fields are whatever a
 * producer sent) reaches the page as text nodes or attribute values, never as HTML.
 */
type Child = Node | string | number | null | undefined | false;
type Handler = (e: Event) => void;
export type Props = Record<string, string | number | boolean | Handler | undefined>;

/** `h('td', {class: 'x', onclick: f}, 'text')`: an element, its attributes, its children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? text(String(c)) : c);
  }
}

export const text = (s: string): Text => document.createTextNode(s);

/** Replaces an element's children. */
export function replace(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, ...children);
}

/** A local, readable time for an RFC 3339 instant (the instant itself in the tooltip). */
export function time(iso: string | null | undefined): HTMLElement {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  const shown = Number.isNaN(d.getTime())
    ? iso
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return h('time', { datetime: iso, title: iso }, shown);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A coloured label: severity, status, outcome. Unknown values get the neutral colour. */
export function badge(kind: string, value: string): HTMLElement {
  const safe = /^[a-z_]+$/.test(value) ? value : 'other';
  return h('span', { class: `badge ${kind}-${safe}` }, value);
}

/** A table with a header row: a string becomes a `th`; pass a `th` element for attributes. */
export function table(
  cls: string,
  headers: readonly (string | HTMLTableCellElement)[],
  body: HTMLTableSectionElement,
): HTMLTableElement {
  const cells = headers.map((c) => (typeof c === 'string' ? h('th', {}, c) : c));
  return h('table', { class: cls }, h('thead', {}, h('tr', {}, ...cells)), body);
}
