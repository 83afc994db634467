import { ArgumentError } from './errors.js';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

/**
 * A stream of random 32-bit integers, advanced in place: the generator a random op's kernel draws
 * from (`KernelContext.random()`) and turns into uniform or normal draws. Structurally the generator interface of `pure-rand`, declared here so that chainrule's
 * published types need none of pure-rand's subpath modules (which node10 resolution cannot find).
 *
 * @example
 * ```ts
 * const rng: RandomStream = randomStream(42, 0);
 * rng.next(); // an integer in [−2³¹, 2³¹)
 * ```
 */
export interface RandomStream {
  /** An independent copy of the stream in its current state. */
  clone(): RandomStream;
  /** The next value, uniform over the integers in [−2³¹, 2³¹); advances the stream. */
  next(): number;
  /** The internal state, read-only. */
  getState(): readonly number[];
}

/** Murmur3's 32-bit finaliser: a bijective mix of one word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * The random stream of one random node for one run: xoroshiro128+ (from `pure-rand`) started from a
 * state mixed from the node's seed and the run counter. Counter-based, so any run's stream can be
 * recreated from (seed, counter) alone — which is what checkpoints store.
 *
 * The four state words first hold the seed and the counter apart (so that different (seed, counter)
 * pairs give different states), then two rounds of wᵢ ← fmix32(wᵢ ⊕ wᵢ₋₁) — each step a bijection —
 * make every word depend on both. NOTE: without those rounds, two nodes with different seeds drawn
 * in the same run (same counter) started from states sharing two of their four words, and their
 * draws were strongly correlated (|corr| ≈ 0.5 for normal draws with seeds 7 and 8, or 100 and 200).
 *
 * @param seed - the node's seed, an integer in [0, 2³²).
 * @param counter - how many times the node has been evaluated before.
 * @returns a fresh generator.
 * @example
 * ```ts
 * const rng = randomStream(42, 0);
 * ```
 */
export function randomStream(seed: number, counter: number): RandomStream {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new ArgumentError('randomStream', 'seed', 'an integer', seed);
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) throw new ArgumentError('randomStream', 'counter', 'a non-negative integer', counter);
  const lo = counter % 0x100000000;
  const hi = Math.floor(counter / 0x100000000);
  const state: number[] = [fmix32(seed ^ 0x9e3779b9), fmix32(lo ^ 0x7f4a7c15), fmix32((seed + 0x632be5ab) ^ hi), fmix32(lo + 0x1b873593)];
  for (let round = 0; round < 2; round++) for (let i = 0; i < 4; i++) state[i] = fmix32(state[i]! ^ state[(i + 3) % 4]!);
  if (!state.some((s) => s !== 0)) state[0] = 1; // xoroshiro's state must not be all zero
  const rng = xoroshiro128plusFromState(state);
  for (let i = 0; i < 4; i++) rng.next();
  return rng;
}

/**
 * A uniform draw from [0, 1) with 53 random bits.
 *
 * @param rng - the generator to draw from (advanced in place).
 * @returns a number u with 0 ≤ u < 1.
 * @example
 * ```ts
 * uniform01(randomStream(42, 0));
 * ```
 */
export function uniform01(rng: RandomStream): number {
  return uniformFloat64(rng);
}

/**
 * A standard normal draw by the Box–Muller transform (one value per pair of uniforms, the simplest
 * form whose sequence does not depend on how many values were asked for before).
 *
 * @param rng - the generator to draw from (advanced by two uniforms).
 * @returns a draw from N(0, 1).
 * @example
 * ```ts
 * standardNormal(randomStream(7, 0));
 * ```
 */
export function standardNormal(rng: RandomStream): number {
  const u1 = 1 - uniformFloat64(rng); // in (0, 1], so the log is finite
  const u2 = uniformFloat64(rng);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
