// The HTTP side of remote tracking: `POST <uri>/api/ingest` with a JSON array of records and the
// server token as `Authorization: Bearer`, and `GET <uri>/api/ingest/runs/<id>` (a run's stored
// row, for `resume=`). Errors are classified so callers know whether a retry can help.
import type { IngestResult, RunRow, TrackingRecord } from '@workbench/tracking';
import type { IngestAnswer, IngestedRun, RunNotIngested } from './ingest-protocol.js';
import { RemoteTrackingError } from './remote-tracking-error.js';

export interface HttpOptions {
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
}

/** `http://host:port[/prefix]` -> `http://host:port[/prefix]/api/ingest`. */
export function ingestUrl(uri: string, suffix = ''): string {
  let base: URL;
  try {
    base = new URL(uri);
  } catch {
    throw new RemoteTrackingError(`tracking.uri=${uri} is not a URL: use http://<server-host>:<port> of a 'workbench serve'`, null, true);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new RemoteTrackingError(`tracking.uri=${uri}: use an http:// or https:// URL of a 'workbench serve'`, null, true);
  }
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}/api/ingest${suffix}`;
}

/** Thrown for a failed request; `fatal` when resending the same request cannot succeed. */
export class IngestHttpError extends RemoteTrackingError {
  override name = 'IngestHttpError';
}

async function request(url: string, token: string, init: RequestInit, opts: HttpOptions): Promise<Response> {
  try {
    return await fetch(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new IngestHttpError(`tracking server ${new URL(url).origin} unreachable (${cause})`, null, false);
  }
}

async function failure(res: Response, url: string): Promise<IngestHttpError> {
  let detail = '';
  try {
    const body = (await res.json()) as { error?: string };
    detail = body.error ?? '';
  } catch {
    /* not JSON */
  }
  const origin = new URL(url).origin;
  if (res.status === 401 || res.status === 403) {
    return new IngestHttpError(`tracking server ${origin} refused the token (${res.status}${detail ? `: ${detail}` : ''}): set serve.token (or WORKBENCH_TOKEN) to the server's token`, res.status, true);
  }
  if (res.status === 404) {
    return new IngestHttpError(`tracking server ${origin} has no ${new URL(url).pathname} (${detail || 'not found'}): is tracking.uri a 'workbench serve' of this version?`, res.status, true);
  }
  // 408/429/5xx: transient; 400: a record the server refused (fatal for that batch).
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  return new IngestHttpError(`tracking server ${origin} answered ${res.status}${detail ? `: ${detail}` : ''}`, res.status, !retryable);
}

/** One POST of a batch. Resolves with what the server applied; throws IngestHttpError. */
export async function postIngest(uri: string, token: string, records: readonly TrackingRecord[], opts: HttpOptions = {}): Promise<IngestResult> {
  const url = ingestUrl(uri);
  const res = await request(url, token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(records) }, opts);
  if (!res.ok) throw await failure(res, url);
  const body = (await res.json()) as IngestAnswer;
  return { applied: Number(body.applied) || 0, duplicates: Number(body.duplicates) || 0 };
}

/** A run as the server stores it (undefined when the server does not know it). */
export async function fetchRun(uri: string, token: string, runId: string, opts: HttpOptions = {}): Promise<RunRow | undefined> {
  const url = ingestUrl(uri, `/runs/${encodeURIComponent(runId)}`);
  const res = await request(url, token, { method: 'GET' }, opts);
  if (res.status === 404) {
    const body = (await res.clone().json().catch(() => ({}))) as Partial<RunNotIngested>;
    if ('run' in body) return undefined; // the route exists; the run does not
    throw await failure(res, url);
  }
  if (!res.ok) throw await failure(res, url);
  return ((await res.json()) as IngestedRun).run;
}
