import { blur121, LabelSlice } from './label-slice.ts';
import type { Primitive, SliceGrid } from './label-slice.ts';
import { noiseWindow } from '../prng.ts';

/** A CT phantom: labelled primitives, the HU of each label, and how the scanner renders them. */
export interface CtScene {
  readonly grid: SliceGrid;
  readonly primitives: readonly Primitive[];
  /** HU per label */
  readonly hu: Float32Array;
  /** labels rendered without noise (the calibration insert) */
  readonly noiseFree: Uint8Array;
  /** a gravity-dependent density gradient: HU added per mm of +y (posterior) for one label */
  readonly gradient?: { label: number; huPerMm: number; y0: number };
  /** radius of the reconstruction circle around the isocentre (mm); outside it the pixel is padding */
  readonly reconRadius: number;
}

/** Stored value = HU − RESCALE_INTERCEPT, 12 bits unsigned. */
export const CT_RESCALE_INTERCEPT = -1024;
export const CT_BITS_STORED = 12;

export function huTable(entries: Record<number, number>): Float32Array {
  const t = new Float32Array(256);
  for (const [k, v] of Object.entries(entries)) t[Number(k)] = v;
  return t;
}

/**
 * Renders one axial slice at height z: paints the labels, maps them to HU, softens edges like a
 * standard reconstruction kernel, adds correlated noise of the given standard deviation (HU), and
 * stores HU + 1024 in 12 bits.
 */
export function renderCtSlice(
  scene: CtScene,
  z: number,
  noiseSigma: number,
  seed: string,
): Uint16Array {
  const { grid } = scene;
  const slice = new LabelSlice(grid);
  slice.clear(0);
  for (const p of scene.primitives) p.paint(slice, z);
  const values = new Float32Array(grid.cols * grid.rows);
  noiseWindow(values, seed);
  // The blur below is linear, so blurring noise and image together equals blurring each; one
  // [1 2 1] pass in each direction leaves 0.375 of white noise's standard deviation.
  mapLabels(slice.labels, values, scene.hu, scene.noiseFree, noiseSigma / 0.375);
  if (scene.gradient) addGradient(slice.labels, values, grid, scene.gradient);
  blur121(values, grid.cols, grid.rows);
  return storeInCircle(values, grid, scene.reconRadius);
}

function mapLabels(
  labels: Uint8Array,
  values: Float32Array,
  hu: Float32Array,
  free: Uint8Array,
  k: number,
): void {
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    values[i] = free[l] === 1 ? hu[l]! : hu[l]! + k * values[i]!;
  }
}

function addGradient(
  labels: Uint8Array,
  values: Float32Array,
  grid: SliceGrid,
  g: NonNullable<CtScene['gradient']>,
): void {
  for (let j = 0; j < grid.rows; j++) {
    const add = (grid.y0 + j * grid.dy - g.y0) * g.huPerMm;
    const o = j * grid.cols;
    for (let i = 0; i < grid.cols; i++)
      if (labels[o + i] === g.label) values[o + i] = values[o + i]! + add;
  }
}

/** HU to stored values; pixels outside the reconstruction circle stay 0 (padding). */
function storeInCircle(values: Float32Array, grid: SliceGrid, radius: number): Uint16Array {
  const out = new Uint16Array(values.length);
  const max = (1 << CT_BITS_STORED) - 1;
  const r2 = radius * radius;
  for (let j = 0; j < grid.rows; j++) {
    const y = grid.y0 + j * grid.dy;
    if (y * y > r2) continue;
    const half = Math.sqrt(r2 - y * y);
    const i0 = Math.max(0, Math.ceil((-half - grid.x0) / grid.dx));
    const i1 = Math.min(grid.cols - 1, Math.floor((half - grid.x0) / grid.dx));
    const o = j * grid.cols;
    for (let i = i0; i <= i1; i++) {
      // Round half up; truncation equals floor because v is clamped positive first.
      const v = values[o + i]! - CT_RESCALE_INTERCEPT + 0.5;
      out[o + i] = v < 0 ? 0 : v >= max ? max : v | 0;
    }
  }
  return out;
}

/** An axial grid of `size` pixels over a square field of view centred on the isocentre. */
export function axialGrid(size: number, fovMm: number, centreY = 0): SliceGrid {
  const d = fovMm / size;
  return {
    cols: size,
    rows: size,
    x0: -fovMm / 2 + d / 2,
    y0: centreY - fovMm / 2 + d / 2,
    dx: d,
    dy: d,
  };
}
