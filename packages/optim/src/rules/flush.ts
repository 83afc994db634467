import type { Node } from '@chainrule/graph';

/**
 * A new value of a statistic a rule accumulates from gradients (a moment, a velocity, a sum of
 * squares) as the rule stores and uses it: in float32 flushed to zero where it is subnormal
 * (`flushSubnormal`: 0 < |v| < 2⁻¹²⁶ ≈ 1.1754944e-38 becomes ±0), in float64 unchanged.
 *
 * Why: a statistic of a weight whose gradient stays exactly 0 (a dead ReLU unit) decays
 * geometrically (Adam's g by β₁ = 0.9 per step reaches 2⁻¹²⁶ after some 700 steps) and would then
 * stay subnormal for ever, since β·v rounds back to v at a few units of 2⁻¹⁴⁹; x86 processors
 * compute with subnormals through slow microcode assists, and WebAssembly and JavaScript cannot set
 * the processor's flush-to-zero mode, so the update loop ran about 7 times slower (the MLP benchmark's
 * step halved). TensorFlow's CPU runtime computes in flush-to-zero mode altogether (every thread
 * of its pool sets it, `tensorflow/core/platform/threadpool.cc`, and XLA's CPU client matches it);
 * ONNX Runtime offers it as the session option `session.set_denormal_as_zero`. Here it is narrower:
 * only the stored float32 statistics, whose flushed values change no parameter by a representable
 * amount (see docs/design-decisions.md).
 *
 * @param value - the statistic's new value.
 * @returns the value to assign and to use in the step.
 * @example
 * ```ts
 * const next = flushedState(v.mul(gamma).sub(g.mul(eta))); // v ← γv − η∇f, flushed in float32
 * ```
 */
export function flushedState(value: Node): Node {
  return value.dtype === 'float32' ? value.flushSubnormal() : value;
}
