/**
 * `@chainrule/graph`: static graphs of tensor ops — values, shapes and broadcasting, the op
 * registry, the graph builder, the reference interpreter and the compiling executor, JSON
 * (de)serialisation, DOT/Mermaid export, rewrites and the mathjs bridge (mathjs loads on first use).
 *
 * @packageDocumentation
 */

/**
 * The version of this package.
 *
 * @example
 * ```ts
 * VERSION; // '0.1.0'
 * ```
 */
export const VERSION = '0.1.0';

export { ChainruleError, ExecutionError, FeedError, GraphFormatError, ShapeError } from './errors.js';
export { DTYPES, allocate, isDType } from './dtype.js';
export type { DType, TypedArray } from './dtype.js';
export { RESERVED_KEYS, SYMBOL_PATTERN, bindShape, broadcastShapes, checkShape, formatShape, isConcrete, normalizeAxes, sameShape, sizeOf, stridesOf } from './shape.js';
export type { Dim, DimBindings, Shape, SymbolicShape } from './shape.js';
export { Tensor, copyTensor, full, ones, tensor, zeros } from './tensor.js';
export type { NestedArray } from './tensor.js';
export { decodeNumber, decodeTensor, encodeNumber, encodeTensor, MAX_JSON_TENSOR_SIZE } from './tensor-json.js';
export type { TensorJSON } from './tensor-json.js';
export { Node } from './node.js';
export type { NodeOrigin, Operand } from './node.js';
export { Graph } from './graph.js';
export type { Initializer, InitializerFunction, RandomOptions } from './graph.js';
export { normalInit, uniformInit } from './initializers.js';
export { expandDims, logSoftmax, logSumExp, mean, min, softmax, squeeze } from './composites.js';
export { OPS, PRIMITIVES, getOp } from './ops/registry.js';
export type { Primitive } from './ops/registry.js';
export { AttrError, AttrReader } from './ops/attrs.js';
export type { RawAttrs } from './ops/attrs.js';
export { defineOp } from './ops/op-def.js';
export type { KernelContext, NodeType, OpDef, OpKind } from './ops/op-def.js';
export { randomStream } from './random.js';
export { schedule, toDigraph } from './structure.js';
export { compileInterpreter } from './interpreter.js';
// For executors outside this package (such as @chainrule/onnx): the same request checks, feed
// checks and random streams as the two built-in executors.
export { bindFeeds, describe as describeNode, drawFor, feedMap, prepareRequest } from './execution.js';
export type { PreparedRequest } from './execution.js';
export type { Executable, ExecutableOptions, Feeds, RunOptions, Updates } from './interpreter.js';
export { toDot, toMermaid } from './export-text.js';
export type { TextExportOptions } from './export-text.js';
export { ExpressionError } from './errors.js';
// The mathjs bridge, also at '@chainrule/graph/mathjs'; mathjs itself loads on first use.
export { fromExpression } from './mathjs/from-expression.js';
export { mathScope, scalarScope, toExpression, toMathNode, toTex } from './mathjs/to-math.js';
export type { MathRenderOptions } from './mathjs/to-math.js';
export { graphFromJSON, graphToJSON } from './serialize.js';
export type { GraphJSON, NodeJSON } from './serialize.js';
export { simplify } from './rewrite/simplify.js';
export type { SimplifyOptions } from './rewrite/simplify.js';
export { IDENTITIES } from './rewrite/identities.js';
export type { Identity } from './rewrite/identities.js';
export { substitute } from './rewrite/substitute.js';
export { compileExecutable } from './compiler/compile.js';
export { kernelOptions, setKernelOptions } from './kernels/settings.js';
export type { KernelBackend, KernelOptions, ResolvedKernelOptions } from './kernels/settings.js';
export type { BroadcastToAttrs, ReshapeAttrs } from './ops/reshape.js';
export type { CastAttrs, DimSizeAttrs } from './ops/misc.js';
export type { ConcatAttrs, PadAttrs, SliceAttrs } from './ops/slice.js';
export type { BernoulliAttrs, ConstantAttrs, ExternalAttrs, FillAttrs, NormalAttrs, RandomAttrs, UniformAttrs } from './ops/sources.js';
export type { MatmulAttrs } from './ops/matmul.js';
export type { ReduceAttrs } from './ops/reduce.js';
export type { OneHotAttrs, ScatterAddAttrs } from './ops/gather.js';
export type { TransposeAttrs } from './ops/transpose.js';
