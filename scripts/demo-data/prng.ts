/**
 * Seeded pseudo-random numbers for the phantoms. Everything the generator writes must be the same
 * bytes on every run, so nothing here touches Math.random or the clock.
 */

/** 32-bit FNV-1a hash of a string, used to turn a stable name into a seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A small, fast generator (sfc32) with uniform and Gaussian draws. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number | string) {
    const s = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0;
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = s;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller, one spare kept). */
  gauss(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = this.next();
    if (u < 1e-12) u = 1e-12;
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

const GAUSS_TABLE_BITS = 16;
let gaussTable: Float32Array | null = null;

/** 65,536 standard normal samples, sorted by quantile, indexed by 16 random bits. */
function standardNormalTable(): Float32Array {
  if (gaussTable) return gaussTable;
  const n = 1 << GAUSS_TABLE_BITS;
  const table = new Float32Array(n);
  // Inverse CDF at the centre of each of n equal-probability bins (Acklam's approximation).
  for (let i = 0; i < n; i++) table[i] = inverseNormalCdf((i + 0.5) / n);
  gaussTable = table;
  return table;
}

function inverseNormalCdf(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155211571,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Fills `out` with standard normal noise quickly (two table look-ups per 32 random bits), for the
 * millions of samples a mammogram or a CT series needs.
 */
export function fillGaussian(out: Float32Array, rng: Rng): void {
  const table = standardNormalTable();
  const n = out.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r = rng.nextUint32();
    out[i] = table[r & 0xffff]!;
    out[i + 1] = table[r >>> 16]!;
  }
  if (i < n) out[i] = table[rng.nextUint32() & 0xffff]!;
}

const POOL_BITS = 22;
let pool: Float32Array | null = null;

/**
 * Fills `out` with standard normal noise taken from a fixed pool of 4 Mi samples, starting at an
 * offset derived from `seed`: as random-looking as fresh noise for images, at the cost of a copy.
 */
export function noiseWindow(out: Float32Array, seed: string): void {
  if (!pool) {
    pool = new Float32Array(1 << POOL_BITS);
    fillGaussian(pool, new Rng('tandem-noise-pool'));
  }
  const size = pool.length;
  let at = new Rng(seed).nextUint32() & (size - 1);
  let done = 0;
  while (done < out.length) {
    const n = Math.min(out.length - done, size - at);
    out.set(pool.subarray(at, at + n), done);
    done += n;
    at = 0;
  }
}
