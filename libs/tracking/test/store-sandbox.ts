// A spec file's tracking store: a fresh temp folder with a real SQLite store, opened and removed
// by vitest hooks (once for the file, or around each test with `each`). The fields are read
// inside tests and hooks, where the store is open.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { StoreOptions, TrackingStore } from '../src/tracking-store.js';
import { tempStore, type TempStore } from './temp-store.js';

export interface StoreSandbox {
  /** The temp folder (removed with the store). */
  readonly dir: string;
  /** The database file in `dir`. */
  readonly path: string;
  readonly store: TrackingStore;
}

export interface StoreSandboxOptions extends StoreOptions {
  /** A fresh store for each test (default: one for the whole file). */
  each?: boolean;
}

export function useStoreSandbox(opts: StoreSandboxOptions = {}): StoreSandbox {
  const { each = false, ...storeOptions } = opts;
  let current: TempStore | undefined;
  const open = (): void => {
    current = tempStore(storeOptions);
  };
  const close = (): void => {
    current?.cleanup();
    current = undefined;
  };
  if (each) {
    beforeEach(open);
    afterEach(close);
  } else {
    beforeAll(open);
    afterAll(close);
  }
  const opened = (): TempStore => {
    if (current === undefined) throw new Error('useStoreSandbox: the store exists only inside tests and hooks (read sandbox.store there, not at module level)');
    return current;
  };
  return {
    get dir() {
      return opened().dir;
    },
    get path() {
      return opened().path;
    },
    get store() {
      return opened().store;
    },
  };
}
