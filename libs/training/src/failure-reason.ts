// The one-line reason a run that threw ends `failed` with: a non-finite loss, a full disk, an
// exhausted wasm heap, or the error's own message; each says what was kept.
import { relative } from 'node:path';
import { asWasmHeapError, WasmHeapExhaustedError } from '@workbench/backend';
import type { ResolvedConfig } from '@workbench/config';
import { NonFiniteLossError } from './bicycle-step.js';
import type { Disposables } from './disposables.js';
import { noSpaceReason } from './no-space.js';
import { describeStepConfig } from './step-memory.js';

/** Why a run that threw ends as `failed`, in one line naming the cause and what was kept. */
export function failureReason(err: unknown, at: { step: number; runDir: string; lastCheckpoint: string | undefined; config: ResolvedConfig }, note: (line: string) => void, disposables: Disposables): string {
  const kept = at.lastCheckpoint ? `last good checkpoint ${relative(at.runDir, at.lastCheckpoint)}` : 'no checkpoint was written yet';
  if (err instanceof NonFiniteLossError) return `non-finite loss: ${err.lossKey} = ${err.value} at step ${at.step + 1} (update not applied; ${kept})`;
  const full = noSpaceReason(err, at.runDir);
  if (full !== undefined) return full;
  if (err instanceof Error && err.stack) note(err.stack);
  const heapErr = asWasmHeapError(err);
  if (heapErr instanceof WasmHeapExhaustedError) {
    disposables.heapFailed = true;
    return `at step ${at.step + 1} with ${describeStepConfig(at.config)}: ${heapErr.message} (metrics up to step ${at.step} kept; ${kept})`;
  }
  return err instanceof Error ? err.message : String(err);
}
