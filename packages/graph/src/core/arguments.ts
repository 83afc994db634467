import { ArgumentError } from './errors.js';
import { Tensor } from './tensor.js';

// Run-time checks of arguments, for JavaScript callers (and packages built on chainrule): each
// returns the value, typed, or throws an ArgumentError naming the function and the argument.

/**
 * Checks an options argument: `undefined` (no options) or an object.
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @returns the object (an empty one for `undefined`).
 * @throws ArgumentError for anything else (null, an array, a number, …).
 * @example
 * ```ts
 * const { lr = 0.01 } = expectOptions('sgd', 'options', options);
 * ```
 */
export function expectOptions(fn: string, argument: string, value: unknown): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError(fn, argument, 'an object', value);
  return value as Record<string, unknown>;
}

/**
 * Checks a number argument.
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @param rule - `'finite'`, `'integer'` (a safe integer) or `'any'` (NaN and ±Infinity too);
 *   `min` and `max` bound it (inclusive).
 * @returns the number.
 * @throws ArgumentError when it is not a number of that kind and range.
 * @example
 * ```ts
 * const units = expectNumber('dense', 'units', units, { kind: 'integer', min: 1 });
 * ```
 */
export function expectNumber(fn: string, argument: string, value: unknown, rule: { readonly kind?: 'finite' | 'integer' | 'any'; readonly min?: number; readonly max?: number } = {}): number {
  const { kind = 'finite', min, max } = expectOptions('expectNumber', 'rule', rule) as { kind?: 'finite' | 'integer' | 'any'; min?: number; max?: number };
  const ok =
    typeof value === 'number' &&
    (kind === 'any' || (kind === 'finite' ? Number.isFinite(value) : Number.isSafeInteger(value))) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max);
  if (!ok) {
    const what = kind === 'integer' ? 'an integer' : kind === 'finite' ? 'a finite number' : 'a number';
    const range = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';
    throw new ArgumentError(fn, argument, `${what}${range}`, value);
  }
  return value as number;
}

/**
 * Checks a string argument.
 *
 * @typeParam S - the strings accepted.
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @param allowed - when given, the only strings accepted.
 * @returns the string.
 * @throws ArgumentError when it is not a string (or not one of `allowed`).
 * @example
 * ```ts
 * expectString('input', 'name', name);
 * ```
 */
export function expectString<S extends string = string>(fn: string, argument: string, value: unknown, allowed?: readonly S[]): S {
  if (allowed !== undefined && !Array.isArray(allowed as unknown)) throw new ArgumentError('expectString', 'allowed', 'an array of strings', allowed);
  if (typeof value !== 'string' || (allowed !== undefined && !(allowed as readonly string[]).includes(value))) {
    throw new ArgumentError(fn, argument, allowed === undefined ? 'a string' : `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as S;
}

/**
 * Checks a boolean argument.
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @returns the boolean.
 * @throws ArgumentError when it is not `true` or `false`.
 * @example
 * ```ts
 * expectBoolean('sum', 'keepDims', keepDims);
 * ```
 */
export function expectBoolean(fn: string, argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ArgumentError(fn, argument, 'true or false', value);
  return value;
}

/**
 * Checks a function argument (a callback).
 *
 * @typeParam F - the callback's type.
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @returns the function.
 * @throws ArgumentError when it is not a function.
 * @example
 * ```ts
 * expectFunction('checkGradients', 'f', f);
 * ```
 */
export function expectFunction<F extends (...args: never[]) => unknown>(fn: string, argument: string, value: unknown): F {
  if (typeof value !== 'function') throw new ArgumentError(fn, argument, 'a function', value);
  return value as F;
}

/**
 * Checks an array argument (not its elements).
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @param elements - what its elements are, for the message (e.g. `nodes`).
 * @returns the array.
 * @throws ArgumentError when it is not an array.
 * @example
 * ```ts
 * expectArray('concat', 'parts', parts, 'nodes');
 * ```
 */
export function expectArray(fn: string, argument: string, value: unknown, elements = 'values'): readonly unknown[] {
  if (!Array.isArray(value)) throw new ArgumentError(fn, argument, `an array of ${elements}`, value);
  return value;
}

/**
 * Checks a tensor argument.
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @returns the tensor.
 * @throws ArgumentError when it is not a {@link Tensor}.
 * @example
 * ```ts
 * expectTensor('encodeTensor', 't', t);
 * ```
 */
export function expectTensor(fn: string, argument: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw new ArgumentError(fn, argument, 'a Tensor', value);
  return value;
}
