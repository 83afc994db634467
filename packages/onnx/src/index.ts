/**
 * `@chainrule/onnx`: writes chainrule graphs — forward, gradient, Hessian and optimiser update graphs
 * — as standard ONNX models ({@link toONNX}) and runs them on ONNX Runtime ({@link compileOnnx}),
 * multi-threaded on the CPU or on another execution provider such as CUDA. Kept out of the core
 * packages so that only users who want it install ONNX Runtime's native binaries.
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

export { OnnxExportError } from './errors.js';
export { OPSET, onnxOutputName, onnxUpdateName, toONNX } from './export.js';
export type { ToOnnxOptions } from './export.js';
export { compileOnnx } from './executor.js';
export type { OnnxExecutable, OnnxExecutableOptions, OnnxExecutionProvider } from './executor.js';
export { randomInputName as onnxRandomName } from './lower/sources.js';
