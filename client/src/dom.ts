// Minimal DOM helpers: build elements without innerHTML, so server strings are never parsed as HTML.

type Child = Node | string | null | undefined | false;

/** `h('div', {class: 'x'}, 'text', child)` → an element; attributes set as strings, `on*` as listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | ((e: Event) => void) | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** The element with `id`, which the page must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el as T;
}

let toastTimer = 0;
/** A short status message at the bottom of the screen (announced to screen readers). */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  const el = byId('toast');
  el.textContent = message;
  el.dataset.kind = kind;
  el.classList.add('show');
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => el.classList.remove('show'), 4000);
}

/**
 * Re-renders `container` without losing keyboard focus: the focused control (found again by id or
 * data-zone / data-metric / data-link) gets focus back once the new DOM is in.
 */
export function keepFocus(container: HTMLElement, render: () => void): void {
  const a = document.activeElement;
  let selector: string | null = null;
  if (a instanceof HTMLElement && container.contains(a)) {
    if (a.id) selector = `#${CSS.escape(a.id)}`;
    else if (a.dataset.zone) selector = `[data-zone="${CSS.escape(a.dataset.zone)}"]`;
    else if (a.dataset.metric) selector = `[data-metric="${CSS.escape(a.dataset.metric)}"]`;
  }
  render();
  if (selector) container.querySelector<HTMLElement>(selector)?.focus();
}
