import { AttenuationMap, renderProjection } from './projection.ts';
import { Rng } from '../prng.ts';

/** Detector of the mammograms: 3328 rows × 2560 columns at 0.07 mm (a 24 × 18 cm field). */
export const MG_GRID = { columns: 2560, rows: 3328, pixelMm: 0.07, bitsStored: 12 } as const;

const WIDTH = MG_GRID.columns * MG_GRID.pixelMm;
const HEIGHT = MG_GRID.rows * MG_GRID.pixelMm;
const STEP = 0.14;

export interface MammoOptions {
  /** the same seed gives the same breast (texture, vessels, calcifications) */
  breastSeed: string;
  laterality: 'R' | 'L';
  view: 'CC' | 'MLO';
  /** small shifts between exams: the breast is never positioned twice the same */
  positioningShiftMm: readonly [number, number];
  /** a mass: its place relative to the nipple (mm) and its diameter, spiculated or a faint asymmetry */
  lesion?: {
    depthFromNipple: number;
    lateral: number;
    superior: number;
    diameter: number;
    kind: 'spiculated-mass' | 'asymmetry';
  };
}

function smoothstep(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/**
 * One mammographic view. The image is built with the chest wall on the right for the right breast
 * and on the left for the left breast (the usual hanging, back to back), so every view is computed
 * with the chest wall on the right and mirrored for the left breast.
 */
export function mammogram(o: MammoOptions): Uint16Array {
  const map = new AttenuationMap(WIDTH, HEIGHT, STEP);
  const [su, sv] = o.positioningShiftMm;
  const mlo = o.view === 'MLO';
  const chestWall = WIDTH;
  const depth = (mlo ? 112 : 104) + su;
  const vc = (mlo ? 128 : 117) + sv;
  const halfHeight = mlo ? 104 : 86;
  const nipple = [chestWall - depth, vc + (mlo ? 8 : 3)] as const;
  const thickness = mlo ? 56 : 52;
  const seed = `${o.breastSeed}/${o.view}`;
  const n1 = AttenuationMap.texture(WIDTH, HEIGHT, 14, `${o.breastSeed}/t1`);
  const n2 = AttenuationMap.texture(WIDTH, HEIGHT, 5.5, `${o.breastSeed}/t2`);
  const n3 = AttenuationMap.texture(WIDTH, HEIGHT, 2.2, `${o.breastSeed}/t3`);
  const n4 = AttenuationMap.texture(WIDTH, HEIGHT, 0.9, `${o.breastSeed}/t4`);
  const n5 = AttenuationMap.texture(WIDTH, HEIGHT, 0.45, `${o.breastSeed}/t5`);
  const lig = AttenuationMap.texture(WIDTH, HEIGHT, 11, `${o.breastSeed}/ligaments`);
  // Pectoral muscle edge on the MLO: a line from the top towards the chest wall.
  const pectoral = (u: number, v: number) => u > chestWall - 52 + su + (52 * v) / (120 + sv);
  map.addIn(0, 0, WIDTH, HEIGHT, (u, v) => {
    const x = (chestWall - u) / depth;
    const yy = (v - vc) / halfHeight;
    // Outline: a half ellipse from the chest wall, fuller towards the axilla on the MLO.
    const axilla = mlo ? 0.25 * smoothstep(0.4, -1.1, yy) : 0;
    const rho = Math.sqrt(x * x + (yy * (1 - axilla)) ** 2);
    const inPectoral = mlo && pectoral(u, v);
    if (rho > 1 && !inPectoral) return 0;
    // Compressed thickness falls off within the outer fifth towards the skin line.
    const edge = Math.min(1, Math.max(0, (1 - rho) / 0.22));
    const t = thickness * Math.sqrt(1 - (1 - edge) ** 2);
    if (inPectoral) return thickness * 0.78 * (0.97 + 0.03 * n2(u, v));
    // Fibroglandular density: most behind the nipple and in the upper outer quadrant, fatty at the
    // edges and just in front of the chest wall.
    const cu = chestWall - depth * 0.45;
    const cv = vc - halfHeight * 0.15;
    const central = Math.exp(
      -(((u - cu) / (depth * 0.42)) ** 2) - ((v - cv) / (halfHeight * 0.55)) ** 2,
    );
    const g = smoothstep(
      0.28,
      0.75,
      0.8 * central +
        0.34 * n1(u, v) +
        0.18 * n2(u, v) +
        0.14 * n3(u, v) +
        0.09 * n4(u, v) +
        0.05 * n5(u, v),
    );
    // Cooper's ligaments: thin curved strands through the fat.
    const l = 1 - Math.abs(lig(u, v));
    const ligament = (1 - g) * Math.pow(Math.max(0, l), 40) * 0.16;
    const skinDepth = ((1 - rho) * depth) / 0.9;
    const skin = Math.exp(-skinDepth * skinDepth) * 0.25;
    return t * (0.45 + 0.37 * g + ligament) + thickness * skin;
  });
  // Nipple.
  map.addEllipsoid(nipple[0] - 2, nipple[1], 5, 6, 10, 0.8);
  const rng = new Rng(`${o.breastSeed}/structures`);
  // Vessels running from the chest wall towards the nipple.
  for (let k = 0; k < 4; k++) {
    const startV = vc + rng.range(-halfHeight * 0.7, halfHeight * 0.7);
    const pts: [number, number, number][] = [];
    const phase = rng.range(0, 6);
    for (let t = 0; t <= 1.0001; t += 0.02) {
      const u = chestWall - t * depth * rng.range(0.75, 0.8);
      const v = startV + (nipple[1] - startV) * t * 0.6 + 4 * Math.sin(t * 9 + phase);
      pts.push([u, v, 0.9 - 0.5 * t]);
    }
    map.addTube(pts, 0.45);
  }
  // Scattered benign punctate calcifications.
  for (let k = 0; k < 14; k++) {
    const t = rng.range(0.2, 0.8);
    const u = chestWall - depth * t;
    const v = vc + rng.range(-0.6, 0.6) * halfHeight * (1 - t * 0.5);
    map.addEllipsoid(u, v, rng.range(0.14, 0.3), rng.range(0.14, 0.3), 0.5, 30);
  }
  if (o.lesion) {
    const l = o.lesion;
    const u = nipple[0] + l.depthFromNipple;
    // On the CC the image's vertical axis runs lateral-to-medial; on the MLO it is mostly superior.
    const v = nipple[1] - (mlo ? l.superior + 0.3 * l.lateral : l.lateral);
    const r = l.diameter / 2;
    if (l.kind === 'spiculated-mass') {
      map.addEllipsoid(u, v, r, r * 0.9, 2 * r * 1.6, 0.42, 0.4);
      const srng = new Rng(`${o.breastSeed}/spicules`);
      for (let k = 0; k < 16; k++) {
        const a = (k / 16) * Math.PI * 2 + srng.range(-0.15, 0.15);
        const len = r + srng.range(4, 11);
        map.addTube(
          [
            [u + Math.cos(a) * r * 0.7, v + Math.sin(a) * r * 0.7, 0.4],
            [u + Math.cos(a) * len, v + Math.sin(a) * len, 0.1],
          ],
          3.5,
        );
      }
    } else {
      map.addEllipsoid(u, v, r, r * 0.8, 2 * r, 0.35);
    }
  }
  const pixels = renderProjection(
    map,
    MG_GRID.columns,
    MG_GRID.rows,
    MG_GRID.pixelMm,
    mgValue,
    16,
    `${seed}/${o.laterality}/noise`,
    MG_GRID.bitsStored,
    0.5,
  );
  return o.laterality === 'L' ? mirrorColumns(pixels, MG_GRID.columns, MG_GRID.rows) : pixels;
}

function mirrorColumns(px: Uint16Array, columns: number, rows: number): Uint16Array {
  const out = new Uint16Array(px.length);
  for (let y = 0; y < rows; y++) {
    const o = y * columns;
    for (let x = 0; x < columns; x++) out[o + x] = px[o + columns - 1 - x]!;
  }
  return out;
}

/** Presentation curve: background black, fat mid-grey, dense tissue and calcium near white. */
function mgValue(a: number): number {
  const t = Math.min(1, Math.max(0, a / 46));
  return 40 + 3950 * Math.pow(t, 1.35);
}
