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
