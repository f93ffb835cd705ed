// The parameters of one network: their official names, tfjs shapes, PyTorch layouts and init
// rules, recorded in the official state_dict order; variables are created only when asked
// (a shape-only store lets us count 24 full-size configurations without allocating them).
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@workbench/random';

/** How a parameter is laid out in PyTorch vs tfjs (drives import/export transposes). */
export type ParamLayout =
  | 'conv' //      PyTorch OIHW          <-> tfjs HWIO            ([2,3,1,0])
  | 'convT' //     PyTorch IOHW          <-> tfjs [h,w,out,in]    ([2,3,1,0])
  | 'linear' //    PyTorch OI            <-> tfjs [in,out]        ([1,0])
  | 'vector'; //   bias / norm weight: identical

export type ParamInit =
  | { kind: 'xavier'; fanIn: number; fanOut: number } // xavier_normal_(gain): std = gain*sqrt(2/(fanIn+fanOut))
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'normal-one' }; //                          BatchNorm weight ~ N(1, gain)

export interface ParamSpec {
  /** Official state_dict key, e.g. `model.down.0.weight`. */
  key: string;
  /** Shape in the tfjs layout. */
  shape: number[];
  layout: ParamLayout;
  init: ParamInit;
  /** false for BatchNorm running statistics (PyTorch buffers). */
  trainable: boolean;
}

let storeCounter = 0;

export class ParamStore {
  readonly specs: ParamSpec[] = [];
  private readonly vars = new Map<string, tf.Variable>();
  private allocated = false;
  /** Unique prefix for tfjs's global variable registry (D and D2 share official key names). */
  private readonly uid: string;

  constructor(readonly kind: string) {
    this.uid = `${kind}#${++storeCounter}`;
  }

  add(key: string, shape: number[], layout: ParamLayout, init: ParamInit, trainable = true): string {
    if (this.specs.some((s) => s.key === key)) throw new Error(`internal: duplicate parameter ${key}`);
    this.specs.push({ key, shape, layout, init, trainable });
    return key;
  }

  /**
   * Creates every variable with the official init (seeded). The official code uses torch's RNG,
   * which we cannot reproduce; we match the distributions: xavier_normal_(gain), zero bias,
   * BatchNorm weight N(1, gain).
   */
  allocate(seed: number, gain: number): void {
    if (this.allocated) throw new Error('internal: parameters already allocated');
    const rng = Rng.derive(seed, 'init', this.kind);
    for (const s of this.specs) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      switch (s.init.kind) {
        case 'xavier': {
          const std = gain * Math.sqrt(2 / (s.init.fanIn + s.init.fanOut));
          rng.fillNormal(data, 0, std);
          break;
        }
        case 'normal-one':
          rng.fillNormal(data, 1, gain);
          break;
        case 'ones':
          data.fill(1);
          break;
        case 'zeros':
          break;
      }
      // tf.variable copies its initial value: dispose the temporary so that building leaks nothing.
      const initial = tf.tensor(data, s.shape, 'float32');
      this.vars.set(s.key, tf.variable(initial, s.trainable, `${this.uid}/${s.key}`));
      initial.dispose();
    }
    this.allocated = true;
  }

  get isAllocated(): boolean {
    return this.allocated;
  }

  /** The variable of `key`; throws if the network was built shape-only. */
  get(key: string): tf.Variable {
    const v = this.vars.get(key);
    if (v === undefined) {
      throw new Error(this.allocated ? `internal: unknown parameter ${key}` : `network ${this.kind} was built shape-only (allocate: false) and cannot run`);
    }
    return v;
  }

  /** Trainable parameters (PyTorch `named_parameters()`), official order. */
  params(): Map<string, tf.Variable> {
    return this.filtered(true);
  }

  /** Non-trainable state (BatchNorm running stats), official order. */
  buffers(): Map<string, tf.Variable> {
    return this.filtered(false);
  }

  numParams(): number {
    return this.specs.filter((s) => s.trainable).reduce((acc, s) => acc + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }

  private filtered(trainable: boolean): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const s of this.specs) if (s.trainable === trainable && this.vars.has(s.key)) out.set(s.key, this.vars.get(s.key)!);
    return out;
  }
}
