// The layering in eslint.config.mjs (Nx tags layer:core < config < run < training < analysis)
// really rejects an upward import: each probe is linted as if it were a file of a library.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let eslint: ESLint;

beforeAll(() => {
  process.env.NX_DAEMON = 'false';
  process.env.NX_NO_CLOUD = 'true';
  // The probes exist only in memory, which the type-aware parser cannot place in a tsconfig:
  // lint them without type information (the boundary rule needs none).
  eslint = new ESLint({ cwd: root, overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] });
});

async function boundaryErrors(file: string, importFrom: string): Promise<string[]> {
  const code = `import '${importFrom}';\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  if (!result) throw new Error(`eslint returned no result for ${file}`);
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${file}: ${fatal.message}`);
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('layered module boundaries', () => {
  // Lower libraries nobody above them reaches back from: only the layer rule can reject these
  // (before the layer tags, lib → lib was allowed).
  it.each([
    ['libs/training/src/layer-probe.ts', '@workbench/sweep', 'layer:training'],
    ['libs/remote-tracking/src/layer-probe.ts', '@workbench/metrics', 'layer:training'],
  ])('%s may not import %s (a higher layer)', async (file, importFrom, layer) => {
    const errors = await boundaryErrors(file, importFrom);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`tagged with "${layer}" can only depend on`);
  });

  // Where the higher library already imports the lower one, the import is rejected too
  // (Nx reports the cycle it would close before the tags).
  it.each([
    ['libs/data/src/layer-probe.ts', '@workbench/training'],
    ['libs/config/src/layer-probe.ts', '@workbench/tracking'],
  ])('%s may not import %s', async (file, importFrom) => {
    expect(await boundaryErrors(file, importFrom)).toHaveLength(1);
  });

  it.each([
    ['libs/models/src/layer-probe.ts', '@workbench/backend'],
    ['libs/training/src/layer-probe.ts', '@workbench/tracking'],
    ['libs/metrics/src/layer-probe.ts', '@workbench/training'],
    ['apps/workbench/src/layer-probe.ts', '@workbench/sweep'],
  ])('%s may import %s (same or lower layer)', async (file, importFrom) => {
    expect(await boundaryErrors(file, importFrom)).toEqual([]);
  });
});
