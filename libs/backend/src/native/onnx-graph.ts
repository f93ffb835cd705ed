// A one-graph ONNX model (ModelProto bytes) from a list of nodes: what onnxruntime loads to run
// one of our kernels. Every input and output is float32 with a fixed shape.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type OnnxAttr = number | number[];

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, OnnxAttr>;
}

export interface OnnxGraph {
  inputs: Record<string, number[]>;
  outputs: Record<string, number[]>;
  nodes: OnnxNode[];
}

/** The opset our graphs are written against (Conv, ConvTranspose, Transpose, Slice, MatMul). */
export const ONNX_OPSET = 17;

function valueInfo(name: string, dims: number[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  };
}

function attribute(name: string, value: OnnxAttr): onnxProto.onnx.IAttributeProto {
  return Array.isArray(value)
    ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value }
    : { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

export function encodeOnnxModel(g: OnnxGraph): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'bicyclegan-workbench',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: {
      name: 'kernel',
      input: Object.entries(g.inputs).map(([n, d]) => valueInfo(n, d)),
      output: Object.entries(g.outputs).map(([n, d]) => valueInfo(n, d)),
      node: g.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
