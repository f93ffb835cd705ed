// Reader for PyTorch's LEGACY `.pth` serialization (torch < 1.6, `_use_new_zipfile_serialization=False`):
// not a zip but five consecutive pickles followed by raw storages,
//
//   pickle(magic 0x1950a86a20f9469cfc6c) pickle(protocol 1001) pickle(sys_info)
//   pickle(state_dict, storages as persistent ids) pickle([storage keys])
//   then per key, in that order: int64 element count + the storage's raw bytes.
//
// (torch/serialization.py `_legacy_save` / `_legacy_load`.) The LPIPS lin weights
// (`lpips/weights/v0.*/alex.pth`) ship in this format. Only float32 storages are decoded: a
// state_dict of another dtype is refused with a message rather than mis-read.
import { BufferReader, NameRegistry, Parser } from 'pickleparser';
import { TorchIoError, type NamedTensor, type StateDict } from './state-dict.js';

/** Kept as aliases: the legacy reader returns the library's ordinary StateDict. */
export type LegacyNamedTensor = NamedTensor;
export type LegacyStateDict = StateDict;

/** A TorchIoError, so callers that handle `readPth` errors handle these too. */
export class LegacyPthError extends TorchIoError {
  override name = 'LegacyPthError';
}

// `pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)` as torch writes it: PROTO 2, LONG1 10 bytes, STOP.
// Matched byte for byte because pickleparser's LONG1 cannot hold an 80-bit integer.
const MAGIC_PICKLE = Uint8Array.from([
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
]);
const LEGACY_PROTOCOL_VERSION = 1001;

/** Bytes per element of the storage classes a legacy file may reference. */
const STORAGE_ELEMENT_SIZE: Record<string, number> = {
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

/** True when `bytes` start with the legacy magic-number pickle (a zip file starts with `PK`). */
export function isLegacyPth(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC_PICKLE.length) return false;
  return MAGIC_PICKLE.every((b, i) => bytes[i] === b);
}

interface StorageRef {
  kind: string; // 'FloatStorage', ...
  key: string;
  numel: number;
  /** `view_metadata` (view_key, offset, size) for storage views, else null. */
  view: [string, number, number] | null;
}

interface PendingTensor {
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

/** Stand-in for `torch.FloatStorage` & co.: the pickle only references the class (GLOBAL). */
function storageClass(name: string): (() => void) & { storageKind: string } {
  return Object.assign(() => undefined, { storageKind: name });
}

function makeParser(): Parser {
  const names = new NameRegistry();
  // Legacy files write `OrderedDict([[k, v], ...])`; newer pickles `OrderedDict()` + SETITEMS.
  names.register('collections', 'OrderedDict', (items?: Array<[unknown, unknown]>) => new Map(items ?? []));
  names.register('torch._utils', '_rebuild_tensor_v2', (storage: StorageRef, offset: number, size: number[], stride: number[]) => {
    const t: PendingTensor = { storage, offset, size, stride };
    return t;
  });
  names.register('torch._utils', '_rebuild_tensor', (storage: StorageRef, offset: number, size: number[], stride: number[]) => {
    const t: PendingTensor = { storage, offset, size, stride };
    return t;
  });
  for (const name of Object.keys(STORAGE_ELEMENT_SIZE)) names.register('torch', name, storageClass(name));
  return new Parser({
    nameResolver: names,
    unpicklingTypeOfDictionary: 'Map',
    persistentResolver: {
      // saved_id = ('storage', storage_type, root_key, location, numel, view_metadata)
      resolve(pid: unknown): StorageRef {
        const id = pid as [string, { storageKind?: string }, string, string, number, [string, number, number] | null];
        if (!Array.isArray(id) || id[0] !== 'storage') {
          throw new LegacyPthError(`unsupported persistent id in legacy .pth: ${JSON.stringify(id?.[0])} (only tensors/storages are supported)`);
        }
        const kind = id[1]?.storageKind;
        if (kind === undefined) throw new LegacyPthError('legacy .pth references an unknown storage type');
        return { kind, key: String(id[2]), numel: Number(id[4]), view: id[5] ?? null };
      },
    },
  });
}

/** Gathers a (possibly strided) view out of a flat float32 storage into a row-major array. */
function gather(storage: Float32Array, offset: number, size: number[], stride: number[]): Float32Array {
  const numel = size.reduce((a, b) => a * b, 1);
  const out = new Float32Array(numel);
  const contiguous = size.every((_, d) => stride[d] === size.slice(d + 1).reduce((a, b) => a * b, 1) || size[d] === 1);
  if (contiguous) {
    if (offset + numel > storage.length) throw new LegacyPthError('legacy .pth tensor runs past the end of its storage');
    out.set(storage.subarray(offset, offset + numel));
    return out;
  }
  const idx = new Array<number>(size.length).fill(0);
  for (let i = 0; i < numel; i++) {
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
 * Reads a legacy-format `.pth` holding a state_dict of float32 tensors.
 * Returns the tensors in their PyTorch layouts, in file order.
 */
export function readLegacyPth(bytes: Uint8Array): LegacyStateDict {
  if (!isLegacyPth(bytes)) {
    throw new LegacyPthError('not a legacy .pth file (no pickle magic number); zip-format .pth files are read by readPth');
  }
  const reader = new BufferReader(bytes.subarray(MAGIC_PICKLE.length));
  const parser = makeParser();
  const protocol = parser.read<number>(reader);
  if (protocol !== LEGACY_PROTOCOL_VERSION) throw new LegacyPthError(`legacy .pth protocol ${protocol} is not supported (expected ${LEGACY_PROTOCOL_VERSION})`);
  const sysInfo = parser.read<Map<string, unknown>>(reader);
  if (sysInfo instanceof Map && sysInfo.get('little_endian') === false) {
    throw new LegacyPthError('big-endian legacy .pth files are not supported');
  }
  const root = parser.read<unknown>(reader);
  const keys = parser.read<unknown[]>(reader).map(String);

  // Raw storages follow the last pickle, in the order of `keys`.
  const storages = new Map<string, Uint8Array>();
  let pos = MAGIC_PICKLE.length + reader.position;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kinds = new Map<string, string>();
  const collect = (t: unknown): void => {
    if (t && typeof t === 'object' && 'storage' in t) {
      const s = (t as PendingTensor).storage;
      kinds.set(s.view ? s.view[0] : s.key, s.kind);
    }
  };
  if (!(root instanceof Map)) throw new LegacyPthError('legacy .pth does not hold a state_dict (an OrderedDict of tensors)');
  for (const v of root.values()) collect(v);
  for (const key of keys) {
    const kind = kinds.get(key) ?? 'FloatStorage';
    const elSize = STORAGE_ELEMENT_SIZE[kind] ?? 4;
    if (pos + 8 > bytes.length) throw new LegacyPthError('legacy .pth is truncated (storage header missing)');
    const numel = Number(view.getBigInt64(pos, true));
    pos += 8;
    const nbytes = numel * elSize;
    if (pos + nbytes > bytes.length) throw new LegacyPthError('legacy .pth is truncated (storage data missing)');
    storages.set(key, bytes.subarray(pos, pos + nbytes));
    pos += nbytes;
  }

  const out: LegacyStateDict = new Map();
  for (const [name, value] of root) {
    const t = value as PendingTensor;
    if (!t || typeof t !== 'object' || !('storage' in t)) {
      throw new LegacyPthError(`legacy .pth entry '${String(name)}' is not a tensor`);
    }
    if (t.storage.kind !== 'FloatStorage') {
      throw new LegacyPthError(`legacy .pth tensor '${String(name)}' is ${t.storage.kind}; only float32 (FloatStorage) is supported`);
    }
    const rootKey = t.storage.view ? t.storage.view[0] : t.storage.key;
    const viewOffset = t.storage.view ? t.storage.view[1] : 0;
    const raw = storages.get(rootKey);
    if (!raw) throw new LegacyPthError(`legacy .pth storage '${rootKey}' of '${String(name)}' is missing`);
    // Copy to an aligned buffer: the storage may sit at any byte offset of the file.
    const floats = new Float32Array(new Uint8Array(raw).buffer); // copy (Buffer.slice would be a view)
    const size = t.size.map(Number);
    const stride = t.stride.map(Number);
    out.set(String(name), { shape: size, data: gather(floats, viewOffset + Number(t.offset), size, stride) });
  }
  return out;
}
