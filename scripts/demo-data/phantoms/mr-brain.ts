import { blur121, ellipsoid, LabelSlice } from './label-slice.ts';
import type { Primitive, SliceGrid } from './label-slice.ts';
import { noiseWindow } from '../prng.ts';

/** Tissue labels of the brain phantom. */
export const BRAIN = {
  AIR: 0,
  SCALP: 1,
  SKULL: 2,
  DIPLOE: 3,
  CSF: 4,
  GM: 5,
  WM: 6,
  DEEP_GM: 7,
  LESION: 8,
  VITREOUS: 9,
  ORBIT_FAT: 10,
  MUSCLE: 11,
  BONE: 12,
  SINUS: 13,
  BRAINSTEM: 14,
} as const;
const B = BRAIN;

export type MrSequence = 'T1' | 'T2' | 'FLAIR';

/** Signal of each tissue (arbitrary units, 12-bit) on spin-echo T1, turbo spin-echo T2 and FLAIR. */
const SIGNAL: Record<MrSequence, Record<number, number>> = {
  T1: {
    [B.SCALP]: 980,
    [B.SKULL]: 40,
    [B.DIPLOE]: 820,
    [B.CSF]: 210,
    [B.GM]: 520,
    [B.WM]: 760,
    [B.DEEP_GM]: 570,
    [B.LESION]: 380,
    [B.VITREOUS]: 170,
    [B.ORBIT_FAT]: 1000,
    [B.MUSCLE]: 480,
    [B.BONE]: 50,
    [B.SINUS]: 0,
    [B.BRAINSTEM]: 700,
  },
  T2: {
    [B.SCALP]: 760,
    [B.SKULL]: 35,
    [B.DIPLOE]: 480,
    [B.CSF]: 1900,
    [B.GM]: 980,
    [B.WM]: 660,
    [B.DEEP_GM]: 860,
    [B.LESION]: 1550,
    [B.VITREOUS]: 1850,
    [B.ORBIT_FAT]: 780,
    [B.MUSCLE]: 380,
    [B.BONE]: 40,
    [B.SINUS]: 0,
    [B.BRAINSTEM]: 760,
  },
  FLAIR: {
    [B.SCALP]: 640,
    [B.SKULL]: 30,
    [B.DIPLOE]: 330,
    [B.CSF]: 80,
    [B.GM]: 760,
    [B.WM]: 540,
    [B.DEEP_GM]: 690,
    [B.LESION]: 1350,
    [B.VITREOUS]: 110,
    [B.ORBIT_FAT]: 660,
    [B.MUSCLE]: 330,
    [B.BONE]: 35,
    [B.SINUS]: 0,
    [B.BRAINSTEM]: 620,
  },
};

export const MR_BITS_STORED = 12;

const HEAD_C = [0, 5, 32] as const;
const HEAD_R = [73, 93, 84] as const;
const BRAIN_C = [0, 6, 36] as const;
const BRAIN_R = [62, 82, 74] as const;

/**
 * Cerebral hemispheres: a cortical ribbon ~3 mm thick that follows the surface and dips into
 * narrow sulci of varying depth, which drift slowly from slice to slice, around white matter.
 */
function hemispheres(): Primitive {
  const bins = 1440;
  const nearestSulcus = new Int16Array(bins);
  const sulcusCount = 36;
  const angle = new Float64Array(sulcusCount + 1);
  const depth = new Float64Array(sulcusCount + 1);
  const TWO_PI = 2 * Math.PI;
  const cortex = 3.0;
  return {
    paint(slice, z) {
      const t = (z - BRAIN_C[2]) / BRAIN_R[2];
      if (t <= -1 || t >= 1) return;
      const k = Math.sqrt(1 - t * t);
      const rx = BRAIN_R[0] * k;
      const ry = BRAIN_R[1] * k;
      for (let q = 0; q < sulcusCount; q++) {
        angle[q] =
          (TWO_PI * (q + 0.5 + 0.3 * Math.sin(1.7 * q) + 0.22 * Math.sin(0.045 * z + q))) /
          sulcusCount;
        depth[q] = 8 + 9 * (0.5 + 0.5 * Math.sin(2.3 * q + 0.035 * z));
      }
      // The Sylvian fissures, deep and lateral, in the middle third of the hemispheres.
      const sylvian = z > 18 && z < 50;
      angle[sulcusCount] = 0.12;
      depth[sulcusCount] = sylvian ? 24 : 0;
      for (let b = 0; b < bins; b++) {
        const th = (b / bins) * TWO_PI;
        let best = 0;
        let bd = Infinity;
        for (let q = 0; q <= sulcusCount; q++) {
          if (depth[q] === 0) continue;
          for (const mirror of q === sulcusCount ? [angle[q]!, Math.PI - angle[q]!] : [angle[q]!]) {
            let d = Math.abs(th - mirror) % TWO_PI;
            if (d > Math.PI) d = TWO_PI - d;
            if (d < bd) {
              bd = d;
              best = mirror === angle[q] ? q : -q - 1;
            }
          }
        }
        nearestSulcus[b] = best;
      }
      const { cols, rows, x0, y0, dx, dy } = slice.grid;
      const labels = slice.labels;
      const j0 = Math.max(0, Math.ceil((BRAIN_C[1] - ry - y0) / dy));
      const j1 = Math.min(rows - 1, Math.floor((BRAIN_C[1] + ry - y0) / dy));
      const i0 = Math.max(0, Math.ceil((BRAIN_C[0] - rx - x0) / dx));
      const i1 = Math.min(cols - 1, Math.floor((BRAIN_C[0] + rx - x0) / dx));
      for (let j = j0; j <= j1; j++) {
        const y = y0 + j * dy;
        const v = (y - BRAIN_C[1]) / ry;
        for (let i = i0; i <= i1; i++) {
          const x = x0 + i * dx;
          const u = (x - BRAIN_C[0]) / rx;
          const rho = Math.sqrt(u * u + v * v);
          if (rho > 1) continue;
          // Skull base: anterior, middle and posterior fossae hold the brain at different heights.
          const anterior = 8;
          const middle = -16 + 15 * Math.exp(-((x / 24) ** 2));
          // The tentorium rises towards the midline, so its cut is a curve, not a line.
          const posterior = 21 - 10 * (x / 55) ** 2 + 0.12 * (y - 14);
          const w1 = smoothstep(-44, -24, y);
          const w2 = smoothstep(4, 24, y);
          const floor = (anterior * (1 - w1) + middle * w1) * (1 - w2) + posterior * w2;
          if (z < floor) {
            labels[j * cols + i] = w2 > 0.5 ? B.CSF : B.BONE;
            continue;
          }
          const th = (Math.atan2(v, u) + TWO_PI) % TWO_PI;
          const c = rho > 0 ? u / rho : 1;
          const sn = rho > 0 ? v / rho : 0;
          const radius = Math.sqrt(rx * rx * c * c + ry * ry * sn * sn);
          const fromSurface = (1 - rho) * radius;
          let b = Math.floor((th / TWO_PI) * bins);
          if (b >= bins) b = 0;
          const code = nearestSulcus[b]!;
          const q = code < 0 ? -code - 1 : code;
          const sa = code < 0 ? Math.PI - angle[q]! : angle[q]!;
          let dth = (th - sa) % TWO_PI;
          if (dth > Math.PI) dth -= TWO_PI;
          else if (dth < -Math.PI) dth += TWO_PI;
          // Sulci wander sideways as they deepen, so they look folded rather than radial.
          const straight = Math.abs(dth * rho * radius);
          const arc =
            straight > 10
              ? straight
              : Math.abs(
                  dth * rho * radius -
                    2.4 * Math.sin(0.3 * fromSurface + 1.3 * q + 0.05 * z) -
                    1.1 * Math.sin(0.75 * fromSurface + q),
                );
          const d = depth[q]!;
          const half = 0.7 + 0.7 * Math.max(0, 1 - fromSurface / Math.max(d, 1));
          let label: number;
          if (fromSurface < d && arc < half) label = B.CSF;
          else if (fromSurface < cortex || (fromSurface < d + cortex && arc < half + cortex))
            label = B.GM;
          else label = B.WM;
          // Interhemispheric fissure lined by cortex, open above the corpus callosum and in front of and behind it.
          const ax = Math.abs(x);
          if (z > 58 || Math.abs(y - 6) > 36) {
            if (ax < 1.2) label = B.CSF;
            else if (ax < 1.2 + cortex && label === B.WM) label = B.GM;
          }
          labels[j * cols + i] = label;
        }
      }
    },
  };
}

function smoothstep(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/** Cerebellar hemispheres with folia: grey matter laminae around a white-matter core. */
function cerebellum(): Primitive {
  const parts = [
    { c: [-23, 44, 4], r: [30, 26, 21] },
    { c: [23, 44, 4], r: [30, 26, 21] },
  ] as const;
  return {
    paint(slice, z) {
      const { cols, rows, x0, y0, dx, dy } = slice.grid;
      for (const p of parts) {
        const t = (z - p.c[2]) / p.r[2];
        if (t <= -1 || t >= 1) continue;
        const k = Math.sqrt(1 - t * t);
        const rx = p.r[0] * k;
        const ry = p.r[1] * k;
        const j0 = Math.max(0, Math.ceil((p.c[1] - ry - y0) / dy));
        const j1 = Math.min(rows - 1, Math.floor((p.c[1] + ry - y0) / dy));
        const i0 = Math.max(0, Math.ceil((p.c[0] - rx - x0) / dx));
        const i1 = Math.min(cols - 1, Math.floor((p.c[0] + rx - x0) / dx));
        for (let j = j0; j <= j1; j++) {
          const y = y0 + j * dy;
          for (let i = i0; i <= i1; i++) {
            const x = x0 + i * dx;
            const u = (x - p.c[0]) / rx;
            const v = (y - p.c[1]) / ry;
            const rho = Math.sqrt(u * u + v * v);
            if (rho > 1) continue;
            const d = Math.hypot(x - p.c[0] * 0.4, y - 20) + 2 * Math.sin(z * 0.3);
            const folium = Math.sin(d * 1.5);
            const label =
              rho < 0.4 ? B.WM : folium > 0.75 && rho > 0.55 ? B.CSF : folium > -0.35 ? B.GM : B.WM;
            labels(slice)[j * cols + i] = label;
          }
        }
      }
    },
  };
}

function labels(slice: LabelSlice): Uint8Array {
  return slice.labels;
}

export interface BrainOptions {
  lesions: readonly { centre: readonly [number, number, number]; diameter: number }[];
}

export interface BrainScene {
  grid: SliceGrid;
  primitives: Primitive[];
}

/** The brain phantom on a 256 × 256 axial grid with a 230 mm field of view. */
export function brainScene(options: BrainOptions): BrainScene {
  const p: Primitive[] = [];
  const shell = (inset: number, label: number, cover?: number[]) =>
    ellipsoid(
      HEAD_C,
      [HEAD_R[0] - inset, HEAD_R[1] - inset, HEAD_R[2] - inset],
      label,
      cover ? { cover } : {},
    );
  p.push(shell(0, B.SCALP));
  p.push(shell(5, B.SKULL));
  p.push(shell(6.6, B.DIPLOE));
  p.push(shell(8.6, B.SKULL));
  p.push(shell(10, B.CSF));
  p.push(hemispheres());
  const brainCover = [B.GM, B.WM, B.CSF];
  p.push(cerebellum());
  // Tentorium and posterior fossa floor.
  p.push(ellipsoid([0, 14, 2], [13, 13, 30], B.BRAINSTEM, { cover: brainCover }));
  p.push(ellipsoid([0, 29, 4], [5, 4, 7], B.CSF, { cover: [B.BRAINSTEM, B.GM, B.WM] }));
  // Deep grey matter and ventricles.
  const deep = [B.WM, B.GM];
  for (const s of [-1, 1]) {
    p.push(ellipsoid([s * 17, -12, 44], [6, 10, 12], B.DEEP_GM, { cover: deep }));
    p.push(ellipsoid([s * 10, 12, 32], [9, 13, 10], B.DEEP_GM, { cover: deep }));
    p.push(ellipsoid([s * 25, -2, 33], [6.5, 15, 10], B.DEEP_GM, { cover: deep }));
  }
  const ventricleCover = [B.WM, B.GM, B.DEEP_GM];
  for (const s of [-1, 1]) {
    p.push(
      ellipsoid([s * 10, 2, 50], [5.5, 27, 9], B.CSF, { angle: s * 0.12, cover: ventricleCover }),
    );
    p.push(
      ellipsoid([s * 12, -19, 45], [6, 10, 9], B.CSF, { angle: s * -0.35, cover: ventricleCover }),
    );
    p.push(
      ellipsoid([s * 21, 28, 42], [7, 12, 8], B.CSF, { angle: s * -0.5, cover: ventricleCover }),
    );
  }
  p.push(ellipsoid([0, 5, 30], [2.4, 14, 9], B.CSF, { cover: ventricleCover }));
  // Septum pellucidum between the lateral ventricles.
  p.push(ellipsoid([0, -4, 48], [0.8, 30, 12], B.WM, { cover: [B.CSF] }));
  for (const l of options.lesions) {
    const r = l.diameter / 2;
    p.push(ellipsoid(l.centre, [r, r * 1.15, r], B.LESION, { cover: [B.WM, B.GM, B.DEEP_GM] }));
  }
  // Skull base, orbits and sinuses in the lowest slices.
  const anyInside = [B.GM, B.WM, B.CSF, B.DEEP_GM, B.BRAINSTEM, B.SKULL, B.DIPLOE];
  p.push(ellipsoid([0, -52, -16], [52, 34, 26], B.BONE, { cover: anyInside }));
  for (const s of [-1, 1]) {
    p.push(ellipsoid([s * 31, 17, -4], [30, 7, 9], B.BONE, { angle: s * 0.75, cover: anyInside }));
    p.push(ellipsoid([s * 46, 28, -12], [8, 8, 8], B.SINUS, { cover: [B.BONE, ...anyInside] }));
    p.push(
      ellipsoid([s * 30, -60, -2], [16, 21, 15], B.ORBIT_FAT, {
        cover: [B.BONE, B.SKULL, B.DIPLOE, B.CSF, B.SCALP],
      }),
    );
    p.push(
      ellipsoid([s * 31, -68, -2], [11.5, 11.5, 11.5], B.VITREOUS, {
        cover: [B.ORBIT_FAT, B.SCALP, B.AIR],
      }),
    );
    p.push(
      ellipsoid([s * 20, -48, -2], [3, 14, 2.5], B.MUSCLE, {
        angle: s * 0.45,
        cover: [B.ORBIT_FAT],
      }),
    );
    p.push(ellipsoid([s * 25, -48, -30], [14, 18, 16], B.SINUS, { cover: [B.BONE, ...anyInside] }));
  }
  p.push(ellipsoid([0, -60, -8], [9, 22, 18], B.SINUS, { cover: [B.BONE] }));
  p.push(ellipsoid([0, -22, -10], [13, 11, 9], B.SINUS, { cover: [B.BONE, ...anyInside] }));
  p.push(ellipsoid([0, 3, -20], [9, 9, 18], B.BONE, { cover: anyInside }));
  const fov = 230;
  const d = fov / 256;
  return {
    grid: { cols: 256, rows: 256, x0: -fov / 2 + d / 2, y0: 5 - fov / 2 + d / 2, dx: d, dy: d },
    primitives: p,
  };
}

/**
 * One axial image of a sequence at height z: the slab of `thickness` is sampled at three depths
 * (partial volume), smoothed, shaded by a receive-coil bias field, and given Rician noise.
 */
export function renderMrSlice(
  scene: BrainScene,
  sequence: MrSequence,
  z: number,
  thickness: number,
  seed: string,
): Uint16Array {
  const { grid } = scene;
  const n = grid.cols * grid.rows;
  const table = new Float32Array(256);
  for (const [k, v] of Object.entries(SIGNAL[sequence])) table[Number(k)] = v;
  const acc = new Float32Array(n);
  const slice = new LabelSlice(grid);
  const depths = [-thickness / 3, 0, thickness / 3];
  for (const dz of depths) {
    slice.clear(B.AIR);
    for (const p of scene.primitives) p.paint(slice, z + dz);
    const l = slice.labels;
    for (let i = 0; i < n; i++) acc[i] = acc[i]! + table[l[i]!]! / depths.length;
  }
  blur121(acc, grid.cols, grid.rows);
  const n1 = new Float32Array(n);
  const n2 = new Float32Array(n);
  noiseWindow(n1, `${seed}/re`);
  noiseWindow(n2, `${seed}/im`);
  const sigma = 14;
  const out = new Uint16Array(n);
  const max = (1 << MR_BITS_STORED) - 1;
  for (let j = 0; j < grid.rows; j++) {
    const y = grid.y0 + j * grid.dy;
    for (let i = 0; i < grid.cols; i++) {
      const x = grid.x0 + i * grid.dx;
      const k = j * grid.cols + i;
      // Surface-coil shading: brighter towards the back and the left of the head.
      const bias = 1 + 0.07 * (x / 90) + 0.09 * (y / 110) + 0.02 * ((z - 40) / 70);
      const s = acc[k]! * bias;
      const re = s + sigma * n1[k]!;
      const im = sigma * n2[k]!;
      const v = Math.sqrt(re * re + im * im) + 0.5;
      out[k] = v >= max ? max : v | 0;
    }
  }
  return out;
}
