// The backend names, without TensorFlow.js: the config schema lists them through the subpath
// entry `@workbench/backend/names` (config must never import tfjs).

/** Every backend the workbench can run on, best first (the order `auto` tries them in). */
export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Values of the `backend` config key: `auto` (the best available) or one backend by name. */
export const BACKEND_CHOICES = ['auto', ...BACKEND_NAMES] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
