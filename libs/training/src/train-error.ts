// A run that cannot start: a bad resume id, a finished run to resume, a step too large for the
// backend's memory. The app shows the message as it is (a user error, not a failed run).
export class TrainError extends Error {
  override name = 'TrainError';
}
