/**
 * A remote-tracking failure the user can act on: a wrong token, a server without the ingest API,
 * a record the server refused. `fatal` = retrying the same request cannot succeed.
 */
export class RemoteTrackingError extends Error {
  override name = 'RemoteTrackingError';
  constructor(
    message: string,
    readonly status: number | null = null,
    readonly fatal = false,
  ) {
    super(message);
  }
}
