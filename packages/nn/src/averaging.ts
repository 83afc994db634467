import { ChainruleError, Graph, Tensor, expectArray, expectTensor, type Executable } from '@chainrule/graph';

/**
 * How the outputs of several networks are averaged: `outputs` takes the arithmetic mean of the raw
 * outputs (regression, or logits averaged as numbers); `probabilities` averages the softmax
 * probabilities of classifiers, p̄ = (1/k) Σᵢ softmax(zᵢ), and returns log p̄ — logits of the averaged
 * classifier (softmax(log p̄) = p̄), so losses and metrics written for logits apply unchanged.
 *
 * @example
 * ```ts
 * const mode: Averaging = 'probabilities';
 * ```
 */
export type Averaging = 'outputs' | 'probabilities';

const combiners = new Map<string, Executable>();

/**
 * The average of k outputs of the same shape [n, c], as {@link Averaging} defines it, computed by a
 * small chainrule graph: mean over the first axis of z [k, n, c], or
 * log p̄ = logsumexp over k of log softmax(zᵢ) − log k (stable for any logits).
 *
 * @param outputs - k ≥ 1 tensors [n, c] of one dtype.
 * @param mode - what is averaged.
 * @returns the average, [n, c].
 * @throws ChainruleError when there are no outputs or their shapes or dtypes differ.
 * @example
 * ```ts
 * averageOutputs([trainerA.predict(x), trainerB.predict(x)], 'probabilities');
 * ```
 */
export function averageOutputs(outputs: readonly Tensor[], mode: Averaging): Tensor {
  expectArray('averageOutputs', 'outputs', outputs, 'tensors').forEach((t, i) => expectTensor('averageOutputs', `outputs[${i}]`, t));
  const first = outputs[0];
  if (first === undefined) throw new ChainruleError('averageOutputs: no outputs to average');
  if (mode !== 'outputs' && mode !== 'probabilities') throw new ChainruleError(`averageOutputs: mode must be 'outputs' or 'probabilities', got ${String(mode)}`);
  if (first.rank !== 2) throw new ChainruleError(`averageOutputs: outputs must be [n, c], got [${first.shape.join(', ')}]`);
  for (const [i, t] of outputs.entries()) {
    if (t.dtype !== first.dtype || t.shape.join() !== first.shape.join()) {
      throw new ChainruleError(`averageOutputs: output ${i} is ${t.dtype} [${t.shape.join(', ')}], output 0 is ${first.dtype} [${first.shape.join(', ')}]`);
    }
  }
  const [n, c] = first.shape as [number, number];
  const key = `${mode} ${first.dtype} ${c}`;
  let run = combiners.get(key);
  if (run === undefined) {
    const g = new Graph();
    const z = g.input('z', ['k', 'n', c], first.dtype);
    // log p̄ = log (1/k) Σᵢ softmax(zᵢ) = logsumexp_i(log softmax(zᵢ)) − log k
    const out = mode === 'outputs' ? z.mean([0]) : z.logSoftmax(-1).logSumExp([0]).sub(g.input('logK', [], first.dtype));
    run = g.compile({ outputs: [out] });
    combiners.set(key, run);
  }
  const data = new (first.data.constructor as Float64ArrayConstructor)(outputs.length * n * c);
  outputs.forEach((t, i) => data.set(t.data, i * n * c));
  const z = new Tensor(data, [outputs.length, n, c]);
  if (mode === 'outputs') return run({ z })[0]!;
  const logK = new (first.data.constructor as Float64ArrayConstructor)([Math.log(outputs.length)]);
  return run({ z, logK: new Tensor(logK, []) })[0]!;
}
