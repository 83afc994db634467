import { describe, expect, it } from 'vitest';
import { onnxSchema } from '../src/onnx-schema.js';
import { attribute, encodeModel, tensorProto, valueInfo, type ModelProto } from '../src/proto.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const encode = (message: string, value: object): string => hex(onnxSchema.lookupType(`onnx.${message}`).encode(value).finish());

// Expected bytes are worked out by hand from onnx.proto: a tag is (field number << 3 | wire type),
// wire type 0 for varints (int32, int64, enums) and 2 for strings, bytes, messages and packed lists;
// a length follows a wire type 2 tag. Field 20's tag 160 is the two-byte varint a0 01.
describe('the ONNX wire format', () => {
  it.each([
    ['OperatorSetIdProto', { domain: '', version: 21 }, '0a 00 10 15'], // proto2: '' is still written
    ['TensorProto', tensorProto('z', 'float32', [1], [1.5]), '0a 01 01 10 01 42 01 7a 4a 04 00 00 c0 3f'], // dims packed, 1.5f little-endian
    ['TensorProto', tensorProto('i', 'int64', [2], [-1, 300]), '0a 01 02 10 07 42 01 69 4a 10 ff ff ff ff ff ff ff ff 2c 01 00 00 00 00 00 00'],
    ['AttributeProto', attribute('axis', -1), '0a 04 61 78 69 73 18 ff ff ff ff ff ff ff ff ff 01 a0 01 02'], // a negative int64 takes ten bytes
    ['AttributeProto', attribute('pads', [1, 300]), '0a 04 70 61 64 73 42 03 01 ac 02 a0 01 07'],
    ['AttributeProto', attribute('mode', 'ab'), '0a 04 6d 6f 64 65 22 02 61 62 a0 01 03'],
    ['AttributeProto', attribute('epsilon', { float: 0.5 }), '0a 07 65 70 73 69 6c 6f 6e 15 00 00 00 3f a0 01 01'], // wire type 5: a 32-bit float, little-endian
    ['AttributeProto', attribute('value', { tensor: tensorProto('z', 'float32', [1], [1.5]) }), '0a 05 76 61 6c 75 65 2a 0e 0a 01 01 10 01 42 01 7a 4a 04 00 00 c0 3f a0 01 04'],
    // ValueInfoProto → TypeProto.tensor_type → TypeProto.Tensor { elem_type, shape } → TensorShapeProto.dim.
    ['ValueInfoProto', valueInfo('x', 'float64', ['b', 3], 'd'), '0a 01 78 12 0f 0a 0d 08 0b 12 09 0a 03 12 01 62 0a 02 08 03 1a 01 64'],
    ['ValueInfoProto', valueInfo('e', 'float32', [0]), '0a 01 65 12 0a 0a 08 08 01 12 04 0a 02 08 00 1a 00'], // a 0 dim_value is written: it is a oneof member
    ['TensorShapeProto', { dim: [{ dimValue: 2 ** 32 }] }, '0a 06 08 80 80 80 80 10'], // int64: an int32 would drop the high bits
    [
      'NodeProto',
      { opType: 'Cast', domain: '', name: 'n', input: ['x'], output: ['y'], attribute: [attribute('to', 1)], docString: '' },
      '0a 01 78 12 01 79 1a 01 6e 22 04 43 61 73 74 2a 09 0a 02 74 6f 18 01 a0 01 02 32 00 3a 00',
    ],
    ['GraphProto', { node: [{ name: 'a' }], name: 'g', initializer: [{ name: 'b' }], docString: 'd', input: [{ name: 'c' }], output: [{ name: 'e' }] }, '0a 03 1a 01 61 12 01 67 2a 03 42 01 62 52 01 64 5a 03 0a 01 63 62 03 0a 01 65'],
    ['ModelProto', { irVersion: 10, producerName: 'p', producerVersion: 'v', graph: { name: 'g' }, opsetImport: [{ domain: '', version: 21 }] }, '08 0a 12 01 70 1a 01 76 3a 03 12 01 67 42 04 0a 00 10 15'],
  ])('%s %j', (message, value, bytes) => {
    expect(encode(message, value)).toBe(bytes);
  });

  it('decodes a model back to what was encoded, so no field is dropped for a name the schema lacks', () => {
    const model: ModelProto = {
      irVersion: 10,
      opsetImport: [{ domain: '', version: 21 }],
      producerName: 'chainrule',
      producerVersion: '0.1.0',
      graph: {
        name: 'g',
        node: [
          {
            opType: 'Op',
            domain: '',
            name: 'y',
            input: ['x', '#c0'],
            output: ['y'],
            attribute: [attribute('axis', -1), attribute('pads', [0, 2 ** 40]), attribute('mode', 'edge'), attribute('value', { tensor: tensorProto('v', 'float64', [1], [2.5]) })],
            docString: 'a node',
          },
        ],
        initializer: [tensorProto('#c0', 'int64', [2], [1, 2])],
        input: [valueInfo('x', 'float32', ['batch', 3])],
        output: [valueInfo('y', 'float32', ['batch', 0], 'out')],
        docString: 'a graph',
      },
    };
    const Model = onnxSchema.lookupType('onnx.ModelProto');
    // Decoding a Uint8Array rather than the Buffer that encoding gives under Node makes the bytes
    // fields Uint8Arrays, as in the model, for toEqual.
    const decoded = Model.decode(new Uint8Array(encodeModel(model)));
    expect(Model.toObject(decoded, { longs: Number })).toEqual(model);
  });
});
