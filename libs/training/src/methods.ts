// The six training methods of the paper as declarative specs: which branches run, which loss
// terms are on (with which lambda), which networks exist and which of them each term trains.
// bicycle-step.ts interprets a spec; nothing else in the step depends on the method's name.
//
// Branches (paper notation):
//   encoded  B → E → z → G(A, z) → D   (cVAE half: L_GAN^VAE, L1^VAE, KL)
//   random   z ~ N(0, I) → G(A, z) → D (cLR half: L_GAN, L1^latent = |z − E(G(A, z))|)
// With both branches on, the batch is split as in the official code: the encoded branch uses
// (A1, B1), the random branch generates from A1 as well, and its discriminator's real pair is
// (A2, B2). With one branch, that branch uses the whole batch (nothing to split it with).
import { METHODS as METHOD_NAMES, type Method as MethodName } from '@workbench/config';
import type { NetName } from '@workbench/models';

/** The method names (config key `method`; the schema's list, one spec per name below). */
export { METHOD_NAMES, type MethodName };

/** Loss keys as logged (the official names where the official code has the term). */
export type LossKey = 'G_GAN' | 'G_GAN2' | 'G_L1' | 'kl' | 'z_L1' | 'D' | 'D2';
export type { NetName };
export type Branch = 'encoded' | 'random';
export type LambdaKey = 'lambda_GAN' | 'lambda_GAN2' | 'lambda_L1' | 'lambda_kl' | 'lambda_z';

export interface GanTermSpec {
  /** Which generated images this discriminator judges. */
  branch: Branch;
  /** The discriminator network. */
  disc: 'D' | 'D2';
  /** Generator-side loss key and its weight. */
  gLoss: 'G_GAN' | 'G_GAN2';
  lambda: 'lambda_GAN' | 'lambda_GAN2';
  /** Discriminator loss key (real + fake, no 0.5 factor, as in the official code). */
  dLoss: 'D' | 'D2';
}

export interface MethodSpec {
  name: MethodName;
  /** One line for `--help` and the README. */
  summary: string;
  branches: readonly Branch[];
  /** How the encoded branch gets z from E(B): reparameterised sample (cVAE) or the mean (cAE). */
  encodedZ: 'reparameterized' | 'mean' | null;
  /** Discriminators, one per judged branch. */
  gan: readonly GanTermSpec[];
  /** Image L1 |G(A, z) − B|: on the encoded branch (L1^VAE) or the random branch (L1^image). */
  imageL1: Branch | null;
  /** KL(E(B) || N(0, I)) on the encoded branch. */
  kl: boolean;
  /**
   * Latent regression |E(G(A, z)) − z| on the random branch (E's mean head). 'G' = reaches G
   * only, through E's activations (BicycleGAN: the paper keeps E fixed for this term);
   * 'G+E' = trains both (cLR-GAN alone: otherwise nothing would train E).
   */
  latentL1: 'G' | 'G+E' | null;
  /** Networks the method builds, in the official creation order. */
  networks: readonly NetName[];
  /** Where this method differs from what the official code can run, and why. */
  deviation: string;
}

const encodedGan: GanTermSpec = { branch: 'encoded', disc: 'D', gLoss: 'G_GAN', lambda: 'lambda_GAN', dLoss: 'D' };
const randomGan2: GanTermSpec = { branch: 'random', disc: 'D2', gLoss: 'G_GAN2', lambda: 'lambda_GAN2', dLoss: 'D2' };
/** The single discriminator of a random-branch-only method: network D, logged as G_GAN / D. */
const randomGanOnly: GanTermSpec = { branch: 'random', disc: 'D', gLoss: 'G_GAN', lambda: 'lambda_GAN', dLoss: 'D' };

export const METHODS: Record<MethodName, MethodSpec> = {
  bicyclegan: {
    name: 'bicyclegan',
    summary: 'cVAE-GAN + cLR-GAN hybrid (both branches, all five terms): the official default',
    branches: ['encoded', 'random'],
    encodedZ: 'reparameterized',
    gan: [encodedGan, randomGan2],
    imageL1: 'encoded',
    kl: true,
    latentL1: 'G',
    networks: ['G', 'D', 'D2', 'E'],
    deviation: 'none: the official step (fixture-tested)',
  },
  cvae_gan: {
    name: 'cvae_gan',
    summary: 'encoded branch only: L_GAN^VAE + λ·L1^VAE + λ_KL·KL',
    branches: ['encoded'],
    encodedZ: 'reparameterized',
    gan: [encodedGan],
    imageL1: 'encoded',
    kl: true,
    latentL1: null,
    networks: ['G', 'D', 'E'],
    deviation:
      'official equivalent --lambda_GAN2 0 --lambda_z 0 still splits the batch and leaves the second half unused; here the encoded branch uses the whole batch',
  },
  cvae_gan_pp: {
    name: 'cvae_gan_pp',
    summary: 'cVAE-GAN plus a GAN loss on random-z samples (D2), no latent regression',
    branches: ['encoded', 'random'],
    encodedZ: 'reparameterized',
    gan: [encodedGan, randomGan2],
    imageL1: 'encoded',
    kl: true,
    latentL1: null,
    networks: ['G', 'D', 'D2', 'E'],
    deviation:
      'the paper does not define cVAE-GAN++ in accessible text; read as cVAE-GAN + L_GAN on G(A, z_random) = official --lambda_z 0 (identical to it)',
  },
  clr_gan: {
    name: 'clr_gan',
    summary: 'random branch only: L_GAN + λ_latent·|E(G(A, z)) − z|, E trained by the latent loss',
    branches: ['random'],
    encodedZ: null,
    gan: [randomGanOnly],
    imageL1: null,
    kl: false,
    latentL1: 'G+E',
    networks: ['G', 'D', 'E'],
    deviation:
      "the paper's cLR-GAN (no L1 on B, no KL, E trained by the latent loss). The official code cannot express it: --lambda_GAN 0 crashes, and with lambda_L1 0 nothing trains E (its z_L1 reaches G only)",
  },
  cae_gan: {
    name: 'cae_gan',
    summary: 'encoded branch with deterministic z = mean of E(B): L_GAN + λ·L1, no KL',
    branches: ['encoded'],
    encodedZ: 'mean',
    gan: [encodedGan],
    imageL1: 'encoded',
    kl: false,
    latentL1: null,
    networks: ['G', 'D', 'E'],
    deviation:
      'official approximation --lambda_kl 0 --lambda_GAN2 0 --lambda_z 0 still samples z = mu + eps·sigma; here z = mu (a plain autoencoder), and the whole batch is used',
  },
  pix2pix_noise: {
    name: 'pix2pix_noise',
    summary: 'pix2pix with a random z input: L_GAN + λ·|G(A, z) − B|, no encoder',
    branches: ['random'],
    encodedZ: null,
    gan: [randomGanOnly],
    imageL1: 'random',
    kl: false,
    latentL1: null,
    networks: ['G', 'D'],
    deviation: 'not expressible in the official code (its image L1 is only on the encoded branch); implemented as the paper defines it',
  },
};

/** Looks a method up by name with a helpful error. */
export function methodSpec(name: string): MethodSpec {
  if ((METHOD_NAMES as readonly string[]).includes(name)) return METHODS[name as MethodName];
  throw new Error(`unknown method '${name}': use one of ${METHOD_NAMES.join(', ')} (config key 'method')`);
}

/** Loss keys a method logs, generator side first (fixed order for tables and the progress bar). */
export function lossKeys(spec: MethodSpec): LossKey[] {
  const keys: LossKey[] = [];
  for (const g of spec.gan) keys.push(g.gLoss);
  if (spec.imageL1 !== null) keys.push('G_L1');
  if (spec.kl) keys.push('kl');
  if (spec.latentL1 !== null) keys.push('z_L1');
  for (const g of spec.gan) keys.push(g.dLoss);
  return keys;
}

/** Whether a method uses two separate branches and therefore splits its batch. */
export function splitsBatch(spec: MethodSpec): boolean {
  return spec.branches.length === 2;
}
