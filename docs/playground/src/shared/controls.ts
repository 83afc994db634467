// Form controls of the playground: labelled sliders and switches, native inputs so that the keyboard
// (Tab, arrows, Space) and screen readers work without extra code.
import { el, formatNumber } from './dom.js';

/** A slider's description. */
export interface SliderSpec {
  /** Key of the value (e.g. `lr`). */
  readonly key: string;
  /** Label, e.g. `η (step size)`. */
  readonly label: string;
  /** Smallest value. */
  readonly min: number;
  /** Largest value. */
  readonly max: number;
  /** Logarithmic slider (min > 0): equal moves multiply the value. */
  readonly log?: boolean;
  /** Step on a linear slider (default (max − min)/100). */
  readonly step?: number;
}

/** A slider on the page. */
export interface Slider {
  /** The element to insert (label, range input, shown value). */
  readonly element: HTMLElement;
  /** The range input itself. */
  readonly input: HTMLInputElement;
  /** The current value. */
  value(): number;
  /** Moves the slider to a value (clamped to its range) without firing `input`. */
  set(value: number): void;
}

const LOG_STEPS = 200;

/**
 * A labelled range input. Logarithmic sliders run over 200 steps between min and max.
 *
 * @param spec - what the slider sets.
 * @param initial - its first value.
 * @param onChange - called with the new value while the slider moves.
 * @param idPrefix - makes the input's id unique on the page.
 * @returns the slider.
 */
export function slider(spec: SliderSpec, initial: number, onChange: (value: number) => void, idPrefix: string): Slider {
  const id = `${idPrefix}-${spec.key}`;
  const output = el('output', { for: id });
  const toPosition = (v: number): number =>
    spec.log ? Math.round((Math.log(v / spec.min) / Math.log(spec.max / spec.min)) * LOG_STEPS) : v;
  const fromPosition = (p: number): number =>
    spec.log ? Number((spec.min * (spec.max / spec.min) ** (p / LOG_STEPS)).toPrecision(3)) : p;
  const input = el('input', {
    type: 'range',
    id,
    min: spec.log ? 0 : spec.min,
    max: spec.log ? LOG_STEPS : spec.max,
    step: spec.log ? 1 : (spec.step ?? (spec.max - spec.min) / 100),
  });
  let current = initial;
  const show = (): void => {
    output.textContent = formatNumber(current);
    input.setAttribute('aria-valuetext', output.textContent);
  };
  const set = (v: number): void => {
    current = Math.min(spec.max, Math.max(spec.min, v));
    input.value = String(toPosition(current));
    show();
  };
  set(initial);
  input.addEventListener('input', () => {
    current = fromPosition(Number(input.value));
    show();
    onChange(current);
  });
  const element = el('div', { class: 'slider' }, el('label', { for: id }, spec.label), input, output);
  return { element, input, value: () => current, set };
}

/**
 * A labelled checkbox.
 *
 * @param id - the input's id.
 * @param label - its label.
 * @param checked - its first state.
 * @param onChange - called with the new state.
 * @returns the wrapper element and the input.
 */
export function toggle(id: string, label: string, checked: boolean, onChange: (checked: boolean) => void): { element: HTMLElement; input: HTMLInputElement } {
  const input = el('input', { type: 'checkbox', id, checked, onchange: () => onChange(input.checked) });
  return { element: el('label', { class: 'toggle', for: id }, input, ` ${label}`), input };
}

/**
 * A labelled select.
 *
 * @param id - the select's id.
 * @param label - its label.
 * @param options - value and text of each option.
 * @param selected - the first value.
 * @param onChange - called with the new value.
 * @returns the wrapper element and the select.
 */
export function choice(id: string, label: string, options: readonly (readonly [string, string])[], selected: string, onChange: (value: string) => void): { element: HTMLElement; select: HTMLSelectElement } {
  const select = el('select', { id, onchange: () => onChange(select.value) }, ...options.map(([value, text]) => el('option', { value, selected: value === selected }, text)));
  return { element: el('div', { class: 'choice' }, el('label', { for: id }, label), select), select };
}
