// The workbench's own folder (the checkout, or the installed package): where its package.json,
// package-lock.json, experiments/ and bin/ live. Not the user's project folder (project-root.ts).
// Found by walking up from this file to the package.json named `bicyclegan-workbench`, so no
// module counts `../` levels to reach it (a count that silently breaks when a file moves).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `name` in the workbench's root package.json. */
export const WORKBENCH_PACKAGE_NAME = 'bicyclegan-workbench';

/** The workbench's root package.json, as far as provenance needs it. */
export interface WorkbenchPackage {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readPackage(dir: string): WorkbenchPackage | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as Partial<WorkbenchPackage>;
    return pkg.name === WORKBENCH_PACKAGE_NAME && typeof pkg.version === 'string' ? (pkg as WorkbenchPackage) : undefined;
  } catch {
    return undefined; // an unreadable package.json on the way up is not ours
  }
}

/** The nearest folder at or above `from` whose package.json is the workbench's. */
export function findWorkbenchRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (readPackage(dir) !== undefined) return dir;
    if (dirname(dir) === dir) throw new Error(`internal: no package.json named ${WORKBENCH_PACKAGE_NAME} above ${from}: the workbench's files are not where its code is`);
  }
}

/** The folder of the workbench this code runs from. */
export const WORKBENCH_ROOT = findWorkbenchRoot(dirname(fileURLToPath(import.meta.url)));

/** The workbench's root package.json (name, version, dependencies). */
export function workbenchPackage(): WorkbenchPackage {
  return readPackage(WORKBENCH_ROOT)!;
}
