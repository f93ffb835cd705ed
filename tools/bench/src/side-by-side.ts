// `npm run bench -- --official <checkout> [--configs 256/64/2,128/16/8] [--iters 6] [--rounds 1] [--threads 1,2] [--cpus 0] [--official-malloc default,workbench] [--no-native] [--no-wasm]`
//
// The official PyTorch train.py (unchanged, from the given checkout) and the workbench's BicycleGAN
// step on the same configurations (resolution / ngf=ndf=nef / batch), one after the other in one
// run, so that the ratio is measured under the same machine load. A shared machine's speed drifts
// by ±25 % within a minute, so `--rounds R` alternates the sides R times per row and reports the
// median of the R per-round ratios with their range. Prints s/iter (median, first
// iteration excluded), the ratio workbench / official, peak RSS of each process and the workbench's
// wasm heap high-water mark. The official side trains on a folder of random aligned 512×256
// JPEGs made here (as ../shared/reference/official-bench.sh does); the workbench side runs the
// same step on random tensors of that size (tools/bench/src/step-profile.ts).
// Below 128 px the official define_G/define_E have no networks, so a 32 px configuration
// (`--configs 32/16/8`, the quick scale) runs tools/study/official_shapes.py instead: the official
// BiCycleGANModel with the official blocks assembled at the workbench's 32 px depths, on the
// shapes pairs that `workbench data export shapes` writes; its losses.jsonl times each iteration.
// The workbench side always runs with its glibc malloc settings (malloc-env.ts), as `npx workbench`
// does. They speed PyTorch up too: its 256/64 iteration faults in fresh pages for every large
// tensor under glibc's defaults (aten::fill_ and aten::add take a quarter of it), and takes 0.54-0.71x
// the time with them. `--official-malloc default,workbench` (the default) times the official code
// both ways in each round, as its users run it and with the workbench's settings, with a ratio
// against each.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { NATIVE_MALLOC_ENV, withNativeMallocEnv } from '@workbench/backend/malloc-env';

/** The official code's glibc malloc: as its users run it, or with the workbench's settings. */
export type OfficialMalloc = 'default' | 'workbench';
export const OFFICIAL_MALLOC: readonly OfficialMalloc[] = ['default', 'workbench'];

export interface SideBySideOptions {
  officialDir: string;
  configs: Array<{ res: number; width: number; batch: number }>;
  iters: number;
  /** official, wasm, native in turn, this many times per row; ratios are taken per round */
  rounds: number;
  /**
   * `taskset -c` list every timed process is pinned to (e.g. '0'), to take the scheduler out of a
   * comparison. (The step-time regimes once blamed on the vCPU came from glibc returning freed
   * memory to the OS: libs/backend/src/native/malloc-env.ts.)
   */
  cpus?: string;
  threads: number[];
  /** the official side's malloc variants, each timed in every round */
  officialMalloc: OfficialMalloc[];
  python: string;
  root: string;
  /** also time the workbench with its convs on onnxruntime-node (WORKBENCH_NATIVE_CONV=1) */
  native: boolean;
  /** time the workbench with every conv in wasm too (WORKBENCH_NATIVE_CONV=0; the slow side where onnxruntime loads) */
  wasm: boolean;
}

export interface SideResult {
  sPerIter?: number;
  n: number;
  peakRssMB?: number;
  heapMiB?: number;
  note?: string;
}

/** `cmd args` under `taskset -c cpus` when pinning is asked for. */
const pinned = (o: SideBySideOptions, cmd: string, args: string[]): [string, string[]] => (o.cpus === undefined ? [cmd, args] : ['taskset', ['-c', o.cpus, cmd, ...args]]);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Random aligned pairs in the pix2pix layout: <dir>/train/*.jpg, 512×256, A left, B right. */
async function makeAlignedFolder(dir: string, n: number): Promise<void> {
  mkdirSync(join(dir, 'train'), { recursive: true });
  let s = 12345;
  for (let i = 0; i < n; i++) {
    const px = Buffer.alloc(512 * 256 * 3);
    for (let j = 0; j < px.length; j++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      px[j] = s >>> 24;
    }
    await sharp(px, { raw: { width: 512, height: 256, channels: 3 } }).jpeg({ quality: 90 }).toFile(join(dir, 'train', `${String(i).padStart(3, '0')}.jpg`));
  }
}

/** Runs a command, time-stamping each stdout/stderr line on arrival; resolves with the lines and exit code. */
function runTimed(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ lines: Array<[number, string]>; code: number | null }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Array<[number, string]> = [];
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.on('data', (chunk: Buffer) => {
        const now = performance.now() / 1000;
        buf += chunk.toString();
        const parts = buf.split('\n');
        buf = parts.pop()!;
        for (const p of parts) lines.push([now, p]);
      });
    }
    child.on('close', (code) => done({ lines, code }));
  });
}

/** GNU time's `%M` line: maximum resident set size in KiB. */
const maxRssLine = /^MAXRSS_KB (\d+)$/;

/** `{ peakRssMB }` from the `/usr/bin/time -f 'MAXRSS_KB %M'` line, or nothing when it is missing. */
function peakRss(lines: Array<[number, string]>): { peakRssMB?: number } {
  const m = lines.map(([, l]) => maxRssLine.exec(l)).find((x) => x !== null);
  return m ? { peakRssMB: Number(m[1]) / 1024 } : {};
}

/** The official process's environment: its thread count, and glibc's malloc as asked. */
export function officialEnv(threads: number, malloc: OfficialMalloc): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  if (malloc === 'workbench') return withNativeMallocEnv(env); // the values the workbench side gets
  for (const k of Object.keys(NATIVE_MALLOC_ENV)) delete env[k];
  return env;
}

/** The folders both sides read: the aligned JPEGs, and the shapes pairs per resolution below 128 px. */
interface BenchData {
  aligned: string;
  /** `workbench data export shapes` at this resolution, once per run: its folder, or why it failed */
  shapes(res: number): { dir: string } | { note: string };
}

function benchData(o: SideBySideOptions, work: string, aligned: string): BenchData {
  const exports = new Map<number, { dir: string } | { note: string }>();
  return {
    aligned,
    shapes: (res) => {
      let e = exports.get(res);
      if (e === undefined) {
        const dir = join(work, `shapes-${res}`);
        const exported = spawnSync(process.execPath, [resolve(o.root, 'bin/workbench.js'), 'data', 'export', 'shapes', '--out', dir, `data.crop_size=${res}`], { cwd: o.root, encoding: 'utf8' });
        e = exported.status === 0 ? { dir } : { note: `shapes export failed: ${exported.stderr.split('\n')[0] ?? ''}`.slice(0, 200) };
        exports.set(res, e);
      }
      return e;
    },
  };
}

/** The official model class at 32 px (tools/study/official_shapes.py) on exported shapes pairs. */
async function runOfficialSmall(o: SideBySideOptions, data: BenchData, work: string, res: number, width: number, batch: number, threads: number, malloc: OfficialMalloc): Promise<SideResult> {
  const exported = data.shapes(res);
  if ('note' in exported) return { n: 0, note: exported.note };
  const shapes = exported.dir;
  const out = join(work, `official-${res}-${width}-${batch}-t${threads}-${malloc}`);
  const args = [
    '-f', 'MAXRSS_KB %M', o.python, '-u', resolve(o.root, 'tools/study/official_shapes.py'), '--official', o.officialDir, '--data', shapes, '--out', out,
    '--iters', String(o.iters), '--batch', String(batch), '--width', String(width), '--threads', String(threads), '--snapshot_every', '1000000000',
  ];
  const { lines, code } = await runTimed(...pinned(o, '/usr/bin/time', args), { cwd: o.root, env: officialEnv(threads, malloc) });
  const res0: SideResult = { n: 0, ...peakRss(lines) };
  if (code !== 0) return { ...res0, note: `official_shapes.py exited ${code}: ${lines.map(([, l]) => l).filter((l) => /rror/.test(l)).at(-1) ?? ''}`.slice(0, 200) };
  // losses.jsonl: one {"step", "time" (s since the loop started)} line per iteration
  const times = readFileSync(join(out, 'losses.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { time: number }).time);
  const walls = times.slice(1).map((t, i) => t - times[i]!);
  return { ...res0, n: walls.length, ...(walls.length > 0 && { sPerIter: median(walls) }) };
}

async function runOfficial(o: SideBySideOptions, data: BenchData, work: string, res: number, width: number, batch: number, threads: number, malloc: OfficialMalloc): Promise<SideResult> {
  if (res < 128) return runOfficialSmall(o, data, work, res, width, batch, threads, malloc);
  const name = `sbs_${res}_${width}_${batch}_t${threads}_${malloc}`;
  const nets = res === 256 ? [] : ['--netG', `unet_${res}`, '--netE', `resnet_${res}`, '--netD', `basic_${res}_multi`, '--netD2', `basic_${res}_multi`];
  const args = [
    '-f', 'MAXRSS_KB %M', o.python, '-u', 'train.py',
    '--dataroot', data.aligned, '--name', name, '--model', 'bicycle_gan', '--checkpoints_dir', join(work, 'checkpoints'),
    '--gpu_ids', '-1', '--display_id', '0', '--no_html',
    '--batch_size', String(batch), '--ngf', String(width), '--ndf', String(width), '--nef', String(width),
    '--load_size', String(res), '--crop_size', String(res), ...nets,
    '--niter', '1', '--niter_decay', '0', '--print_freq', String(batch), '--save_latest_freq', '1000000', '--save_epoch_freq', '1000000',
  ];
  const { lines, code } = await runTimed(...pinned(o, '/usr/bin/time', args), { cwd: o.officialDir, env: officialEnv(threads, malloc) });
  // train.py prints one "(epoch: e, iters: i, time: ...)" line per iteration (print_freq = batch)
  const stamps = lines.filter(([, l]) => /\(epoch: \d+, iters: \d+, time: /.test(l)).map(([t]) => t);
  const walls = stamps.slice(1).map((t, i) => t - stamps[i]!);
  const out: SideResult = { n: walls.length, ...peakRss(lines) };
  if (walls.length > 0) out.sPerIter = median(walls);
  if (code !== 0 || walls.length === 0) out.note = `official exited ${code}: ${lines.filter(([, l]) => /Error|error/.test(l)).map(([, l]) => l).at(-1) ?? 'no iteration logged'}`.slice(0, 200);
  return out;
}

function runWorkbench(o: SideBySideOptions, res: number, width: number, batch: number, threads: number, native: boolean): SideResult {
  // wasm alone: the threaded binary; native: the threads go to onnxruntime, wasm stays single-threaded
  const threadEnv = threads > 1 ? (native ? { WORKBENCH_NATIVE_THREADS: String(threads) } : { WORKBENCH_WASM_THREADS: String(threads) }) : {};
  const env = { ...withNativeMallocEnv(process.env), WORKBENCH_NATIVE_CONV: native ? '1' : '0', ...threadEnv };
  const overrides = ['scale=full', 'data=shapes', `data.crop_size=${res}`, `data.load_size=${res}`, `model.ngf=${width}`, `model.ndf=${width}`, `model.nef=${width}`, `train.batch_size=${batch}`, 'backend=wasm'];
  const child = spawnSync(...pinned(o, process.execPath, [resolve(o.root, 'bin/run-ts.js'), resolve(o.root, 'tools/bench/src/step-profile.ts'), '--steps', String(o.iters), '--json', ...overrides]), {
    cwd: o.root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith('STEP_PROFILE '));
  if (line === undefined) return { n: 0, note: `workbench exited ${child.status}: ${(child.stderr ?? '').split('\n').filter((l) => /rror/.test(l)).at(0)?.slice(0, 200) ?? ''}` };
  const r = JSON.parse(line.slice('STEP_PROFILE '.length)) as { stepSeconds: number[]; peakRssMB: number; heapMiB?: number };
  const walls = r.stepSeconds.slice(1);
  return { n: walls.length, sPerIter: median(walls), peakRssMB: r.peakRssMB, ...(r.heapMiB !== undefined && { heapMiB: r.heapMiB }) };
}

/** One round of a row: the official side per malloc variant, then the workbench's two sides. */
export interface Round {
  off: Partial<Record<OfficialMalloc, SideResult>>;
  wasm: SideResult;
  nat: SideResult;
}

const MALLOC_LABEL: Record<OfficialMalloc, string> = { default: 'glibc defaults', workbench: "workbench's malloc settings" };

/** The table's header: one official column and one ratio per malloc variant (in `variants` order). */
export function tableHeader(variants: OfficialMalloc[]): string {
  const each = (what: string): string => (variants.length === 1 ? `${what} (official with ${MALLOC_LABEL[variants[0]!]})` : `${what} (vs official with ${variants.map((v) => MALLOC_LABEL[v]).join(' / ')})`);
  const cols = ['res', 'widths', 'batch', 'threads', ...variants.map((v) => `official s/iter, ${MALLOC_LABEL[v]}`), 'wasm s/iter', each('wasm / official'), 'wasm + native convs s/iter', each('native / official'),
    `official peak RSS MB (${variants.join(' / ')})`, 'workbench peak RSS MB (wasm / native)', 'wasm heap high-water MiB (wasm / native)'];
  return `| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`;
}

/** One table row: per side the median over rounds of its s/iter (n = iterations per round × rounds), the ratios as the median of the per-round ratios [min–max]. */
export function tableRow(c: { res: number; width: number; batch: number }, threads: number, variants: OfficialMalloc[], rounds: Round[]): string {
  const f = (x: number | undefined, d = 2): string => (x === undefined ? '–' : x.toFixed(d));
  const side = (pick: (r: Round) => SideResult | undefined): { s?: number; n: number; rss?: number; heap?: number } => {
    const ok = rounds.map(pick).filter((x): x is SideResult => x?.sPerIter !== undefined);
    if (ok.length === 0) return { n: 0 };
    const peak = (key: 'peakRssMB' | 'heapMiB'): number | undefined => (ok.some((x) => x[key] !== undefined) ? Math.max(...ok.map((x) => x[key] ?? 0)) : undefined);
    return { s: median(ok.map((x) => x.sPerIter!)), n: ok.reduce((a, x) => a + x.n, 0), rss: peak('peakRssMB'), heap: peak('heapMiB') };
  };
  const ratio = (pick: (r: Round) => SideResult, v: OfficialMalloc): string => {
    const rs = rounds.filter((r) => r.off[v]?.sPerIter && pick(r).sPerIter).map((r) => pick(r).sPerIter! / r.off[v]!.sPerIter!);
    if (rs.length === 0) return '–';
    return rs.length === 1 ? rs[0]!.toFixed(2) : `${median(rs).toFixed(2)} [${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)}]`;
  };
  const offs = variants.map((v) => side((r) => r.off[v]));
  const wasm = side((r) => r.wasm);
  const nat = side((r) => r.nat);
  const ratios = (pick: (r: Round) => SideResult): string => variants.map((v) => ratio(pick, v)).join(' / ');
  const notes = [...new Set(rounds.flatMap((r) => [...variants.map((v) => r.off[v]?.note), r.wasm.note, r.nat.note]).filter(Boolean))].join('; ');
  return `| ${c.res} | ${c.width} | ${c.batch} | ${threads} | ${offs.map((off) => `${f(off.s)} (n ${off.n})`).join(' | ')} | ${f(wasm.s)} (n ${wasm.n}) | ${ratios((r) => r.wasm)} | ${f(nat.s)} (n ${nat.n}) | ${ratios((r) => r.nat)} | ${offs.map((off) => f(off.rss, 0)).join(' / ')} | ${f(wasm.rss, 0)} / ${f(nat.rss, 0)} | ${f(wasm.heap, 0)} / ${f(nat.heap, 0)} |${notes}`;
}

export async function sideBySide(o: SideBySideOptions): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'workbench-sbs-'));
  try {
    const maxBatch = Math.max(...o.configs.map((c) => c.batch));
    const dataroot = join(work, 'aligned');
    await makeAlignedFolder(dataroot, (o.iters + 1) * maxBatch);
    const data = benchData(o, work, dataroot);
    const rows: string[] = [];
    for (const c of o.configs) {
      for (const threads of o.threads) {
        const label = `${c.res} px, widths ${c.width}, batch ${c.batch}, ${threads} thread${threads > 1 ? 's' : ''}`;
        const rounds: Round[] = [];
        for (let r = 0; r < o.rounds; r++) {
          process.stdout.write(`${label}${o.rounds > 1 ? ` (round ${r + 1}/${o.rounds})` : ''}: `);
          const off: Round['off'] = {};
          for (const v of o.officialMalloc) {
            process.stdout.write(`official (${MALLOC_LABEL[v]}) ... `);
            const result = await runOfficial(o, data, work, c.res, c.width, c.batch, threads, v);
            off[v] = result;
            process.stdout.write(`${result.sPerIter?.toFixed(2) ?? 'failed'} s/iter; `);
          }
          process.stdout.write('workbench wasm ... ');
          const wasm = o.wasm ? runWorkbench(o, c.res, c.width, c.batch, threads, false) : { n: 0, note: 'wasm alone not run (--no-wasm)' };
          process.stdout.write(`${wasm.sPerIter?.toFixed(2) ?? (o.wasm ? 'failed' : '–')} s/iter; wasm + native convs ... `);
          const nat = o.native ? runWorkbench(o, c.res, c.width, c.batch, threads, true) : { n: 0, note: 'native convs not run (--no-native or onnxruntime-node missing)' };
          console.log(`${nat.sPerIter?.toFixed(2) ?? '–'} s/iter`);
          rounds.push({ off, wasm, nat });
        }
        rows.push(tableRow(c, threads, o.officialMalloc, rounds));
      }
    }
    console.log(`\nBicycleGAN iteration, official code (PyTorch: train.py; below 128 px the official model class in tools/study/official_shapes.py) vs workbench (wasm alone, and wasm with its convs on onnxruntime), median s/iter after the first${o.rounds > 1 ? `, ${o.rounds} alternating rounds per row (s/iter: median over rounds; ratio: median of the per-round ratios [min–max])` : ''}${o.cpus === undefined ? '' : `, every process pinned to CPU ${o.cpus}`}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
    console.log(tableHeader(o.officialMalloc));
    for (const r of rows) console.log(r);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
