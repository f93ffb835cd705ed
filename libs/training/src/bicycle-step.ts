// One training iteration of BicycleGAN and its five sibling methods, as the official
// `optimize_parameters()` runs it (models/bicycle_gan_model.py at 40b9d52):
//   1. forward: split the batch, z_encoded = mu + eps·exp(logvar/2) from E(B1), z_random ~ N(0,I),
//      fake_B_encoded = G(A1, z_encoded), fake_B_random = G(A1, z_random), mu2 = E(fake_B_random).mu
//   2. G/E: loss_G = G_GAN + G_GAN2 + G_L1 + kl, plus z_L1 reaching G only (E frozen for it),
//      one Adam step of E, then of G, on the summed gradients
//   3. D on the detached fakes (made before G's update), one Adam step; then D2 likewise.
// Which branches and terms run comes from the method spec (methods.ts). The step returns plain
// numbers; every tensor it makes is disposed before it returns.
import * as tf from '@tensorflow/tfjs';
import type { Adam } from './adam.js';
import { ganLossPerScale, klLoss, l1Loss, latentL1Loss, type GanMode } from '@workbench/losses';
import { splitsBatch, type LambdaKey, type LossKey, type MethodSpec, type NetName } from './methods.js';
import type { ParamOwner, TrainNetworks } from './networks.js';

export interface StepConfig {
  spec: MethodSpec;
  nz: number;
  lambdas: Record<LambdaKey, number>;
  ganMode: GanMode;
  /** D sees concat(A, B) instead of B alone. */
  conditionalD: boolean;
  /** Networks run in training mode (G's dropout on where built; BatchNorm on batch statistics). */
  training: boolean;
  /** Seed of this step's dropout masks (undefined: tfjs's global RNG). The trainer derives it from
   *  (run seed, step) so that a resumed run draws the same masks as an uninterrupted one. */
  dropoutSeed?: number;
}

/** Offset between the encoded and the random branch's masks: each G call needs its own draw
 *  (the official code samples independent masks per forward), and the layer offsets are < 16. */
const RANDOM_BRANCH_DROPOUT_OFFSET = 7919;

export type StepOptimizers = Partial<Record<NetName, Adam>> & { G: Adam; D: Adam };

/** Gaussian noise source: eps for the reparameterisation first, then z_random; [n*nz] row-major. */
export type NoiseSource = (kind: 'eps' | 'z_random', n: number, nz: number) => Float32Array;

export interface StepBatch {
  A: tf.Tensor4D; // [N,H,W,Cin]
  B: tf.Tensor4D; // [N,H,W,Cout]
}

/** Read-only views of the step's internals (tests, the fixture). Copy what you need: the tensors die after the call. */
export interface StepInspector {
  tensors?(t: Partial<Record<'mu' | 'logvar' | 'z_encoded' | 'mu2' | 'fake_B_encoded' | 'fake_B_random', tf.Tensor>>): void;
  /** The gradient each optimizer is about to apply, keyed by parameter name. */
  grads?(net: NetName, grads: Map<string, tf.Tensor>): void;
  /** Called at the end of each phase (memory and time profiles): per branch 'G/E <branch> forward'
   *  and 'G/E <branch> backward', 'Adam G/E', then per discriminator '<D> forward+backward' and
   *  'Adam <D>'. */
  phase?(name: string): void;
}

export interface GanTermValue {
  total: number;
  perScale: number[];
}

export interface StepResult {
  losses: Partial<Record<LossKey, number>>;
  /** G_GAN + G_GAN2 + G_L1 + kl (without z_L1), as the official code logs it. */
  lossG: number;
  /** The official GANLoss calls before the lambda weights: G_GAN, G_GAN2, D_fake, D_real, D2_fake, D2_real. */
  ganTerms: Record<string, GanTermValue>;
}

/** A loss became NaN or ±Inf; thrown before the offending update is applied. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly lossKey: string,
    readonly value: number,
  ) {
    super(`loss ${lossKey} is ${value}`);
  }
}

/** The official GANLoss call: per-scale terms and their left-to-right sum (both kept for the logs). */
function ganTerms(predictions: tf.Tensor4D[], targetIsReal: boolean, mode: GanMode): { total: tf.Scalar; perScale: tf.Scalar[] } {
  const perScale = ganLossPerScale(predictions, targetIsReal, mode);
  return { total: perScale.slice(1).reduce((acc, s): tf.Scalar => acc.add(s), perScale[0]!), perScale };
}

/** Variables of several networks, with a way back from tfjs's variable name to (net, key). */
function collectVars(nets: Array<[NetName, ParamOwner]>): { list: tf.Variable[]; byTfName: Map<string, [NetName, string]> } {
  const list: tf.Variable[] = [];
  const byTfName = new Map<string, [NetName, string]>();
  for (const [net, owner] of nets) {
    for (const [key, v] of owner.params()) {
      list.push(v);
      byTfName.set(v.name, [net, key]);
    }
  }
  return { list, byTfName };
}

function splitGrads(grads: tf.NamedTensorMap, byTfName: Map<string, [NetName, string]>): Map<NetName, Map<string, tf.Tensor>> {
  const out = new Map<NetName, Map<string, tf.Tensor>>();
  for (const [tfName, g] of Object.entries(grads)) {
    const [net, key] = byTfName.get(tfName)!;
    if (!out.has(net)) out.set(net, new Map());
    out.get(net)!.set(key, g);
  }
  return out;
}

/** Reads many scalars with one device sync. */
function readScalars(named: Array<[string, tf.Scalar]>): Map<string, number> {
  if (named.length === 0) return new Map();
  const values = tf.tidy(() => tf.stack(named.map(([, s]) => s))).dataSync() as Float32Array;
  // (the stacked tensor is tiny; dataSync's result is a copy)
  return new Map(named.map(([k], i) => [k, values[i]!]));
}

function assertFinite(values: Map<string, number>, keys: Iterable<string>): void {
  for (const k of keys) {
    const v = values.get(k)!;
    if (!Number.isFinite(v)) throw new NonFiniteLossError(k, v);
  }
}

export function bicycleStep(
  nets: TrainNetworks,
  optimizers: StepOptimizers,
  cfg: StepConfig,
  batch: StepBatch,
  noise: NoiseSource,
  inspect?: StepInspector,
): StepResult {
  const { spec, lambdas } = cfg;
  const n = batch.A.shape[0];
  const split = splitsBatch(spec);
  if (split && n % 2 !== 0) throw new Error(`batch size ${n} is odd: method '${spec.name}' splits each batch in two halves; use an even train.batch_size`);
  const half = split ? n / 2 : n;
  const encoded = spec.branches.includes('encoded');
  const random = spec.branches.includes('random');
  const E = nets.E;
  if ((encoded || spec.latentL1 !== null) && E === undefined) throw new Error(`method '${spec.name}' needs an encoder E but none was built`);
  for (const g of spec.gan) {
    if (nets[g.disc] === undefined) throw new Error(`method '${spec.name}' needs discriminator ${g.disc} but none was built`);
  }

  // Noise in the official order: eps (inside encode()), then z_random (forward()).
  const epsData = encoded && spec.encodedZ === 'reparameterized' ? noise('eps', half, cfg.nz) : undefined;
  const zRandData = random ? noise('z_random', half, cfg.nz) : undefined;

  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(tf.keep(t));
    return t;
  };
  let result: StepResult | undefined;
  try {
    tf.tidy(() => {
      // A1, B1: the cVAE half (and the input of the random branch); A2, B2: the random branch's real pair.
      const A1 = split ? batch.A.slice([0, 0, 0, 0], [half, -1, -1, -1]) : batch.A; // [half,H,W,Cin]
      const B1 = split ? batch.B.slice([0, 0, 0, 0], [half, -1, -1, -1]) : batch.B;
      const A2 = split ? batch.A.slice([half, 0, 0, 0], [half, -1, -1, -1]) : batch.A;
      const B2 = split ? batch.B.slice([half, 0, 0, 0], [half, -1, -1, -1]) : batch.B;
      const eps = epsData && tf.tensor2d(epsData, [half, cfg.nz]);
      const zRandom = zRandData && tf.tensor2d(zRandData, [half, cfg.nz]);
      const dInput = (a: tf.Tensor4D, img: tf.Tensor4D): tf.Tensor4D => (cfg.conditionalD ? tf.concat([a, img], 3) : img);
      const realFor = (branch: 'encoded' | 'random'): tf.Tensor4D => (branch === 'encoded' ? dInput(A1, B1) : dInput(A2, B2));

      // ---- 1+2. forward and the G/E update ----
      // The loss is a sum over the two branches, so its gradient is taken one branch at a time
      // (one tape each) and added: only one branch's activations are alive at once, which is what
      // lets 256 px / ngf 64 fit the wasm heap. Each loss term belongs to one branch.
      // E gets gradients from the encoded branch, and from z_L1 only when the method says so.
      const trainsE = (branch: 'encoded' | 'random'): boolean => E !== undefined && (branch === 'encoded' || spec.latentL1 === 'G+E');
      const trainE = spec.branches.some(trainsE);

      let fakeEncoded: tf.Tensor4D | undefined;
      let fakeRandom: tf.Tensor4D | undefined;
      const fakeOf = (b: 'encoded' | 'random'): tf.Tensor4D => (b === 'encoded' ? fakeEncoded! : fakeRandom!);
      const gScalars: Array<[string, tf.Scalar]> = [];
      const parts = new Map<string, tf.Scalar>();
      const term = (key: string, loss: tf.Scalar): tf.Scalar => {
        gScalars.push([key, keep(loss)]);
        parts.set(key, loss);
        return loss;
      };
      /** The loss terms of one branch (its G forward first); returns their sum. */
      const branchLoss = (branch: 'encoded' | 'random'): tf.Scalar => {
        const terms: tf.Scalar[] = [];
        let mu: tf.Tensor2D | undefined;
        let logvar: tf.Tensor2D | undefined;
        let zEncoded: tf.Tensor2D | undefined;
        let mu2: tf.Tensor2D | undefined;
        if (branch === 'encoded') {
          ({ mu, logvar } = E!.apply(B1, { training: cfg.training }));
          // official: eps.mul(std).add_(mu), std = exp(0.5·logvar)
          zEncoded = spec.encodedZ === 'mean' ? mu : (eps!.mul(logvar.mul(0.5).exp()).add(mu) as tf.Tensor2D);
          fakeEncoded = keep(nets.G.apply(A1, zEncoded, { training: cfg.training, dropoutSeed: cfg.dropoutSeed }));
        } else {
          const dropoutSeed = cfg.dropoutSeed === undefined ? undefined : cfg.dropoutSeed + RANDOM_BRANCH_DROPOUT_OFFSET;
          fakeRandom = keep(nets.G.apply(A1, zRandom!, { training: cfg.training, dropoutSeed }));
        }
        for (const g of spec.gan.filter((x) => x.branch === branch)) {
          const t = ganTerms(nets[g.disc]!.apply(dInput(A1, fakeOf(g.branch)), { training: cfg.training }), true, cfg.ganMode);
          gScalars.push([`gan:${g.gLoss}:total`, keep(t.total)], ...t.perScale.map((s, i): [string, tf.Scalar] => [`gan:${g.gLoss}:${i}`, keep(s)]));
          terms.push(term(g.gLoss, t.total.mul(lambdas[g.lambda]) as tf.Scalar));
        }
        if (spec.imageL1 === branch) terms.push(term('G_L1', l1Loss(fakeOf(branch), B1).mul(lambdas.lambda_L1) as tf.Scalar));
        // a sum over batch and dims, not a mean (official)
        if (spec.kl && branch === 'encoded') terms.push(term('kl', klLoss(mu!, logvar!).mul(lambdas.lambda_kl) as tf.Scalar));
        if (spec.latentL1 !== null && branch === 'random') {
          // Only the mean head: a point estimate (official, issue #14). frozen: z_L1 trains G only.
          mu2 = E!.apply(fakeRandom!, { frozen: spec.latentL1 === 'G', training: cfg.training }).mu;
          terms.push(term('z_L1', latentL1Loss(mu2, zRandom!).mul(lambdas.lambda_z) as tf.Scalar));
        }
        inspect?.tensors?.({
          ...(mu && { mu: keep(mu), logvar: keep(logvar!), z_encoded: keep(zEncoded!) }),
          ...(mu2 && { mu2: keep(mu2) }),
          ...(branch === 'encoded' ? { fake_B_encoded: fakeEncoded! } : { fake_B_random: fakeRandom! }),
        });
        inspect?.phase?.(`G/E ${branch} forward`);
        return terms.slice(1).reduce((acc, s): tf.Scalar => acc.add(s), terms[0]!);
      };

      // Gradients of G (and E) summed over the branches' tapes, keyed by net and parameter name.
      const geGrads = new Map<NetName, Map<string, tf.Tensor>>();
      // Summed-over gradients are released after the loop: tfjs may hand the very same tensor to
      // two variables (an add's dy passes through unchanged), so none may go while another needs it.
      const summedAway = new Set<tf.Tensor>();
      for (const branch of spec.branches) {
        const owners: Array<[NetName, ParamOwner]> = [['G', nets.G]];
        if (trainsE(branch)) owners.push(['E', E!]);
        const vars = collectVars(owners);
        // (the returned value may be one of the kept loss terms: the step's tidy releases it)
        const { grads } = tf.variableGrads(() => branchLoss(branch), vars.list);
        for (const [net, g] of splitGrads(grads, vars.byTfName)) {
          const acc = geGrads.get(net) ?? new Map<string, tf.Tensor>();
          for (const [key, t] of g) {
            const prev = acc.get(key);
            acc.set(key, prev === undefined ? t : tf.add(prev, t));
            if (prev !== undefined) summedAway.add(prev).add(t);
          }
          geGrads.set(net, acc);
        }
        inspect?.phase?.(`G/E ${branch} backward`);
      }
      const inUse = new Set([...geGrads.values()].flatMap((g) => [...g.values()]));
      tf.dispose([...summedAway].filter((t) => !inUse.has(t)));
      // loss_G = G_GAN + G_GAN2 + G_L1 + kl, summed left to right like the official code
      const ordered = [...spec.gan.map((g) => g.gLoss), 'G_L1', 'kl'].flatMap((k) => parts.get(k) ?? []);
      gScalars.push(['loss_G', keep(ordered.slice(1).reduce((acc, s): tf.Scalar => acc.add(s), ordered[0]!))]);

      const gValues = readScalars(gScalars);
      const lossKeysG = gScalars.map(([k]) => k).filter((k) => !k.startsWith('gan:'));
      assertFinite(gValues, lossKeysG);
      for (const [net, g] of geGrads) inspect?.grads?.(net, g);
      // official order: optimizer_E.step(), then optimizer_G.step()
      if (trainE) optimizers.E!.apply(geGrads.get('E') ?? new Map());
      optimizers.G.apply(geGrads.get('G') ?? new Map());
      tf.dispose([...inUse]); // G's gradients alone are 219 MB at 256 px / ngf 64
      inspect?.phase?.('Adam G/E');

      // ---- 3. discriminators on the fakes made before G's update ----
      const dScalars: Array<[string, tf.Scalar]> = [];
      for (const g of spec.gan) {
        const D = nets[g.disc]!;
        const fake = dInput(A1, g.branch === 'encoded' ? fakeEncoded! : fakeRandom!);
        const real = realFor(g.branch);
        const d = collectVars([[g.disc, D]]);
        const { grads } = tf.variableGrads(() => {
          const f = ganTerms(D.apply(fake, { training: cfg.training }), false, cfg.ganMode);
          const r = ganTerms(D.apply(real, { training: cfg.training }), true, cfg.ganMode);
          for (const [side, t] of [['fake', f], ['real', r]] as const) {
            dScalars.push([`gan:${g.dLoss}_${side}:total`, keep(t.total)], ...t.perScale.map((s, i): [string, tf.Scalar] => [`gan:${g.dLoss}_${side}:${i}`, keep(s)]));
          }
          const loss = keep(f.total.add(r.total) as tf.Scalar);
          dScalars.push([g.dLoss, loss]);
          return loss;
        }, d.list);
        inspect?.phase?.(`${g.disc} forward+backward`);
        const dValue = readScalars(dScalars.slice(-1));
        assertFinite(dValue, [g.dLoss]);
        const dGrads = splitGrads(grads, d.byTfName).get(g.disc) ?? new Map<string, tf.Tensor>();
        inspect?.grads?.(g.disc, dGrads);
        optimizers[g.disc]!.apply(dGrads);
        tf.dispose([...new Set(dGrads.values())]);
        inspect?.phase?.(`Adam ${g.disc}`);
      }
      const dValues = readScalars(dScalars);

      const all = new Map([...gValues, ...dValues]);
      const losses: Partial<Record<LossKey, number>> = {};
      const gan: Record<string, GanTermValue> = {};
      for (const [k, v] of all) {
        if (k === 'loss_G') continue;
        if (!k.startsWith('gan:')) {
          losses[k as LossKey] = v;
          continue;
        }
        const [, term, part] = k.split(':') as [string, string, string];
        gan[term] ??= { total: 0, perScale: [] };
        if (part === 'total') gan[term].total = v;
        else gan[term].perScale[Number(part)] = v;
      }
      result = { losses, lossG: all.get('loss_G')!, ganTerms: gan };
    });
  } finally {
    for (const t of kept) t.dispose();
  }
  return result!;
}
