// A resolved config read back from storage (the config stored with a run): the schema's defaults
// for the keys it lacks, and every key and value checked by the validator `composeConfig` uses
// (validateTree), so a stored config is trusted exactly as far as a freshly composed one.
import { schemaLeaves } from './compose.js';
import { ConfigError } from './config-error.js';
import { isPlainObject, setPath, type ConfigTree } from './object-path.js';
import { createConvict, type ResolvedConfig } from './schema.js';
import { validateTree } from './validate.js';

/**
 * `stored` as a ResolvedConfig. Throws ConfigError naming the first unknown key or bad value,
 * with `origin` after it (e.g. " (stored with run X)"). Environment variables are not read: a
 * stored config says what the run used, not what this shell would choose.
 */
export function resolvedConfigFrom(stored: unknown, origin: string): ResolvedConfig {
  if (!isPlainObject(stored)) throw new ConfigError(`the config${origin} is not an object`);
  const tree = structuredClone(stored);
  validateTree(tree, () => origin); // coerces in place, throws on the first bad key
  const config = createConvict({}).getProperties() as unknown as ConfigTree; // the schema's defaults
  for (const [key, value] of schemaLeaves(tree)) setPath(config, key, value);
  return config as unknown as ResolvedConfig;
}
