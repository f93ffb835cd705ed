// Colours of the shapes dataset. Fill modes come from a fixed list of well-separated colours
// (the first K are used); background modes from a separate list that stays far from every fill.
// Values are sRGB bytes. `test: palette` checks the separations stated here.

export type Rgb = readonly [number, number, number];

/** Fill colours, in the order modes are assigned (mode k = FILL_COLORS[k]). */
export const FILL_COLORS: readonly Rgb[] = [
  [230, 25, 75], // red
  [60, 180, 75], // green
  [0, 100, 220], // blue
  [255, 215, 0], // yellow
  [150, 30, 180], // purple
  [70, 230, 230], // cyan
  [245, 130, 48], // orange
  [240, 50, 230], // magenta
  [128, 80, 0], // brown
  [0, 0, 120], // navy
  [0, 128, 128], // teal
  [170, 255, 120], // light green
];

/** Background colours of B (mode 0 is used when data.background_modes = 1). */
export const BACKGROUND_COLORS: readonly Rgb[] = [
  [255, 255, 255], // white
  [120, 120, 120], // grey
  [0, 0, 0], // black
  [255, 190, 150], // peach
];

/** A: outlines in black on white. */
export const A_BACKGROUND: Rgb = [255, 255, 255];
export const A_OUTLINE: Rgb = [0, 0, 0];

export const MAX_MODES = FILL_COLORS.length;
export const MAX_BACKGROUND_MODES = BACKGROUND_COLORS.length;

export interface Palette {
  /** K fill colours; a shape's mode is an index into this list. */
  fills: Rgb[];
  /** Background colours of B; the background mode is an index into this list. */
  backgrounds: Rgb[];
}

export function makePalette(numModes: number, backgroundModes: number): Palette {
  return { fills: FILL_COLORS.slice(0, numModes), backgrounds: BACKGROUND_COLORS.slice(0, backgroundModes) };
}

/** The colour of fill mode `mode`; a mode the palette does not have is an error naming it. */
export function fillColor(palette: Palette, mode: number): Rgb {
  return modeColor(palette.fills, mode, 'fill');
}

/** The colour of background mode `mode`, checked as `fillColor`. */
export function backgroundColor(palette: Palette, mode: number): Rgb {
  return modeColor(palette.backgrounds, mode, 'background');
}

function modeColor(colors: readonly Rgb[], mode: number, kind: 'fill' | 'background'): Rgb {
  const color = colors[mode];
  if (!color) throw new Error(`${kind} mode ${mode} is not in the palette, which has ${colors.length} ${kind} colours`);
  return color;
}

/** Euclidean distance between two colours in byte units (0..441). */
export function colorDistance(a: Rgb, b: Rgb): number {
  const dr = a[0] - b[0];
  const dg = a[1] - b[1];
  const db = a[2] - b[2];
  return Math.sqrt(dr * dr + dg * dg + db * db);
}

/** Smallest distance between any two colours of a list (Infinity for fewer than two). */
export function minPairwiseDistance(colors: readonly Rgb[]): number {
  let best = Infinity;
  colors.forEach((a, i) => {
    for (const b of colors.slice(i + 1)) best = Math.min(best, colorDistance(a, b));
  });
  return best;
}
