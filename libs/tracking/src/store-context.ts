// What the store's domain modules (sweeps, judgments, run outputs) need from the store.
import type Database from 'better-sqlite3';

export interface StoreContext {
  db: Database.Database;
  /** Run `fn` in an IMMEDIATE transaction with busy retries (joins an outer transaction). */
  write<T>(fn: () => T): T;
  runExists(runId: string): boolean;
  /** Mark stale running runs crashed (no-op on a read-only store). */
  markStale(): void;
}
