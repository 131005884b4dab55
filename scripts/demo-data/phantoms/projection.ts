import { fillGaussian, noiseWindow, Rng } from '../prng.ts';

/**
 * A projection image being built: an attenuation map (mm of water equivalent) on a coarse grid
 * in image millimetres (u to the right, v down), with helpers to add the shadows of shapes.
 */
export class AttenuationMap {
  readonly cols: number;
  readonly rows: number;
  /** mm per cell */
  readonly step: number;
  readonly a: Float32Array;

  constructor(widthMm: number, heightMm: number, step: number) {
    this.step = step;
    this.cols = Math.ceil(widthMm / step);
    this.rows = Math.ceil(heightMm / step);
    this.a = new Float32Array(this.cols * this.rows);
  }

  /** Calls f(u, v) for every cell in a box and adds what it returns. */
  addIn(u0: number, v0: number, u1: number, v1: number, f: (u: number, v: number) => number): void {
    const s = this.step;
    const i0 = Math.max(0, Math.floor(u0 / s));
    const i1 = Math.min(this.cols - 1, Math.ceil(u1 / s));
    const j0 = Math.max(0, Math.floor(v0 / s));
    const j1 = Math.min(this.rows - 1, Math.ceil(v1 / s));
    for (let j = j0; j <= j1; j++) {
      const v = (j + 0.5) * s;
      for (let i = i0; i <= i1; i++) {
        const u = (i + 0.5) * s;
        const add = f(u, v);
        if (add !== 0) this.a[j * this.cols + i]! += add;
      }
    }
  }

  /** The shadow of an ellipsoid seen along its depth axis: μ × chord length. */
  addEllipsoid(
    cu: number,
    cv: number,
    ru: number,
    rv: number,
    depth: number,
    mu: number,
    angle = 0,
  ): void {
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const r = Math.max(ru, rv);
    this.addIn(cu - r, cv - r, cu + r, cv + r, (u, v) => {
      const x = ((u - cu) * c + (v - cv) * s) / ru;
      const y = (-(u - cu) * s + (v - cv) * c) / rv;
      const q = 1 - x * x - y * y;
      return q > 0 ? mu * depth * Math.sqrt(q) : 0;
    });
  }

  /**
   * The shadow of a tube along a polyline (radius per point): μ × chord through a cylinder, or for
   * a hollow bone a bright cortex around a paler middle. Overlapping segments of one tube are not
   * counted twice.
   */
  addTube(points: readonly (readonly [number, number, number])[], mu: number, hollow = 0): void {
    if (points.length < 2) return;
    let u0 = Infinity;
    let v0 = Infinity;
    let u1 = -Infinity;
    let v1 = -Infinity;
    for (const [u, v, r] of points) {
      u0 = Math.min(u0, u - r);
      v0 = Math.min(v0, v - r);
      u1 = Math.max(u1, u + r);
      v1 = Math.max(v1, v + r);
    }
    const s = this.step;
    const i0 = Math.max(0, Math.floor(u0 / s));
    const i1 = Math.min(this.cols - 1, Math.ceil(u1 / s));
    const j0 = Math.max(0, Math.floor(v0 / s));
    const j1 = Math.min(this.rows - 1, Math.ceil(v1 / s));
    const w = i1 - i0 + 1;
    const h = j1 - j0 + 1;
    if (w <= 0 || h <= 0) return;
    const best = new Float32Array(w * h);
    for (let k = 0; k < points.length - 1; k++) {
      const [ua, va, ra] = points[k]!;
      const [ub, vb, rb] = points[k + 1]!;
      const du = ub - ua;
      const dv = vb - va;
      const len2 = du * du + dv * dv || 1e-9;
      const r = Math.max(ra, rb);
      const bi0 = Math.max(i0, Math.floor((Math.min(ua, ub) - r) / s));
      const bi1 = Math.min(i1, Math.ceil((Math.max(ua, ub) + r) / s));
      const bj0 = Math.max(j0, Math.floor((Math.min(va, vb) - r) / s));
      const bj1 = Math.min(j1, Math.ceil((Math.max(va, vb) + r) / s));
      for (let j = bj0; j <= bj1; j++) {
        const v = (j + 0.5) * s;
        for (let i = bi0; i <= bi1; i++) {
          const u = (i + 0.5) * s;
          let t = ((u - ua) * du + (v - va) * dv) / len2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const rr = ra + (rb - ra) * t;
          const eu = u - (ua + du * t);
          const ev = v - (va + dv * t);
          const d2 = eu * eu + ev * ev;
          if (d2 >= rr * rr) continue;
          let chord = 2 * Math.sqrt(rr * rr - d2);
          if (hollow > 0) {
            const ri = rr * hollow;
            if (d2 < ri * ri) chord -= 2 * Math.sqrt(ri * ri - d2) * 0.75;
          }
          const at = (j - j0) * w + (i - i0);
          if (chord > best[at]!) best[at] = chord;
        }
      }
    }
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const b = best[j * w + i]!;
        if (b > 0) this.a[(j + j0) * this.cols + (i + i0)]! += mu * b;
      }
    }
  }

  /** Smooth random texture in [-1, 1] at a scale (mm), as a coarse grid to sample bilinearly. */
  static texture(
    widthMm: number,
    heightMm: number,
    scaleMm: number,
    seed: string,
  ): (u: number, v: number) => number {
    const cols = Math.ceil(widthMm / scaleMm) + 2;
    const rows = Math.ceil(heightMm / scaleMm) + 2;
    const g = new Float32Array(cols * rows);
    fillGaussian(g, new Rng(seed));
    return (u, v) => {
      const x = Math.min(cols - 1.001, Math.max(0, u / scaleMm));
      const y = Math.min(rows - 1.001, Math.max(0, v / scaleMm));
      const i = Math.floor(x);
      const j = Math.floor(y);
      const fx = x - i;
      const fy = y - j;
      const sx = fx * fx * (3 - 2 * fx);
      const sy = fy * fy * (3 - 2 * fy);
      const a = g[j * cols + i]!;
      const b = g[j * cols + i + 1]!;
      const c = g[(j + 1) * cols + i]!;
      const d = g[(j + 1) * cols + i + 1]!;
      return (a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy) / 2;
    };
  }
}

/**
 * Samples the coarse attenuation map onto the detector grid (bilinear), maps it to 12-bit
 * presentation values with `toValue`, and adds detector noise.
 */
export function renderProjection(
  map: AttenuationMap,
  columns: number,
  rows: number,
  pixelMm: number,
  toValue: (a: number) => number,
  noiseSd: number,
  seed: string,
  bitsStored: number,
  /** attenuation below which a pixel is background: written as `toValue(0)` without noise */
  quietBelow = -Infinity,
): Uint16Array {
  const out = new Uint16Array(columns * rows);
  const noise = new Float32Array(columns);
  const max = (1 << bitsStored) - 1;
  const lut = new Float32Array(4096);
  const aMax = 700;
  for (let k = 0; k < lut.length; k++) lut[k] = toValue((k / (lut.length - 1)) * aMax);
  const s = map.step;
  for (let y = 0; y < rows; y++) {
    noiseWindow(noise, `${seed}/${y}`);
    const fy = ((y + 0.5) * pixelMm) / s - 0.5;
    const j = Math.max(0, Math.min(map.rows - 2, Math.floor(fy)));
    const wy = Math.min(1, Math.max(0, fy - j));
    for (let x = 0; x < columns; x++) {
      const fx = ((x + 0.5) * pixelMm) / s - 0.5;
      const i = Math.max(0, Math.min(map.cols - 2, Math.floor(fx)));
      const wx = Math.min(1, Math.max(0, fx - i));
      const o = j * map.cols + i;
      const a0 = map.a[o]! + (map.a[o + 1]! - map.a[o]!) * wx;
      const a1 = map.a[o + map.cols]! + (map.a[o + map.cols + 1]! - map.a[o + map.cols]!) * wx;
      const a = a0 + (a1 - a0) * wy;
      if (a < quietBelow) {
        out[y * columns + x] = lut[0]! + 0.5;
        continue;
      }
      let k = Math.round((a / aMax) * (lut.length - 1));
      k = k < 0 ? 0 : k >= lut.length ? lut.length - 1 : k;
      const value = lut[k]! + noiseSd * noise[x]! + 0.5;
      out[y * columns + x] = value < 0 ? 0 : value >= max ? max : value | 0;
    }
  }
  return out;
}
