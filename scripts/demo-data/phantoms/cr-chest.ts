import { AttenuationMap, renderProjection } from './projection.ts';
import { buildTree } from './branching-tree.ts';

/** Detector of the chest radiographs: 14 × 17 inch at 0.175 mm. */
export const CR_GRID = { columns: 2048, rows: 2500, pixelMm: 0.175, bitsStored: 12 } as const;

const WIDTH = CR_GRID.columns * CR_GRID.pixelMm;
const HEIGHT = CR_GRID.rows * CR_GRID.pixelMm;
const STEP = 0.35;
const MU_BONE = 1.6;

export interface ChestRadiographOptions {
  seed: string;
  /** a lobar consolidation: centre (image mm) and radius */
  consolidation?: { centre: readonly [number, number]; radius: number };
}

function bump(x: number, centre: number, width: number): number {
  const t = (x - centre) / width;
  return Math.exp(-t * t);
}

function smoothstep(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/** Lung outline on a PA view, for one side: returns the distance (mm) inside the lung, or ≤ 0. */
function paLungDepth(side: -1 | 1, p: number, q: number): number {
  // p: distance from the midline (mm), q: distance from the top of the image (mm)
  const medial =
    side < 0 ? 20 + 24 * bump(q, 238, 42) : 20 + 62 * bump(q, 248, 50) + 18 * bump(q, 138, 13);
  const lateral = 38 + 112 * (1 - Math.exp(-(q - 38) / 42));
  const top = 42 + 0.0045 * (p - 72) ** 2;
  const dome = (side < 0 ? 262 : 272) + 0.0125 * (p - 86) ** 2;
  return Math.min(p - medial, lateral - p, q - top, dome - q);
}

/** A PA chest radiograph (patient facing the detector, viewed as if facing the patient). */
export function chestPa(options: ChestRadiographOptions): Uint16Array {
  const map = new AttenuationMap(WIDTH, HEIGHT, STEP);
  const uc = WIDTH / 2;
  const tex = AttenuationMap.texture(WIDTH, HEIGHT, 6, `${options.seed}/lung-texture`);
  // Body: neck, shoulders, thorax and upper abdomen as an elliptic cylinder of varying width.
  map.addIn(0, 0, WIDTH, HEIGHT, (u, v) => {
    const half = 62 + (166 - 62) * smoothstep(18, 78, v) - 10 * smoothstep(330, 430, v);
    const x = (u - uc) / half;
    const depth = (150 + 70 * smoothstep(20, 120, v)) * Math.sqrt(Math.max(0, 1 - x * x));
    return depth;
  });
  // Lungs: air replaces soft tissue; their depth fades towards their borders.
  for (const side of [-1, 1] as const) {
    map.addIn(side < 0 ? 0 : uc, 0, side < 0 ? uc : WIDTH, HEIGHT, (u, v) => {
      const d = paLungDepth(side, side * (u - uc), v);
      if (d <= 0) return 0;
      const fade = Math.min(1, d / 22) ** 0.6;
      return -0.78 * 150 * fade * (1 + 0.04 * tex(u, v));
    });
  }
  // Trachea and main bronchi.
  map.addTube(
    [
      [uc, 0, 8],
      [uc + 2, 160, 8],
    ],
    -0.9,
  );
  map.addTube(
    [
      [uc + 2, 160, 7],
      [uc - 24, 188, 5.5],
    ],
    -0.9,
  );
  map.addTube(
    [
      [uc + 2, 160, 7],
      [uc + 32, 196, 5],
    ],
    -0.9,
  );
  // Spine: vertebral bodies with disc spaces, pedicles.
  for (let k = 0; k < 17; k++) {
    const v = 8 + k * 26;
    map.addEllipsoid(uc, v + 11, 21, 10.5, 30, MU_BONE * 0.55);
    for (const s of [-1, 1]) map.addEllipsoid(uc + s * 15, v + 8, 4.5, 6, 14, MU_BONE * 0.6);
  }
  // Clavicles.
  for (const s of [-1, 1]) {
    const pts: [number, number, number][] = [];
    for (let t = 0; t <= 1.0001; t += 0.05)
      pts.push([uc + s * (22 + 128 * t), 78 - 26 * t - 8 * Math.sin(Math.PI * t * 1.4), 6.5]);
    map.addTube(pts, MU_BONE * 2.4, 0.55);
  }
  // Ribs: posterior arcs from the spine, anterior arcs sweeping down to the costal cartilages.
  for (let k = 1; k <= 10; k++) {
    const q0 = 46 + 23.5 * k;
    for (const s of [-1, 1]) {
      const post: [number, number, number][] = [];
      const reach = Math.min(150, 60 + 14 * k);
      for (let p = 16; p <= reach; p += 3)
        post.push([uc + s * p, q0 - 5 + 0.09 * (p - 16) + 0.0031 * (p - 16) ** 2, 4.6]);
      map.addTube(post, MU_BONE * 2.0, 0.6);
      const last = post[post.length - 1]!;
      const ant: [number, number, number][] = [];
      for (let t = 0; t <= 1.0001; t += 0.04) {
        const p = reach - t * (reach - 46);
        ant.push([uc + s * p, last[1] + 6 * Math.sin(Math.PI * t) + 56 * t * t, 5.5]);
      }
      if (k <= 8) map.addTube(ant, MU_BONE * 1.1, 0.6);
    }
  }
  // Humeral heads and scapular edges at the top corners.
  for (const s of [-1, 1]) {
    map.addEllipsoid(uc + s * 168, 66, 24, 26, 48, MU_BONE * 0.5);
    map.addTube(
      [
        [uc + s * 150, 72, 3],
        [uc + s * 132, 150, 3],
        [uc + s * 118, 205, 2.5],
      ],
      MU_BONE * 0.6,
    );
  }
  // Aortic knob and hila.
  map.addEllipsoid(uc + 30, 140, 17, 14, 30, 0.9);
  for (const s of [-1, 1]) map.addEllipsoid(uc + s * 52, 196, 15, 22, 30, 0.9);
  // Lung vessels: a branching tree in each lung seen in projection.
  for (const side of [-1, 1] as const) {
    const branches = buildTree({
      seed: `${options.seed}/vessels/${side}`,
      root: [uc + side * 50, 196, 0],
      inside: (u, v) => paLungDepth(side, side * (u - uc), v) > 4,
      bounds: [
        [side < 0 ? 0 : uc, 30, -1],
        [side < 0 ? uc : WIDTH, 340, 1],
      ],
      leaves: 900,
      levels: [150, 30, 6],
      leafRadius: 0.5,
      maxRadius: 6,
    });
    for (const b of branches)
      map.addTube(
        b.points.map(([u, v, , r]) => [u, v, r] as [number, number, number]),
        0.75,
      );
  }
  // Gastric air bubble under the left hemidiaphragm.
  map.addEllipsoid(uc + 75, 300, 26, 15, 30, -0.9);
  if (options.consolidation) {
    const [cu, cv] = options.consolidation.centre;
    const r = options.consolidation.radius;
    const patchy = AttenuationMap.texture(WIDTH, HEIGHT, 4, `${options.seed}/consolidation`);
    map.addIn(cu - r * 1.5, cv - r * 1.5, cu + r * 1.5, cv + r * 1.5, (u, v) => {
      if (paLungDepth(-1, uc - u, v) <= 0) return 0;
      const d = Math.hypot((u - cu) / r, (v - cv) / (r * 0.85));
      const w = 1 - smoothstep(0.55, 1.25, d + 0.25 * patchy(u, v));
      return w > 0 ? 88 * w * (0.82 + 0.2 * patchy(v, u)) : 0;
    });
  }
  return renderProjection(
    map,
    CR_GRID.columns,
    CR_GRID.rows,
    CR_GRID.pixelMm,
    crValue,
    22,
    `${options.seed}/pa-noise`,
    CR_GRID.bitsStored,
  );
}

/** A left lateral chest radiograph, displayed with the patient facing left. */
export function chestLateral(options: ChestRadiographOptions): Uint16Array {
  const map = new AttenuationMap(WIDTH, HEIGHT, STEP);
  const tex = AttenuationMap.texture(WIDTH, HEIGHT, 6, `${options.seed}/lat-texture`);
  const front = (v: number) => 92 - 22 * smoothstep(60, 300, v) + 14 * (1 - smoothstep(0, 70, v));
  const back = (v: number) => 300 - 8 * smoothstep(250, 430, v);
  // Body: a thick section through the chest from side to side.
  map.addIn(0, 0, WIDTH, HEIGHT, (u, v) => {
    const f = front(v);
    const b = back(v);
    const x = (u - (f + b) / 2) / ((b - f) / 2);
    return 300 * Math.sqrt(Math.max(0, 1 - x * x)) * (0.75 + 0.25 * smoothstep(30, 110, v));
  });
  // Both lungs superimposed, with the heart in front and below, and the domes at the bottom.
  const lungDepth = (u: number, v: number) => {
    const f = front(v) + 14;
    const b = back(v) - 26;
    const heart = 58 * Math.exp(-(((u - 150) / 62) ** 2) - ((v - 262) / 52) ** 2);
    const top = 26 + 0.0075 * (u - 205) ** 2;
    const dome =
      262 + 0.0024 * (u - 140) ** 2 + (0.0009 * (u - 140) ** 2 * Math.max(0, u - 140)) / 40;
    return Math.min(u - f - heart * 0.9, b - u, v - top, dome - v, 400);
  };
  map.addIn(0, 0, WIDTH, HEIGHT, (u, v) => {
    const d = lungDepth(u, v);
    if (d <= 0) return 0;
    const fade = Math.min(1, d / 25) ** 0.6;
    return -0.78 * 230 * fade * (1 + 0.04 * tex(u, v));
  });
  // Trachea angling back, sternum in front, vertebral bodies behind.
  map.addTube(
    [
      [150, 0, 9],
      [172, 165, 8],
    ],
    -0.9,
    0,
  );
  const sternum: [number, number, number][] = [];
  for (let v = 72; v <= 245; v += 6) sternum.push([front(v) + 7, v, 6]);
  map.addTube(sternum, MU_BONE * 0.8, 0.6);
  for (let k = 0; k < 17; k++) {
    const v = 6 + k * 26;
    const u = back(v) - 42 + 0.03 * (v - 200);
    map.addIn(u - 18, v, u + 18, v + 21, (uu, vv) => {
      const x = (uu - u) / 18;
      const y = (vv - v - 10.5) / 10.5;
      const q = 1 - x ** 6 - y ** 6;
      return q > 0 ? MU_BONE * 30 * q ** 0.3 : 0;
    });
    map.addEllipsoid(u + 28, v + 10, 9, 7, 16, MU_BONE * 0.5);
  }
  // Posterior ribs overlapping behind the lungs.
  for (let k = 2; k <= 11; k++) {
    const q0 = 40 + 24 * k;
    const pts: [number, number, number][] = [];
    for (let t = 0; t <= 1.0001; t += 0.05)
      pts.push([back(q0) - 30 - 100 * t, q0 + 40 * t * t + 10 * Math.sin(Math.PI * t), 5]);
    map.addTube(pts, MU_BONE * 0.8, 0.6);
  }
  // Hilar vessels and aortic arch.
  map.addEllipsoid(182, 190, 24, 30, 40, 0.9);
  map.addTube(
    [
      [135, 180, 13],
      [150, 128, 14],
      [190, 118, 13],
      [222, 150, 12],
      [232, 260, 11],
    ],
    0.5,
    0,
  );
  const branches = buildTree({
    seed: `${options.seed}/lat-vessels`,
    root: [182, 190, 0],
    inside: (u, v) => lungDepth(u, v) > 4,
    bounds: [
      [60, 30, -1],
      [320, 340, 1],
    ],
    leaves: 1100,
    levels: [180, 36, 7],
    leafRadius: 0.5,
    maxRadius: 7,
  });
  for (const b of branches)
    map.addTube(
      b.points.map(([u, v, , r]) => [u, v, r] as [number, number, number]),
      0.6,
    );
  map.addEllipsoid(170, 300, 22, 12, 30, -0.7);
  if (options.consolidation) {
    // The right lower lobe consolidation projects over the posterior lower chest.
    const patchy = AttenuationMap.texture(WIDTH, HEIGHT, 4, `${options.seed}/lat-consolidation`);
    map.addIn(170, 190, 300, 320, (u, v) => {
      if (lungDepth(u, v) <= 0) return 0;
      const d = Math.hypot((u - 238) / 40, (v - 262) / 34);
      const w = 1 - smoothstep(0.55, 1.25, d + 0.25 * patchy(u, v));
      return w > 0 ? 80 * w : 0;
    });
  }
  return renderProjection(
    map,
    CR_GRID.columns,
    CR_GRID.rows,
    CR_GRID.pixelMm,
    crValue,
    22,
    `${options.seed}/lat-noise`,
    CR_GRID.bitsStored,
  );
}

/** Presentation curve of the CR reader: log-like compression of attenuation into 12 bits. */
function crValue(a: number): number {
  return 90 + 3900 * (1 - Math.exp(-a / 190));
}
