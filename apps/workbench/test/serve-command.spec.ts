// `workbench serve` as a user runs it: a child process that prints the URL, answers on it, and
// refuses a non-loopback bind without a token.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/workbench.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'wb-serve-'));
const db = path.join(dir, 'workbench.db');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench serve', () => {
  it('prints the URL and serves the dashboard there until SIGTERM', async () => {
    // --port/--host as options, the way most servers take them (serve.port= works the same).
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', `tracking.db=${db}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 110_000);
        child.stdout.on('data', (d) => {
          out += d;
          const m = /workbench dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const health = await (await fetch(`${url}/api/health`)).json();
      expect(health).toMatchObject({ ok: true, runs: 0, db });
      expect(await (await fetch(`${url}/`)).text()).toContain('BicycleGAN');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('refuses --port given twice with different values, and a port that is not a number', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'serve', ...args, `tracking.db=${db}`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const clash = run('--port', '8081', 'serve.port=8082');
    expect(clash.status).toBe(2);
    expect(clash.stderr.trim()).toMatch(/^workbench: --port 8081 and serve\.port=8082 disagree/);
    const bad = run('--port', 'http');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/--port http is not valid: use an integer >= 0/);
  });

  it('refuses to bind a non-loopback address without a token, with a one-line reason', () => {
    const res = spawnSync(process.execPath, [BIN, 'serve', '--host', '0.0.0.0', 'serve.port=0', `tracking.db=${db}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, WORKBENCH_TOKEN: '' }, timeout: 60_000 });
    expect(res.status).toBe(2);
    expect(res.stderr.trim()).toMatch(/^workbench: refusing to bind 0\.0\.0\.0 without a token.*serve\.token/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
