// Shell completion, as a user gets it: the script from `workbench completion bash`, sourced in a
// real bash, asked for completions of command lines the way bash asks (COMP_LINE/COMP_POINT).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'workbench-completion-'));
const script = join(tmp, 'workbench.bash');
beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/workbench.js'), 'completion', 'bash'], { cwd: ROOT });
  writeFileSync(script, stdout);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What bash offers for `line` (cursor at the end), as it would show it. */
function complete(...lines: string[]): string[][] {
  const probe = `source '${script}'\nfor l in "$@"; do COMP_LINE="$l"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=(); _workbench_complete; echo "\${COMPREPLY[*]}"; done`;
  return execFileSync('bash', ['-c', probe, 'bash', ...lines], { encoding: 'utf8' })
    .split('\n')
    .slice(0, lines.length)
    .map((l) => l.split(' ').filter(Boolean));
}

describe('workbench completion bash', () => {
  it('completes commands, subcommands and options', () => {
    const [top, sweep, trainOpts, runsSub] = complete('workbench tr', 'workbench sweep r', 'workbench train --c', 'workbench runs ');
    expect(top).toEqual(['train']);
    expect(sweep.sort()).toEqual(['restore', 'resume', 'run']);
    expect(trainOpts.sort()).toEqual(['--cfg', '--config-dir']);
    expect(runsSub).toEqual(expect.arrayContaining(['archive', 'restore', 'delete', '--archived']));
  });

  it('completes config keys, group options, experiments and enum values after the command path', () => {
    const [key, group, experiment, encoder, bool, deep] = complete(
      'workbench train model.en',
      'workbench train data=fa',
      'workbench sweep run +experiment=paper/l',
      'workbench train model.encoder=',
      'workbench config data.no_flip=t',
      'workbench --db x.db sweep run method=cvae',
    );
    expect(key).toEqual(['model.encoder=']);
    expect(group).toEqual(['facades']); // bash shows the part after '=' (COMP_WORDBREAKS)
    expect(experiment).toEqual(['paper/latent_size']);
    expect(encoder.sort()).toEqual(['cnn', 'resnet']);
    expect(bool).toEqual(['true']);
    expect(deep.sort()).toEqual(['cvae_gan', 'cvae_gan_pp']);
  });
});
