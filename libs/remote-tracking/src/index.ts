// @workbench/remote-tracking: training processes report to a workbench server over HTTP
// (`tracking.uri`): records are spooled to an append-only file, uploaded in batches with
// exponential backoff, and `syncSpool` uploads a spool later. See README.md.
export { RemoteTrackingClient, SPOOL_FILE_NAME, type RemoteTrackingOptions, type RemoteCloseResult, type RemoteMetricWriter } from './remote-tracking-client.js';
export { syncSpool, sync, type SyncOptions, type SyncResult } from './sync-spool.js';
export { uploadSpool, type UploadOptions, type UploadResult } from './upload-spool.js';
export { postIngest, fetchRun, ingestUrl, IngestHttpError, type HttpOptions } from './ingest-client.js';
export type { IngestAnswer, IngestedRun, RunNotIngested } from './ingest-protocol.js';
export { readSpoolChunk, readAckedOffset, writeAckedOffset, ackedPath, rejectedPath, spoolSize, removeSpool, type SpoolChunk } from './spool-file.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { RemoteTrackingError } from './remote-tracking-error.js';
