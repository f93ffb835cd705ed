import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { BackendError, describeBackend, initBackend, parseBackendChoice } from './select-backend.js';

describe('backend selection', () => {
  it('picks the best backend present and explains the skipped ones', async () => {
    const info = await initBackend({ force: 'auto' });
    expect(tf.getBackend()).toBe(info.tfName);
    expect(info.attempts.at(-1)?.ok).toBe(true);
    // Every backend ranked above the selected one is reported with a reason.
    for (const a of info.attempts.slice(0, -1)) {
      expect(a.ok).toBe(false);
      expect(a.reason.length).toBeGreaterThan(10);
    }
    expect(describeBackend(info)).toContain(`backend: ${info.name}`);
  });

  it('forces cpu on request', async () => {
    const info = await initBackend({ force: 'cpu' });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects an unknown backend name with the allowed values', () => {
    expect(() => parseBackendChoice('gpu')).toThrow(/unknown backend 'gpu': use one of auto, node-gpu, node, wasm, cpu/);
    expect(parseBackendChoice(undefined)).toBe('auto');
  });

  it('fails clearly when a forced backend is absent', async () => {
    let hasNode = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      hasNode = false;
    }
    if (hasNode) {
      // On a machine with libtensorflow the native backend must start.
      await expect(initBackend({ force: 'node' })).resolves.toMatchObject({ name: 'node' });
    } else {
      await expect(initBackend({ force: 'node' })).rejects.toThrow(BackendError);
      await expect(initBackend({ force: 'node' })).rejects.toThrow(/forced but cannot start.*not installed/);
    }
  });
});
