// safetensors (https://github.com/huggingface/safetensors), the workbench checkpoint format:
//   u64 little-endian header length N, N bytes of JSON header, then the raw tensor bytes.
// Header: { "<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
//           "__metadata__": {string: string} }, offsets relative to the start of the data block.
// Tensors are written in StateDict order, so offsets are increasing and reading preserves it.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { numel, TorchIoError, type StateDict } from './state-dict.js';

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Writes `dict` as float32 safetensors (atomically: a temp file renamed into place). */
export function writeSafetensors(path: string, dict: StateDict, metadata: Record<string, string> = {}): void {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TorchIoError(`safetensors metadata '${k}' must be a string (JSON.stringify it)`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of dict) {
    if (name === '__metadata__') throw new TorchIoError(`'__metadata__' is reserved in safetensors and cannot name a tensor`);
    if (t.data.length !== numel(t.shape)) {
      throw new TorchIoError(`tensor '${name}': ${t.data.length} values for shape [${t.shape.join(',')}]`);
    }
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  // Pad the header with spaces to a multiple of 8 so the data block is aligned (as the reference writer does).
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of dict.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, out);
  renameSync(tmp, path);
}

/** Reads a float32 safetensors file: the tensors (file order) and the `__metadata__` strings. */
export function readSafetensors(path: string): { tensors: StateDict; metadata: Record<string, string> } {
  if (!existsSync(path)) throw new TorchIoError(`${path}: no such file (expected a .safetensors checkpoint)`);
  if (!statSync(path).isFile()) throw new TorchIoError(`${path}: not a file (expected a .safetensors checkpoint)`);
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.length < 8) throw new TorchIoError(`${path}: too short to be a safetensors file`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (n <= 0 || 8 + n > bytes.length) throw new TorchIoError(`${path}: not a safetensors file (bad header length)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch {
    throw new TorchIoError(`${path}: not a safetensors file (header is not JSON)`);
  }
  const dataStart = 8 + n;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries = Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .map(([k, v]) => [k, v as HeaderEntry] as const)
    .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  const tensors: StateDict = new Map();
  for (const [name, e] of entries) {
    if (e.dtype !== 'F32') throw new TorchIoError(`${path}: tensor '${name}' has unsupported dtype ${e.dtype} (only F32 is supported)`);
    const [begin, end] = e.data_offsets;
    if (end - begin !== numel(e.shape) * 4 || dataStart + end > bytes.length) {
      throw new TorchIoError(`${path}: tensor '${name}' has inconsistent offsets (file truncated or damaged)`);
    }
    const data = new Float32Array(bytes.slice(dataStart + begin, dataStart + end).buffer);
    tensors.set(name, { shape: e.shape, data });
  }
  return { tensors, metadata };
}
