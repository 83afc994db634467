import type { Node } from '@chainrule/graph';
import type { OnnxBuilder } from '../builder.js';

/**
 * How one primitive becomes ONNX: given the builder, the chainrule node and the ONNX value names of
 * its operands, add ONNX nodes and return the name of the value that equals the node.
 */
export type Lowering = (b: OnnxBuilder, node: Node, x: readonly string[]) => string;
