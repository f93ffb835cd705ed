// What the latent explorer and the realism study need from a trained run: its test inputs, G(A, z)
// and E(B). The server talks to this interface only; `model-service.ts` implements it with the
// run's checkpoint on the server's tfjs backend.
import type { RunRow } from '@workbench/tracking';

export interface ExplorerInfo {
  available: boolean;
  /** Why not, as a one-line instruction, when unavailable. */
  reason?: string;
  nz?: number;
  cropSize?: number;
  /** Test inputs available (indices 0..inputs-1). */
  inputs?: number;
  checkpointStep?: number;
  backend?: string;
  /** Whether the run has an encoder (guide images can be encoded). */
  encoder?: boolean;
}

/** E(image): the latent mean and log-variance, each of length nz (POST /api/explorer/:runId/encode). */
export interface Encoded {
  z: number[];
  logvar: number[];
}

export interface GeneratorService {
  info(run: RunRow, runDir: string): Promise<ExplorerInfo>;
  /** PNG of test input `index`: side A (the input) or B (the ground truth). */
  inputImage(run: RunRow, runDir: string, index: number, side: 'A' | 'B'): Promise<Buffer>;
  /** PNGs of G(A_index, z) for each z (each of length nz). */
  generate(run: RunRow, runDir: string, index: number, zs: number[][]): Promise<Buffer[]>;
  /** E(image) → the latent mean (and log-variance). `image` is decoded RGB of any size. */
  encode(run: RunRow, runDir: string, image: { data: Uint8Array; width: number; height: number; channels: number }): Promise<Encoded>;
  dispose(): void;
}
