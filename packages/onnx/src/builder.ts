import { describeNode, type DType, type Node, type SymbolicShape } from '@chainrule/graph';
import { OnnxExportError } from './errors.js';
import { attribute, tensorProto, type AttrValue, type NodeProto, type TensorProto } from './proto.js';

/** What an ONNX graph input stands for: a fed input, a variable's current value, or a random node's draw. */
export type ExternalKind = 'feed' | 'variable' | 'random';

/** One ONNX graph input and the chainrule node behind it. */
export interface External {
  /** The ONNX input's name. */
  readonly name: string;
  /** The input, variable or random node it stands for. */
  readonly node: Node;
  /** What is fed to it. */
  readonly kind: ExternalKind;
}

/** Where the runtime size of a symbolic dimension can be read: an axis of an ONNX graph input. */
export interface DimSource {
  /** The ONNX graph input's name. */
  readonly input: string;
  /** The axis of that input whose size the dimension is. */
  readonly axis: number;
}

/**
 * Collects the ONNX nodes, initializers and graph inputs of one export. Value names are made here
 * from node ids and counters (`#n12.3`, `#c4`), never from graph text; the `#` that chainrule names
 * cannot contain keeps them apart from the inputs and variables, which keep their own names.
 */
export class OnnxBuilder {
  /** The ONNX nodes added so far, in order. */
  readonly nodes: NodeProto[] = [];
  /** The constants, as initializers. */
  readonly initializers: TensorProto[] = [];
  /** The ONNX graph inputs, in order of declaration. */
  readonly externals: External[] = [];
  private current: Node | undefined;
  private temps = 0;
  private readonly constants = new Map<string, string>();
  private readonly dims = new Map<string, string>();

  constructor(private readonly dimSources: ReadonlyMap<string, DimSource>) {}

  /** Sets the chainrule node being lowered, for value names and error messages. */
  lowering(node: Node): void {
    this.current = node;
  }

  /** Throws an {@link OnnxExportError} naming the node being lowered. */
  fail(problem: string): never {
    throw new OnnxExportError(`${this.current ? describeNode(this.current) : 'export'}: ${problem}`);
  }

  private fresh(): string {
    return `#n${this.current ? this.current.id : ''}.${this.temps++}`;
  }

  /** Adds one ONNX node with a single output and returns the output's name. */
  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): string {
    const output = this.fresh();
    this.nodes.push({
      opType,
      domain: '',
      name: output,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      docString: this.current ? describeNode(this.current) : '',
    });
    return output;
  }

  /** A constant tensor as an initializer (identical small constants are shared). */
  constant(dtype: DType | 'int64', shape: readonly number[], values: ArrayLike<number>): string {
    const key = values.length <= 64 ? `${dtype}|${shape.join(',')}|${Array.from(values, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}` : undefined;
    const known = key === undefined ? undefined : this.constants.get(key);
    if (known !== undefined) return known;
    const name = `#c${this.initializers.length}`;
    this.initializers.push(tensorProto(name, dtype, shape, values));
    if (key !== undefined) this.constants.set(key, name);
    return name;
  }

  /** A 0-d constant of a float dtype. */
  scalar(value: number, dtype: DType): string {
    return this.constant(dtype, [], [value]);
  }

  /** A 1-d int64 constant (axes, starts, pads, …). */
  ints(values: readonly number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /** A 1-d int64 tensor holding `shape`, with symbolic dimensions read at run time from an input. */
  shapeOf(shape: SymbolicShape): string {
    if (shape.every((d) => typeof d === 'number')) return this.ints(shape as readonly number[]);
    const parts = shape.map((d) => (typeof d === 'number' ? this.ints([d]) : this.dim(d)));
    return this.op('Concat', parts, { axis: 0 });
  }

  /** The run-time size of a symbolic dimension, as a 1-element int64 tensor. */
  dim(name: string): string {
    const known = this.dims.get(name);
    if (known !== undefined) return known;
    const source = this.dimSources.get(name);
    if (source === undefined) {
      this.fail(`symbolic dimension '${name}' is not a dimension of any input the model reads, so ONNX Runtime could not know its size; feed an input that has it`);
    }
    const value = this.op('Shape', [source.input], { start: source.axis, end: source.axis + 1 });
    this.dims.set(name, value);
    return value;
  }

  /** Adds `name = Identity(value)`, so that a graph output has a fixed name of its own. */
  output(value: string, name: string, doc: string): void {
    this.nodes.push({ opType: 'Identity', domain: '', name, input: [value], output: [name], attribute: [], docString: doc });
  }

  /** Declares an ONNX graph input standing for `node` and returns its name. */
  external(node: Node, kind: ExternalKind, name: string): string {
    this.externals.push({ name, node, kind });
    return name;
  }
}
