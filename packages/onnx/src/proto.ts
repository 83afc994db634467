import type { DType, SymbolicShape } from '@chainrule/graph';
import { AttributeType, DataType, onnxSchema } from './onnx-schema.js';

// The messages chainrule writes, as plain objects that the schema of onnx-schema.ts encodes;
// nothing here encodes bytes by hand. int64 fields hold numbers, which protobufjs writes exactly
// when they are integers, as sizes and attribute values always are.

/** A tensor message (an initializer, or the value of a tensor attribute) as a plain object. */
export interface TensorProto {
  name: string;
  dims: number[];
  /** A {@link DataType} value. */
  dataType: number;
  rawData: Uint8Array;
}

/** A graph node message as a plain object. */
export interface NodeProto {
  opType: string;
  domain: string;
  name: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
  docString: string;
}

/** An attribute message: its `type` says which one of `i`, `ints`, `s` and `t` it carries. */
interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  ints?: number[];
  s?: Uint8Array;
  t?: TensorProto;
}

/** A graph input or output message as a plain object. */
interface ValueInfoProto {
  name: string;
  docString: string;
  type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } };
}

/** A model message as a plain object: one graph and the opsets it uses. */
export interface ModelProto {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graph: {
    name: string;
    node: NodeProto[];
    initializer: TensorProto[];
    input: ValueInfoProto[];
    output: ValueInfoProto[];
    docString: string;
  };
}

const Model = onnxSchema.lookupType('onnx.ModelProto');

/** Serialises a model to ONNX's protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return Model.encode(model).finish();
}

/** ONNX element type of a chainrule dtype; also Cast's `to` attribute for a cast to that dtype. */
export function elemType(dtype: DType): number {
  return dtype === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
}

/** The ONNX element type of indices and shapes. */
export const INT64 = DataType.INT64;

/** The ONNX element type of masks. */
export const BOOL = DataType.BOOL;

/**
 * An initializer or constant tensor. Data goes into `raw_data` in little-endian order, which is
 * the byte order of typed arrays on every platform Node and ONNX Runtime run on.
 */
export function tensorProto(name: string, dtype: DType | 'int64', shape: readonly number[], values: ArrayLike<number>): TensorProto {
  const data =
    dtype === 'float64' ? Float64Array.from(values) : dtype === 'float32' ? Float32Array.from(values) : BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return {
    name,
    dims: [...shape],
    dataType: dtype === 'int64' ? INT64 : elemType(dtype),
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** An attribute value: an integer, a list of integers, a string, a tensor or a float (a 32-bit float in ONNX). */
export type AttrValue = number | readonly number[] | string | { readonly tensor: TensorProto } | { readonly float: number };

/** Turns a named attribute value into its message (numbers are INT, lists INTS, strings STRING, `{ float }` FLOAT). */
export function attribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if ('tensor' in value) return { name, type: AttributeType.TENSOR, t: value.tensor };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INTS, ints: [...value] };
}

/** A graph input or output: name, element type and shape (symbolic dimensions become dim_params). */
export function valueInfo(name: string, dtype: DType, shape: SymbolicShape, doc?: string): ValueInfoProto {
  return {
    name,
    docString: doc ?? '',
    type: {
      tensorType: {
        elemType: elemType(dtype),
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
