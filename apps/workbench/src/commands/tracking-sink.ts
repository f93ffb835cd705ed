// Where `workbench train` records a run: the local SQLite file (`tracking.db`), or, when
// `tracking.uri` is set, a workbench server over HTTP (remote jobs, e.g. on a Slurm cluster).
import type { ResolvedConfig } from '@workbench/config';
import { RemoteTrackingClient, RemoteTrackingError } from '@workbench/remote-tracking';
import { openStore, type TrackingStore } from '@workbench/tracking';
import { UserError, withUserErrors } from '../user-error.js';

export function openTrackingSink(config: ResolvedConfig): TrackingStore | RemoteTrackingClient {
  if (!config.tracking.uri) return openStore(config.tracking.db);
  if (!config.serve.token) {
    throw new UserError(`tracking.uri=${config.tracking.uri} needs the server's token: set WORKBENCH_TOKEN (or serve.token=...) to the serve.token of that 'workbench serve'`);
  }
  return withUserErrors([RemoteTrackingError], () => new RemoteTrackingClient({ uri: config.tracking.uri, token: config.serve.token }));
}
