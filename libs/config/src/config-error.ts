/** A mistake in an override, an experiment file or a config value. One line, names the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
