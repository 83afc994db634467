// Small DOM helpers shared by the playground's pages.

/** Attributes and properties of {@link el}: strings are attributes, functions are `on…` listeners. */
export type Attributes = Readonly<Record<string, string | number | boolean | ((event: Event) => void) | undefined>>;

/**
 * Creates an element with attributes, listeners and children.
 *
 * @param tag - the tag name.
 * @param attributes - `class`, `id`, `aria-*` … as strings; `onclick`, `oninput` … as functions.
 * @param children - text or elements.
 * @returns the element.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.replace(/^on/, ''), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  element.append(...children);
  return element;
}

/**
 * The element with an id, typed.
 *
 * @param id - its id.
 * @returns the element.
 * @throws Error when the page has no such element (a bug of the page).
 */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`playground: no element #${id}`);
  return element as T;
}

/** A number for a table cell: 4 significant digits, exponent form when tiny or huge. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

/** Resolves on the next animation frame (or after a macrotask when the page is hidden). */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 50);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
