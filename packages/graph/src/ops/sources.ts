import { allocate, type DType } from '../core/dtype.js';
import { RESERVED_KEYS, sizeOf, type Dim } from '../core/shape.js';
import { standardNormal, uniform01 } from '../core/random.js';
import { Tensor } from '../core/tensor.js';
import { AttrError, type AttrReader } from './attrs.js';
import { defineOp, type KernelContext } from './op-def.js';

/**
 * Attributes shared by ops that hold a named value from outside the graph (inputs, variables).
 *
 * @example
 * ```ts
 * g.apply('input', [], { name: 'x', shape: ['batch', 784], dtype: 'float64' }); // what g.input('x', ['batch', 784]) builds
 * ```
 */
export interface ExternalAttrs {
  /** Unique name: the feed key of an input, the store key of a variable. */
  readonly name: string;
  /** Static shape. */
  readonly shape: readonly Dim[];
  /** Element type. */
  readonly dtype: DType;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;

function externalOp(name: 'input' | 'variable', external: 'feed' | 'stored', summary: string) {
  return defineOp<ExternalAttrs>({
    name,
    external,
    arity: 0,
    kind: 'source',
    differentiable: false,
    summary,
    shapeRule: 'the declared shape (symbolic dimensions bound by the feeds)',
    parseAttrs(r) {
      const attrs = { name: r.string('name'), shape: r.shape('shape'), dtype: r.dtype('dtype', 'float64') };
      if (!NAME.test(attrs.name) || RESERVED_KEYS.has(attrs.name)) {
        throw new AttrError('name', `${JSON.stringify(attrs.name)} is not a valid name (letters, digits and _ . : / -, not starting with a digit; not __proto__, constructor or prototype)`);
      }
      if (name === 'variable' && attrs.shape.some((d) => typeof d === 'string')) {
        throw new AttrError('shape', 'a variable must have a concrete shape');
      }
      r.done();
      return attrs;
    },
    infer: (_inputs, { shape, dtype }) => ({ shape, dtype }),
    kernel: (_inputs, _attrs, ctx) => ctx.external(),
  });
}

/**
 * A placeholder whose value is fed at each run, by name.
 *
 * @example
 * ```ts
 * g.input('x', ['batch', 784]); // an input node, fed as { x: … } at each run
 * ```
 */
export const inputOp = externalOp('input', 'feed', 'A placeholder whose value is fed by name at each run.');
/**
 * A named value that persists between runs and changes only by assignment.
 *
 * @example
 * ```ts
 * g.variable('w', [784, 10], uniformInit(-0.1, 0.1, 7)); // a variable node
 * ```
 */
export const variableOp = externalOp('variable', 'stored', 'A named value kept between runs; changed only by assignments.');

/**
 * Attributes of constant: the value.
 *
 * @example
 * ```ts
 * g.apply('constant', [], { value: tensor([[1, 0], [0, 1]]) }); // same as g.constant([[1, 0], [0, 1]])
 * ```
 */
export interface ConstantAttrs {
  /** The value, fixed when the graph is built. */
  readonly value: Tensor;
}

/**
 * A fixed value, stored in the graph.
 *
 * @example
 * ```ts
 * g.constant([[1, 0], [0, 1]]); // a constant node
 * ```
 */
export const constantOp = defineOp<ConstantAttrs>({
  name: 'constant',
  arity: 0,
  kind: 'source',
  differentiable: false,
  summary: 'A fixed value stored in the graph.',
  shapeRule: "the value's shape",
  parseAttrs(r) {
    const attrs = { value: r.tensor('value') };
    r.done();
    return attrs;
  },
  infer: (_inputs, { value }) => ({ shape: value.shape, dtype: value.dtype }),
  kernel: (_inputs, { value }) => value,
});

/**
 * Attributes of fill: shape, dtype and the value of every element.
 *
 * @example
 * ```ts
 * g.apply('fill', [], { shape: ['batch', 1], dtype: 'float64', value: 1 }); // same as g.fill(['batch', 1], 1)
 * ```
 */
export interface FillAttrs {
  /** Static shape (symbolic dimensions allowed). */
  readonly shape: readonly Dim[];
  /** Element type. */
  readonly dtype: DType;
  /** Value of every element. */
  readonly value: number;
}

/**
 * A tensor of one repeated value; its shape may be symbolic.
 *
 * @example
 * ```ts
 * g.fill(['batch', 1], 1); // a fill node: a column of ones, as long as the batch
 * ```
 */
export const fillOp = defineOp<FillAttrs>({
  name: 'fill',
  arity: 0,
  kind: 'source',
  differentiable: false,
  summary: 'A tensor of one repeated value (its shape may be symbolic).',
  shapeRule: 'the given shape (symbolic dimensions allowed)',
  parseAttrs(r) {
    const attrs = { shape: r.shape('shape'), dtype: r.dtype('dtype', 'float64'), value: r.anyNumber('value') };
    r.done();
    return attrs;
  },
  infer: (_inputs, { shape, dtype }) => ({ shape, dtype }),
  kernel(_inputs, { dtype, value }, ctx) {
    const out = allocate(dtype, sizeOf(ctx.outShape));
    out.fill(value);
    return new Tensor(out, ctx.outShape);
  },
});

/**
 * Attributes every random op has.
 *
 * @example
 * ```ts
 * const attrs: RandomAttrs = { shape: [3, 3], dtype: 'float64', seed: 42 };
 * g.apply('randomNormal', [], attrs); // N(0, 1) draws
 * ```
 */
export interface RandomAttrs {
  /** Static shape (symbolic dimensions allowed). */
  readonly shape: readonly Dim[];
  /** Element type. */
  readonly dtype: DType;
  /** Seed of the node's stream, an integer in [0, 2³²). */
  readonly seed: number;
}

function sample(ctx: KernelContext, dtype: DType, draw: (rng: ReturnType<KernelContext['random']>) => number): Tensor {
  const rng = ctx.random();
  const out = allocate(dtype, sizeOf(ctx.outShape));
  for (let i = 0; i < out.length; i++) out[i] = draw(rng);
  return new Tensor(out, ctx.outShape);
}

function readRandom(r: AttrReader): RandomAttrs {
  return { shape: r.shape('shape'), dtype: r.dtype('dtype', 'float64'), seed: r.int('seed', undefined, 0, 0xffffffff) };
}

/**
 * Attributes of randomUniform.
 *
 * @example
 * ```ts
 * g.apply('randomUniform', [], { shape: [784, 10], dtype: 'float64', seed: 7, low: -0.1, high: 0.1 });
 * ```
 */
export interface UniformAttrs extends RandomAttrs {
  /** Lower bound (included). */
  readonly low: number;
  /** Upper bound (excluded). */
  readonly high: number;
}

/**
 * Independent draws from U[low, high); a new draw every run, reproducible from the seed.
 *
 * @example
 * ```ts
 * g.randomUniform([784, 10], { seed: 7, low: -0.1, high: 0.1 }); // a randomUniform node
 * ```
 */
export const randomUniformOp = defineOp<UniformAttrs>({
  name: 'randomUniform',
  arity: 0,
  kind: 'random',
  differentiable: false,
  summary: 'Independent uniform draws on [low, high); new every run, reproducible from the seed.',
  shapeRule: 'the given shape (symbolic dimensions allowed)',
  parseAttrs(r) {
    const attrs = { ...readRandom(r), low: r.number('low', 0), high: r.number('high', 1) };
    if (!(Number.isFinite(attrs.low) && Number.isFinite(attrs.high) && attrs.low < attrs.high)) {
      throw new AttrError('high', `need finite low < high, got [${attrs.low}, ${attrs.high})`);
    }
    r.done();
    return attrs;
  },
  infer: (_inputs, { shape, dtype }) => ({ shape, dtype }),
  kernel: (_inputs, { dtype, low, high }, ctx) => sample(ctx, dtype, (rng) => low + (high - low) * uniform01(rng)),
});

/**
 * Attributes of randomNormal.
 *
 * @example
 * ```ts
 * g.apply('randomNormal', [], { shape: ['batch', 2], dtype: 'float64', seed: 1, mean: 0, std: 0.5 });
 * ```
 */
export interface NormalAttrs extends RandomAttrs {
  /** Mean μ. */
  readonly mean: number;
  /** Standard deviation σ ≥ 0. */
  readonly std: number;
}

/**
 * Independent draws from N(mean, std²); a new draw every run, reproducible from the seed.
 *
 * @example
 * ```ts
 * g.randomNormal(['batch', 2], { seed: 1, std: 0.5 }); // a randomNormal node
 * ```
 */
export const randomNormalOp = defineOp<NormalAttrs>({
  name: 'randomNormal',
  arity: 0,
  kind: 'random',
  differentiable: false,
  summary: 'Independent normal draws N(mean, std²); new every run, reproducible from the seed.',
  shapeRule: 'the given shape (symbolic dimensions allowed)',
  parseAttrs(r) {
    const attrs = { ...readRandom(r), mean: r.number('mean', 0), std: r.number('std', 1) };
    if (!(Number.isFinite(attrs.mean) && Number.isFinite(attrs.std) && attrs.std >= 0)) {
      throw new AttrError('std', `need a finite mean and std ≥ 0, got mean ${attrs.mean}, std ${attrs.std}`);
    }
    r.done();
    return attrs;
  },
  infer: (_inputs, { shape, dtype }) => ({ shape, dtype }),
  kernel: (_inputs, { dtype, mean, std }, ctx) => sample(ctx, dtype, (rng) => mean + std * standardNormal(rng)),
});

/**
 * Attributes of randomBernoulli.
 *
 * @example
 * ```ts
 * g.apply('randomBernoulli', [], { shape: ['batch', 128], dtype: 'float64', seed: 3, p: 0.8 }); // a dropout mask
 * ```
 */
export interface BernoulliAttrs extends RandomAttrs {
  /** Probability of a 1. */
  readonly p: number;
}

/**
 * Independent 0/1 draws, 1 with probability p; a new draw every run, reproducible from the seed.
 *
 * @example
 * ```ts
 * g.randomBernoulli(['batch', 128], { seed: 3, p: 0.8 }); // a randomBernoulli node: a dropout mask
 * ```
 */
export const randomBernoulliOp = defineOp<BernoulliAttrs>({
  name: 'randomBernoulli',
  arity: 0,
  kind: 'random',
  differentiable: false,
  summary: 'Independent Bernoulli(p) draws (1 with probability p); new every run, reproducible from the seed.',
  shapeRule: 'the given shape (symbolic dimensions allowed)',
  parseAttrs(r) {
    const attrs = { ...readRandom(r), p: r.number('p') };
    if (!(attrs.p >= 0 && attrs.p <= 1)) throw new AttrError('p', `must be a probability in [0, 1], got ${attrs.p}`);
    r.done();
    return attrs;
  },
  infer: (_inputs, { shape, dtype }) => ({ shape, dtype }),
  kernel: (_inputs, { dtype, p }, ctx) => sample(ctx, dtype, (rng) => (uniform01(rng) < p ? 1 : 0)),
});
