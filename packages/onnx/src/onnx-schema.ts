import protobuf from 'protobufjs/light.js';

// The part of onnx.proto that chainrule writes, as a protobufjs JSON descriptor. Field numbers and
// types are ONNX's; names are the camelCase that protobufjs uses for plain objects. Fields chainrule
// never sets are left out: ONNX Runtime reads them as absent, as it would from any other writer.
// Each top-level message says `edition: 'proto2'`, as onnx.proto does (protobufjs would read a JSON
// message without one as proto3): a field set to its default value ('' or 0) is still written.
// NOTE: dims and ints are packed. onnx.proto leaves them unpacked, but every protobuf parser must
// accept both encodings, and packed is what chainrule has always written (one tag per list).

/**
 * ONNX element types (`TensorProto.DataType`) that chainrule writes.
 *
 * @example
 * ```ts
 * DataType.DOUBLE; // 11
 * ```
 */
export const DataType = { UNDEFINED: 0, FLOAT: 1, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/**
 * ONNX attribute kinds (`AttributeProto.AttributeType`) that chainrule writes.
 *
 * @example
 * ```ts
 * AttributeType.INTS; // 7
 * ```
 */
export const AttributeType = { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, INTS: 7 } as const;

/**
 * The ONNX messages chainrule writes (package `onnx`), as a protobufjs descriptor.
 *
 * @example
 * ```ts
 * ONNX_SCHEMA.nested!['onnx']; // { nested: { ModelProto: …, GraphProto: …, … } }
 * ```
 */
export const ONNX_SCHEMA: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          edition: 'proto2',
          fields: {
            irVersion: { id: 1, type: 'int64' },
            producerName: { id: 2, type: 'string' },
            producerVersion: { id: 3, type: 'string' },
            graph: { id: 7, type: 'GraphProto' },
            opsetImport: { id: 8, type: 'OperatorSetIdProto', rule: 'repeated' },
          },
        },
        OperatorSetIdProto: {
          edition: 'proto2',
          fields: {
            domain: { id: 1, type: 'string' },
            version: { id: 2, type: 'int64' },
          },
        },
        GraphProto: {
          edition: 'proto2',
          fields: {
            node: { id: 1, type: 'NodeProto', rule: 'repeated' },
            name: { id: 2, type: 'string' },
            initializer: { id: 5, type: 'TensorProto', rule: 'repeated' },
            docString: { id: 10, type: 'string' },
            input: { id: 11, type: 'ValueInfoProto', rule: 'repeated' },
            output: { id: 12, type: 'ValueInfoProto', rule: 'repeated' },
          },
        },
        NodeProto: {
          edition: 'proto2',
          fields: {
            input: { id: 1, type: 'string', rule: 'repeated' },
            output: { id: 2, type: 'string', rule: 'repeated' },
            name: { id: 3, type: 'string' },
            opType: { id: 4, type: 'string' },
            attribute: { id: 5, type: 'AttributeProto', rule: 'repeated' },
            docString: { id: 6, type: 'string' },
            domain: { id: 7, type: 'string' },
          },
        },
        AttributeProto: {
          edition: 'proto2',
          fields: {
            name: { id: 1, type: 'string' },
            f: { id: 2, type: 'float' },
            i: { id: 3, type: 'int64' },
            s: { id: 4, type: 'bytes' },
            t: { id: 5, type: 'TensorProto' },
            ints: { id: 8, type: 'int64', rule: 'repeated', options: { packed: true } },
            type: { id: 20, type: 'AttributeType' },
          },
          nested: {
            AttributeType: { values: AttributeType },
          },
        },
        TensorProto: {
          edition: 'proto2',
          fields: {
            dims: { id: 1, type: 'int64', rule: 'repeated', options: { packed: true } },
            // An int32 holding a DataType value, not the enum type: onnx.proto declares it so.
            dataType: { id: 2, type: 'int32' },
            name: { id: 8, type: 'string' },
            rawData: { id: 9, type: 'bytes' },
          },
          nested: {
            DataType: { values: DataType },
          },
        },
        ValueInfoProto: {
          edition: 'proto2',
          fields: {
            name: { id: 1, type: 'string' },
            type: { id: 2, type: 'TypeProto' },
            docString: { id: 3, type: 'string' },
          },
        },
        TypeProto: {
          edition: 'proto2',
          fields: {
            tensorType: { id: 1, type: 'Tensor' },
          },
          nested: {
            Tensor: {
              fields: {
                // An int32 holding a TensorProto.DataType value, as onnx.proto declares it.
                elemType: { id: 1, type: 'int32' },
                shape: { id: 2, type: 'TensorShapeProto' },
              },
            },
          },
        },
        TensorShapeProto: {
          edition: 'proto2',
          fields: {
            dim: { id: 1, type: 'Dimension', rule: 'repeated' },
          },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { id: 1, type: 'int64' },
                dimParam: { id: 2, type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};

/**
 * {@link ONNX_SCHEMA} loaded: look a message up to encode or decode it.
 *
 * @example
 * ```ts
 * const bytes = onnxSchema.lookupType('onnx.ModelProto').encode({ irVersion: 10 }).finish(); // [8, 10]
 * ```
 */
export const onnxSchema: protobuf.Root = protobuf.Root.fromJSON(ONNX_SCHEMA);
