// The attributes tfjs passes to the conv kernels (both gradients, and Conv2D with its dilations), and
// the geometry they derive from them.
import * as tf from '@tensorflow/tfjs';

export interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Conv2D/FusedConv2D only; the gradient kernels have none (tfjs rejects dilated conv gradients) */
  dilations?: [number, number] | number;
}

/** Conv geometry (sizes, strides, padding) of an NHWC forward conv x [N,H,W,Ci] * filter [kh,kw,Ci,Co]. */
export function channelsLastConvInfo(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: ConvGradAttrs,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

/** What our conv kernels take: NHWC data, every tensor float32. */
export function isChannelsLastFloat32(tensors: tf.TensorInfo[], attrs: ConvGradAttrs): boolean {
  return attrs.dataFormat !== 'NCHW' && tensors.every((t) => t.dtype === 'float32');
}

/** A Conv2D / FusedConv2D call that our kernels take: NHWC float32, linear activation, no prelu, bias absent or [Co]. */
export interface LinearConv2dCall {
  x: tf.TensorInfo;
  filter: tf.TensorInfo;
  bias: tf.TensorInfo | undefined;
  info: tf.backend_util.Conv2DInfo;
}

/** Reads a Conv2D / FusedConv2D call; undefined for what only the stock kernel handles (activations, prelu, NCHW, other dtypes). */
export function readLinearConv2d(inputs: tf.NamedTensorInfoMap, attrs: unknown): LinearConv2dCall | undefined {
  const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs as ConvGradAttrs & { activation?: string };
  if (x === undefined || filter === undefined || preluActivationWeights !== undefined) return undefined;
  if ((a.activation ?? 'linear') !== 'linear' || !isChannelsLastFloat32([x, filter, ...(bias ? [bias] : [])], a)) return undefined;
  if (bias !== undefined && bias.shape.length !== 1) return undefined;
  return { x, filter, bias, info: channelsLastConvInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a) };
}
