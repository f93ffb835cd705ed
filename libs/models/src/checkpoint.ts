// Network weights as safetensors files in tfjs layouts under the official key names (the
// workbench checkpoint format), plus export back to PyTorch layouts.
import * as tf from '@tensorflow/tfjs';
import { readSafetensors, writeSafetensors, type StateDict } from '@workbench/torch-io';
import { tfToTorch, torchShape } from './layout.js';
import type { Network } from './network.js';

/** `format` metadata of a network file written by `saveNetwork` (a training checkpoint folder's
 *  state.json has its own format, `@workbench/training`'s CHECKPOINT_FORMAT). */
export const NETWORK_FILE_FORMAT = 'bicyclegan-workbench/v1';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** Every parameter and buffer of `net`, tfjs layouts, official order. Reads variable values (sync). */
export function networkStateDict(net: Network): StateDict {
  const vars = new Map([...net.params(), ...net.buffers()]);
  const out: StateDict = new Map();
  for (const s of net.specs()) {
    const v = vars.get(s.key);
    if (v === undefined) throw new CheckpointError(`network ${net.kind} has no values (built shape-only?)`);
    out.set(s.key, { shape: [...v.shape], data: v.dataSync() as Float32Array });
  }
  return out;
}

/** The same tensors in PyTorch layouts (what `net.state_dict()` of the official code would hold). */
export function toOfficialStateDict(net: Network): StateDict {
  const out: StateDict = new Map();
  const layouts = new Map(net.specs().map((s) => [s.key, s.layout]));
  for (const [key, t] of networkStateDict(net)) out.set(key, tfToTorch(t.data, t.shape, layouts.get(key)!));
  return out;
}

/** Writes `net` to `path` (safetensors, tfjs layouts); `metadata` strings are stored alongside. */
export function saveNetwork(net: Network, path: string, metadata: Record<string, string> = {}): void {
  writeSafetensors(path, networkStateDict(net), { format: NETWORK_FILE_FORMAT, kind: net.kind, layout: 'tfjs', ...metadata });
}

/**
 * Loads weights saved by `saveNetwork` into `net`, checking every key and shape first (the
 * network is untouched on error). Returns the file's metadata.
 */
export function loadNetwork(net: Network, path: string): Record<string, string> {
  const { tensors, metadata } = readSafetensors(path);
  if (metadata.layout !== undefined && metadata.layout !== 'tfjs') {
    throw new CheckpointError(`${path}: tensors are in ${metadata.layout} layout, expected a workbench (tfjs layout) checkpoint; convert official .pth files with 'workbench import-official'`);
  }
  if (metadata.kind !== undefined && metadata.kind !== net.kind) {
    throw new CheckpointError(`${path}: holds a ${metadata.kind} network, not a ${net.kind}`);
  }
  const specs = new Map(net.specs().map((s) => [s.key, s]));
  const all = new Map([...net.params(), ...net.buffers()]);
  if (all.size < specs.size) throw new CheckpointError(`network ${net.kind} has no values to load into (built shape-only?)`);
  const vars = new Map([...specs.keys()].map((k) => [k, all.get(k)!]));
  assignStateDict(vars, tensors, path, (key, shape) => {
    const s = specs.get(key)!;
    return `[${shape.join(',')}] (PyTorch [${torchShape(s.shape, s.layout).join(',')}])`;
  });
  return metadata;
}

/**
 * Assigns `tensors` to `vars` (tfjs layouts, same keys), after checking that every key is there
 * with its shape and nothing else is: the variables are untouched on error. `path` names the file
 * in messages; `shapeText` may add detail to the expected shape (default `[h,w,...]`).
 */
export function assignStateDict(
  vars: Map<string, tf.Variable>,
  tensors: StateDict,
  path: string,
  shapeText: (key: string, shape: readonly number[]) => string = (_key, shape) => `[${shape.join(',')}]`,
): void {
  for (const [key, v] of vars) {
    const t = tensors.get(key);
    if (t === undefined) throw new CheckpointError(`${path}: missing '${key}' (the checkpoint was made with different model options)`);
    if (t.shape.join(',') !== v.shape.join(',')) {
      throw new CheckpointError(
        `${path}: '${key}' has shape [${t.shape.join(',')}] but the network needs ${shapeText(key, v.shape)}: the checkpoint was made with different model options`,
      );
    }
  }
  const extra = [...tensors.keys()].filter((k) => !vars.has(k));
  if (extra.length > 0) throw new CheckpointError(`${path}: unexpected '${extra[0]}' (${extra.length} extra tensors; different model options?)`);
  for (const [key, v] of vars) {
    const t = tensors.get(key)!;
    tf.tidy(() => v.assign(tf.tensor(t.data, t.shape, 'float32')));
  }
}
