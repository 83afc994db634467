/**
 * JavaScript expression templates of the elementwise ops, used to fuse chains of them into one loop.
 * Arguments are names of local temporaries the code generator made (never text from a graph), and
 * each template computes exactly what the op's reference kernel computes, so fused and interpreted
 * results agree bit for bit in float64.
 */
export const ELEMENTWISE_TEMPLATES: Readonly<Record<string, (args: readonly string[]) => string>> = {
  neg: ([a]) => `-${a}`,
  abs: ([a]) => `Math.abs(${a})`,
  sign: ([a]) => `Math.sign(${a})`,
  exp: ([a]) => `Math.exp(${a})`,
  log: ([a]) => `Math.log(${a})`,
  log1p: ([a]) => `Math.log1p(${a})`,
  sqrt: ([a]) => `Math.sqrt(${a})`,
  square: ([a]) => `${a} * ${a}`,
  reciprocal: ([a]) => `1 / ${a}`,
  sin: ([a]) => `Math.sin(${a})`,
  cos: ([a]) => `Math.cos(${a})`,
  tanh: ([a]) => `Math.tanh(${a})`,
  sigmoid: ([a]) => `h.sigmoid(${a})`,
  relu: ([a]) => `(${a} < 0 ? 0 : ${a})`,
  softplus: ([a]) => `h.softplus(${a})`,
  add: ([a, b]) => `${a} + ${b}`,
  sub: ([a, b]) => `${a} - ${b}`,
  mul: ([a, b]) => `${a} * ${b}`,
  div: ([a, b]) => `${a} / ${b}`,
  pow: ([a, b]) => `Math.pow(${a}, ${b})`,
  maximum: ([a, b]) => `Math.max(${a}, ${b})`,
  minimum: ([a, b]) => `Math.min(${a}, ${b})`,
  greater: ([a, b]) => `(${a} > ${b} ? 1 : 0)`,
  less: ([a, b]) => `(${a} < ${b} ? 1 : 0)`,
  equal: ([a, b]) => `(${a} === ${b} ? 1 : 0)`,
  where: ([c, a, b]) => `(${c} !== 0 ? ${a} : ${b})`,
  cast: ([a]) => `${a}`,
  identity: ([a]) => `${a}`,
  stopGradient: ([a]) => `${a}`,
  broadcastTo: ([a]) => `${a}`,
};

/** Helper functions the generated code calls as `h.<name>`: the same code as the reference kernels. */
export const HELPERS = {
  sigmoid(x: number): number {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
  softplus(x: number): number {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  },
};
