// The one owner of a run's stored config: written with its version, read back through the config
// schema, older versions migrated, and what cannot be read is one line naming the run and the key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeConfig } from '@workbench/config';
import { tempStore, type TempStore } from '../../test/temp-store.js';
import { TrackingInputError } from '../errors.js';
import { CONFIG_VERSION, StoredConfigError, storedConfigFields, storedConfigOf } from './stored-config.js';

let t: TempStore;
beforeEach(() => (t = tempStore()));
afterEach(() => t.cleanup());

const current = () => composeConfig({ overrides: ['model.nz=4', 'train.eval_every=50', 'train.keep_checkpoints=2'], env: {} }).config;

describe('stored run configs', () => {
  it('round-trip: what training stores is what resume, eval and the explorer read, with its version', () => {
    const config = current();
    const run = t.store.createRun({ method: config.method, ...storedConfigFields(config) });
    expect(run.configVersion).toBe(CONFIG_VERSION);
    expect(storedConfigOf(t.store.getRun(run.id)!)).toEqual(config);
  });

  it('migrates a config stored before versioning (version 1): new keys as older code behaved, the rest from the schema', () => {
    const old = structuredClone(current()) as unknown as { train: Record<string, unknown>; eval: Record<string, unknown> };
    delete old.train.eval_every; // these did not exist yet: in-training eval and retention were off
    delete old.train.keep_checkpoints;
    delete old.train.best_metric;
    delete old.eval.split; // a key whose schema default is what older code did
    const run = t.store.createRun({ method: 'bicyclegan', config: old as unknown as Record<string, unknown> }); // no configVersion: an old row
    expect(run.configVersion).toBe(1);
    const read = storedConfigOf(run);
    expect(read.train).toMatchObject({ eval_every: 0, keep_checkpoints: 0, best_metric: '', iters: current().train.iters });
    expect(read.eval.split).toBe('test');
    expect(read.model.nz).toBe(4);
  });

  it('an unreadable stored config is one line naming the run and the key (a TrackingInputError)', () => {
    const bad = structuredClone(current()) as unknown as { model: Record<string, unknown> };
    bad.model.nz = 'four';
    const run = t.store.createRun({ id: 'run-bad', method: 'bicyclegan', config: bad as unknown as Record<string, unknown>, configVersion: CONFIG_VERSION });
    const read = () => storedConfigOf(run);
    expect(read).toThrow(StoredConfigError);
    expect(read).toThrow(TrackingInputError);
    expect(read).toThrow(/^run run-bad: stored config \(version \d+\): bad value for model\.nz: "?four"? .*allowed/);
    try {
      read();
    } catch (err) {
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
    const unknown = t.store.createRun({ id: 'run-gone', method: 'bicyclegan', config: { ...current(), model: { ...current().model, nz_old: 3 } }, configVersion: CONFIG_VERSION });
    expect(() => storedConfigOf(unknown)).toThrow(/^run run-gone: stored config \(version \d+\): unknown config key 'model\.nz_old'/);
    const future = t.store.createRun({ id: 'run-new', method: 'bicyclegan', config: {}, configVersion: CONFIG_VERSION + 1 });
    expect(() => storedConfigOf(future)).toThrow(`run run-new: stored config version ${CONFIG_VERSION + 1} is not one this workbench reads (1 to ${CONFIG_VERSION}): upgrade workbench`);
  });
});
