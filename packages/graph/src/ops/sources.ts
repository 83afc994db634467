import { allocate, type DType } from '../dtype.js';
import { RESERVED_KEYS, sizeOf, type Dim } from '../shape.js';
import { standardNormal, uniform01 } from '../random.js';
import { Tensor } from '../tensor.js';
import { AttrError, type AttrReader } from './attrs.js';
import { defineOp, type KernelContext } from './op-def.js';

/** Attributes shared by ops that hold a named value from outside the graph (inputs, variables). */
export interface ExternalAttrs {
  /** Unique name: the feed key of an input, the store key of a variable. */
  readonly name: string;
  /** Static shape. */
  readonly shape: readonly Dim[];
  /** Element type. */
  readonly dtype: DType;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;

function externalOp(name: 'input' | 'variable', summary: string) {
  return defineOp<ExternalAttrs>({
    name,
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

/** A placeholder whose value is fed at each run, by name. */
export const inputOp = externalOp('input', 'A placeholder whose value is fed by name at each run.');
/** A named value that persists between runs and changes only by assignment. */
export const variableOp = externalOp('variable', 'A named value kept between runs; changed only by assignments.');

/** Attributes of constant: the value. */
export interface ConstantAttrs {
  /** The value, fixed when the graph is built. */
  readonly value: Tensor;
}

/** A fixed value, stored in the graph. */
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

/** Attributes of fill: shape, dtype and the value of every element. */
export interface FillAttrs {
  /** Static shape (symbolic dimensions allowed). */
  readonly shape: readonly Dim[];
  /** Element type. */
  readonly dtype: DType;
  /** Value of every element. */
  readonly value: number;
}

/** A tensor of one repeated value; its shape may be symbolic. */
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

/** Attributes every random op has. */
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

/** Attributes of randomUniform. */
export interface UniformAttrs extends RandomAttrs {
  /** Lower bound (included). */
  readonly low: number;
  /** Upper bound (excluded). */
  readonly high: number;
}

/** Independent draws from U[low, high); a new draw every run, reproducible from the seed. */
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

/** Attributes of randomNormal. */
export interface NormalAttrs extends RandomAttrs {
  /** Mean μ. */
  readonly mean: number;
  /** Standard deviation σ ≥ 0. */
  readonly std: number;
}

/** Independent draws from N(mean, std²); a new draw every run, reproducible from the seed. */
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

/** Attributes of randomBernoulli. */
export interface BernoulliAttrs extends RandomAttrs {
  /** Probability of a 1. */
  readonly p: number;
}

/** Independent 0/1 draws, 1 with probability p; a new draw every run, reproducible from the seed. */
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
