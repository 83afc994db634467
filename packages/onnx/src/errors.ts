import { ChainruleError } from '@chainrule/graph';

/**
 * A graph (or a request on it) cannot be written as an ONNX model: a node whose op has no ONNX
 * lowering, a symbolic dimension that no fed input carries, or a `solve` whose matrix size is
 * symbolic. The message names the node and its op.
 *
 * @example
 * ```ts
 * try { toONNX(g, { outputs: [g.fill(['n'], 1)] }); } catch (e) { if (e instanceof OnnxExportError) console.log(e.message); }
 * // OnnxExportError: #0 fill: symbolic dimension 'n' is not a dimension of any input the model reads …
 * ```
 */
export class OnnxExportError extends ChainruleError {}
