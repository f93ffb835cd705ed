// Reader for PyTorch's default `.pth` format (torch >= 1.6): a zip holding `<top>/data.pkl` (a
// pickle of the state_dict whose tensors point at storages by persistent id) and one raw
// little-endian storage per `<top>/data/<key>`. Legacy (pre-zip) files go to `readLegacyPth`.
//
// The pickle is decoded by `pickleparser` with the torch globals of `torch-pickle.ts` (shared with
// the legacy reader).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { isLegacyPth, LegacyPthError, readLegacyPth } from './legacy-pth.js';
import { TorchIoError, type StateDict } from './state-dict.js';
import { decodeStorage, fitsStorage, gather, isRebuiltTensor, STORAGE_ELEMENT_SIZE, torchPickleParser } from './torch-pickle.js';

/** The storage classes decoded (all to float32): float32 weights and integer counters. */
const DECODED = ['FloatStorage', 'LongStorage', 'IntStorage'] as const;
type DecodedKind = (typeof DECODED)[number];

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\3\4"

function loadBytes(pathOrBytes: string | Uint8Array): { bytes: Uint8Array; label: string } {
  if (typeof pathOrBytes !== 'string') return { bytes: pathOrBytes, label: '<bytes>' };
  const path = pathOrBytes;
  if (!existsSync(path)) throw new TorchIoError(`${path}: no such file (give the path of a .pth checkpoint)`);
  if (!statSync(path).isFile()) throw new TorchIoError(`${path}: not a file (give the path of a .pth checkpoint, not a folder)`);
  return { bytes: new Uint8Array(readFileSync(path)), label: path };
}

/**
 * Reads a PyTorch state_dict saved with `torch.save(net.state_dict(), path)`.
 * Tensors keep their PyTorch layout (OIHW conv, IOHW conv-transpose, OI linear) and file order.
 * Only float32 tensors are supported; anything else is refused with a message.
 */
export function readPth(pathOrBytes: string | Uint8Array): StateDict {
  const { bytes, label } = loadBytes(pathOrBytes);
  if (isLegacyPth(bytes)) {
    try {
      return readLegacyPth(bytes);
    } catch (err) {
      // Name the file: the legacy reader only sees bytes.
      if (err instanceof LegacyPthError && label !== '<bytes>') throw new LegacyPthError(`${label}: ${err.message}`);
      throw err;
    }
  }
  if (!ZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new TorchIoError(`${label}: not a PyTorch checkpoint (neither a zip-format nor a legacy .pth file)`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new TorchIoError(`${label}: damaged zip archive (${(err as Error).message}); re-download or re-save the checkpoint`);
  }
  const pkl = Object.entries(entries).find(([n]) => n.endsWith('/data.pkl') && n.split('/').length === 2);
  if (pkl === undefined) {
    throw new TorchIoError(`${label}: a zip file but not a PyTorch checkpoint (no <name>/data.pkl entry)`);
  }
  const [pklName, pklBytes] = pkl;
  const top = pklName.slice(0, -'/data.pkl'.length);

  const parser = torchPickleParser(() => new TorchIoError(`${label}: unexpected persistent id in data.pkl`));
  let root: unknown;
  try {
    root = parser.parse(pklBytes);
  } catch (err) {
    if (err instanceof TorchIoError) throw err;
    throw new TorchIoError(`${label}: cannot decode data.pkl (${(err as Error).message})`);
  }
  if (!(root instanceof Map)) {
    throw new TorchIoError(`${label}: holds a pickled object, not a state_dict (save with torch.save(net.state_dict(), path))`);
  }

  const storages = new Map<string, Float32Array>();
  const out: StateDict = new Map();
  for (const [name, t] of root as Map<string, unknown>) {
    if (!isRebuiltTensor(t)) {
      throw new TorchIoError(`${label}: entry '${name}' is not a tensor (save a plain state_dict)`);
    }
    const kind = t.storage.kind as DecodedKind;
    if (!DECODED.includes(kind)) {
      throw new TorchIoError(`${label}: tensor '${name}' has unsupported dtype ${t.storage.kind} (only float32 checkpoints are supported, plus int64/int32 counters such as BatchNorm's num_batches_tracked; convert with .float() before saving)`);
    }
    const elementBytes = STORAGE_ELEMENT_SIZE[kind]!; // every DECODED kind is in the table
    let storage = storages.get(t.storage.key);
    if (storage === undefined) {
      const raw = entries[`${top}/data/${t.storage.key}`];
      if (raw === undefined) throw new TorchIoError(`${label}: storage ${t.storage.key} of '${name}' is missing from the archive`);
      if (raw.byteLength !== t.storage.numel * elementBytes) {
        throw new TorchIoError(`${label}: storage ${t.storage.key} has ${raw.byteLength} bytes, expected ${t.storage.numel * elementBytes}`);
      }
      storage = decodeStorage(raw, kind, name, label);
      storages.set(t.storage.key, storage);
    }
    if (!fitsStorage(t.offset, t.size, t.stride, storage.length)) {
      throw new TorchIoError(`${label}: tensor '${name}' reaches past the end of its storage`);
    }
    out.set(name, { shape: t.size, data: gather(storage, t.offset, t.size, t.stride) });
  }
  return out;
}
