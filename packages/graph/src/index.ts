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

export { ArgumentError, ChainruleError, DTypeError, ExecutionError, FeedError, GraphFormatError, LimitError, ShapeError, describeValue } from './core/errors.js';
// Run-time checks of arguments, for JavaScript callers; also used by the packages built on this one.
export { expectArray, expectBoolean, expectFunction, expectNumber, expectOptions, expectString, expectTensor } from './core/arguments.js';
export { expectGraph, expectNode, expectNodes } from './ir/arguments.js';
export { DTYPES, SMALLEST_NORMAL, allocate, isDType } from './core/dtype.js';
export type { DType, TypedArray } from './core/dtype.js';
export { MAX_RANK, RESERVED_KEYS, SYMBOL_PATTERN, bindShape, broadcastShapes, checkShape, formatShape, isConcrete, normalizeAxes, sameShape, sizeOf, stridesOf } from './core/shape.js';
export type { Dim, DimBindings, Shape, SymbolicShape } from './core/shape.js';
export { Tensor, copyTensor, full, ones, tensor, zeros } from './core/tensor.js';
export type { NestedArray } from './core/tensor.js';
export { decodeNumber, decodeTensor, encodeNumber, encodeTensor, MAX_JSON_TENSOR_SIZE } from './core/tensor-json.js';
export type { TensorJSON } from './core/tensor-json.js';
export { Node } from './ir/node.js';
export type { NodeOrigin, Operand } from './ir/node.js';
export { GraphCore } from './ir/graph.js';
export type { RandomOptions } from './ir/graph.js';
export { VariableStore } from './ir/state.js';
export type { RunState } from './ir/state.js';
export { Graph, graphFromJSON } from './graph.js';
export { InferenceModel } from './inference.js';
export { modelToJSON } from './io/model-json.js';
export type { ModelJSON } from './io/model-json.js';
export type { FromJSONOptions } from './graph.js';
export { JSON_DEFAULT_LIMITS } from './ir/limits.js';
export type { GraphLimits } from './ir/limits.js';
export { normalInit, uniformInit } from './core/initializers.js';
export type { Initializer, InitializerFunction } from './core/initializers.js';
export { batchNormTraining, expandDims, logSoftmax, logSumExp, mean, min, softmax, squeeze } from './ir/composites.js';
export type { BatchNormTrainingResult } from './ir/composites.js';
export { OPS, PRIMITIVES, getOp } from './ops/registry.js';
export type { Primitive } from './ops/registry.js';
export { AttrError, AttrReader } from './ops/attrs.js';
export type { RawAttrs } from './ops/attrs.js';
export { defineOp } from './ops/op-def.js';
export type { KernelContext, Linearity, NodeType, OpDef, OpKind, PlannedKernel } from './ops/op-def.js';
export { randomStream } from './core/random.js';
export type { RandomStream } from './core/random.js';
export { schedule, toDigraph } from './ir/structure.js';
export { compileInterpreter } from './exec/interpreter.js';
// For executors outside this package (such as @chainrule/onnx): the same request checks, feed
// checks and random streams as the two built-in executors.
export { bindFeeds, describe as describeNode, drawFor, feedMap, isFeedName, prepareRequest } from './exec/request.js';
export type { PreparedRequest } from './exec/request.js';
export type { Executable, ExecutableOptions, Feeds, RunOptions, Updates } from './ir/graph.js';
export { toDot, toMermaid } from './io/text.js';
export type { TextExportOptions } from './io/text.js';
export { ExpressionError } from './core/errors.js';
// The mathjs bridge, also at '@chainrule/graph/mathjs'; mathjs itself loads on first use.
export { fromExpression } from './io/mathjs/from-expression.js';
export { mathScope, scalarScope, toExpression, toMathNode, toTex } from './io/mathjs/to-math.js';
export { notation, notationTex, notationText } from './io/notation.js';
export type { Notation, NotationDefinition, NotationOptions } from './io/notation.js';
export type { MathRenderOptions } from './io/mathjs/to-math.js';
export { graphToJSON } from './io/json.js';
export type { GraphJSON, NodeJSON } from './ir/graph-json.js';
export { simplify } from './rewrite/simplify.js';
export type { SimplifyOptions } from './rewrite/simplify.js';
export { IDENTITIES } from './rewrite/identities.js';
export type { Identity } from './rewrite/identities.js';
export { substitute } from './rewrite/substitute.js';
export { compileExecutable } from './exec/compiler/compile.js';
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
export type { BatchNormAttrs, LayerNormAttrs } from './ops/normalization.js';
export type { Conv2dAttrs, Conv2dBackpropFilterAttrs, Conv2dBackpropInputAttrs } from './ops/conv.js';
export type { AvgPool2dBackpropAttrs, Pool2dAttrs } from './ops/pool.js';
export { resolveWindow, windowTaps } from './kernels/window.js';
export type { Padding2d, Window2d } from './kernels/window.js';
export type { Conv2dOptions, Pool2dOptions } from './ir/window-options.js';
