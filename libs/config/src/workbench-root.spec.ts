import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_EXPERIMENTS_DIR } from './search-path.js';
import { findWorkbenchRoot, WORKBENCH_ROOT, workbenchPackage } from './workbench-root.js';

const tmp = mkdtempSync(join(tmpdir(), 'workbench-root-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the workbench root', () => {
  it('is the folder of the package.json named bicyclegan-workbench, holding experiments/ and bin/', () => {
    expect(workbenchPackage().name).toBe('bicyclegan-workbench');
    expect(workbenchPackage().version).toMatch(/^\d+\.\d+\.\d+/);
    expect(BUILTIN_EXPERIMENTS_DIR).toBe(join(WORKBENCH_ROOT, 'experiments'));
    expect(existsSync(join(WORKBENCH_ROOT, 'bin', 'workbench.js'))).toBe(true);
  });

  it('is found from any depth below it, skipping other packages (a workspace lib) on the way up', () => {
    const root = join(tmp, 'install');
    const lib = join(root, 'libs', 'sweep');
    mkdirSync(join(lib, 'src', 'deep'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bicyclegan-workbench', version: '9.8.7' }));
    writeFileSync(join(lib, 'package.json'), JSON.stringify({ name: '@workbench/sweep', version: '0.1.0' }));
    expect(findWorkbenchRoot(join(lib, 'src', 'deep'))).toBe(root);
  });

  it('says so when the code is not inside a workbench', () => {
    const lone = join(tmp, 'lone');
    mkdirSync(lone);
    expect(() => findWorkbenchRoot(lone)).toThrow(`no package.json named bicyclegan-workbench above ${lone}`);
  });
});
