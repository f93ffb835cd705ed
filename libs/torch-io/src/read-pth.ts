// Reader for PyTorch's default `.pth` format (torch >= 1.6): a zip holding `<top>/data.pkl` (a
// pickle of the state_dict whose tensors point at storages by persistent id) and one raw
// little-endian storage per `<top>/data/<key>`. Legacy (pre-zip) files go to `readLegacyPth`.
//
// The pickle is decoded by `pickleparser` with resolvers for the three globals torch writes:
// `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and the storage classes.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { NameRegistry, Parser } from 'pickleparser';
import { isLegacyPth, readLegacyPth } from './legacy-pth.js';
import { numel, TorchIoError, type NamedTensor, type StateDict } from './state-dict.js';

/** A storage reference as the pickle describes it: `('storage', <class>, key, device, numel)`. */
interface StorageRef {
  dtype: string;
  key: string;
  numel: number;
}

/** The result of `_rebuild_tensor_v2(storage, offset, size, stride, ...)`. */
interface RebuiltTensor {
  readonly isRebuiltTensor: true;
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

const STORAGE_CLASSES = [
  'FloatStorage', 'DoubleStorage', 'HalfStorage', 'BFloat16Storage', 'LongStorage',
  'IntStorage', 'ShortStorage', 'CharStorage', 'ByteStorage', 'BoolStorage',
];

/** Bytes per element of the storages we decode (all to float32). */
const STORAGE_BYTES: Record<string, number> = { FloatStorage: 4, LongStorage: 8, IntStorage: 4 };

/**
 * Storage bytes as float32 values. Copies into an aligned buffer (a zip entry may start at any
 * byte offset); little-endian hosts only. Integer storages (BatchNorm's `num_batches_tracked`)
 * are converted when exact in float32 (|x| ≤ 2^24), refused otherwise.
 */
function decodeStorage(raw: Uint8Array, dtype: string, name: string, label: string): Float32Array {
  const bytes = raw.slice();
  if (dtype === 'FloatStorage') return new Float32Array(bytes.buffer);
  const ints: ArrayLike<number | bigint> = dtype === 'LongStorage' ? new BigInt64Array(bytes.buffer) : new Int32Array(bytes.buffer);
  const out = new Float32Array(ints.length);
  for (let i = 0; i < ints.length; i++) {
    const v = Number(ints[i]);
    if (Math.abs(v) > 2 ** 24) throw new TorchIoError(`${label}: integer tensor '${name}' holds ${v}, not exact as float32`);
    out[i] = v;
  }
  return out;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\3\4"

function loadBytes(pathOrBytes: string | Uint8Array): { bytes: Uint8Array; label: string } {
  if (typeof pathOrBytes !== 'string') return { bytes: pathOrBytes, label: '<bytes>' };
  const path = pathOrBytes;
  if (!existsSync(path)) throw new TorchIoError(`${path}: no such file (give the path of a .pth checkpoint)`);
  if (!statSync(path).isFile()) throw new TorchIoError(`${path}: not a file (give the path of a .pth checkpoint, not a folder)`);
  return { bytes: new Uint8Array(readFileSync(path)), label: path };
}

function toInt(v: unknown): number {
  // pickleparser returns small ints as numbers, large ones possibly as bigint.
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/** Copies `size` elements with `stride` from a flat storage, i.e. makes the tensor contiguous. */
function gather(storage: Float32Array, offset: number, size: number[], stride: number[]): Float32Array {
  const n = numel(size);
  const contiguous = size.every((_, d) => size[d] === 1 || stride[d] === numel(size.slice(d + 1)));
  if (contiguous) return storage.slice(offset, offset + n);
  const out = new Float32Array(n);
  const idx = new Array<number>(size.length).fill(0);
  for (let i = 0; i < n; i++) {
    let src = offset;
    for (let d = 0; d < size.length; d++) src += idx[d] * stride[d];
    out[i] = storage[src];
    for (let d = size.length - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Reads a PyTorch state_dict saved with `torch.save(net.state_dict(), path)`.
 * Tensors keep their PyTorch layout (OIHW conv, IOHW conv-transpose, OI linear) and file order.
 * Only float32 tensors are supported; anything else is refused with a message.
 */
export function readPth(pathOrBytes: string | Uint8Array): StateDict {
  const { bytes, label } = loadBytes(pathOrBytes);
  if (isLegacyPth(bytes)) return readLegacyPth(bytes);
  if (!ZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new TorchIoError(`${label}: not a PyTorch checkpoint (neither a zip-format nor a legacy .pth file)`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new TorchIoError(`${label}: damaged zip archive (${(err as Error).message}); re-download or re-save the checkpoint`);
  }
  const pklName = Object.keys(entries).find((n) => n.endsWith('/data.pkl') && n.split('/').length === 2);
  if (pklName === undefined) {
    throw new TorchIoError(`${label}: a zip file but not a PyTorch checkpoint (no <name>/data.pkl entry)`);
  }
  const top = pklName.slice(0, -'/data.pkl'.length);

  const registry = new NameRegistry();
  registry.register('collections', 'OrderedDict', () => new Map());
  registry.register('torch._utils', '_rebuild_tensor_v2', (storage: StorageRef, offset: unknown, size: unknown[], stride: unknown[]) => {
    const t: RebuiltTensor = {
      isRebuiltTensor: true,
      storage,
      offset: toInt(offset),
      size: size.map(toInt),
      stride: stride.map(toInt),
    };
    return t;
  });
  // The pickle references storage classes as globals (never calls them): remember which is which.
  const storageClasses = new Map<unknown, string>();
  for (const cls of STORAGE_CLASSES) {
    const marker = () => cls;
    storageClasses.set(marker, cls);
    registry.register('torch', cls, marker);
  }
  const storageClassOf = (cls: unknown): string =>
    storageClasses.get(cls) ?? String((cls as { __name__?: string } | undefined)?.__name__ ?? cls);

  const parser = new Parser({
    nameResolver: registry,
    unpicklingTypeOfDictionary: 'Map',
    persistentResolver: {
      resolve: (pid: unknown) => {
        const t = pid as unknown[];
        if (!Array.isArray(t) || t[0] !== 'storage') throw new TorchIoError(`${label}: unexpected persistent id in data.pkl`);
        const ref: StorageRef = { dtype: storageClassOf(t[1]), key: String(t[2]), numel: toInt(t[4]) };
        return ref;
      },
    },
  });
  let root: unknown;
  try {
    root = parser.parse(entries[pklName]);
  } catch (err) {
    if (err instanceof TorchIoError) throw err;
    throw new TorchIoError(`${label}: cannot decode data.pkl (${(err as Error).message})`);
  }
  if (!(root instanceof Map)) {
    throw new TorchIoError(`${label}: holds a pickled object, not a state_dict (save with torch.save(net.state_dict(), path))`);
  }

  const storages = new Map<string, Float32Array>();
  const out: StateDict = new Map();
  for (const [name, value] of root as Map<string, unknown>) {
    const t = value as RebuiltTensor;
    if (!t || t.isRebuiltTensor !== true) {
      throw new TorchIoError(`${label}: entry '${name}' is not a tensor (save a plain state_dict)`);
    }
    const elementBytes = STORAGE_BYTES[t.storage.dtype];
    if (elementBytes === undefined) {
      throw new TorchIoError(`${label}: tensor '${name}' has unsupported dtype ${t.storage.dtype} (only float32 checkpoints are supported, plus int64/int32 counters such as BatchNorm's num_batches_tracked; convert with .float() before saving)`);
    }
    let storage = storages.get(t.storage.key);
    if (storage === undefined) {
      const raw = entries[`${top}/data/${t.storage.key}`];
      if (raw === undefined) throw new TorchIoError(`${label}: storage ${t.storage.key} of '${name}' is missing from the archive`);
      if (raw.byteLength !== t.storage.numel * elementBytes) {
        throw new TorchIoError(`${label}: storage ${t.storage.key} has ${raw.byteLength} bytes, expected ${t.storage.numel * elementBytes}`);
      }
      storage = decodeStorage(raw, t.storage.dtype, name, label);
      storages.set(t.storage.key, storage);
    }
    const lastIndex = t.offset + t.size.reduce((acc, s, d) => acc + (s - 1) * t.stride[d], 0);
    if (numel(t.size) > 0 && lastIndex >= storage.length) {
      throw new TorchIoError(`${label}: tensor '${name}' reaches past the end of its storage`);
    }
    const tensor: NamedTensor = { shape: t.size, data: gather(storage, t.offset, t.size, t.stride) };
    out.set(name, tensor);
  }
  return out;
}
