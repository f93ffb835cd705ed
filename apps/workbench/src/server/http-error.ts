// An error with an HTTP status. Route handlers throw it; `errorHandler` turns it into JSON
// `{ error: message }` so every API failure has the same shape.
import type { ErrorRequestHandler, Response } from 'express';
import { RunFolderError, TrackingConflictError, TrackingInputError } from '@workbench/tracking';

/** Every API failure's JSON body: one line naming the problem and the fix. */
export interface ApiError {
  error: string;
}

/** Answer `status` with the one error shape. */
export function sendError(res: Response, status: number, message: string): void {
  const body: ApiError = { error: message };
  res.status(status).json(body);
}

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);
export const forbidden = (message: string) => new HttpError(403, message);
export const conflict = (message: string) => new HttpError(409, message);

/** The last middleware: known errors keep their status; anything else is a 500 without internals. */
export function errorHandler(log: (msg: string) => void = console.error): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof HttpError) {
      sendError(res, err.status, err.message);
      return;
    }
    // The store's caller errors (bad id, reserved key, unknown run, a second answer, a run folder
    // leaving the runs root) are the client's: a 4xx it must not retry.
    if (err instanceof TrackingInputError) {
      const status = err instanceof TrackingConflictError ? 409 : err instanceof RunFolderError ? 403 : 400;
      sendError(res, status, err.message);
      return;
    }
    // body-parser errors carry a status (413 too large, 400 bad JSON).
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log(`workbench serve: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    sendError(res, status, status === 500 ? 'internal server error (see the server log)' : String(err.message ?? err));
  };
}
