import type { ChainPoint } from './label-slice.ts';
import { Rng } from '../prng.ts';

type Vec = [number, number, number];

export interface TreeOptions {
  seed: string;
  /** where the trunk enters the organ (a hilum) */
  root: readonly [number, number, number];
  /** whether a point is inside the organ the tree fills */
  inside: (x: number, y: number, z: number) => boolean;
  /** box to sample the organ in: [min, max] */
  bounds: readonly [readonly [number, number, number], readonly [number, number, number]];
  /** number of terminal branches */
  leaves: number;
  /** number of branch points on each level, from the periphery inwards, e.g. [300, 60, 12] */
  levels: readonly number[];
  /** radius of a terminal branch (mm); parents follow Murray's law, r³ = Σ r³ of the children */
  leafRadius: number;
  maxRadius: number;
}

/** One branch of a tree: a polyline from a child node to its parent, with its radius and depth. */
export interface Branch {
  points: ChainPoint[];
  /** 0 for terminal branches, growing towards the root */
  level: number;
  radius: number;
}

/**
 * Builds a vascular-looking tree that fills an organ: terminal points are scattered through the
 * organ, grouped level by level into branch points (a few rounds of k-means), and each point is
 * joined to its group's branch point by a gently curved tube. Radii grow towards the root by
 * Murray's law, so the trunk is thick and the periphery fine, and every branch is continuous in
 * 3-D, so scrolling through slices looks like following real vessels.
 */
export function buildTree(options: TreeOptions): Branch[] {
  const rng = new Rng(options.seed);
  const [lo, hi] = options.bounds;
  let points: Vec[] = [];
  let guard = 0;
  while (points.length < options.leaves && guard++ < options.leaves * 200) {
    const p: Vec = [rng.range(lo[0], hi[0]), rng.range(lo[1], hi[1]), rng.range(lo[2], hi[2])];
    if (options.inside(p[0], p[1], p[2])) points.push(p);
  }
  let radii = points.map(() => options.leafRadius);
  const branches: Branch[] = [];
  const counts = [...options.levels, 1];
  for (let level = 0; level < counts.length; level++) {
    const k = Math.min(counts[level]!, points.length);
    const isRoot = level === counts.length - 1;
    let centres: Vec[] = isRoot ? [[...options.root] as Vec] : pickDistinct(points, k, rng);
    let assign = nearest(points, centres);
    if (!isRoot) {
      for (let iter = 0; iter < 3; iter++) {
        centres = recentre(points, centres, assign, options.inside);
        assign = nearest(points, centres);
      }
    }
    const parentCube = centres.map(() => 0);
    points.forEach((p, i) => {
      const ci = assign[i]!;
      const r = radii[i]!;
      parentCube[ci]! += r * r * r;
      branches.push({ points: curvedChain(p, centres[ci]!, r, rng), level, radius: r });
    });
    radii = parentCube.map((c) => Math.min(options.maxRadius, Math.cbrt(c)));
    points = centres;
  }
  return branches;
}

function dist(a: Vec, b: Vec): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Moves each centre to the mean of its members, or to the member nearest that mean if the mean lies outside. */
function recentre(
  points: Vec[],
  centres: Vec[],
  assign: number[],
  inside: TreeOptions['inside'],
): Vec[] {
  const k = centres.length;
  const sums = new Float64Array(k * 3);
  const counts = new Int32Array(k);
  points.forEach((p, i) => {
    const c = assign[i]!;
    sums[c * 3]! += p[0];
    sums[c * 3 + 1]! += p[1];
    sums[c * 3 + 2]! += p[2];
    counts[c]!++;
  });
  const means: (Vec | null)[] = centres.map((c, ci) =>
    counts[ci]
      ? [
          sums[ci * 3]! / counts[ci]!,
          sums[ci * 3 + 1]! / counts[ci]!,
          sums[ci * 3 + 2]! / counts[ci]!,
        ]
      : null,
  );
  const out: Vec[] = centres.map((c, ci) => {
    const m = means[ci];
    return m && inside(m[0], m[1], m[2]) ? m : c;
  });
  const bestD = new Float64Array(k).fill(Infinity);
  points.forEach((p, i) => {
    const c = assign[i]!;
    const m = means[c];
    if (!m || out[c] === m) return;
    const d = dist(p, m);
    if (d < bestD[c]!) {
      bestD[c] = d;
      out[c] = p;
    }
  });
  return out.map((v) => [...v] as Vec);
}

function pickDistinct(points: Vec[], k: number, rng: Rng): Vec[] {
  const idx = points.map((_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, k).map((i) => [...points[i]!] as Vec);
}

function nearest(points: Vec[], centres: Vec[]): number[] {
  return points.map((p) => {
    let best = 0;
    let bd = Infinity;
    for (let c = 0; c < centres.length; c++) {
      const d =
        (p[0] - centres[c]![0]) ** 2 + (p[1] - centres[c]![1]) ** 2 + (p[2] - centres[c]![2]) ** 2;
      if (d < bd) {
        bd = d;
        best = c;
      }
    }
    return best;
  });
}

/** A tube from a to b bowed sideways by up to a tenth of its length. */
function curvedChain(a: Vec, b: Vec, r: number, rng: Rng): ChainPoint[] {
  const len = dist(a, b);
  const bow = len * 0.1;
  const off: Vec = [rng.range(-bow, bow), rng.range(-bow, bow), rng.range(-bow, bow)];
  const pts: ChainPoint[] = [];
  const n = 4;
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const s = Math.sin(Math.PI * t);
    pts.push([
      a[0] + (b[0] - a[0]) * t + off[0] * s,
      a[1] + (b[1] - a[1]) * t + off[1] * s,
      a[2] + (b[2] - a[2]) * t + off[2] * s,
      r,
    ]);
  }
  return pts;
}

/** Airways running beside the larger branches of an arterial tree. */
export function companionAirways(branches: readonly Branch[], minRadius: number): ChainPoint[][] {
  const out: ChainPoint[][] = [];
  for (const b of branches) {
    if (b.radius < minRadius) continue;
    const first = b.points[0]!;
    const last = b.points[b.points.length - 1]!;
    const d: Vec = [last[0] - first[0], last[1] - first[1], last[2] - first[2]];
    // Perpendicular to the branch, in the plane closest to horizontal.
    let side: Vec = [-d[1], d[0], 0];
    const n = Math.hypot(side[0], side[1]) || 1;
    side = [side[0] / n, side[1] / n, 0];
    const rb = b.radius * 0.95;
    const shift = b.radius + rb + 0.6;
    out.push(
      b.points.map(([x, y, z]) => [x + side[0] * shift, y + side[1] * shift, z, rb] as ChainPoint),
    );
  }
  return out;
}
