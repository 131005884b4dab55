/**
 * A 2-D slice of tissue labels in patient coordinates, and the 3-D primitives (ellipsoids, tubes,
 * chains of capsules) that the CT and MR phantoms are built from. A phantom paints its primitives
 * in order, each over the labels it may cover; the slice is then turned into pixel values.
 */

/** Pixel grid of an axial slice: column i is at x0 + i·dx, row j at y0 + j·dy (mm, patient LPS). */
export interface SliceGrid {
  readonly cols: number;
  readonly rows: number;
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
}

/** An ellipse in the slice plane; `angle` rotates its x semi-axis towards +y (radians). */
export interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  angle?: number;
}

/** Which existing labels a primitive may paint over: `undefined` means any. */
export type Cover = Uint8Array | undefined;

export function coverOf(labels: readonly number[] | undefined): Cover {
  if (!labels) return undefined;
  const mask = new Uint8Array(256);
  for (const l of labels) mask[l] = 1;
  return mask;
}

export class LabelSlice {
  readonly grid: SliceGrid;
  readonly labels: Uint8Array;

  constructor(grid: SliceGrid) {
    this.grid = grid;
    this.labels = new Uint8Array(grid.cols * grid.rows);
  }

  clear(label: number): void {
    this.labels.fill(label);
  }

  /** Paints every pixel whose centre lies inside the circle. */
  fillDisc(cx: number, cy: number, r: number, label: number, cover?: Cover): void {
    const { cols, rows, x0, y0, dx, dy } = this.grid;
    const j0 = Math.max(0, Math.ceil((cy - r - y0) / dy));
    const j1 = Math.min(rows - 1, Math.floor((cy + r - y0) / dy));
    const labels = this.labels;
    const r2 = r * r;
    for (let j = j0; j <= j1; j++) {
      const v = y0 + j * dy - cy;
      const h2 = r2 - v * v;
      if (h2 < 0) continue;
      const h = Math.sqrt(h2);
      const i0 = Math.max(0, Math.ceil((cx - h - x0) / dx));
      const i1 = Math.min(cols - 1, Math.floor((cx + h - x0) / dx));
      const base = j * cols;
      if (cover) {
        for (let i = i0; i <= i1; i++) if (cover[labels[base + i]!]) labels[base + i] = label;
      } else if (i1 >= i0) {
        labels.fill(label, base + i0, base + i1 + 1);
      }
    }
  }

  /** Paints every pixel whose centre lies inside the ellipse. */
  fillEllipse(e: Ellipse, label: number, cover?: Cover): void {
    const { cols, rows, x0, y0, dx, dy } = this.grid;
    const rx = e.rx;
    const ry = e.ry;
    if (!(rx > 0 && ry > 0)) return;
    const ang = e.angle ?? 0;
    const c = Math.cos(ang);
    const s = Math.sin(ang);
    const irx2 = 1 / (rx * rx);
    const iry2 = 1 / (ry * ry);
    // Quadratic in u = x - cx for a row at v = y - cy: A u² + B u + C <= 0.
    const A = c * c * irx2 + s * s * iry2;
    const Bk = 2 * s * c * (irx2 - iry2);
    const Ck = s * s * irx2 + c * c * iry2;
    const ey = Math.sqrt(rx * rx * s * s + ry * ry * c * c);
    const j0 = Math.max(0, Math.ceil((e.cy - ey - y0) / dy));
    const j1 = Math.min(rows - 1, Math.floor((e.cy + ey - y0) / dy));
    const labels = this.labels;
    for (let j = j0; j <= j1; j++) {
      const v = y0 + j * dy - e.cy;
      const B = Bk * v;
      const C = Ck * v * v - 1;
      const disc = B * B - 4 * A * C;
      if (disc < 0) continue;
      const sq = Math.sqrt(disc);
      const u0 = (-B - sq) / (2 * A);
      const u1 = (-B + sq) / (2 * A);
      const i0 = Math.max(0, Math.ceil((e.cx + u0 - x0) / dx));
      const i1 = Math.min(cols - 1, Math.floor((e.cx + u1 - x0) / dx));
      const base = j * cols;
      if (cover) {
        for (let i = i0; i <= i1; i++) if (cover[labels[base + i]!]) labels[base + i] = label;
      } else if (i1 >= i0) {
        labels.fill(label, base + i0, base + i1 + 1);
      }
    }
  }
}

/** Anything that can paint itself into a slice at height z. */
export interface Primitive {
  paint(slice: LabelSlice, z: number): void;
}

/** An ellipsoid, optionally rotated about the z axis. */
export function ellipsoid(
  centre: readonly [number, number, number],
  radii: readonly [number, number, number],
  label: number,
  options: { angle?: number; cover?: readonly number[] } = {},
): Primitive {
  const cover = coverOf(options.cover);
  const [cx, cy, cz] = centre;
  const [a, b, c] = radii;
  return {
    paint(slice, z) {
      const t = (z - cz) / c;
      if (t <= -1 || t >= 1) return;
      const k = Math.sqrt(1 - t * t);
      slice.fillEllipse({ cx, cy, rx: a * k, ry: b * k, angle: options.angle ?? 0 }, label, cover);
    },
  };
}

/** One key section of a tube: an ellipse at height z. */
export interface TubeKey {
  z: number;
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  angle?: number;
}

/** Linearly interpolates a tube's section at z (keys in either z order), or null outside it. */
export function tubeSection(keys: readonly TubeKey[], z: number): Ellipse | null {
  for (let i = 0; i < keys.length - 1; i++) {
    const k0 = keys[i]!;
    const k1 = keys[i + 1]!;
    if ((z >= k0.z && z <= k1.z) || (z <= k0.z && z >= k1.z)) {
      const t = k1.z === k0.z ? 0 : (z - k0.z) / (k1.z - k0.z);
      const lerp = (p: number, q: number) => p + (q - p) * t;
      return {
        cx: lerp(k0.cx, k1.cx),
        cy: lerp(k0.cy, k1.cy),
        rx: lerp(k0.rx, k1.rx),
        ry: lerp(k0.ry, k1.ry),
        angle: lerp(k0.angle ?? 0, k1.angle ?? 0),
      };
    }
  }
  return null;
}

/** A tube whose elliptic section varies along z through the given keys (sorted by z). */
export function tube(
  keys: readonly TubeKey[],
  label: number,
  options: { cover?: readonly number[]; inset?: number } = {},
): Primitive {
  const sorted = [...keys].sort((p, q) => p.z - q.z);
  const cover = coverOf(options.cover);
  const inset = options.inset ?? 0;
  return {
    paint(slice, z) {
      const e = tubeSection(sorted, z);
      if (!e) return;
      slice.fillEllipse({ ...e, rx: e.rx - inset, ry: e.ry - inset }, label, cover);
    },
  };
}

/** A point on a capsule chain: position and radius (mm). */
export type ChainPoint = readonly [x: number, y: number, z: number, r: number];

/**
 * Chains of capsules (vessels, bronchi, ribs): each polyline is sampled densely into spheres,
 * bucketed by z, and a slice paints the circles where it cuts them.
 */
export class CapsuleChains implements Primitive {
  private readonly label: number;
  private readonly cover: Cover;
  private readonly radiusScale: number;
  private samples: Float32Array = new Float32Array(0);
  private buckets: Int32Array = new Int32Array(1);
  private zMin = 0;
  private maxR = 0;

  constructor(
    polylines: readonly (readonly ChainPoint[])[],
    label: number,
    options: { cover?: readonly number[]; radiusScale?: number } = {},
  ) {
    this.label = label;
    this.cover = coverOf(options.cover);
    this.radiusScale = options.radiusScale ?? 1;
    this.build(polylines);
  }

  private build(polylines: readonly (readonly ChainPoint[])[]): void {
    let pts = new Float32Array(4096);
    let count = 0;
    const push = (x: number, y: number, z: number, r: number) => {
      if ((count + 1) * 4 > pts.length) {
        const bigger = new Float32Array(pts.length * 2);
        bigger.set(pts);
        pts = bigger;
      }
      pts[count * 4] = x;
      pts[count * 4 + 1] = y;
      pts[count * 4 + 2] = z;
      pts[count * 4 + 3] = r;
      count++;
    };
    for (const line of polylines) {
      for (let i = 0; i < line.length - 1; i++) {
        const [x0, y0, z0, r0] = line[i]!;
        const [x1, y1, z1, r1] = line[i + 1]!;
        const len = Math.hypot(x1 - x0, y1 - y0, z1 - z0);
        const step = Math.max(0.3, Math.min(r0, r1) * this.radiusScale * 0.6);
        const n = Math.max(1, Math.ceil(len / step));
        for (let k = i === 0 ? 0 : 1; k <= n; k++) {
          const t = k / n;
          push(
            x0 + (x1 - x0) * t,
            y0 + (y1 - y0) * t,
            z0 + (z1 - z0) * t,
            (r0 + (r1 - r0) * t) * this.radiusScale,
          );
        }
      }
    }
    if (count === 0) return;
    let zMin = Infinity;
    let zMax = -Infinity;
    let maxR = 0;
    for (let i = 0; i < count; i++) {
      zMin = Math.min(zMin, pts[i * 4 + 2]!);
      zMax = Math.max(zMax, pts[i * 4 + 2]!);
      maxR = Math.max(maxR, pts[i * 4 + 3]!);
    }
    // Counting sort by 1-mm z bucket.
    const nb = Math.floor(zMax - zMin) + 2;
    const counts = new Int32Array(nb + 1);
    for (let i = 0; i < count; i++) counts[Math.floor(pts[i * 4 + 2]! - zMin) + 1]!++;
    for (let b = 0; b < nb; b++) counts[b + 1]! += counts[b]!;
    const fill = counts.slice();
    const out = new Float32Array(count * 4);
    for (let i = 0; i < count; i++) {
      const at = fill[Math.floor(pts[i * 4 + 2]! - zMin)]!++;
      out[at * 4] = pts[i * 4]!;
      out[at * 4 + 1] = pts[i * 4 + 1]!;
      out[at * 4 + 2] = pts[i * 4 + 2]!;
      out[at * 4 + 3] = pts[i * 4 + 3]!;
    }
    this.samples = out;
    this.buckets = counts;
    this.zMin = zMin;
    this.maxR = maxR;
  }

  paint(slice: LabelSlice, z: number): void {
    const nb = this.buckets.length - 1;
    if (nb <= 0) return;
    const b0 = Math.max(0, Math.floor(z - this.maxR - this.zMin));
    const b1 = Math.min(nb - 1, Math.floor(z + this.maxR - this.zMin));
    const minR = Math.min(slice.grid.dx, slice.grid.dy) * 0.35;
    const s = this.samples;
    for (let i = this.buckets[b0]!; i < this.buckets[b1 + 1]!; i++) {
      const dz = z - s[i * 4 + 2]!;
      const r = s[i * 4 + 3]!;
      const r2 = r * r - dz * dz;
      if (r2 <= minR * minR) continue;
      slice.fillDisc(s[i * 4]!, s[i * 4 + 1]!, Math.sqrt(r2), this.label, this.cover);
    }
  }
}

/** Separable [1 2 1]/4 blur in place: the partial-volume softness of a reconstructed image. */
let blurScratch = new Float32Array(0);

export function blur121(values: Float32Array, cols: number, rows: number, passes = 1): void {
  if (blurScratch.length < values.length) blurScratch = new Float32Array(values.length);
  const tmp = blurScratch;
  for (let p = 0; p < passes; p++) {
    for (let j = 0; j < rows; j++) {
      const o = j * cols;
      tmp[o] = (3 * values[o]! + values[o + 1]!) / 4;
      for (let i = 1; i < cols - 1; i++)
        tmp[o + i] = (values[o + i - 1]! + 2 * values[o + i]! + values[o + i + 1]!) / 4;
      tmp[o + cols - 1] = (values[o + cols - 2]! + 3 * values[o + cols - 1]!) / 4;
    }
    for (let i = 0; i < cols; i++) values[i] = (3 * tmp[i]! + tmp[cols + i]!) / 4;
    for (let j = 1; j < rows - 1; j++) {
      const o = j * cols;
      for (let i = 0; i < cols; i++)
        values[o + i] = (tmp[o - cols + i]! + 2 * tmp[o + i]! + tmp[o + cols + i]!) / 4;
    }
    const last = (rows - 1) * cols;
    for (let i = 0; i < cols; i++)
      values[last + i] = (tmp[last - cols + i]! + 3 * tmp[last + i]!) / 4;
  }
}
