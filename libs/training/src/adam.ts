// Adam over named variables, exactly as PyTorch 1.13 computes it, with state that checkpoints can
// save and restore. tf.train.adam computes the same formula, but its moment variables are
// anonymous (getWeights() returns them in creation order) and its epsilon defaults to 1e-7; a
// small explicit optimizer keyed by the official parameter names is simpler to checkpoint.
import * as tf from '@tensorflow/tfjs';
import { adamUpdateWasm } from '@workbench/backend';

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  /** PyTorch's default; tfjs's backend epsilon (1e-7) moves the first steps visibly. */
  eps?: number;
}

/** Saveable state: first/second moments per parameter name, and the step count. */
export interface AdamState {
  step: number;
  /** `<param>.exp_avg` and `<param>.exp_avg_sq`, the PyTorch state names. */
  moments: Map<string, { shape: number[]; data: Float32Array }>;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  lr: number;
  private stepCount = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly params: Map<string, tf.Variable>,
    opts: AdamOptions,
  ) {
    this.lr = opts.lr;
    this.beta1 = opts.beta1;
    this.beta2 = opts.beta2;
    this.eps = opts.eps ?? 1e-8;
    // In a tidy, so the zeros tensors die and each moment owns its buffer (the fused wasm update
    // writes moments in place only when nothing else shares them).
    tf.tidy(() => {
      for (const [name, p] of params) {
        this.m.set(name, tf.variable(tf.zerosLike(p), false, undefined, 'float32'));
        this.v.set(name, tf.variable(tf.zerosLike(p), false, undefined, 'float32'));
      }
    });
  }

  get step(): number {
    return this.stepCount;
  }

  /**
   * One update with the given gradients (keyed by parameter name; a missing gradient counts as
   * zero, as PyTorch's zero_grad(set_to_none=False) would leave it). Does not dispose `grads`.
   */
  apply(grads: Map<string, tf.Tensor>): void {
    this.stepCount += 1;
    const t = this.stepCount;
    // PyTorch: step_size = lr / (1 - b1^t); denom = sqrt(v) / sqrt(1 - b2^t) + eps.
    const stepSize = this.lr / (1 - this.beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** t);
    const coeffs = { beta1: this.beta1, beta2: this.beta2, eps: this.eps, stepSize, biasCorrection2Sqrt: bc2Sqrt };
    for (const [name, p] of this.params) {
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      // One parameter at a time: temporaries never exceed one parameter's size.
      tf.tidy(() => {
        const fused = adamUpdateWasm(p, m, v, grads.get(name), coeffs);
        if (fused !== undefined) {
          p.assign(fused);
          return;
        }
        const g = grads.get(name) ?? tf.zerosLike(p);
        const mNew = m.mul(this.beta1).add(g.mul(1 - this.beta1));
        const vNew = v.mul(this.beta2).add(g.mul(1 - this.beta2).mul(g));
        const denom = vNew.sqrt().div(bc2Sqrt).add(this.eps);
        m.assign(mNew);
        v.assign(vNew);
        p.assign(p.add(mNew.mul(-stepSize).div(denom)));
      });
    }
  }

  /** Copies the moments to host memory for a checkpoint. */
  async getState(): Promise<AdamState> {
    const moments = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, m] of this.m) {
      moments.set(`${name}.exp_avg`, { shape: m.shape.slice(), data: (await m.data()) as Float32Array });
      const v = this.v.get(name)!;
      moments.set(`${name}.exp_avg_sq`, { shape: v.shape.slice(), data: (await v.data()) as Float32Array });
    }
    return { step: this.stepCount, moments };
  }

  /** Restores moments saved by `getState` (names and shapes must match this optimizer's). */
  setState(state: AdamState): void {
    for (const [name, p] of this.params) {
      for (const [suffix, target] of [['exp_avg', this.m.get(name)!], ['exp_avg_sq', this.v.get(name)!]] as const) {
        const saved = state.moments.get(`${name}.${suffix}`);
        if (saved === undefined) throw new Error(`optimizer state has no '${name}.${suffix}': the checkpoint was written for a different network`);
        if (saved.shape.join(',') !== p.shape.join(',')) {
          throw new Error(`optimizer state '${name}.${suffix}' has shape [${saved.shape}] but the parameter is [${p.shape}]: the checkpoint was written for a different network`);
        }
        tf.tidy(() => target.assign(tf.tensor(saved.data, saved.shape, 'float32')));
      }
    }
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const t of this.m.values()) t.dispose();
    for (const t of this.v.values()) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
