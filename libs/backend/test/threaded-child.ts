// Run by wasm-threads.spec.ts in a child process (the threaded binary must be chosen before the
// wasm backend first starts): initialises the backend from the environment, runs a conv backprop
// on wasm and on cpu, prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index.js';
import { maxAbsDiff, randomArray } from '../src/test-helpers.js';

const info = await initBackend({ force: 'wasm' });
const grads = () =>
  tf.tidy(() => {
    const x = tf.tensor4d(randomArray(2 * 24 * 24 * 8, 1), [2, 24, 24, 8]);
    const w = tf.tensor4d(randomArray(4 * 4 * 8 * 16, 2), [4, 4, 8, 16]);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2dTranspose(tf.conv2d(a, b, 2, 'same'), b, [2, 24, 24, 8], 2, 'same').square().mean();
    const [gx, gw] = tf.grads(f as (...t: tf.Tensor[]) => tf.Tensor)([x, w]) as [tf.Tensor, tf.Tensor];
    return [gx.dataSync().slice(), gw.dataSync().slice()];
  });
const onWasm = grads();
await tf.setBackend('cpu');
const onCpu = grads();
process.stdout.write(
  `${JSON.stringify({ details: info.details, errX: maxAbsDiff(onWasm[0]!, onCpu[0]!), errW: maxAbsDiff(onWasm[1]!, onCpu[1]!) })}\n`,
);
