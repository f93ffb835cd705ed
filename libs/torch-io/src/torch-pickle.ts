// What the zip and the legacy `.pth` readers share: the pickle globals torch writes
// (`collections.OrderedDict`, `torch._utils._rebuild_tensor[_v2]`, the storage classes), the
// storage persistent id, storage decoding and the strided gather that makes a tensor contiguous.
import { NameRegistry, Parser } from 'pickleparser';
import { numel, TorchIoError } from './state-dict.js';

/** Bytes per element of every storage class a state_dict pickle may reference. */
export const STORAGE_ELEMENT_SIZE: Record<string, number> = {
  FloatStorage: 4,
  DoubleStorage: 8,
  HalfStorage: 2,
  BFloat16Storage: 2,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
};

/** A storage as the pickle's persistent id describes it: `('storage', <class>, key, device, numel[, view])`. */
export interface StorageRef {
  /** Storage class name: 'FloatStorage', ... */
  kind: string;
  key: string;
  numel: number;
  /** Legacy files only: `view_metadata` (view_key, offset, size) for storage views, else null. */
  view: [string, number, number] | null;
}

/** What `_rebuild_tensor[_v2](storage, offset, size, stride, ...)` stands for: a tensor not yet read. */
export interface RebuiltTensor {
  readonly isRebuiltTensor: true;
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

export function isRebuiltTensor(v: unknown): v is RebuiltTensor {
  return typeof v === 'object' && v !== null && (v as RebuiltTensor).isRebuiltTensor === true;
}

/** pickleparser returns small ints as numbers, large ones possibly as bigint. */
function toInt(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/**
 * A pickle parser for a torch state_dict: tensors come back as `RebuiltTensor`s, the root as a
 * Map. `badPersistentId` makes the reader's error for a persistent id that is not a storage.
 */
export function torchPickleParser(badPersistentId: (pid: unknown) => Error): Parser {
  const names = new NameRegistry();
  // Legacy files write `OrderedDict([[k, v], ...])`; newer pickles `OrderedDict()` + SETITEMS.
  names.register('collections', 'OrderedDict', (items?: Array<[unknown, unknown]>) => new Map(items ?? []));
  const rebuild = (storage: StorageRef, offset: unknown, size: unknown[], stride: unknown[]): RebuiltTensor => ({
    isRebuiltTensor: true,
    storage,
    offset: toInt(offset),
    size: size.map(toInt),
    stride: stride.map(toInt),
  });
  names.register('torch._utils', '_rebuild_tensor_v2', rebuild);
  names.register('torch._utils', '_rebuild_tensor', rebuild);
  // The pickle references storage classes as globals (never calls them): tag each with its name.
  for (const kind of Object.keys(STORAGE_ELEMENT_SIZE)) names.register('torch', kind, Object.assign(() => undefined, { storageKind: kind }));
  return new Parser({
    nameResolver: names,
    unpicklingTypeOfDictionary: 'Map',
    persistentResolver: {
      resolve(pid: unknown): StorageRef {
        const id = pid as [string, { storageKind?: string } | undefined, unknown, unknown, unknown, [string, number, number] | null | undefined];
        const kind = Array.isArray(id) && id[0] === 'storage' ? id[1]?.storageKind : undefined;
        if (kind === undefined) throw badPersistentId(pid);
        return { kind, key: String(id[2]), numel: toInt(id[4]), view: id[5] ?? null };
      },
    },
  });
}

/**
 * Storage bytes as float32 values. Copies into an aligned buffer (a storage may start at any byte
 * offset of the file); little-endian hosts only. Integer storages (BatchNorm's
 * `num_batches_tracked`) are converted when exact in float32 (|x| ≤ 2^24), refused otherwise.
 */
export function decodeStorage(raw: Uint8Array, kind: 'FloatStorage' | 'LongStorage' | 'IntStorage', name: string, label: string): Float32Array {
  const bytes = new Uint8Array(raw); // a copy (on a Buffer, .slice() would be a view of the whole file)
  if (kind === 'FloatStorage') return new Float32Array(bytes.buffer);
  const ints: ArrayLike<number | bigint> = kind === 'LongStorage' ? new BigInt64Array(bytes.buffer) : new Int32Array(bytes.buffer);
  const out = new Float32Array(ints.length);
  for (let i = 0; i < ints.length; i++) {
    const v = Number(ints[i]);
    if (Math.abs(v) > 2 ** 24) throw new TorchIoError(`${label}: integer tensor '${name}' holds ${v}, not exact as float32`);
    out[i] = v;
  }
  return out;
}

/** True when the strided view ends inside its storage of `length` elements. */
export function fitsStorage(offset: number, size: number[], stride: number[], length: number): boolean {
  const lastIndex = offset + size.reduce((acc, s, d) => acc + (s - 1) * stride[d]!, 0); // size and stride have one entry per dim
  return numel(size) === 0 || lastIndex < length;
}

/** Copies `size` elements with `stride` from a flat storage into a row-major array (check `fitsStorage` first). */
export function gather(storage: Float32Array, offset: number, size: number[], stride: number[]): Float32Array {
  const n = numel(size);
  const contiguous = size.every((_, d) => size[d] === 1 || stride[d] === numel(size.slice(d + 1)));
  if (contiguous) return storage.slice(offset, offset + n);
  const out = new Float32Array(n);
  const idx = new Array<number>(size.length).fill(0);
  for (let i = 0; i < n; i++) {
    let src = offset;
    // Hot loop: d < size.length = stride.length = idx.length, and src < storage.length (fitsStorage).
    for (let d = 0; d < size.length; d++) src += idx[d]! * stride[d]!;
    out[i] = storage[src]!;
    for (let d = size.length - 1; d >= 0; d--) {
      if (++idx[d]! < size[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}
