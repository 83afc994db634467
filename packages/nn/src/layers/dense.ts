import { ArgumentError, ChainruleError, describeValue, expectBoolean, expectOptions, expectString, type Initializer, type Node } from '@chainrule/graph';
import { glorotUniform } from '../initializers.js';
import { ACTIVATIONS, activate, type ActivationName } from './activation.js';
import { buildContext, forwardArguments, type Layer } from './layer.js';

/**
 * Options of {@link dense}.
 *
 * @example
 * ```ts
 * dense(64, { activation: 'tanh', init: glorotNormal(3), biasInit: 0.1, bias: true });
 * ```
 */
export interface DenseOptions {
  /** The activation a (default `linear`). */
  readonly activation?: ActivationName;
  /** Initializer of W (default Glorot uniform, seeded from the model's seed). */
  readonly init?: Initializer;
  /** Initializer of b (default 0). */
  readonly biasInit?: Initializer;
  /** Whether the layer has a bias b (default true). */
  readonly bias?: boolean;
}

/**
 * A fully connected layer, the lecture's y⁽ˡ⁺¹⁾ = a(W⁽ˡ⁾ y⁽ˡ⁾ + b⁽ˡ⁾) with W⁽ˡ⁾ ∈ ℝ^{n_{l+1} × n_l}.
 * Examples are rows of the batch, so the graph computes Y⁽ˡ⁺¹⁾ = a(Y⁽ˡ⁾ W⁽ˡ⁾ᵀ + b⁽ˡ⁾) — W keeps the
 * lecture's [out, in] orientation and the transpose is a matmul flag, never a copy.
 *
 * @param units - n_{l+1}, the number of output units.
 * @param options - activation and initializers.
 * @returns the layer (variables `W` and `b`).
 * @throws ChainruleError when `units` is not a positive integer.
 * @example
 * ```ts
 * sequential([dense(256, { activation: 'relu' }), dense(10)]);
 * ```
 */
export function dense(units: number, options: DenseOptions = {}): Layer {
  if (!Number.isSafeInteger(units) || units < 1) throw new ChainruleError(`dense: units must be a positive integer, got ${describeValue(units)}`);
  const params = new Map<string, Node>();
  const { activation = 'linear', bias = true } = expectOptions('dense', 'options', options) as DenseOptions;
  expectString('dense', 'options.activation', activation, ACTIVATIONS);
  expectBoolean('dense', 'options.bias', bias);
  for (const key of ['init', 'biasInit'] as const) {
    const init: unknown = options[key];
    if (init !== undefined && typeof init !== 'number' && typeof init !== 'function') throw new ArgumentError('dense', `options.${key}`, 'a number or an initializer function', init);
  }
  return {
    kind: 'dense',
    build(ctx) {
      buildContext('dense', ctx);
      const W = ctx.graph.variable(`${ctx.scope}W`, [units, ctx.inputUnits], options.init ?? glorotUniform(ctx.seed), ctx.dtype);
      params.set('W', W);
      if (bias) params.set('b', ctx.graph.variable(`${ctx.scope}b`, [units], options.biasInit ?? 0, ctx.dtype));
      return units;
    },
    forward(x, options) {
      forwardArguments('dense', x, options);
      const W = params.get('W');
      if (W === undefined) throw new ChainruleError('dense: build the model before using it');
      const h = x.matmul(W, { transposeB: true }); // h = y Wᵀ (+ b)
      return activate(activation, bias ? h.add(params.get('b')!) : h);
    },
    params,
  };
}
