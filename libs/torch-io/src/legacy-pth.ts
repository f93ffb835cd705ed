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
import { BufferReader } from 'pickleparser';
import { TorchIoError, type StateDict } from './state-dict.js';
import { decodeStorage, fitsStorage, gather, isRebuiltTensor, STORAGE_ELEMENT_SIZE, torchPickleParser } from './torch-pickle.js';

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

/** True when `bytes` start with the legacy magic-number pickle (a zip file starts with `PK`). */
export function isLegacyPth(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC_PICKLE.length) return false;
  return MAGIC_PICKLE.every((b, i) => bytes[i] === b);
}

function badPersistentId(pid: unknown): LegacyPthError {
  const tag = Array.isArray(pid) ? pid[0] : undefined;
  if (tag === 'storage') return new LegacyPthError('legacy .pth references an unknown storage type');
  return new LegacyPthError(`unsupported persistent id in legacy .pth: ${JSON.stringify(tag)} (only tensors/storages are supported)`);
}

/**
 * Reads a legacy-format `.pth` holding a state_dict of float32 tensors.
 * Returns the tensors in their PyTorch layouts, in file order.
 */
export function readLegacyPth(bytes: Uint8Array): StateDict {
  if (!isLegacyPth(bytes)) {
    throw new LegacyPthError('not a legacy .pth file (no pickle magic number); zip-format .pth files are read by readPth');
  }
  const reader = new BufferReader(bytes.subarray(MAGIC_PICKLE.length));
  const parser = torchPickleParser(badPersistentId);
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
  if (!(root instanceof Map)) throw new LegacyPthError('legacy .pth does not hold a state_dict (an OrderedDict of tensors)');
  for (const t of root.values()) {
    if (isRebuiltTensor(t)) kinds.set(t.storage.view ? t.storage.view[0] : t.storage.key, t.storage.kind);
  }
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

  const out: StateDict = new Map();
  for (const [name, t] of root) {
    if (!isRebuiltTensor(t)) {
      throw new LegacyPthError(`legacy .pth entry '${String(name)}' is not a tensor`);
    }
    if (t.storage.kind !== 'FloatStorage') {
      throw new LegacyPthError(`legacy .pth tensor '${String(name)}' is ${t.storage.kind}; only float32 (FloatStorage) is supported`);
    }
    const rootKey = t.storage.view ? t.storage.view[0] : t.storage.key;
    const viewOffset = t.storage.view ? t.storage.view[1] : 0;
    const raw = storages.get(rootKey);
    if (!raw) throw new LegacyPthError(`legacy .pth storage '${rootKey}' of '${String(name)}' is missing`);
    const floats = decodeStorage(raw, 'FloatStorage', String(name), 'legacy .pth');
    const offset = viewOffset + t.offset;
    if (!fitsStorage(offset, t.size, t.stride, floats.length)) throw new LegacyPthError('legacy .pth tensor runs past the end of its storage');
    out.set(String(name), { shape: t.size, data: gather(floats, offset, t.size, t.stride) });
  }
  return out;
}
