import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, type InitializerFunction, type Tensor } from '@chainrule/graph';
import { fans, glorotNormal, glorotUniform, heNormal, heUniform, normal, uniform, zeros } from '@chainrule/nn';
import { identical, moments, runs } from './helpers.js';

/** Every seeded initializer, as a function of its seed. */
const SEEDED: readonly (readonly [string, (seed: number) => InitializerFunction])[] = [
  ['uniform(-0.3, 0.7)', (s) => uniform(-0.3, 0.7, s)],
  ['normal(0.5, 2)', (s) => normal(0.5, 2, s)],
  ['glorotUniform', glorotUniform],
  ['glorotNormal', glorotNormal],
  ['heNormal', heNormal],
  ['heUniform', heUniform],
];

const seed = fc.integer({ min: 0, max: 0xffffffff });
/** Weight shapes [out, in] (and a conv-like rank 4), with at least 4 elements. */
const shape = fc.oneof(
  fc.tuple(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 9 })),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 2, max: 3 })),
);

describe('every initializer is seeded', () => {
  for (const [name, make] of SEEDED) {
    it(`${name}: the same seed gives an identical tensor, another seed a different one`, () => {
      fc.assert(
        fc.property(seed, seed, shape, (s, t, dims) => {
          fc.pre(s !== t);
          const a = make(s)(dims, 'float64');
          const b = make(s)(dims, 'float64');
          const c = make(t)(dims, 'float64');
          expect(a.shape).toEqual(dims);
          expect(identical(a, b)).toBe(true);
          expect(identical(a, c)).toBe(false);
        }),
        { numRuns: runs(30) },
      );
    });

    it(`${name}: honours the dtype and fills a graph variable of that shape`, () => {
      const t = make(7)([3, 4], 'float32');
      expect(t.dtype).toBe('float32');
      expect(t.shape).toEqual([3, 4]);
      const g = new Graph();
      g.variable('w', [3, 4], make(7), 'float32');
      expect(identical(g.getVariable('w'), t)).toBe(true);
    });
  }

  it('zeros() fills a variable with 0', () => {
    const g = new Graph();
    g.variable('b', [5], zeros());
    expect(Array.from(g.getVariable('b').data)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('fans of a weight shaped [out, in] are (in, out)', () => {
  it('matrices and conv-like kernels [out, in, k…]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 }), fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }), (out, inp, kernel) => {
        const receptive = kernel.reduce((a, d) => a * d, 1);
        expect(fans([out, inp, ...kernel])).toEqual({ fanIn: inp * receptive, fanOut: out * receptive });
      }),
      { numRuns: runs(50) },
    );
  });

  it('a vector [n] counts as (n, n)', () => {
    expect(fans([7])).toEqual({ fanIn: 7, fanOut: 7 });
  });

  it("HWIO filters [kh, kw, in, out] are (kh·kw·in, kh·kw·out)", () => {
    expect(fans([3, 3, 8, 16], 'hwio')).toEqual({ fanIn: 72, fanOut: 144 });
    expect(fans([5, 1, 1, 4], 'hwio')).toEqual({ fanIn: 5, fanOut: 20 });
    expect(fans([10, 784], 'hwio')).toEqual({ fanIn: 10, fanOut: 784 }); // a matrix in HWIO terms is [in, out]
    expect(() => fans([3, 3], 'oihw' as never)).toThrow(/fans: layout must be one of 'out-in', 'hwio'/);
  });
});

// Large draws: with n = 100 000 elements the sample variance is within ~0.5 % (normal) or ~0.3 %
// (uniform) of the true one per standard error, so a 3 % tolerance is ≥ 6σ; the mean is checked
// against 5 standard errors.
const OUT = 50;
const IN = 2000;
const VAR_TOLERANCE = 0.03;

function expectLaw(t: Tensor, variance: number, mean = 0): void {
  const n = t.size;
  const m = moments(t.data);
  expect(Math.abs(m.mean - mean)).toBeLessThanOrEqual(5 * Math.sqrt(variance / n));
  expect(Math.abs(m.variance / variance - 1)).toBeLessThan(VAR_TOLERANCE);
}

/** Checks U[−a, a): all draws inside, the extremes reached (to 1 %), variance a²/3. */
function expectUniform(t: Tensor, low: number, high: number): void {
  let min = Infinity;
  let max = -Infinity;
  for (const v of t.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  expect(min).toBeGreaterThanOrEqual(low);
  expect(max).toBeLessThan(high);
  expect(min).toBeLessThan(low + 0.01 * (high - low));
  expect(max).toBeGreaterThan(high - 0.01 * (high - low));
  expectLaw(t, (high - low) ** 2 / 12, (low + high) / 2);
}

/** Checks the shape of a centred normal law: P(|w| < σ) ≈ 0.6827, P(|w| < 2σ) ≈ 0.9545 (±1 %). */
function expectNormal(t: Tensor, variance: number, mean = 0): void {
  expectLaw(t, variance, mean);
  const sd = Math.sqrt(variance);
  const within = (k: number): number => Array.from(t.data).filter((v) => Math.abs(v - mean) < k * sd).length / t.size;
  expect(Math.abs(within(1) - 0.6827)).toBeLessThan(0.01);
  expect(Math.abs(within(2) - 0.9545)).toBeLessThan(0.01);
}

describe('each initializer follows its law (large shapes [out, in])', () => {
  it('uniform(low, high) draws from U[low, high)', () => {
    expectUniform(uniform(-0.3, 0.7, 11)([OUT, IN], 'float64'), -0.3, 0.7);
  });

  it('normal(mean, std) draws from N(mean, std²)', () => {
    expectNormal(normal(0.5, 2, 11)([OUT, IN], 'float64'), 4, 0.5);
  });

  it('Glorot uniform: U[−a, a) with a = √(6/(fan_in + fan_out)), variance 2/(fan_in + fan_out)', () => {
    for (const dims of [[OUT, IN], [IN, OUT]]) {
      const a = Math.sqrt(6 / (IN + OUT));
      const t = glorotUniform(3)(dims, 'float64');
      expectUniform(t, -a, a);
      expectLaw(t, 2 / (IN + OUT));
    }
  });

  it('Glorot normal: N(0, 2/(fan_in + fan_out))', () => {
    expectNormal(glorotNormal(3)([OUT, IN], 'float64'), 2 / (IN + OUT));
  });

  it('He normal: N(0, 2/fan_in), with fan_in the second axis of [out, in]', () => {
    expectNormal(heNormal(5)([OUT, IN], 'float64'), 2 / IN);
    expectNormal(heNormal(5)([IN, OUT], 'float64'), 2 / OUT);
  });

  it('He normal of HWIO conv filters: N(0, 2/(kh·kw·in))', () => {
    // [3, 3, 40, 100]: fan_in 360 in HWIO, where [out, in, …] would read 3·40·100 = 12 000
    expectNormal(heNormal(5, 'hwio')([3, 3, 40, 100], 'float64'), 2 / 360);
    expectLaw(glorotUniform(5, 'hwio')([3, 3, 40, 100], 'float64'), 2 / (360 + 900));
  });

  it('He uniform: U[−a, a) with a = √(6/fan_in), variance 2/fan_in', () => {
    for (const [dims, fanIn] of [[[OUT, IN], IN], [[IN, OUT], OUT]] as const) {
      const a = Math.sqrt(6 / fanIn);
      const t = heUniform(5)(dims, 'float64');
      expectUniform(t, -a, a);
      expectLaw(t, 2 / fanIn);
    }
  });
});
