// A real `workbench serve` child process (the server that owns the tracking database), for the
// remote-tracking and Slurm end-to-end tests: started on 127.0.0.1 with a token, stopped by SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const workbenchBin = join(repoRoot, 'bin/workbench.js');

export interface ServeProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startServeProcess(opts: { db: string; token: string; port?: number; env?: NodeJS.ProcessEnv }): Promise<ServeProcess> {
  const child = spawn(process.execPath, [workbenchBin, 'serve', `serve.port=${opts.port ?? 0}`, `tracking.db=${opts.db}`], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env, WORKBENCH_TOKEN: opts.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workbench serve did not start: ${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /workbench dashboard: (http:\/\/[^/\s]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`workbench serve exited (${code}): ${out}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    port: Number(new URL(url).port),
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
