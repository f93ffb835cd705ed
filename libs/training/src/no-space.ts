// A full disk (or quota, or file-size limit) while training: the run ends `failed` with
// "disk full at <path>" instead of an exception with a stack, whichever write hit it first
// (checkpoint, image grid, train.log, or the tracking database).
import { TrackingFileError } from '@workbench/tracking';

const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Is `err` a write that found no space? */
export function isNoSpace(err: unknown): boolean {
  if (err instanceof TrackingFileError) return err.kind === 'full';
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NO_SPACE_CODES.has(code);
}

/** "disk full at <path>" for a no-space error (`where` when the error names no path), else undefined. */
export function noSpaceReason(err: unknown, where: string): string | undefined {
  if (!isNoSpace(err)) return undefined;
  if (err instanceof TrackingFileError) return `disk full at ${err.file}`;
  const { code, path } = err as { code: string; path?: string };
  return `disk full at ${path ?? where} (${code})`;
}
