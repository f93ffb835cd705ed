// Switches the wasm backend's four conv kernels to onnxruntime (native-conv-kernels.ts) and back.
// The wrappers are registered once, over whatever kernel was there (stock XNNPACK Conv2D and
// FusedConv2D, our Conv2DBackpropInput/Filter), and call it whenever the native path is off, the
// shape is too small to gain, or an attribute is one they do not handle.
//
// On by default when onnxruntime-node loads; `WORKBENCH_NATIVE_CONV=0` (or `setNativeConvs(false)`)
// keeps every conv inside wasm.
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc } from '../wasm-heap.js';
import { type ConvRoute, makeNativeConv2d, makeNativeConv2dBackpropFilter, makeNativeConv2dBackpropInput, NativeConvSessions } from './native-conv-kernels.js';
import { ortLoadError, ortRuntime } from './ort-session.js';

export const NATIVE_CONV_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const;

/** The kernels that were registered before ours (the fallbacks, and what `setNativeConvs(false)` leaves running). */
const previous = new Map<string, tf.KernelConfig>();
let sessions: NativeConvSessions | undefined;

export interface NativeConvStatus {
  on: boolean;
  /** e.g. "onnxruntime-node 1.30.0 (MLAS), 1 thread", or why it is off */
  detail: string;
}

/** Registers the wrappers once (after the wasm kernels they fall back to). */
export function registerNativeConvWrappers(): void {
  for (const name of NATIVE_CONV_KERNELS) {
    if (previous.has(name)) continue;
    const under = tf.getKernel(name, 'wasm');
    if (under === undefined) throw new Error(`the wasm backend has no '${name}' kernel to put the native conv in front of`);
    previous.set(name, under);
    const fallback = under.kernelFunc as unknown as KernelFunc;
    // Resolved per call: the sessions change with setNativeConvs.
    const native = (s: NativeConvSessions): KernelFunc =>
      name === 'Conv2DBackpropInput' ? makeNativeConv2dBackpropInput(s, fallback)
        : name === 'Conv2DBackpropFilter' ? makeNativeConv2dBackpropFilter(s, fallback)
          : makeNativeConv2d(s, name, fallback);
    let bound: { s: NativeConvSessions; fn: KernelFunc } | undefined;
    const kernelFunc: KernelFunc = (args) => {
      if (sessions === undefined) return fallback(args);
      if (bound?.s !== sessions) bound = { s: sessions, fn: native(sessions) };
      return bound.fn(args);
    };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...under, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}

/**
 * Turns the native convs on (with `threads` intra-op threads) or off. Returns what runs; `on` is
 * false when onnxruntime-node is missing or `WORKBENCH_NATIVE_CONV=0`, with the reason.
 */
export function setNativeConvs(enable: boolean, threads = 1): NativeConvStatus {
  sessions?.dispose();
  sessions = undefined;
  if (!enable) return { on: false, detail: 'off: every conv runs on XNNPACK in wasm' };
  if (process.env['WORKBENCH_NATIVE_CONV'] === '0') return { on: false, detail: 'off (WORKBENCH_NATIVE_CONV=0): every conv runs on XNNPACK in wasm' };
  const ort = ortRuntime();
  if (ort === undefined) {
    return { on: false, detail: `off: onnxruntime-node is not installed or does not load here (${ortLoadError() ?? 'unknown'}); convs run on XNNPACK in wasm` };
  }
  registerNativeConvWrappers();
  sessions = new NativeConvSessions(ort, threads);
  return { on: true, detail: `onnxruntime-node ${ort.version} (MLAS), ${threads} thread${threads === 1 ? '' : 's'}` };
}

/** Calls that ran natively, per kernel, since the native convs were last switched on. */
export function nativeConvCalls(): ReadonlyMap<string, number> {
  return sessions?.calls ?? new Map();
}

/**
 * Sends every conv the native path takes to one route (where the call allows it: the gemm route
 * needs no dilation, the conv route falls back to gemm where ONNX cannot express the call), or back
 * to `nativeRoute`'s choice with undefined. For benchmarks that time the routes against each other.
 */
export function forceNativeConvRoute(route: ConvRoute | undefined): void {
  if (sessions === undefined) throw new Error('forceNativeConvRoute: the native convs are off (setNativeConvs(true) first)');
  sessions.forcedRoute = route;
}
