// The SQLite handle behind each open store, kept out of the store's public surface. Only tests
// reach it (`@workbench/tracking/testing`): to count rows of internal tables, check pragmas, or
// fingerprint the file. The app and the libraries use the store's methods.
import type Database from 'better-sqlite3';

export const STORE_DATABASES = new WeakMap<object, Database.Database>();

/** The better-sqlite3 handle of an open store (tests only). */
export function storeDatabase(store: object): Database.Database {
  const db = STORE_DATABASES.get(store);
  if (db === undefined) throw new Error('not a TrackingStore opened by openStore');
  return db;
}
