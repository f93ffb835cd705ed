// What every route needs: the store, where run folders are, how to log, and a way to announce
// writes made by this server (the live-update feed cannot see its own connection's commits).
import type { TrackingStore } from '@workbench/tracking';
import type { RunFolderOptions } from './run-folder.js';

export interface ServerContext {
  store: TrackingStore;
  folders: RunFolderOptions;
  log: (msg: string) => void;
  /** Tell live clients that these runs changed (null = something global changed). */
  notifyChange: (runIds: string[] | null) => void;
}
