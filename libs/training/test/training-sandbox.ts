// What a spec that trains needs: the wasm backend, a tracking store in a temp folder, and configs
// whose runs land in that folder (`train.runs_dir=<dir>/runs`). Hooks are registered by
// `useTrainingSandbox()`; read `store`, `dir` and `runsDir` inside tests.
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { initBackend } from '@workbench/backend';
import { composeConfig, type ResolvedConfig } from '@workbench/config';
import { useStoreSandbox, type StoreSandbox } from '@workbench/tracking/testing';

export interface TrainingSandbox extends StoreSandbox {
  /** `<dir>/runs`, the runs folder of `config()`. */
  readonly runsDir: string;
  /** The composed config of the `base` overrides, the sandbox's runs folder, then `overrides`. */
  readonly config: (...overrides: string[]) => ResolvedConfig;
}

export function useTrainingSandbox(opts: { base?: readonly string[] } = {}): TrainingSandbox {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });
  const files = useStoreSandbox();
  const runsDir = (): string => join(files.dir, 'runs');
  return {
    get dir() {
      return files.dir;
    },
    get path() {
      return files.path;
    },
    get store() {
      return files.store;
    },
    get runsDir() {
      return runsDir();
    },
    config: (...overrides) => composeConfig({ overrides: [...(opts.base ?? []), `train.runs_dir=${runsDir()}`, ...overrides] }).config,
  };
}
