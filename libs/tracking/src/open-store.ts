// Entry point: `openStore(cfg.tracking.db)`.
import { resolve } from 'node:path';
import { openDatabase } from './open-database.js';
import { TrackingStore, type StoreOptions } from './tracking-store.js';

/** The default database file, relative to the working directory (config `tracking.db`). */
export const DEFAULT_DB_PATH = 'workbench.db';

/** Open (creating and migrating if needed) the tracking database at `path`. One store per
 *  process is enough; it is safe for many processes to open the same file at once. */
export function openStore(path: string = DEFAULT_DB_PATH, opts: StoreOptions = {}): TrackingStore {
  const db = openDatabase(path, opts);
  return new TrackingStore(db, path === ':memory:' ? path : resolve(path), opts);
}
