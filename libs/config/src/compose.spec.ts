import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeConfig } from './compose.js';
import { ConfigError } from './config-error.js';

// A small experiments tree written for these tests (the real one is tested in paper-experiments.spec.ts).
let dir: string;
const files: Record<string, string> = {
  'config.yaml': 'defaults:\n  - data: small\n  - _self_\nseed: 1\n',
  'data/small.yaml': 'dataset: shapes\ncrop_size: 32\nload_size: 32\n',
  'data/big.yaml': 'dataset: aligned\nroot: /data/x\ncrop_size: 256\n',
  'data/wrapped.yaml': 'data:\n  crop_size: 48\n',
  'model/wide.yaml': 'ngf: 128\nnz: 16\n',
  'method/cvae_gan.yaml': '# @package _global_\nmethod: cvae_gan\nloss:\n  lambda_z: 0\n',
  'scale/per_data.yaml': '# @package _global_\ndefaults:\n  - /model: wide\n  - optional /sized: ${data}\n  - _self_\n',
  'sized/big.yaml': '# @package _global_\ndata:\n  crop_size: 96\nmodel:\n  ngf: 12\n',
  'scale/tiny.yaml': '# @package _global_\ndefaults:\n  - override /data: big\n  - /model: wide\n  - _self_\ndata:\n  crop_size: 64\n',
  'exp/self_first.yaml': '# @package _global_\ndefaults:\n  - _self_\n  - /model: wide\nmodel:\n  ngf: 8\n',
  'exp/self_last.yaml': '# @package _global_\ndefaults:\n  - /model: wide\nmodel:\n  ngf: 8\n',
  'exp/interp.yaml': '# @package _global_\nname: ${method}_nz${model.nz}_s${seed}\ntrain:\n  iters: ${model.nz}\n',
  'exp/scaled.yaml': '# @package _global_\ndefaults:\n  - /scale: tiny\n  - _self_\nmodel:\n  nz: 4\n',
  'exp/include.yaml': '# @package _global_\ndefaults:\n  - _base\n  - _self_\nmodel:\n  nz: 3\n',
  'exp/_base.yaml': 'model:\n  nz: 99\n  ngf: 24\n',
  'exp/typo.yaml': '# @package _global_\nmodel:\n  ngff: 8\n',
  'exp/badvalue.yaml': '# @package _global_\nmodel:\n  norm: layer\n',
  'exp/broken.yaml': 'model: [\n',
  'exp/cycle.yaml': '# @package _global_\nmodel:\n  nz: ${train.iters}\ntrain:\n  iters: ${model.nz}\n',
  'exp/json.json': '{"model": {"nz": 5}}',
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-compose-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const compose = (...overrides: string[]) => composeConfig({ overrides, experimentsDir: dir, env: {} });

describe('composeConfig', () => {
  it('starts from the schema defaults and the primary config', () => {
    const { config, sources } = compose();
    expect(config.model.ngf).toBe(64); // schema default
    expect(config.data.crop_size).toBe(32); // data/small via config.yaml
    expect(config.seed).toBe(1); // config.yaml body
    expect(sources.groups).toEqual({ data: 'small' });
    expect(sources.files).toEqual(['experiments/data/small.yaml', 'experiments/config.yaml']);
  });

  it('applies key overrides last, coercing ambiguous types', () => {
    const { config, sources } = compose('model.nz=2', 'seed=7', 'eval.lpips_version=0.1', 'name=123', 'model.use_dropout=false');
    expect(config.model.nz).toBe(2);
    expect(config.seed).toBe(7);
    expect(config.eval.lpips_version).toBe('0.1');
    expect(config.name).toBe('123');
    expect(config.model.use_dropout).toBe(false);
    expect(sources.keys['model.nz']).toBe("override 'model.nz=2'");
  });

  it('gives a text key the literal of an unquoted token, never a number read from it (issue 13)', () => {
    // Each of these is a number, a bool or NaN to the override parser; a string key keeps the text.
    for (const id of ['2726e66454', '8111160e42', '0123456789', '1e5', '0x10', '007', 'Infinity', 'inf', 'nan', 'true', 'False', 'null', '-0', '1_000']) {
      const { config } = compose(`sweep.job=${id}`, `resume=${id}`, `name=${id}`);
      expect([config.sweep.job, config.resume, config.name]).toEqual([id, id, id]);
    }
    expect(compose("sweep.job='0123'").config.sweep.job).toBe('0123');
    expect(compose('eval.lpips_version=0.0').config.eval.lpips_version).toBe('0.0');
    expect(compose('seed=007').config.seed).toBe(7); // numeric keys still read numbers
  });

  it('selects group options from the command line, in place of the defaults-list choice', () => {
    const { config, sources } = compose('data=big');
    expect(config.data.dataset).toBe('aligned');
    expect(config.data.crop_size).toBe(256);
    expect(config.seed).toBe(1);
    expect(sources.groups.data).toBe('big');
    expect(compose('+model=wide').config.model.ngf).toBe(128);
  });

  it('tolerates group files that spell out their package', () => {
    expect(compose('data=wrapped').config.data.crop_size).toBe(48);
  });

  it('puts _global_ group files at the root', () => {
    const { config } = compose('+method=cvae_gan');
    expect(config.method).toBe('cvae_gan');
    expect(config.loss.lambda_z).toBe(0);
  });

  it('orders a file body by its _self_ position', () => {
    expect(compose('+experiment=exp/self_first').config.model.ngf).toBe(128); // group after self wins
    expect(compose('+experiment=exp/self_last').config.model.ngf).toBe(8); // no _self_ = self last
  });

  it('lets nested defaults override a group chosen earlier, and the command line override them', () => {
    const scaled = compose('+experiment=exp/scaled');
    expect(scaled.config.data.dataset).toBe('aligned'); // scale/tiny overrides data: small -> big
    expect(scaled.config.data.crop_size).toBe(64); // scale body after data/big
    expect(scaled.config.model.ngf).toBe(128); // model/wide via scale
    expect(scaled.config.model.nz).toBe(4); // experiment body last
    expect(scaled.sources.groups).toMatchObject({ data: 'big', scale: 'tiny', model: 'wide' });
    const cli = compose('+experiment=exp/scaled', 'data=small');
    expect(cli.config.data.dataset).toBe('shapes');
    expect(cli.config.data.crop_size).toBe(64);
  });

  it('drops a group with ~group and resets a key with ~key', () => {
    expect(compose('~data').config.data.crop_size).toBe(256);
    expect(compose('~seed').config.seed).toBe(0);
    expect(compose('model.nz=3', '~model').config.model.nz).toBe(8);
  });

  it('includes plain files relative to the including file', () => {
    const { config } = compose('+experiment=exp/include');
    expect(config.model.nz).toBe(3);
    expect(config.model.ngf).toBe(24);
  });

  it('reads JSON files', () => {
    expect(compose('+experiment=exp/json').config.model.nz).toBe(5);
  });

  it('interpolates ${...} keeping types for whole-value references', () => {
    const { config } = compose('+experiment=exp/interp', 'model.nz=16');
    expect(config.name).toBe('bicyclegan_nz16_s1');
    expect(config.train.iters).toBe(16);
    expect(compose('name=${data.dataset}-${oc.env:NOPE,x}').config.name).toBe('shapes-x');
    expect(composeConfig({ overrides: ['name=${oc.env:WB_TEST}'], experimentsDir: dir, env: { WB_TEST: 'from-env' } }).config.name).toBe('from-env');
    expect(() => compose('name=${model.nope}')).toThrow(/interpolation \$\{model.nope\} refers to a key that does not exist/);
    expect(() => compose('+experiment=exp/cycle')).toThrow(/interpolation cycle/);
  });

  it('uses env vars as defaults that files and overrides beat', () => {
    const env = { WORKBENCH_DB: '/tmp/x.db', WORKBENCH_BACKEND: 'wasm' };
    const a = composeConfig({ experimentsDir: dir, env });
    expect(a.config.tracking.db).toBe('/tmp/x.db');
    expect(a.config.backend).toBe('wasm');
    expect(composeConfig({ experimentsDir: dir, env, overrides: ['tracking.db=y.db'] }).config.tracking.db).toBe('y.db');
  });

  it('reports unknown and misspelt keys with a suggestion', () => {
    expect(() => compose('model.nzz=3')).toThrow("unknown config key 'model.nzz' in override 'model.nzz=3'; did you mean 'model.nz'?");
    expect(() => compose('train.nz=3')).toThrow(/did you mean 'model.nz'\?/);
    expect(() => compose('+experiment=exp/typo')).toThrow("unknown config key 'model.ngff' (from experiments/exp/typo.yaml); did you mean 'model.ngf'?");
    expect(() => compose('dta=big')).toThrow(/did you mean 'data'\?/);
    expect(() => compose('completely_unknown=1')).toThrow(/^unknown config key 'completely_unknown' in override/);
  });

  it('reports bad values with the key, the value, where it came from and what is allowed', () => {
    expect(() => compose('model.encoder=rsnet')).toThrow(
      "bad value for model.encoder: rsnet (from override 'model.encoder=rsnet') (allowed: resnet, cnn); did you mean 'resnet'?",
    );
    expect(() => compose('+experiment=exp/badvalue')).toThrow('bad value for model.norm: layer (from experiments/exp/badvalue.yaml) (allowed: instance, batch, none)');
    expect(() => compose('model.nz=0')).toThrow(/allowed: an integer >= 1/);
    expect(() => compose('train.batch_size=3')).toThrow(/allowed: an even integer >= 2/);
    expect(() => compose('model.nz=abc')).toThrow(/bad value for model.nz: abc/);
    expect(() => compose('data.input_nc=2')).toThrow(/allowed: 1 or 3/);
    expect(() => compose('train=3')).toThrow(/train is a group of keys, not a value/);
    expect(() => compose('model=3')).toThrow(/model is a config group; name one of its files/);
  });

  it('reports unknown group options and experiments with a suggestion', () => {
    expect(() => compose('data=bigg')).toThrow("unknown option 'bigg' for config group data (available: big, small, wrapped); did you mean 'big'?");
    expect(() => compose('+experiment=exp/self_frst')).toThrow(/no experiment file 'exp\/self_frst'.*did you mean 'exp\/self_first'\?/);
  });

  it('reports broken files and sweeps given to a single run', () => {
    expect(() => compose('+experiment=exp/broken')).toThrow(/experiments\/exp\/broken.yaml: not valid YAML/);
    expect(() => compose('seed=1,2')).toThrow(/is a sweep .*run it as a multirun with -m/);
  });

  it('throws ConfigError, one line each', () => {
    for (const bad of [['model.nzz=1'], ['data=x'], ['+experiment=exp/broken'], ['model.nz=-1']]) {
      try {
        compose(...bad);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).not.toContain('\n');
      }
    }
  });

  it('names a missing --config-dir in one line', () => {
    expect(() => composeConfig({ overrides: [], cwd: dir, env: {}, configDir: join(dir, 'nope') })).toThrow(
      `config folder ${join(dir, 'nope')} (--config-dir / WORKBENCH_CONFIG_DIR) does not exist: create it or point at an existing folder`,
    );
  });

  it("interpolates another group's choice in a defaults list (`- optional /sized: ${data}`)", () => {
    const big = compose('data=big', '+scale=per_data');
    expect(big.config.data.crop_size).toBe(96);
    expect(big.config.model.ngf).toBe(12);
    expect(big.sources.groups.sized).toBe('big');
    // the same with the selections in the other order, and no file for `small`: skipped (optional)
    expect(compose('+scale=per_data', 'data=big').config.data.crop_size).toBe(96);
    const small = compose('+scale=per_data');
    expect(small.config.data.crop_size).toBe(32);
    expect(small.config.model.ngf).toBe(128);
    expect(small.sources.files.some((f) => f.includes('sized'))).toBe(false);
  });
});
