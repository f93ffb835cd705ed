// `workbench sync <spool>`: upload a spool left behind by a run whose server was unreachable.
// The whole file is sent again by default: records the server already has are skipped by their
// idempotency keys (counted as duplicates), so a sync can be repeated any number of times.
import { existsSync } from 'node:fs';
import { readAckedOffset, spoolSize } from './spool-file.js';
import { RemoteTrackingError } from './remote-tracking-error.js';
import { uploadSpool, type UploadOptions, type UploadResult } from './upload-spool.js';

export interface SyncOptions extends Omit<UploadOptions, 'from'> {
  /** Start at the acknowledged offset (`<spool>.acked`) instead of the beginning. */
  onlyUnacknowledged?: boolean;
}

export interface SyncResult extends UploadResult {
  spoolPath: string;
  /** Bytes of the spool. */
  bytes: number;
}

export async function syncSpool(spoolPath: string, uri: string, token: string, opts: SyncOptions = {}): Promise<SyncResult> {
  if (!existsSync(spoolPath)) throw new RemoteTrackingError(`no spool file at ${spoolPath}: runs write it as <run dir>/tracking-spool.jsonl`, null, true);
  const from = opts.onlyUnacknowledged ? readAckedOffset(spoolPath) : 0;
  const result = await uploadSpool(spoolPath, uri, token, { maxAttempts: 6, ...opts, from });
  return { ...result, spoolPath, bytes: spoolSize(spoolPath) };
}

/** Alias with the name: `sync(spoolPath, uri, token)`. */
export const sync = syncSpool;
