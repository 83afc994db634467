import { ChainruleError, expectNumber, expectOptions, type Node } from '@chainrule/graph';
import { buildContext, exampleShape, forwardArguments, type Layer } from './layer.js';

/**
 * Options of {@link batchNorm}.
 *
 * @example
 * ```ts
 * batchNorm({ momentum: 0.9, epsilon: 1e-3 });
 * ```
 */
export interface BatchNormOptions {
  /** m ∈ [0, 1): the running averages keep m of their value per training step (default 0.99, as Keras). */
  readonly momentum?: number;
  /** ε > 0 added to the variance (default 1e-5). */
  readonly epsilon?: number;
}

/**
 * Batch normalisation (Ioffe and Szegedy, 2015) over the last axis — the channels of NHWC images,
 * the units of a dense layer. Training mode normalises with the batch's statistics per channel,
 * μ_B and the biased σ²_B over every other axis, y = γ·(x − μ_B)/√(σ²_B + ε) + β, and updates the
 * running averages in the same run as the parameters:
 *
 *   μ̄ ← m·μ̄ + (1 − m)·μ_B,   σ̄² ← m·σ̄² + (1 − m)·σ²_B   (Keras's convention for m; PyTorch's
 *   `momentum` is 1 − m, and it averages the unbiased variance where this keeps the biased one).
 *
 * Evaluation mode is deterministic: y = γ·(x − μ̄)/√(σ̄² + ε) + β. The running averages are
 * variables (`runningMean`, `runningVariance`, from 0 and 1), non-trainable: checkpoints and
 * exported models carry them, the rule never sees them. Training mode needs
 * `ForwardOptions.stateUpdates` (the {@link Trainer} passes it) and refuses to run without it.
 *
 * @param options - momentum m and ε.
 * @returns the layer (trainable `gamma` from 1 and `beta` from 0, [channels] each).
 * @throws ChainruleError when m is outside [0, 1) or ε is not a finite number > 0.
 * @example
 * ```ts
 * sequential([reshape([28, 28, 1]), conv2d({ filters: 16, kernelSize: 3, useBias: false }), batchNorm(), activation('relu')]);
 * ```
 */
export function batchNorm(options: BatchNormOptions = {}): Layer {
  const o = expectOptions('batchNorm', 'options', options);
  const momentum = o['momentum'] ?? 0.99;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) throw new ChainruleError(`batchNorm: momentum must be a number in [0, 1), got ${String(momentum)}`);
  const epsilon = positiveEpsilon('batchNorm', o['epsilon']);
  const params = new Map<string, Node>();
  const state = new Map<string, Node>();
  return {
    kind: 'batchNorm',
    build(ctx) {
      buildContext('batchNorm', ctx);
      const c = [ctx.inputUnits];
      params.set('gamma', ctx.graph.variable(`${ctx.scope}gamma`, c, 1, ctx.dtype));
      params.set('beta', ctx.graph.variable(`${ctx.scope}beta`, c, 0, ctx.dtype));
      state.set('runningMean', ctx.graph.variable(`${ctx.scope}runningMean`, c, 0, ctx.dtype));
      state.set('runningVariance', ctx.graph.variable(`${ctx.scope}runningVariance`, c, 1, ctx.dtype));
      return ctx.inputUnits;
    },
    forward(x, options) {
      const { training, stateUpdates } = forwardArguments('batchNorm', x, options);
      const [gamma, beta, mean, variance] = [params.get('gamma'), params.get('beta'), state.get('runningMean'), state.get('runningVariance')];
      if (gamma === undefined || beta === undefined || mean === undefined || variance === undefined) throw new ChainruleError('batchNorm: build the model before using it');
      if (!training) return x.batchNorm(gamma, beta, mean, variance, { epsilon });
      if (stateUpdates === undefined) {
        throw new ChainruleError('batchNorm: training mode needs options.stateUpdates, an array the layer adds its running-average updates to (run them with the parameter update, as Trainer does)');
      }
      const batch = x.batchNormTraining(gamma, beta, { epsilon });
      stateUpdates.push([mean, mean.mul(momentum).add(batch.mean.mul(1 - momentum))]); // μ̄ ← m μ̄ + (1 − m) μ_B
      stateUpdates.push([variance, variance.mul(momentum).add(batch.variance.mul(1 - momentum))]); // σ̄² ← m σ̄² + (1 − m) σ²_B
      return batch.y;
    },
    params,
    state,
  };
}

/**
 * Options of {@link layerNorm}.
 *
 * @example
 * ```ts
 * layerNorm({ axes: 1, epsilon: 1e-6 });
 * ```
 */
export interface LayerNormOptions {
  /** How many trailing axes are normalised together (default 1, the features). */
  readonly axes?: number;
  /** ε > 0 added to the variance (default 1e-5). */
  readonly epsilon?: number;
}

/**
 * Layer normalisation (Ba, Kiros and Hinton, 2016): each example normalised over its trailing
 * `axes` axes with its own mean m and biased variance s², y = γ·(x − m)/√(s² + ε) + β. The same in
 * training and evaluation (no running state; independent of the batch).
 *
 * @param options - the number of trailing axes and ε.
 * @returns the layer (trainable `gamma` from 1 and `beta` from 0, shaped like the normalised axes).
 * @throws ChainruleError when `axes` is not a positive integer or ε is not a finite number > 0; at
 *   build, when `axes` exceeds the rank of an example.
 * @example
 * ```ts
 * sequential([dense(64), layerNorm(), activation('relu'), dense(10)]);
 * ```
 */
export function layerNorm(options: LayerNormOptions = {}): Layer {
  const o = expectOptions('layerNorm', 'options', options);
  const axes = expectNumber('layerNorm', 'options.axes', o['axes'] ?? 1, { kind: 'integer', min: 1 });
  const epsilon = positiveEpsilon('layerNorm', o['epsilon']);
  const params = new Map<string, Node>();
  return {
    kind: 'layerNorm',
    build(ctx) {
      buildContext('layerNorm', ctx);
      const shape = exampleShape(ctx);
      if (axes > shape.length) throw new ChainruleError(`layerNorm: axes is ${axes}, but an example has only ${shape.length} axes ([${shape.join(', ')}])`);
      const trailing = shape.slice(-axes);
      params.set('gamma', ctx.graph.variable(`${ctx.scope}gamma`, trailing, 1, ctx.dtype));
      params.set('beta', ctx.graph.variable(`${ctx.scope}beta`, trailing, 0, ctx.dtype));
      return ctx.inputUnits;
    },
    forward(x, options) {
      forwardArguments('layerNorm', x, options);
      const [gamma, beta] = [params.get('gamma'), params.get('beta')];
      if (gamma === undefined || beta === undefined) throw new ChainruleError('layerNorm: build the model before using it');
      return x.layerNorm(gamma, beta, { axes, epsilon });
    },
    params,
  };
}

/** ε: left out (1e-5), or a finite number > 0. */
function positiveEpsilon(layer: string, epsilon: unknown): number {
  const e = epsilon ?? 1e-5;
  if (typeof e !== 'number' || !Number.isFinite(e) || e <= 0) throw new ChainruleError(`${layer}: epsilon must be a finite number > 0, got ${String(e)}`);
  return e;
}
