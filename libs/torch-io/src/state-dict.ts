// The in-memory form of a set of named float32 tensors, shared by the .pth and safetensors readers.

/** One tensor: row-major values of `shape` in the layout its source stated (PyTorch or tfjs). */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** Named tensors; insertion order = file order (for a .pth: the official state_dict order). */
export type StateDict = Map<string, NamedTensor>;

/** Any problem reading or writing a tensor file: one line naming the file and the fix. */
export class TorchIoError extends Error {
  override name = 'TorchIoError';
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
