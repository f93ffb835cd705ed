// The one id pattern and the run layout: which ids pass, where a run's folder is, and which
// checkpoint folders count as complete.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TrackingInputError } from '../errors.js';
import { newRunId, newSweepId } from '../ids.js';
import {
  assertValidId,
  checkpointDirName,
  checkpointPath,
  checkpointStepOf,
  completeCheckpoints,
  evalGridPath,
  isValidId,
  latestCheckpoint,
  realRunFolder,
  RUN_FILES,
  RunFolderError,
  runFolder,
  trainGridPath,
} from './layout.js';

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

describe('checkpoints and images', () => {
  it('names steps with 7 digits and reads back only the names it writes', () => {
    expect(checkpointDirName(12)).toBe('step-0000012');
    expect(checkpointPath(12)).toBe(path.join('checkpoints', 'step-0000012'));
    expect(trainGridPath(12)).toBe(path.join('images', 'step-0000012.png'));
    expect(evalGridPath(12)).toBe(path.join('images', 'eval-step-0000012.png'));
    expect(checkpointStepOf(checkpointDirName(12_345_678))).toBe(12_345_678);
    for (const name of ['step-12', 'step-0000012.tmp-99', 'retention.json', 'step-000001x']) expect(checkpointStepOf(name), name).toBeUndefined();
  });

  it('lists a checkpoint only when its folder is complete (state.json), oldest first', () => {
    const run = mkdtempSync(path.join(tmpdir(), 'wb-ckpt-'));
    dirs.push(run);
    expect(latestCheckpoint(run)).toBeUndefined(); // no checkpoints/ yet
    // complete: 4 and 20; a write interrupted by a kill (.tmp-<pid>, even with its state.json); a folder without state.json
    for (const [name, complete] of [['step-0000020', true], ['step-0000004', true], ['step-0000030.tmp-7', true], ['step-0000040', false]] as const) {
      mkdirSync(path.join(run, RUN_FILES.checkpoints, name), { recursive: true });
      if (complete) writeFileSync(path.join(run, RUN_FILES.checkpoints, name, RUN_FILES.checkpointState), '{}');
    }
    expect(completeCheckpoints(run)).toEqual([
      { dir: path.join(run, checkpointPath(4)), step: 4 },
      { dir: path.join(run, checkpointPath(20)), step: 20 },
    ]);
    expect(latestCheckpoint(run)?.step).toBe(20);
  });
});
