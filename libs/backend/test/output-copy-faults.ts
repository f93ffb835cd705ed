// Child process of malloc-env.spec.ts: minor page faults per call of a one-node ORT graph with a
// 4 MiB preallocated output (the binding also returns a fresh copy of it: what the malloc settings are for).
import { encodeOnnxModel } from '../src/native/onnx-graph.js';
import { OrtKernelSession, ortRuntime } from '../src/native/ort-session.js';

const ort = ortRuntime();
if (ort === undefined) throw new Error('onnxruntime-node does not load');
const n = 1 << 20; // floats
const session = new OrtKernelSession(ort, encodeOnnxModel({ inputs: { x: [1] }, outputs: { y: [n] }, nodes: [
  { op: 'Constant', inputs: [], outputs: ['shape'], attrs: { value_ints: [n] } },
  { op: 'Expand', inputs: ['x', 'shape'], outputs: ['y'] },
] }), 1);
const x = new Float32Array([1]);
const y = new Float32Array(n);
const call = (): void => session.run({ x: { data: x, dims: [1] } }, { y: { data: y, dims: [n] } });
for (let i = 0; i < 5; i++) call();
const calls = 40;
const before = process.resourceUsage().minorPageFault;
for (let i = 0; i < calls; i++) call();
console.log(`FAULTS_PER_CALL ${(process.resourceUsage().minorPageFault - before) / calls}`);
