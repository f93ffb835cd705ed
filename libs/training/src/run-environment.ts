// What a run ran on, captured when it is created, for reproducing it later:
//   environment.json  git commit, dirty flag and untracked files of the workbench checkout, the
//                     sha256 of package-lock.json, the exact backend (tfjs name, wasm binary
//                     SIMD/threaded, thread count, kernels added), the installed version of every
//                     direct dependency, node, OS, CPU and memory
//   git.patch         `git diff HEAD --binary` of a dirty checkout (tracked files; untracked ones
//                     are listed in environment.json, not copied)
// The git facts are of the workbench's own code (the folder this library lives in), not of the
// working directory the command was started from.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { currentBackend } from '@workbench/backend';
import { WORKBENCH_PACKAGE_NAME, WORKBENCH_ROOT } from '@workbench/config';
import { RUN_FILES, type ArtifactInput } from '@workbench/tracking';

export interface RunEnvironment {
  git: { commit: string | null; dirty: boolean | null; untracked: string[]; patch: string | null };
  lockfileSha256: string | null;
  backend: { name: string; tfName: string; details: Record<string, string | number | boolean> };
  dependencies: Record<string, string>;
  node: string;
  os: { platform: string; release: string; arch: string; cpus: number; cpuModel: string; memoryGb: number; host: string };
}

export interface CapturedEnvironment {
  environment: RunEnvironment;
  gitCommit: string | null;
  gitDirty: boolean | null;
  /** For the run row's `packageVersions`: node, tfjs, the workbench and every direct dependency. */
  packageVersions: Record<string, string>;
  /** environment.json and, for a dirty tree, git.patch (paths relative to the run folder). */
  artifacts: ArtifactInput[];
}

function git(args: string[], root: string): string | undefined {
  try {
    return execFileSync('git', ['-C', root, ...args], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8', timeout: 10_000, maxBuffer: 256 * 1024 * 1024 });
  } catch {
    return undefined; // not a git checkout (an installed package), or no git
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Installed version of each dependency the workbench's package.json names (any kind). */
function directDependencies(root: string): Record<string, string> {
  const pkg = readJson(join(root, 'package.json')) ?? {};
  const names = new Set<string>();
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    for (const name of Object.keys((pkg[field] as Record<string, string> | undefined) ?? {})) names.add(name);
  }
  const out: Record<string, string> = {};
  for (const name of [...names].sort()) {
    const installed = readJson(join(root, 'node_modules', name, 'package.json'));
    out[name] = typeof installed?.version === 'string' ? installed.version : 'not installed';
  }
  return out;
}

export function captureEnvironment(runDir: string, backendName?: string, root: string = WORKBENCH_ROOT): CapturedEnvironment {
  const commit = git(['rev-parse', 'HEAD'], root)?.trim() ?? null;
  const status = commit === null ? undefined : git(['status', '--porcelain', '--untracked-files=all'], root);
  const lines = status?.split('\n').filter(Boolean) ?? [];
  const dirty = status === undefined ? null : lines.some((l) => !l.startsWith('??'));
  const untracked = lines.filter((l) => l.startsWith('??')).map((l) => l.slice(3));
  const artifacts: ArtifactInput[] = [];
  let patch: string | null = null;
  if (dirty) {
    const diff = git(['diff', 'HEAD', '--binary'], root);
    if (diff !== undefined) {
      patch = RUN_FILES.gitPatch;
      writeFileSync(join(runDir, patch), diff);
      artifacts.push({ kind: 'git_patch', path: patch, meta: { commit, bytes: Buffer.byteLength(diff) } });
    }
  }
  const lockfile = join(root, 'package-lock.json');
  const info = currentBackend();
  const cpuList = cpus();
  const pkg = readJson(join(root, 'package.json'));
  const environment: RunEnvironment = {
    git: { commit, dirty, untracked, patch },
    lockfileSha256: existsSync(lockfile) ? createHash('sha256').update(readFileSync(lockfile)).digest('hex') : null,
    backend: { name: backendName ?? info?.name ?? tf.getBackend(), tfName: info?.tfName ?? tf.getBackend(), details: info?.details ?? {} },
    dependencies: directDependencies(root),
    node: process.version,
    os: { platform: platform(), release: release(), arch: arch(), cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? '', memoryGb: Math.round(totalmem() / 2 ** 30), host: hostname() },
  };
  writeFileSync(join(runDir, RUN_FILES.environment), `${JSON.stringify(environment, null, 2)}\n`);
  artifacts.push({ kind: 'environment', path: RUN_FILES.environment });
  const packageVersions: Record<string, string> = { node: process.version, '@tensorflow/tfjs': tf.version.tfjs, ...environment.dependencies };
  if (typeof pkg?.version === 'string') packageVersions[WORKBENCH_PACKAGE_NAME] = pkg.version;
  return { environment, gitCommit: commit, gitDirty: dirty, packageVersions, artifacts };
}
