// The attributes tfjs passes to both conv-gradient kernels, and the geometry they derive from them.
import * as tf from '@tensorflow/tfjs';

export interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Conv geometry (sizes, strides, padding) of an NHWC forward conv x [N,H,W,Ci] * filter [kh,kw,Ci,Co]. */
export function channelsLastConvInfo(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: ConvGradAttrs,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}
