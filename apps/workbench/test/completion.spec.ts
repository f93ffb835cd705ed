// Shell completion, as a user gets it: the script from `workbench completion bash`, sourced in a
// real bash, asked for completions of command lines the way bash asks (COMP_LINE/COMP_POINT);
// and the `zsh` script in a real zsh (Debian `zsh`, installed by .ci/run), with `words`/`CURRENT`
// set as zsh's completion system sets them and `compadd` recording what would be offered.
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
const zshScript = join(tmp, '_workbench');
beforeAll(async () => {
  const generate = (shell: string) => promisify(execFile)(process.execPath, [join(ROOT, 'bin/workbench.js'), 'completion', shell], { cwd: ROOT });
  const [bash, zsh] = await Promise.all([generate('bash'), generate('zsh')]);
  writeFileSync(script, bash.stdout);
  writeFileSync(zshScript, zsh.stdout);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What bash offers for `line` (cursor at the end), as it would show it. */
/** One reply (its words) per line given, in order. */
function complete<const L extends string[]>(...lines: L): { [K in keyof L]: string[] } {
  const probe = `source '${script}'\nfor l in "$@"; do COMP_LINE="$l"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=(); _workbench_complete; echo "\${COMPREPLY[*]}"; done`;
  const replies = execFileSync('bash', ['-c', probe, 'bash', ...lines], { encoding: 'utf8' })
    .split('\n')
    .slice(0, lines.length)
    .map((l) => l.split(' ').filter(Boolean));
  return onePerLine(lines, replies);
}

/** The replies as a tuple as long as `lines` (a missing reply fails here, by name). */
function onePerLine<const L extends string[]>(lines: L, replies: string[][]): { [K in keyof L]: string[] } {
  if (replies.length !== lines.length) throw new Error(`expected ${lines.length} completion replies, got ${replies.length}`);
  return replies as { [K in keyof L]: string[] };
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

/**
 * What zsh offers for `line`: each candidate that starts with the word being completed (zsh's
 * default matching), with a trailing space unless it was added with `-S ''`. Only the
 * completion system's builtins (`compdef`, `compadd`) are stand-ins; the script runs in zsh.
 */
function completeZsh<const L extends string[]>(...lines: L): { [K in keyof L]: string[] } {
  const probe = [
    'compdef() { :; }',
    'compadd() {',
    '  local suffix=" "',
    '  while [[ $1 != -- ]]; do [[ $1 == -S ]] && { suffix=$2; shift; }; shift; done; shift',
    '  local c; for c in "$@"; do [[ $c == "$PREFIX"* ]] && print -r -- "$c$suffix"; done',
    '}',
    `source '${zshScript}'`,
    'for l in "$@"; do',
    '  words=(${(z)l}); [[ $l == *" " ]] && words+=("")',
    '  CURRENT=${#words}; PREFIX=${words[CURRENT]}',
    '  _workbench_zsh; print -r -- "--"',
    'done',
  ].join('\n');
  const out = execFileSync('zsh', ['-f', '-c', probe, 'zsh', ...lines], { encoding: 'utf8' });
  return onePerLine(lines, out.split('--\n').slice(0, lines.length).map((block) => block.split('\n').filter(Boolean)));
}

describe('workbench completion zsh', () => {
  it('completes commands and options once each, with a space after a whole word', () => {
    const [top, sweep, trainOpts, runsSub, all] = completeZsh('workbench tr', 'workbench sweep r', 'workbench train --c', 'workbench runs ', 'workbench ');
    expect(top).toEqual(['train ']);
    expect(sweep.sort()).toEqual(['restore ', 'resume ', 'run ']);
    expect(trainOpts.sort()).toEqual(['--cfg ', '--config-dir ']);
    expect(runsSub).toEqual(expect.arrayContaining(['archive ', 'restore ', 'delete ', '--archived ']));
    expect(all).toEqual(expect.arrayContaining(['train ', 'sweep ', '--db ', '--help ']));
    for (const words of [runsSub, all]) expect(new Set(words).size).toBe(words.length); // no word offered twice
  });

  it('completes config keys without a space, then group options, experiments and enum values', () => {
    const [key, group, experiment, encoder, deep] = completeZsh(
      'workbench train model.en',
      'workbench train data=fa',
      'workbench sweep run +experiment=paper/l',
      'workbench train model.encoder=',
      'workbench --db x.db sweep run method=cvae',
    );
    expect(key).toEqual(['model.encoder=']); // the value follows right after '='
    expect(group).toEqual(['data=facades ']); // zsh completes the whole word
    expect(experiment).toEqual(['+experiment=paper/latent_size ']);
    expect(encoder.sort()).toEqual(['model.encoder=cnn ', 'model.encoder=resnet ']);
    expect(deep.sort()).toEqual(['method=cvae_gan ', 'method=cvae_gan_pp ']);
  });
});
