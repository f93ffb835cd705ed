// The threaded-SIMD wasm binary under Node, opted into with WORKBENCH_WASM_THREADS.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackendError, initBackend } from './select-backend.js';
import { requestedWasmThreads } from './wasm-threads.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');

function runChild(env: Record<string, string>) {
  const child = spawnSync(process.execPath, ['bin/run-ts.js', 'libs/backend/test/threaded-child.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 90_000, // the child must also exit: idle pool workers may not keep Node alive
  });
  expect(child.status, child.stderr).toBe(0);
  const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
  return JSON.parse(line ?? '{}') as { details: Record<string, string | number>; errX: number; errW: number };
}

describe('threaded wasm', () => {
  it('runs the threaded-simd binary with 2 threads when asked, with cpu-equal gradients', () => {
    const r = runChild({ WORKBENCH_WASM_THREADS: '2' });
    expect(r.details['wasm binary']).toBe('threaded-simd');
    expect(r.details['wasm threads']).toBe(2);
    expect(r.errX).toBeLessThanOrEqual(1e-4);
    expect(r.errW).toBeLessThanOrEqual(1e-4);
  });

  it('runs the single-threaded simd binary by default', () => {
    const r = runChild({ WORKBENCH_WASM_THREADS: '' });
    expect(r.details['wasm binary']).toBe('simd');
    expect(r.details['wasm threads']).toBe(1);
    expect(r.errW).toBeLessThanOrEqual(1e-4);
  });

  it('parses the thread count and rejects nonsense with a clear error', async () => {
    expect(requestedWasmThreads(undefined)).toBeUndefined();
    expect(requestedWasmThreads('0')).toBeUndefined();
    expect(requestedWasmThreads('3')).toBe(3);
    expect(() => requestedWasmThreads('two')).toThrow(/WORKBENCH_WASM_THREADS='two' is not a thread count/);
    expect(() => requestedWasmThreads('16')).toThrow(/from 1 to 8/);
    const old = process.env['WORKBENCH_WASM_THREADS'];
    process.env['WORKBENCH_WASM_THREADS'] = '-1';
    try {
      await expect(initBackend({ force: 'wasm' })).rejects.toThrow(BackendError);
    } finally {
      if (old === undefined) delete process.env['WORKBENCH_WASM_THREADS'];
      else process.env['WORKBENCH_WASM_THREADS'] = old;
    }
  });
});
