// Multiply-adds done by one tfjs kernel call, from the shapes tf.profile records. The count is
// the GEMM work of the conv (padding included, as im2col and oneDNN do it), so that a step's
// total divided by the machine's FMA peak is a lower bound on its time for any implementation.
const size = (shape: number[] | undefined): number => (shape ?? []).reduce((a, d) => a * d, 1);

export function kernelMacs(name: string, inputShapes: number[][], outputShapes: number[][]): number {
  switch (name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      // x [N,H,W,Ci], filter [kh,kw,Ci,Co] -> y [N,Ho,Wo,Co]: every y element is kh·kw·Ci MACs
      const [kh, kw, ci] = inputShapes[1] ?? [];
      return size(outputShapes[0]) * (kh ?? 0) * (kw ?? 0) * (ci ?? 0);
    }
    case 'Conv2DBackpropInput': {
      // dy [N,Ho,Wo,Co], filter [kh,kw,Ci,Co] -> dx [N,H,W,Ci]: every dy element meets kh·kw·Ci taps
      const [kh, kw, ci] = inputShapes[1] ?? [];
      return size(inputShapes[0]) * (kh ?? 0) * (kw ?? 0) * (ci ?? 0);
    }
    case 'Conv2DBackpropFilter': {
      // x [N,H,W,Ci], dy [N,Ho,Wo,Co] -> dw [kh,kw,Ci,Co]: every dy element meets kh·kw·Ci taps
      const [kh, kw, ci] = outputShapes[0] ?? [];
      return size(inputShapes[1]) * (kh ?? 0) * (kw ?? 0) * (ci ?? 0);
    }
    case 'BatchMatMul':
    case '_FusedMatMul': {
      // a [b,m,k], b [b,k,n] (either transposed) -> [b,m,n]: |a|·|b| = batch·m·n·k², |out| = batch·m·n
      const a = inputShapes[0] ?? [];
      const batch = a.length > 2 ? size(a.slice(0, -2)) : 1;
      const out = size(outputShapes[0]);
      const k = Math.round(Math.sqrt((size(a) * size(inputShapes[1])) / (out * batch)));
      return out * k;
    }
    default:
      return 0;
  }
}
