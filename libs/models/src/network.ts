// What every network shares: a ParamStore behind the `Network` contract of docs/ARCHITECTURE.md.
import type * as tf from '@tensorflow/tfjs';
import type { ParamSpec, ParamStore } from './param-store.js';

export type NetworkKind = 'G' | 'E' | 'D';

export abstract class Network {
  abstract readonly kind: NetworkKind;

  constructor(readonly store: ParamStore) {}

  /** Trainable variables by official state_dict key, in state_dict order. */
  params(): Map<string, tf.Variable> {
    return this.store.params();
  }

  /** Non-trainable state (BatchNorm running statistics); empty with instance norm. */
  buffers(): Map<string, tf.Variable> {
    return this.store.buffers();
  }

  /** Every parameter and buffer with its official key, tfjs shape, PyTorch layout and init. */
  specs(): readonly ParamSpec[] {
    return this.store.specs;
  }

  /** Number of trainable parameters (what PyTorch's `sum(p.numel() for p in net.parameters())` gives). */
  numParams(): number {
    return this.store.numParams();
  }

  dispose(): void {
    this.store.dispose();
  }
}
