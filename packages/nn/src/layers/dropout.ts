import { ChainruleError, describeValue, expectNumber, expectOptions, expectString } from '@chainrule/graph';
import { buildContext, forwardArguments, type Layer } from './layer.js';

/**
 * How dropout compensates for the units it drops.
 *
 * @example
 * ```ts
 * const mode: DropoutMode = 'inverted';
 * dropout(0.8, { mode });
 * ```
 */
export type DropoutMode =
  /** The lecture's: train on the thinned network as is; at test time scale by p (the weights out of the layer, equivalently its outputs). */
  | 'lecture'
  /** Inverted dropout: scale the kept units by 1/p while training; evaluation is the plain network. */
  | 'inverted';

/**
 * Options of {@link dropout}.
 *
 * @example
 * ```ts
 * sequential([dense(128, { activation: 'relu' }), dropout(0.5, { mode: 'inverted', seed: 11 }), dense(10)]);
 * ```
 */
export interface DropoutOptions {
  /** `lecture` (default) or `inverted`. */
  readonly mode?: DropoutMode;
  /** Seed of the masks (default: from the model's seed). */
  readonly seed?: number;
}

/**
 * {@link dropout} with the meaning of its number spelled out: `{ keep: p }` (the lecture's p, the
 * probability of keeping a unit) or `{ rate: q }` (the probability of dropping one, as TensorFlow and
 * PyTorch take it: keep = 1 − q, inverted scaling unless `mode` says otherwise). Exactly one of the two.
 *
 * @example
 * ```ts
 * dropout({ keep: 0.8 });            // the lecture's p = 0.8
 * dropout({ rate: 0.2, seed: 3 });   // drops 20%: the same layer as dropoutRate(0.2)
 * ```
 */
export interface DropoutSpec extends DropoutOptions {
  /** p ∈ (0, 1], the probability of keeping a unit. */
  readonly keep?: number;
  /** q ∈ [0, 1), the probability of dropping a unit. */
  readonly rate?: number;
}

/**
 * Dropout as in the lecture, where p is the probability of KEEPING a unit: while training,
 * r ~ i.i.d. Bernoulli(p) per unit, per example and per step, and the layer passes diag(r)·y (so the
 * next layer computes W diag(r) y + b). At evaluation there is no randomness: in the lecture's mode
 * the output is scaled by p (the same as scaling the next layer's weights by p), in inverted mode
 * the training output is scaled by 1/p instead and evaluation is the identity. Both modes agree in
 * expectation: E[r·y] = p·y.
 *
 * To make a call say which probability it means, pass `{ keep: p }` or `{ rate: q }`
 * ({@link DropoutSpec}); a bare number is always the keep probability p.
 *
 * @param keep - p ∈ (0, 1], the probability of keeping a unit; or a {@link DropoutSpec}.
 * @param options - mode and seed (with a number).
 * @returns the layer (no trainable variables).
 * @throws ChainruleError when p is outside (0, 1], a spec gives both or neither of keep and rate,
 *   or options are given twice.
 * @example
 * ```ts
 * sequential([dense(256, { activation: 'relu' }), dropout(0.8), dense(10)]);
 * sequential([dense(256, { activation: 'relu' }), dropout({ keep: 0.8 }), dense(10)]);
 * ```
 */
export function dropout(keep: number | DropoutSpec, options: DropoutOptions = {}): Layer {
  if (typeof keep === 'object' && keep !== null) return dropoutFromSpec(keep, options);
  if (typeof keep !== 'number' || !(keep > 0 && keep <= 1)) throw new ChainruleError(`dropout: keep probability p must be in (0, 1], got ${describeValue(keep)} (for a drop rate, write dropout({ rate }) or dropoutRate)`);
  expectOptions('dropout', 'options', options);
  const mode = expectString('dropout', 'options.mode', options.mode ?? 'lecture', ['lecture', 'inverted']);
  let seed = options.seed;
  if (seed !== undefined) expectNumber('dropout', 'options.seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  return {
    kind: 'dropout',
    build(ctx) {
      buildContext('dropout', ctx);
      seed ??= ctx.seed;
      return ctx.inputUnits;
    },
    forward(x, options) {
      const { training } = forwardArguments('dropout', x, options);
      if (!training) return mode === 'lecture' ? x.mul(keep) : x;
      if (seed === undefined) throw new ChainruleError('dropout: build the model before using it');
      const r = x.graph.randomBernoulli(x.shape, { seed, p: keep, dtype: x.dtype }); // r ~ Bernoulli(p)
      const thinned = x.mul(r);
      return mode === 'inverted' ? thinned.div(keep) : thinned;
    },
    params: new Map(),
  };
}

/**
 * Dropout given by its drop rate, as TensorFlow and PyTorch take it: `dropoutRate(q)` is
 * `dropout(1 − q, { mode: 'inverted' })`.
 *
 * @param rate - q ∈ [0, 1), the probability of dropping a unit.
 * @param options - seed.
 * @returns the layer.
 * @throws ChainruleError when q is outside [0, 1).
 * @example
 * ```ts
 * dropoutRate(0.2); // keeps 80% of the units, inverted scaling
 * ```
 */
export function dropoutRate(rate: number, options: Omit<DropoutOptions, 'mode'> = {}): Layer {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ChainruleError(`dropoutRate: rate must be in [0, 1), got ${describeValue(rate)}`);
  expectOptions('dropoutRate', 'options', options);
  return dropout(1 - rate, { ...options, mode: 'inverted' });
}

/** {@link dropout} from a spec: exactly one of keep and rate. */
function dropoutFromSpec(spec: DropoutSpec, options: DropoutOptions): Layer {
  if (Object.keys(options).length > 0) throw new ChainruleError('dropout: with a spec object, give mode and seed inside it: dropout({ keep, mode, seed })');
  for (const key of Object.keys(spec)) {
    if (!['keep', 'rate', 'mode', 'seed'].includes(key)) throw new ChainruleError(`dropout: unknown option '${key}' (options: keep, rate, mode, seed)`);
  }
  const { keep, rate, ...rest } = spec;
  if ((keep === undefined) === (rate === undefined)) {
    throw new ChainruleError(`dropout: give exactly one of keep (the probability of keeping a unit) and rate (of dropping one), got ${keep === undefined ? 'neither' : 'both'}`);
  }
  if (keep !== undefined) return dropout(keep, rest);
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ChainruleError(`dropout: drop rate q must be a number in [0, 1), got ${String(rate)}`);
  return dropout(1 - rate, { mode: 'inverted', ...rest });
}
