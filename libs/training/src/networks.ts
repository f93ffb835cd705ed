// The slice of the models' Network contract (docs/ARCHITECTURE.md) that training uses. Kept
// structural so the step can drive any module with these methods.
import type * as tf from '@tensorflow/tfjs';

export interface ParamOwner {
  /** Variables named by the official PyTorch state_dict keys, in state_dict order. */
  params(): Map<string, tf.Variable>;
  /** Non-trainable state saved with the weights (BatchNorm running statistics), if any. */
  buffers?(): Map<string, tf.Variable>;
}

export interface GeneratorNet extends ParamOwner {
  /** a [N,H,W,Cin], z [N,nz] -> [N,H,W,Cout] in [-1, 1]; `training` turns dropout on. */
  apply(a: tf.Tensor4D, z: tf.Tensor2D, opts?: { training?: boolean; dropoutSeed?: number }): tf.Tensor4D;
}

export interface EncoderNet extends ParamOwner {
  /**
   * b [N,H,W,Cout] -> mu, logvar [N,nz]. `frozen`: gradients flow through E's activations to its
   * input but not into its weights (the official requires_grad=False trick for z_L1).
   */
  apply(b: tf.Tensor4D, opts?: { frozen?: boolean; training?: boolean }): { mu: tf.Tensor2D; logvar: tf.Tensor2D };
}

export interface DiscriminatorNet extends ParamOwner {
  /** x [N,H,W,C] -> one patch map per scale, [N,h_s,w_s,1]. `training`: BatchNorm uses batch statistics. */
  apply(x: tf.Tensor4D, opts?: { training?: boolean }): tf.Tensor4D[];
}

export interface TrainNetworks {
  G: GeneratorNet;
  E?: EncoderNet;
  D: DiscriminatorNet;
  D2?: DiscriminatorNet;
}
