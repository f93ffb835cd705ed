// The one id pattern and the run layout: which ids pass, and where a run's folder is.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TrackingInputError } from './errors.js';
import { newRunId, newSweepId } from './ids.js';
import { assertValidId, isValidId, realRunFolder, RunFolderError, runFolder } from './run-layout.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('run and sweep ids', () => {
  it('accepts generated ids and plain names, refuses anything a path or a shell could misread', () => {
    for (const id of [newRunId(), newSweepId(), 'run-a', 'r1', 'my_run-2', 'A'.repeat(128)]) expect(isValidId(id), id).toBe(true);
    for (const id of ['', '.', '..', '../etc', 'a/b', 'a\\b', '.hidden', '-rf', '_x', 'a b', 'a\u0000b', 'é', 'A'.repeat(129), 7, null]) {
      expect(isValidId(id), JSON.stringify(id)).toBe(false);
    }
    expect(() => assertValidId('../etc', 'sweep')).toThrow(TrackingInputError);
    expect(() => assertValidId('../etc', 'sweep')).toThrow(/invalid sweep id "\.\.\/etc"/);
  });
});

describe('run folders', () => {
  it('are <runs root>/<id>; a symlink out of the root is refused, a missing folder is laid out', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wb-layout-'));
    dirs.push(root);
    expect(runFolder(root, 'run-a')).toBe(path.join(root, 'run-a'));
    expect(() => runFolder(root, '../x')).toThrow(/invalid run id/);
    expect(realRunFolder(root, 'not-yet')).toBe(path.join(root, 'not-yet'));
    mkdirSync(path.join(root, 'run-a'));
    expect(path.basename(realRunFolder(root, 'run-a'))).toBe('run-a');
    symlinkSync('/etc', path.join(root, 'run-out'));
    expect(() => realRunFolder(root, 'run-out')).toThrow(RunFolderError);
  });
});
