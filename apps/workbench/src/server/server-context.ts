// What every route needs: the store, the runs root, the realism pair signer, how to log, and a way to announce
// writes made by this server (the live-update feed cannot see its own connection's commits).
import type { TrackingStore } from '@workbench/tracking';
import type { PairSigner } from './pair-signer.js';

export interface ServerContext {
  store: TrackingStore;
  /** The folder of run folders: a run's files are in `realRunFolder(runsRoot, run.id)`
   *  (`@workbench/tracking` run/layout.ts; symlinks out of the root are refused with a 403). */
  runsRoot: string;
  /** Signs the realism pairs this server serves; judgments (POSTed or ingested) need a signature. */
  pairs: PairSigner;
  log: (msg: string) => void;
  /** Tell live clients that these runs changed (null = something global changed). */
  notifyChange: (runIds: string[] | null) => void;
}
