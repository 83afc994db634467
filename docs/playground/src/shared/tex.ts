// Typeset math with KaTeX (its stylesheet and fonts are bundled with each page).
import katex from 'katex';
import 'katex/dist/katex.min.css';

/**
 * Renders TeX into an element; a formula KaTeX cannot parse is a bug of the page and throws.
 *
 * @param element - where to render (its content is replaced).
 * @param tex - the formula.
 * @param display - display style (centred, larger) instead of inline.
 */
export function renderTex(element: HTMLElement, tex: string, display = false): void {
  katex.render(tex, element, { displayMode: display, throwOnError: true, strict: 'error', output: 'htmlAndMathml' });
}

/**
 * Rounds the decimals a float computation leaves in printed formulas (1 − 0.9 prints as
 * 0.09999999999999998) to 6 significant digits, so 0.1 reads as 0.1. Only numbers with 7 or more
 * decimals change.
 *
 * @param tex - a formula.
 * @returns the formula with such numbers shortened.
 */
export function tidyNumbers(tex: string): string {
  return tex.replace(/\d+\.\d{7,}(?:e[-+]?\d+)?/g, (n) => String(Number(Number(n).toPrecision(6))));
}

/**
 * A new element with typeset math in it.
 *
 * @param tex - the formula.
 * @param display - display style.
 * @returns a `span` (inline) or `div` (display).
 */
export function texElement(tex: string, display = false): HTMLElement {
  const element = document.createElement(display ? 'div' : 'span');
  renderTex(element, tex, display);
  return element;
}
